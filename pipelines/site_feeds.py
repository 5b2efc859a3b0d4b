"""Feeds of the site, pure functions: Atom (RFC 4287) with an XSL stylesheet so that a
browser shows it as a French page, and iCalendar (RFC 5545) with DTSTAMP and all-day events
for day deadlines. Every URL that leaves the system goes through `safe_link` (http(s)
only: a `javascript:` or `data:` link from a feed never becomes a link here), and all text
is escaped by the XML writer or the iCalendar escaping."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable
from xml.etree import ElementTree as ET

from pipelines.site_markup import safe_url

ATOM_NS = "http://www.w3.org/2005/Atom"
_UNSAFE_IN_TEXT = re.compile(r"(?i)\b(?:javascript|data|vbscript|file)\s*:[^\s]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_link(value: str | None) -> str:
    """The URL when it is an absolute http(s) URL (`pipelines.site_markup.safe_url`), else ""."""
    return safe_url(value)


def inert_text(value: str | None) -> str:
    """Text with control characters removed and any `javascript:`/`data:`/`file:` URL cut out
    (a calendar or a feed reader may turn a URL written in text into a link)."""
    return _UNSAFE_IN_TEXT.sub("", _CONTROL.sub("", value or ""))


def _atom_time(value: str | None) -> str:
    """An RFC 3339 instant from a stored date (a bare day is midnight UTC)."""
    if not value:
        return "1970-01-01T00:00:00Z"
    text = str(value).strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text) if "T" in text or " " in text else datetime.fromisoformat(text[:10])
    except ValueError:
        return "1970-01-01T00:00:00Z"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def atom_feed(feed_id: str, title: str, self_url: str, html_url: str, entries: Iterable[dict[str, Any]],
              stylesheet: str | None = None, subtitle: str = "") -> str:
    """An Atom document. Each entry: {id, title, updated, link (the page on the site),
    original (the publisher's URL, kept only when http(s)), content (text), author}."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "fr"})
    ET.SubElement(feed, f"{{{ATOM_NS}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = inert_text(title)
    if subtitle:
        ET.SubElement(feed, f"{{{ATOM_NS}}}subtitle").text = inert_text(subtitle)
    entries = list(entries)
    ET.SubElement(feed, f"{{{ATOM_NS}}}updated").text = max(
        (_atom_time(e.get("updated")) for e in entries), default="1970-01-01T00:00:00Z")
    for rel, href in (("self", self_url), ("alternate", html_url)):
        if safe_link(href):
            ET.SubElement(feed, f"{{{ATOM_NS}}}link", {"rel": rel, "href": href})
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    ET.SubElement(author, f"{{{ATOM_NS}}}name").text = "Veille SEC-Pa"
    for e in entries:
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        ET.SubElement(entry, f"{{{ATOM_NS}}}id").text = e["id"]
        ET.SubElement(entry, f"{{{ATOM_NS}}}title").text = inert_text(e.get("title") or "(sans titre)")
        ET.SubElement(entry, f"{{{ATOM_NS}}}updated").text = _atom_time(e.get("updated"))
        if safe_link(e.get("link")):
            ET.SubElement(entry, f"{{{ATOM_NS}}}link", {"rel": "alternate", "href": e["link"]})
        if safe_link(e.get("original")):
            ET.SubElement(entry, f"{{{ATOM_NS}}}link", {"rel": "related", "href": e["original"]})
        if e.get("author"):
            who = ET.SubElement(entry, f"{{{ATOM_NS}}}author")
            ET.SubElement(who, f"{{{ATOM_NS}}}name").text = inert_text(e["author"])
        if e.get("content"):
            ET.SubElement(entry, f"{{{ATOM_NS}}}content", {"type": "text"}).text = inert_text(e["content"])
    body = ET.tostring(feed, encoding="unicode")
    head = '<?xml version="1.0" encoding="utf-8"?>\n'
    if stylesheet:
        head += f'<?xml-stylesheet type="text/xsl" href="{_attr(stylesheet)}"?>\n'
    return head + body + "\n"


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


# ------------------------------------------------------------------ iCalendar

def ics_escape(value: str | None) -> str:
    """RFC 5545 TEXT escaping (backslash, semicolon, comma, newline)."""
    text = inert_text(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets (continuation lines start with a space)."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def ics_day(value: str | None) -> date | None:
    """The day of a deadline: "2026-12-31", "2026-12" (→ last day of the month is not assumed:
    first day), "2026" (→ 31 December); None when unreadable."""
    value = (value or "").strip()
    try:
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 12, 31)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            return date.fromisoformat(value + "-01")
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def ics_instant(value: str | None) -> datetime | None:
    """An ISO instant with its offset ("2026-02-17T15:00:00+01:00", "…Z") as an aware
    datetime; None when absent, unreadable or without an offset (never guessed)."""
    try:
        parsed = datetime.fromisoformat((value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _event_times(e: dict[str, Any]) -> list[str] | None:
    """DTSTART/DTEND lines: timed (UTC) when the event has a `start` instant (one hour
    when it has no later `end`), else all-day on its `day`; None when it has neither."""
    start = e.get("start")
    if isinstance(start, datetime) and start.tzinfo:
        end = e.get("end")
        if not (isinstance(end, datetime) and end.tzinfo and end > start):
            end = start + timedelta(hours=1)
        utc = "%Y%m%dT%H%M%SZ"
        return [f"DTSTART:{start.astimezone(timezone.utc):{utc}}", f"DTEND:{end.astimezone(timezone.utc):{utc}}"]
    day = e.get("day")
    if isinstance(day, date):
        return [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}"]
    return None


def ics_calendar(name: str, events: Iterable[dict[str, Any]], now: datetime | None = None,
                 domain: str = "veille") -> str:
    """A VCALENDAR. Each event: {uid, summary, description, url} with either `start` (and
    optional `end`), aware datetimes, for a timed event, or `day` (a date) for an all-day
    one; events with the same time and summary are given once."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//veille//Veille SEC-Pa//FR", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{ics_escape(name)}", "X-WR-TIMEZONE:Europe/Paris"]
    seen: set[tuple[str, str]] = set()
    for e in events:
        times = _event_times(e)
        if times is None:
            continue
        key = (times[0], " ".join((e.get("summary") or "").lower().split()))
        if key in seen:
            continue
        seen.add(key)
        uid = re.sub(r"[^A-Za-z0-9._:-]", "-", str(e.get("uid") or key))
        lines += ["BEGIN:VEVENT", f"UID:{uid}@{domain}", f"DTSTAMP:{stamp}", *times,
                  f"SUMMARY:{ics_escape(e.get('summary'))}", "TRANSP:TRANSPARENT"]
        if e.get("description"):
            lines.append(f"DESCRIPTION:{ics_escape(e['description'])}")
        if safe_link(e.get("url")):
            lines.append(f"URL:{e['url']}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(ics_fold(line) for line in lines) + "\r\n"
