"""HTML pieces of the Datasette site, pure functions: the search expression, and escaping
then highlighting scraped text. Everything scraped is escaped before it reaches a page:
highlighting cuts the raw text at offsets and escapes each piece."""

from __future__ import annotations

import re

from markupsafe import Markup, escape


def fts_expression(query: str) -> str:
    """A safe FTS5 expression from what a person types: words are ANDed, "quoted phrases"
    stay phrases, a trailing * makes a prefix (santé commun*), OU/OR between two terms.
    Punctuation never reaches FTS5 (SEC-Pa becomes the phrase "SEC Pa")."""
    parts: list[str] = []
    for phrase, word in re.findall(r'"([^"]*)"?|([^\s"]+)', query or ""):
        if word and word.upper() in ("OR", "OU"):
            if parts and parts[-1] != "OR":
                parts.append("OR")
            continue
        words = re.findall(r"\w+", phrase or word)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if (phrase or word).rstrip().endswith("*"):
            term += " *"
        parts.append(term)
    while parts and parts[-1] == "OR":
        parts.pop()
    return " ".join(parts)


def mark_snippet(value: str | None, start: str = "\x02", end: str = "\x03") -> Markup:
    """Escape a snippet whose matches are framed by control characters, then turn those
    characters into <mark> tags."""
    text = str(escape(value or ""))
    return Markup(text.replace(start, "<mark>").replace(end, "</mark>"))


def mark_term(snippet: str, term: str) -> Markup:
    """Escape a snippet and mark the first occurrence of `term` (case-insensitive)."""
    position = snippet.lower().find((term or "").lower()) if term else -1
    if position < 0:
        return Markup(escape(snippet))
    end = position + len(term)
    return Markup(f"{escape(snippet[:position])}<mark>{escape(snippet[position:end])}</mark>"
                  f"{escape(snippet[end:])}")


def mark_extract(before: str | None, cited: str | None, after: str | None, cls: str) -> Markup:
    """An extract around a citation, escaped, the citation in <mark class=cls>."""
    return Markup(f'{escape(before or "")}<mark class="{escape(cls)}">{escape(cited or "")}</mark>'
                  f'{escape(after or "")}')


def highlight(text: str, spans: list[dict]) -> Markup:
    """The text, escaped, with every span {start, end, cls, title, href?} wrapped in
    <mark class=...>; overlapping spans cut the text into pieces that carry every class
    covering them. Spans outside the text are ignored."""
    text = text or ""
    spans = [s for s in spans if 0 <= s["start"] < s["end"] <= len(text)]
    points = sorted({0, len(text), *(s["start"] for s in spans), *(s["end"] for s in spans)})
    out = []
    for a, b in zip(points, points[1:]):
        piece = escape(text[a:b])
        covering = [s for s in spans if s["start"] <= a and s["end"] >= b]
        if not covering:
            out.append(str(piece))
            continue
        classes = " ".join(sorted({c for s in covering for c in s["cls"].split()}))
        titles = " ; ".join(dict.fromkeys(s["title"] for s in covering if s.get("title")))
        html = f'<mark class="{classes}" title="{escape(titles)}">{piece}</mark>'
        href = next((s["href"] for s in covering if s.get("href")), None)
        if href:
            html = f'<a class="mark-link" href="{escape(href)}">{html}</a>'
        out.append(html)
    return Markup("".join(out))


def locate(text: str, start: int | None, end: int | None, expected: str | None) -> tuple[int, int] | None:
    """Offsets to highlight: the stored ones when they still cover `expected`, else the
    first occurrence of `expected` in the text (the text changed since tagging), else None."""
    if start is not None and end is not None and 0 <= start < end <= len(text):
        if not expected or text[start:end] == expected:
            return start, end
    if expected:
        found = text.find(expected)
        if found >= 0:
            return found, found + len(expected)
    return None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_url(value: str | None) -> str:
    """The one URL filter for every URL that leaves the system (site, feeds, calendar,
    digest, alerts): the URL when it is an absolute http(s) URL without spaces or control
    characters, else "" (a scraped "javascript:", "data:" or "file:" link never becomes a link)."""
    value = (value or "").strip()
    if not re.match(r"(?i)^https?://[^\s/$.?#][^\s]*$", value) or _CONTROL.search(value):
        return ""
    return value
