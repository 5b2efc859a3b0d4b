"""Text cleaning shared by every stage: HTML to plain text, and length-preserving folding."""

from __future__ import annotations

import functools
import html
import itertools
import operator
import re
import unicodedata

_BLOCK_TAGS = re.compile(r"(?is)<\s*(?:br|/p|p|/div|div|/li|li|/h[1-6]|h[1-6]|tr|/tr)\b[^>]*>")
_DROP_ELEMENTS = re.compile(r"(?is)<(script|style|noscript)\b.*?</\1\s*>")
_TAG = re.compile(r"(?s)<[^>]{0,2000}>")
_COMMENT = re.compile(r"(?s)<!--.*?-->")
_SPACE_RUN = re.compile("  +")  # a literal prefix: searched fast (not " {2,}")
_ODD_SPACES = "\t\f\v\u00a0\u202f\u2007\u2009"  # blank space folded to one space, with runs of spaces
_INVISIBLE = str.maketrans({"\u00ad": "", "\u200b": "", "\ufeff": ""})
# html.unescape's own pattern (one group: the reference without its "&").
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")


class _CharrefTable(dict):
    """What html.unescape puts for a reference, by reference (a pure function of it),
    computed once: an AN amendment carries ~150 of them, mostly the same twenty."""

    def __missing__(self, reference: str) -> str:
        if len(self) > 20_000:  # hostile input: never grow without bound
            self.clear()
        self[reference] = value = html.unescape("&" + reference)
        return value


_CHARREFS = _CharrefTable()


def _unescape(text: str) -> str:
    """`html.unescape(text)`, the same string, without a Python call per reference."""
    if "&" not in text:
        return text
    parts = _CHARREF.split(text)
    if len(parts) == 1:
        return text
    parts[1::2] = map(_CHARREFS.__getitem__, parts[1::2])
    return "".join(parts)


class _FixedPoints(dict):
    """Texts `clean_text` gave that it would give back unchanged, by `id` (the text held, so
    that its id names no other object): a text cleaned twice (by its parser, then by the
    store before matching) is cleaned once. Only texts long enough for a second cleaning to
    cost more than keeping them; bounded: emptied when it holds too much."""

    MIN_CHARS, MAX_TEXTS, MAX_CHARS = 200, 4096, 8_000_000

    def __init__(self) -> None:
        super().__init__()
        self.chars = 0

    def known(self, text: str) -> bool:
        """True when `text` (that very object) is a text `clean_text` leaves as it is."""
        return self.get(id(text)) is text

    def remember(self, text: str) -> None:
        """Keep `text`, a fixed point of `clean_text`."""
        if len(self) >= self.MAX_TEXTS or self.chars + len(text) > self.MAX_CHARS:
            self.clear()
            self.chars = 0
        self[id(text)] = text
        self.chars += len(text)


_FIXED_POINTS = _FixedPoints()


def _nfc(text: str) -> str:
    """`unicodedata.normalize("NFC", text)`; a Latin-1 text is in NFC already (no Latin-1
    character decomposes or combines: tests/test_clean_text_speed.py), and is seen at once."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return unicodedata.normalize("NFC", text)
    return text


def clean_text(value: str | None) -> str:
    """Turn HTML or messy text into plain text: entities decoded, tags stripped, invisible
    characters dropped, blank space collapsed. Typography is kept (matching folds it)."""
    if not value:
        return ""
    if _FIXED_POINTS.known(value):
        return value
    text = value
    if "<" in text:
        text = _COMMENT.sub(" ", text)
        text = _DROP_ELEMENTS.sub(" ", text)
        text = _BLOCK_TAGS.sub("\n", text)
        text = _TAG.sub(" ", text)
    # Twice: AN amendments carry double-escaped entities such as "&amp;#x00E9;".
    text = _unescape(_unescape(text))
    text = _nfc(text)
    invisible = "\u00ad" in text or "\u200b" in text or "\ufeff" in text
    if invisible:  # translate is slow (0.15 ms/KB)
        text = text.translate(_INVISIBLE)
    if "\r" in text:  # a two-character replace scans slowly even when it finds nothing
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # `re.sub(r"[ \t\f\v\u00a0\u202f\u2007\u2009]+", " ", text)` without its cost (one
    # replacement per single space, 0.03 ms/KB on French prose, whose no-break spaces always
    # call for it): each odd space becomes a space, then runs of spaces one space.
    for char in _ODD_SPACES:
        if char in text:
            text = text.replace(char, " ")
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if "\n" in text:
        text = _fold_newlines(text)
    text = text.strip()
    # Cleaned again, this text would come out the same: nothing left to decode or strip, and
    # in NFC (dropping an invisible character can join a letter and a combining accent).
    if len(text) >= _FixedPoints.MIN_CHARS and "<" not in text and "&" not in text and not invisible:
        _FIXED_POINTS.remember(text)
    return text


def _fold_newlines(text: str) -> str:
    """`re.sub(r"\\s*\\n\\s*", "\\n", text)` (every run of blank space holding a line break becomes
    one line break) without trying the regex at every character: the lines lose their blank
    space next to the breaks, and blank lines between two breaks go."""
    lines = text.split("\n")
    kept = [lines[0].rstrip()]
    for middle in lines[1:-1]:
        middle = middle.strip()
        if middle:
            kept.append(middle)
    kept.append(lines[-1].lstrip())
    return "\n".join(kept)


def fold(text: str) -> str:
    """Lower-case and strip accents, one character for one character, so that offsets
    found in the folded copy are offsets in the original."""
    if text.isascii():
        return text.lower()
    if len(text) <= 2000:
        return _fold_sentence(text)
    return fold_encoded(text, text.encode("latin-1", "replace"))


def fold_part(text: str) -> str:
    """`fold` of a one-off piece of a text (a window around a hit): the same characters,
    without filling the sentence cache."""
    return text.lower() if text.isascii() else fold_encoded(text, text.encode("latin-1", "replace"))


@functools.lru_cache(maxsize=2048)
def _fold_sentence(text: str) -> str:
    # The rules fold the same sentence several times (trigger, actor, amount, deadline).
    return fold_encoded(text, text.encode("latin-1", "replace"))


def fold_encoded(text: str, raw: bytes) -> str:
    """`fold(text)`, given `raw = text.encode("latin-1", "replace")`: the Latin-1 characters
    are folded by one byte table, and only the others ("?" in `raw`) one by one. (A `str`
    translation table costs a dictionary look-up per character: ten times slower.)"""
    folded = raw.translate(_FOLD_BYTES).decode("latin-1")
    pieces = folded.split("?")
    if len(pieces) == 1:
        return folded
    # Each "?" stands for a "?" or for a character beyond Latin-1 of `text`, at the same offset.
    offsets = map(operator.add, itertools.accumulate(map(len, pieces[:-1])), itertools.count())
    out = [""] * (2 * len(pieces) - 1)
    out[0::2] = pieces
    out[1::2] = map(_FOLD_CHARS.__getitem__, map(text.__getitem__, offsets))
    return "".join(out)


_FOLD_SAME_LENGTH = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u00ad": "-",
}


def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    if char in _FOLD_SAME_LENGTH:
        return _FOLD_SAME_LENGTH[char]
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base[0] if base else char


class _FoldChars(dict):
    """The fold of a character, by character, filled on first use (a few hundred entries
    in French text)."""

    def __missing__(self, char: str) -> str:
        self[char] = folded = _fold_char(char)
        return folded


def _fold_bytes() -> bytes:
    """The fold of each Latin-1 character, as a byte table: each folds to one Latin-1
    character, and only "?" to "?" (what `fold_encoded` relies on)."""
    folded = [_fold_char(chr(code)) for code in range(256)]
    if any(len(f) != 1 or ord(f) > 255 or (f == "?") != (code == ord("?")) for code, f in enumerate(folded)):
        raise RuntimeError("a Latin-1 character does not fold to one other Latin-1 character")
    return "".join(folded).encode("latin-1")


_FOLD_CHARS = _FoldChars()
_FOLD_BYTES = _fold_bytes()


def snippet(text: str, start: int, end: int, width: int = 90) -> str:
    """Return the passage around `text[start:end]` on one line, with ellipses where cut."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    body = text[left:right]
    # Printable: no blank space but the plain space (`str.split` splits on nothing else).
    if not body.isprintable() or "  " in body or body[:1] == " " or body[-1:] == " ":
        body = " ".join(body.split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


_SUPERSCRIPT = re.compile(r"(?i)(?<=\d)<sup>\s*(\w{1,4})\s*</sup>")
_INLINE_TAG = re.compile(r"(?i)</?(?:sup|sub|b|i|em|strong|span|a|u|small)\b[^>\n]{0,200}>")
_MARKDOWN = re.compile(r"(?m)^[ \t]*#{1,6}[ \t]|\*\*|__|(?<=\s)\*(?=\w)|(?<=\w)\*(?=[\s.,;:!?])")
_SOFT_BREAK = re.compile(r"(?<=[\w,;'’)\-])[ \t]*\n(?=[ \t]*[a-zàâçéèêëîïôûùüÿœ(])")


def render(text: str) -> str:
    """Markup turned into clean prose without changing the length, so that offsets found
    in the result are offsets in `text`: « 1<sup>er</sup> » becomes « 1er » followed by
    spaces, inline HTML tags, Markdown emphasis and heading marks become spaces, and a soft
    line break inside a sentence (a newline followed by a lower-case word) becomes a space."""
    if "<" in text:
        text = _SUPERSCRIPT.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), text)
        text = _INLINE_TAG.sub(lambda m: " " * len(m.group(0)), text)
    if "*" in text or "#" in text or "_" in text:
        text = _MARKDOWN.sub(lambda m: " " * len(m.group(0)), text)
    if "\n" in text:
        text = _SOFT_BREAK.sub(lambda m: " " * len(m.group(0)), text)
    return text
