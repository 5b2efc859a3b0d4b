"""Gather the sections of the weekly digest through the named queries of the site.

Every list comes from a canned query of `datasette/metadata.yml` (through
`pipelines.queries.run_query`), so the digest shows what the web pages show. Sections whose
tables do not exist yet (questions, actors, commitments, stories) degrade to a note.
The result is one JSON-ready dict; `pipelines.digest_render` turns it into HTML, Markdown,
CSV and JSON.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable
from urllib.parse import quote, urlsplit

from nlp.text import fold
from pipelines.config import Config, DigestSettings
from pipelines.labels import ACTOR_KIND_LABELS as ACTOR_KINDS
from pipelines.labels import KIND_LABELS, SHORT_MONTHS, french_date, paris_day, rule_label
from pipelines.labels import NEVER_COLLECTED
from pipelines.labels import SOURCE_STATUS_LABELS as STATUS_LABELS
from pipelines.queries import DATABASE_NAME, run_query
from pipelines.site_markup import safe_url
from pipelines.weeks import PARIS, Week, week_of

CHART_WEEKS = 12
CHART_HEIGHT = 90
HORIZON_DAYS = 30
OVERDUE_SHOWN = 5
HIGHLIGHTS = 5
PARLIAMENT_GROUPS = (
    ("questions", "Nouvelles questions", ("question",)),
    ("answers", "Réponses reçues", ("reponse",)),
    ("amendments", "Amendements", ("amendement",)),
    ("debates", "Passages en séance", ("debat",)),
)
PARLIAMENT_KINDS = {k for _, _, kinds in PARLIAMENT_GROUPS for k in kinds}
STEPS = ("documents", "parlement", "presse", "engagements", "acteurs", "graphique", "sources")


def _safe(run: Callable[[], list[dict[str, Any]]]) -> tuple[list[dict[str, Any]], str | None]:
    """Run a query; a missing table (a step not installed yet) gives no rows and a note."""
    try:
        return run(), None
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc) or "no such column" in str(exc):
            return [], str(exc)
        raise


LOCAL_HOSTS = re.compile(r"(?i)^(localhost|127(?:\.\d+){3}|0\.0\.0\.0|\[?::1\]?|[^.]+\.local(?:domain)?)$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def public_base(site_url: str | None) -> tuple[str | None, bool]:
    """(the site's address for links, whether it is local): "" gives (None, False); an address
    on this machine (127.0.0.1, localhost…) is kept for files read here but is local."""
    base = (site_url or "").strip().rstrip("/")
    if not base or not safe_url(base):
        return None, False
    host = urlsplit(base).hostname or ""
    return base, bool(LOCAL_HOSTS.match(host))


class Links:
    """Links to the reading pages of the site ([site] public_url, its public address): a
    document (/document/<id>), an actor (/acteur/<id>), the documents of a week
    (/cette-semaine), the sources (/sources); none when no address is configured."""

    def __init__(self, settings: DigestSettings):
        self.base, self.local = public_base(settings.site_url)
        self.database = DATABASE_NAME  # the site's name for the database, whatever its file

    def _page(self, path: str) -> str | None:
        return f"{self.base}{path}" if self.base else None

    def document(self, document_id: str | None) -> str | None:
        """The page of a document."""
        return self._page("/document/" + quote(str(document_id), safe=":")) if document_id else None

    def actor(self, actor_id: str | None) -> str | None:
        """The page of an actor."""
        return self._page("/acteur/" + quote(str(actor_id), safe=":")) if actor_id else None

    def thread(self, thread_id: str | None) -> str | None:
        """The page of a promise of the ledger."""
        return self._page("/engagement/" + quote(str(thread_id), safe=":")) if thread_id else None

    def dossier(self, dossier_id: str | None) -> str | None:
        """The page of a bill (its dossier législatif and its stages)."""
        return self._page("/dossier/" + quote(str(dossier_id), safe="")) if dossier_id else None

    def week(self, du: str, au: str) -> str | None:
        """The documents published between two days."""
        return self._page(f"/cette-semaine?du={quote(du)}&au={quote(au)}")

    def page(self, path: str) -> str | None:
        """Another page of the site (/sources, /engagements…)."""
        return self._page(path)

    @property
    def home(self) -> str | None:
        """The site's home page."""
        return self._page("/")


def _day(value: str | None) -> date | None:
    """The Paris calendar day of a stored date (the unit of the digest's weeks)."""
    return paris_day(value)


def _iso_day(value: str | None) -> str:
    day = _day(value)
    return day.isoformat() if day else ""


def _date_label(value: str | None) -> str:
    day = _day(value)
    return french_date(day) if day else ""



def why(db, document_id: str, limit: int = 3) -> list[dict[str, Any]]:
    """Why a document was kept: its distinct strong mentions (then weak ones), with snippet."""
    rows, _ = _safe(lambda: run_query(db, "pourquoi_document", id=document_id))
    seen, result = set(), []
    for r in rows:
        key = (fold(r["forme"] or ""), r["regle"])
        if key in seen:
            continue
        seen.add(key)
        result.append({"matched": r["forme"], "rule": r["regle"], "rule_label": rule_label(r["regle"], with_term=False),
                       "strength": r["force"], "snippet": " ".join((r["extrait"] or "").split())})
        if len(result) >= limit:
            break
    return result


def _item(db, links: Links, labels: dict[str, str], row: dict[str, Any]) -> dict[str, Any]:
    source = row.get("source") or ""
    kind = row.get("type") or row.get("kind") or ""
    return {
        "id": row["document_id"], "title": row.get("titre") or "(sans titre)", "kind": kind,
        "kind_label": KIND_LABELS.get(kind, kind),
        "source": source, "source_label": row.get("editeur") or labels.get(source, source),
        "published": row.get("date"), "date": _iso_day(row.get("date")),
        "date_label": _date_label(row.get("date")), "url": safe_url(row.get("url")) or None,
        "datasette_url": links.document(row["document_id"]),
        "why": why(db, row["document_id"]),
    }


def _limited(items: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], int]:
    return items[:limit], max(0, len(items) - limit)


def _title_key(title: str) -> str:
    """A story key from a title: folded, without the " - Publisher" tail Google News adds."""
    title = re.split(r"\s+[-|–—]\s+(?=[^-|–—]{2,60}$)", title or "")[0]
    return " ".join(re.findall(r"\w+", fold(title)))


def press_stories(db, links: Links, labels: dict[str, str], params: dict[str, str],
                  documents: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Press by story: the earliest article leads, the others (and other feeds carrying the
    same article) are pick-ups. Stories with the most pick-ups come first."""
    rows, _ = _safe(lambda: run_query(db, "sujets_semaine", **params))
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        key = row["sujet"] if row["sujet"] != row["document_id"] else "titre:" + _title_key(row["titre"])
        groups[key].append(row)
    stories: list[dict[str, Any]] = []
    for members in groups.values():
        members.sort(key=lambda r: (r.get("role") != "lead", r.get("date") or ""))
        lead_row = members[0]
        lead = documents.get(lead_row["document_id"]) or _item(db, links, labels, lead_row)
        pickups = [documents.get(r["document_id"]) or _item(db, links, labels, r) for r in members[1:]]
        feeds = sorted({labels.get(o, o) for r in members for o in (r.get("autres_sources") or "").split(",") if o})
        stories.append({"lead": lead, "pickups": pickups, "reach": 1 + len(pickups), "also_in": feeds})
    stories.sort(key=lambda s: s["lead"]["published"] or "", reverse=True)
    stories.sort(key=lambda s: -s["reach"])
    return stories


def parliament(db, links, labels, params, documents) -> dict[str, Any]:
    """New questions, answers received, amendments and debate passages of the week."""
    answers, missing = _safe(lambda: run_query(db, "reponses_semaine", **params))
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in documents.values():
        by_kind[item["kind"]].append(item)
    groups = []
    for key, label, kinds in PARLIAMENT_GROUPS:
        items = [i for k in kinds for i in by_kind.get(k, [])]
        if key == "answers":
            known = {i["id"] for i in items}
            for row in answers:
                if row["document_id"] in known:
                    continue
                item = documents.get(row["document_id"]) or _item(db, links, labels, {**row, "type": "reponse", "source": row.get("assemblee")})
                if row.get("jours_d_attente") is not None:
                    item = {**item, "kind_label": f"réponse après {row['jours_d_attente']} jours"
                            + (f" ({row['ministere']})" if row.get("ministere") else "")}
                items.append(item)
                known.add(item["id"])
        items.sort(key=lambda i: i["published"] or "", reverse=True)
        groups.append({"key": key, "label": label, "count": len(items), "items": items,
                       "more": 0, "more_url": links.week(params["du"], params["au"])})
    return {"groups": groups, "total": sum(g["count"] for g in groups),
            "note": None if not missing else "Les données parlementaires détaillées ne sont pas encore collectées."}


def commitments(db, links, params, ref: date, limit: int) -> dict[str, Any]:
    """New commitments of the week, open ones due in the next 30 days, and overdue ones."""
    new, missing = _safe(lambda: run_query(db, "engagements_semaine", **params))
    due, _ = _safe(lambda: run_query(db, "engagements", date_ref=ref.isoformat(), situation="dans les 30 jours"))
    late, _ = _safe(lambda: run_query(db, "engagements", date_ref=ref.isoformat(), situation="en retard"))

    every = [r for rows in (new, due, late) for r in rows]
    documents = _documents(db, {r["document_id"] for r in every})
    threads = _threads(db, {str(r["id"]) for r in every})

    def shape(row: dict[str, Any]) -> dict[str, Any]:
        deadline = row.get("echeance")
        document = documents.get(row["document_id"], {})
        days = None
        if deadline and re.match(r"^\d{4}-\d{2}-\d{2}", deadline):
            days = (date.fromisoformat(deadline[:10]) - ref).days
        return {
            "id": row["id"], "text": " ".join((row.get("engagement") or "").split()),
            "quoted": (row.get("engagement") or "").lstrip().startswith(("«", '"', "“")),
            "kind": row.get("type_code") or row.get("type"), "kind_label": row.get("type") or "",
            "actor": row.get("acteur"), "actor_id": row.get("actor_id"),
            "amount_eur": row.get("montant_eur"), "amount_label": _euros(row.get("montant_eur")),
            "deadline": deadline, "deadline_label": _deadline_label(deadline), "days": days,
            "status": row.get("statut"), "status_label": "" if row.get("statut") in (None, "open", "ouvert") else row.get("statut"),
            "document_id": row["document_id"], "document_title": row.get("document") or document.get("title") or "",
            "outlet": document.get("outlet") or "",
            "published": row.get("date_document"), "date": _iso_day(row.get("date_document")),
            "date_label": _date_label(row.get("date_document")),
            "url": safe_url(row.get("url") or document.get("url")) or None,
            "datasette_url": links.document(row["document_id"]),
            "thread_url": links.thread(threads.get(str(row["id"]))),
        }

    new, due, late = ([r for r in rows if not is_background(r.get("engagement"))] for rows in (new, due, late))
    fresh = {_text_key(r.get("engagement")) for r in new}
    dated = [_once([{**shape(r), "is_new": _text_key(r.get("engagement")) in fresh} for r in rows]) for rows in (due, late)]
    for items in dated:
        for item in items:
            if item["is_new"]:
                item["status_label"] = "relevé cette semaine"
    listed = {promise_key(i) for items in dated for i in items}
    fresh_items = _once([shape(r) for r in new])
    return {
        "available": not missing, "note": "Le relevé des engagements n'est pas encore installé." if missing else None,
        # Each commitment appears once: a new one that is due soon is listed with the deadlines,
        # and the same promise reprinted by several outlets is one commitment.
        "new": [i for i in fresh_items if promise_key(i) not in listed][:limit], "new_total": len(fresh_items),
        "upcoming": dated[0][:limit], "overdue": dated[1][:OVERDUE_SHOWN], "overdue_total": len(dated[1]),
        "horizon_days": HORIZON_DAYS, "ref": ref.isoformat(),
    }


# A dateline or a press-release header is not a statement; a sentence telling the past of
# the experiment (« lancée en août 2021 ») is background, not a promise.
_NOISE = re.compile(
    r"(?i)^\W*(?:communiqu[ée] de presse\b|dossier de presse\b|(?:[A-ZÉ][\w'’ -]{1,40}), le \d{1,2}(?:er)? \w+ \d{4}\W*$)"
    r"|\b(?:lanc[ée]e?s? en (?:\w+ )?\d{4}|prévue? pour se prolonger|depuis (?:\w+ )?20[12]\d)\b")


def is_background(text: str | None) -> bool:
    """True for a dateline, a press-release header or a background sentence caught as a commitment."""
    text = " ".join((text or "").split())
    return not text or bool(_NOISE.search(text[:200]))


def promise_key(item: dict[str, Any]) -> str:
    """What makes two statements one promise: the same actor and the same deadline (the same
    announcement worded by ten outlets), or else the same sentence."""
    actor = _text_key(item.get("actor_id") or item.get("actor"))
    if actor and item.get("deadline"):
        return f"{actor}|{item['deadline'][:10]}|{'refus' if item.get('kind') == 'refusal' else 'promesse'}"
    return _text_key(item.get("text"))


def _text_key(text: str | None) -> str:
    return " ".join(re.findall(r"\w+", fold(text or "")))


def _once(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the first of the statements of one promise (`promise_key`: syndicated copies,
    the same announcement reworded); the others are counted in `copies`, their documents
    named in `also_in` and their outlets in `outlets`."""
    kept: dict[str, dict[str, Any]] = {}
    for item in items:
        key = promise_key(item)
        first = kept.get(key)
        outlet = item.get("outlet") or ""
        if first is None:
            kept[key] = {**item, "copies": 0, "also_in": [], "outlets": [outlet] if outlet else []}
            continue
        outlets = first["outlets"] + ([outlet] if outlet and outlet not in first["outlets"] else [])
        if item["document_id"] == first["document_id"]:
            continue  # two sentences of one document saying the same promise
        if (item["published"] or "9") < (first["published"] or "9"):
            # the earliest document is the original; the others are its copies
            kept[key] = {**item, "copies": first["copies"] + 1, "also_in": [*first["also_in"], first["document_title"]],
                         "outlets": [outlet, *[o for o in outlets if o != outlet]] if outlet else outlets}
        else:
            first["copies"] += 1
            first["also_in"].append(item["document_title"])
            first["outlets"] = outlets
    return list(kept.values())


def _threads(db, commitment_ids: set[str]) -> dict[str, str]:
    """{commitment id: the promise (ledger thread) it belongs to}, when the ledger is built."""
    if not commitment_ids or "commitment_statements" not in db.table_names():
        return {}
    rows = db.query("SELECT commitment_id, thread_id FROM commitment_statements WHERE thread_id IS NOT NULL "
                    "AND thread_id != '' AND commitment_id IN (SELECT value FROM json_each(?))",
                    [json.dumps(sorted(commitment_ids))])
    return {str(r["commitment_id"]): r["thread_id"] for r in rows}


def _documents(db, document_ids: set[str]) -> dict[str, dict[str, Any]]:
    """{document id: its id, title, url and outlet} for the documents of the listed statements."""
    if not document_ids:
        return {}
    rows = db.query("SELECT d.id, d.title, d.url, coalesce(d.publisher, s.label, d.source) AS outlet "
                    "FROM documents d LEFT JOIN sources s ON s.name = d.source "
                    "WHERE d.id IN (SELECT value FROM json_each(?))", [json.dumps(sorted(document_ids))])
    return {r["id"]: r for r in rows}


def _euros(value: Any) -> str:
    from pipelines.digest_render import _euros as euros

    return euros(value)


def _deadline_label(value: str | None) -> str:
    if not value:
        return ""
    if re.fullmatch(r"\d{4}", value):
        return value
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return f"{SHORT_MONTHS[int(value[5:7]) - 1]} {value[:4]}"
    day = _day(value)
    return f"{day.day}{'er' if day.day == 1 else ''} {SHORT_MONTHS[day.month - 1]} {day.year}" if day else value


def actors(db, links, params, limit: int = 10) -> dict[str, Any]:
    """The most cited actors of the week, with a bar length relative to the first."""
    rows, missing = _safe(lambda: run_query(db, "acteurs_semaine", nombre=str(limit), **params))
    top = max((r["documents"] for r in rows), default=1)
    items = [{"id": r["actor_id"], "name": r["acteur"] or r["actor_id"], "kind": r.get("type"),
              "kind_label": ACTOR_KINDS.get(r.get("type") or "", r.get("type") or ""),
              "documents": r["documents"], "mentions": r["citations"],
              "bar": max(4, round(100 * r["documents"] / top) if top else 0),
              "datasette_url": links.actor(r["actor_id"])} for r in rows]
    note = ("La reconnaissance des acteurs n'est pas encore installée." if missing
            else "Aucun acteur identifié dans les documents de la semaine.")
    return {"items": items, "note": note}


def chart(db, week: Week) -> dict[str, Any]:
    """Documents citing the topic per week, over the 12 weeks ending with `week`."""
    first = week.shifted(-(CHART_WEEKS - 1))
    rows = run_query(db, "mentions_par_semaine", depuis=first.start.isoformat())
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        if r["semaine"]:
            counts[week_of(date.fromisoformat(r["semaine"])).label] += r["documents"]
    weeks = [first.shifted(i) for i in range(CHART_WEEKS)]
    top = max([counts[w.label] for w in weeks] + [1])
    bars = []
    for w in weeks:
        n = counts[w.label]
        bars.append({"week": w.label, "start": w.start.isoformat(), "count": n,
                     "label": f"{w.start.day} {SHORT_MONTHS[w.start.month - 1]}",
                     "bar": max(3, round(CHART_HEIGHT * n / top)) if n else 0,
                     "blocks": max(1, round(30 * n / top)) if n else 0, "current": w == week})
    return {"weeks": bars, "height": CHART_HEIGHT, "max": top, "total": sum(b["count"] for b in bars)}


def coverage(db, config: Config, links: Links, params: dict[str, str]) -> dict[str, Any]:
    """Which sources ran during the week, their items per run against their usual count,
    and their failures; "nothing new" can so be told apart from "a source broke"."""
    rows = run_query(db, "couverture_sources", **params)
    enabled = {s.name for s in config.enabled_sources()}
    sources = [_coverage_row(r, links) for r in rows if r["source"] in enabled or r["passages"]]
    ran = sum(1 for s in sources if s["runs"])
    hidden = 0
    if not ran:
        # No run that week: list the sources whose last run went wrong, count the others.
        shown = [s for s in sources if s["error"]]
        hidden, sources = len(sources) - len(shown), shown
    order = {"échec": 0, "en baisse": 1, "avertissement": 2, "pas de collecte": 3, "ok": 4}
    sources.sort(key=lambda s: (order.get(s["status_label"], 5), s["label"].lower()))
    failed = sum(1 for s in sources if s["status_label"] == "échec")
    runs = max((s["runs"] for s in sources), default=0)
    for s in sources:
        if s["runs"] and s["runs"] < runs:
            s["note"] = "; ".join(filter(None, [f"{s['runs']} passage{'s' if s['runs'] > 1 else ''} sur {runs}", s["note"]]))
    if not ran:
        summary = ("Aucune collecte enregistrée pendant cette semaine. "
                   + (f"Au dernier passage, {len(sources)} source{'s' if len(sources) > 1 else ''} "
                      f"avai{'en' if len(sources) > 1 else ''}t un problème (ci-dessous) "
                      f"et {hidden} n'en avai{'en' if hidden > 1 else ''}t pas." if sources else
                      f"Au dernier passage, les {hidden} sources actives répondaient sans erreur."))
    else:
        summary = (f"{ran} source{'s' if ran > 1 else ''} collectée{'s' if ran > 1 else ''} "
                   f"({runs} passage{'s' if runs > 1 else ''} au plus)"
                   + (f", dont {failed} en échec" if failed else ", aucune en échec") + ".")
    return {"sources": sources, "ran": ran, "failed": failed, "runs": runs, "summary": summary, "hidden_ok": hidden,
            "url": links.page("/sources")}


def _coverage_row(r: dict[str, Any], links: Links) -> dict[str, Any]:
    runs, usual, per_run = r["passages"], r["habituel"], r["elements_par_passage"]
    notes = []
    if not runs:
        status = "pas de collecte"
        last = STATUS_LABELS.get(r["dernier_etat"], r["dernier_etat"]) or NEVER_COLLECTED
        notes.append(f"aucun passage cette semaine ; dernier passage : {last}")
        error = r["derniere_erreur"] if r["dernier_etat"] in ("failed", "warning") else None
    else:
        if r["echecs"] == runs:
            status = "échec"
        elif r["echecs"]:
            status = "avertissement"
        elif usual and per_run is not None and per_run < 0.5 * usual:
            status = "en baisse"
        elif r["avertissements"]:
            status = "avertissement"
        else:
            status = "ok"
        if r["echecs"] and r["echecs"] < runs:
            notes.append(f"{r['echecs']} passage{'s' if r['echecs'] > 1 else ''} en échec")
        if r["nouveaux"]:
            notes.append(f"{r['nouveaux']} document{'s' if r['nouveaux'] > 1 else ''} nouveau{'x' if r['nouveaux'] > 1 else ''}")
        error = r["erreur"]
    if (r["echecs_consecutifs"] or 0) > 1:
        notes.append(f"en échec depuis {r['echecs_consecutifs']} nuits")
    detail = (f"{_num(per_run)} éléments par passage (habituel {_num(usual)}), {runs} passage{'s' if runs > 1 else ''}"
              if runs else "")
    detail = " ; ".join(filter(None, [detail, *notes]))
    colour = {"ok": "#1e7b4f", "échec": "#b42318", "en baisse": "#b26b00", "avertissement": "#b26b00"}.get(status, "#5f6b7a")
    return {"name": r["source"], "label": r["libelle"] or r["source"], "url": safe_url(r["url"]) or None, "runs": runs,
            "items_per_run": per_run, "usual": usual, "failures": r["echecs"], "new": r["nouveaux"],
            "runs_label": str(runs) if runs else "—", "items_label": _num(per_run) if runs else "—",
            "usual_label": _num(usual), "note": " ; ".join(notes),
            "status_label": status, "colour": colour, "detail": detail, "error": error,
            "consecutive_failures": r["echecs_consecutifs"], "datasette_url": links.page("/sources")}


def _num(value: Any) -> str:
    if value is None:
        return "—"
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.1f}".replace(".", ",")


def _agenda_line(row: dict[str, Any], links: Links) -> dict[str, Any]:
    return {"id": row["id"], "day": row.get("jour"), "when": row.get("quand") or _date_label(row.get("jour")),
            "title": " ".join((row.get("titre") or "").split()), "kind_label": row.get("type") or "",
            "organe": row.get("organe") or "", "state": row.get("code_etat"),
            "state_label": "" if row.get("code_etat") in (None, "Confirmé") else (row.get("etat") or ""),
            "why": row.get("pourquoi") or "", "dossier": row.get("dossier"), "dossier_id": row.get("dossier_id"),
            "url": safe_url(row.get("url")) or None, "datasette_url": links.dossier(row.get("dossier_id"))}


def _stage_line(row: dict[str, Any], links: Links) -> dict[str, Any]:
    return {"dossier_id": row["dossier_id"], "dossier": row.get("dossier") or row["dossier_id"],
            "date": row.get("date"), "date_label": _date_label(row.get("date")),
            "reading": row.get("lecture") or "", "label": " ".join((row.get("etape") or "").split()),
            "decision": row.get("decision") or "", "organe": row.get("organe") or "",
            "url": safe_url(row.get("url")) or None, "datasette_url": links.dossier(row["dossier_id"])}


def parliament_coming(db, links: Links, week: Week, ref: date) -> dict[str, Any]:
    """The parliamentary part of « À venir »: the agenda items of the coming week (from `ref`,
    the day after the week, to six days later), the stages of the followed bills dated in
    the week (« Parcours des textes », one block per bill) and the written questions past
    their two-month deadline at `ref`, by ministry (« Questions hors délai »), each once."""
    until = ref + timedelta(days=6)
    agenda_rows, missing_agenda = _safe(lambda: run_query(db, "agenda_a_venir", du=ref.isoformat(), au=until.isoformat()))
    stage_rows, missing_stages = _safe(lambda: run_query(db, "parcours_semaine", du=week.start.isoformat(),
                                                         au=week.end.isoformat()))
    late_rows, missing_questions = _safe(lambda: run_query(db, "questions_hors_delai"))
    agenda, seen = [], set()
    for row in agenda_rows:
        if row.get("id") and row["id"] not in seen:
            seen.add(row["id"])
            agenda.append(_agenda_line(row, links))
    bills: dict[str, dict[str, Any]] = {}
    stage_keys: set[tuple[Any, ...]] = set()
    for row in stage_rows:
        line = _stage_line(row, links)
        key = (line["dossier_id"], line["date"], line["label"], line["decision"])
        if key in stage_keys:
            continue
        stage_keys.add(key)
        bill = bills.setdefault(line["dossier_id"], {"dossier_id": line["dossier_id"], "dossier": line["dossier"],
                                                     "url": line["url"], "datasette_url": line["datasette_url"],
                                                     "stages": []})
        bill["stages"].append(line)
    ministries: dict[str, list[dict[str, Any]]] = defaultdict(list)
    question_keys: set[Any] = set()
    for row in late_rows:
        deadline = _day(row.get("date_limite"))
        question: Any = (row.get("assemblee"), row.get("numero")) if row.get("numero") else row.get("document_id")
        if not deadline or deadline >= ref or question in question_keys:
            continue
        question_keys.add(question)
        asked = _day(row.get("date_question"))
        ministries[row.get("ministere") or "Ministère non précisé"].append({
            "number": row.get("numero"), "chamber": row.get("assemblee"),
            "title": " ".join((row.get("question") or "").split()), "author": row.get("auteur") or "",
            "date_label": _date_label(row.get("date_question")), "deadline_label": french_date(deadline),
            "days_waiting": (ref - asked).days if asked else row.get("jours_attente"),
            "days_late": (ref - deadline).days,
            "url": safe_url(row.get("url")) or None, "datasette_url": links.document(row.get("document_id"))})
    by_ministry: list[dict[str, Any]] = [{"ministry": name, "count": len(items),
                                          "questions": sorted(items, key=lambda q: -(q["days_late"] or 0))}
                   for name, items in ministries.items()]
    by_ministry.sort(key=lambda m: (-int(m["count"]), str(m["ministry"])))
    return {"agenda": agenda, "agenda_from": ref.isoformat(), "agenda_to": until.isoformat(),
            "agenda_period": f"du {french_date(ref)} au {french_date(until)}",
            "agenda_url": links.page("/veille/agenda_a_venir"),
            "bills": list(bills.values()), "stages_total": len(stage_keys),
            "overdue": by_ministry, "overdue_total": len(question_keys),
            "overdue_url": links.page("/veille/questions_hors_delai"),
            "available": not (missing_agenda and missing_stages and missing_questions)}


def gather(db, week: Week, settings: DigestSettings, config: Config, today: date | None = None,
           progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Every section of the digest of `week`, as one JSON-ready dict."""
    step = progress or (lambda label: None)
    links = Links(settings)
    params = {"du": week.start.isoformat(), "au": week.end.isoformat()}
    labels = {r["source"]: r["libelle"] or r["source"] for r in run_query(db, "sante_sources")}
    step("documents")
    rows = run_query(db, "mentions_semaine", **params)
    documents = {r["document_id"]: _item(db, links, labels, r) for r in rows}
    step("parlement")
    parl = parliament(db, links, labels, params, {k: v for k, v in documents.items() if v["kind"] in PARLIAMENT_KINDS})
    step("presse")
    press_docs = {k: v for k, v in documents.items() if v["kind"] == "press"}
    stories = press_stories(db, links, labels, params, press_docs)
    other = [d for d in documents.values() if d["kind"] not in PARLIAMENT_KINDS and d["kind"] != "press"]
    step("engagements")
    ref = week.end + timedelta(days=1)
    commits = commitments(db, links, params, ref, settings.max_items)
    coming = parliament_coming(db, links, week, ref)
    step("acteurs")
    cited = actors(db, links, params)
    step("graphique")
    bars = chart(db, week)
    step("sources")
    cover = coverage(db, config, links, params)
    for group in parl["groups"]:
        group["items"], group["more"] = _limited(group["items"], settings.max_items)
    shown_stories, more_stories = _limited(stories, settings.max_items)
    shown_other, more_other = _limited(other, settings.max_items)
    empty = not documents and not parl["total"]
    retenir = [] if empty else highlights(commits, parl, stories)
    counts = {
        "documents": len(documents) + sum(1 for g in parl["groups"] if g["key"] == "answers" for i in g["items"] if i["id"] not in documents),
        "press": len(press_docs), "stories": len(stories), "parliament": parl["total"], "other": len(other),
        "commitments_new": commits["new_total"], "deadlines": len(commits["upcoming"]),
        "overdue": len(commits["overdue"]), "sources_ran": cover["ran"], "sources_failed": cover["failed"],
    }
    now = datetime.now(timezone.utc)
    return {
        "title": settings.title, "topic": config.topic.name, "week": week.label, "period": week.french(),
        "start": week.start.isoformat(), "end": week.end.isoformat(),
        "generated": now.replace(microsecond=0).isoformat(),
        "generated_label": f"{french_date(now.astimezone(PARIS).date())} à {now.astimezone(PARIS):%H:%M}",
        "site_url": links.base, "links_local": links.local, "home_url": links.home, "empty": empty,
        "preheader": _preheader(counts, empty),
        "counts": counts, "figures": _figures(counts),
        "parliament": parl,
        "press": {"stories": shown_stories, "total": len(press_docs), "more": more_stories,
                  "more_url": links.week(params["du"], params["au"])},
        "other": {"items": shown_other, "total": len(other), "more": more_other,
                  "more_url": links.week(params["du"], params["au"])},
        "commitments": commits, "actors": cited, "chart": bars, "coverage": cover,
        "highlights": retenir, "headline": retenir[0]["headline"] if retenir else "",
        "contact": config.mail.sender or "",
        "upcoming_new": [c for c in commits["upcoming"] if not c.get("highlighted")],
        "new_rest": [c for c in commits["new"] if not c.get("highlighted")],
        "coming": coming,
    }


def _short(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split()).strip("«»\"“” ")
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"


def highlights(commits: dict[str, Any], parl: dict[str, Any], stories: list[dict[str, Any]],
               limit: int = HIGHLIGHTS) -> list[dict[str, Any]]:
    """« À retenir »: at most `limit` lines, the week's new promises first (most reported
    first, each once, with the outlets that reported it), then the answers received and
    the story most taken up. The promises listed here are marked `highlighted` (the
    commitments section does not repeat them)."""
    lines: list[dict[str, Any]] = []
    promises = [c for c in commits["new"]] + [c for c in commits["upcoming"] if c.get("is_new")]
    promises.sort(key=lambda c: (c.get("kind") not in ("commitment", "announcement"), -c.get("copies", 0)))
    for c in promises[:limit]:
        details = ", ".join(filter(None, [f"échéance {c['deadline_label']}" if c.get("deadline_label") else "",
                                          c.get("amount_label") or ""]))
        actor = c.get("actor") or "Acteur non identifié"
        opening = set(_text_key(c["text"][:80]).split())
        named = any(len(w) >= 4 and w in opening for w in _text_key(c.get("actor")).split())
        lines.append({"kind": "promise", "label": c.get("kind_label") or "engagement", "headline": _short(c["text"], 90) if named else f"{actor} : {_short(c['text'], 80)}",
                      "text": f"{actor} — {c['kind_label']} : « {_short(c['text'], 160)} »" + (f" ({details})" if details else ""),
                      "outlets": c.get("outlets") or [], "url": c.get("datasette_url") or c.get("url"),
                      "document_id": c["document_id"]})
        c["highlighted"] = True
    answers: list[dict[str, Any]] = next((g["items"] for g in parl["groups"] if g["key"] == "answers"), [])
    for item in answers[:max(0, limit - len(lines))]:
        lines.append({"kind": "answer", "label": "réponse", "headline": f"Réponse reçue : {_short(item['title'], 80)}",
                      "text": f"Réponse reçue : {_short(item['title'], 160)}", "outlets": [item["source_label"]],
                      "url": item.get("datasette_url") or item.get("url")})
    told = {line.get("document_id") for line in lines}
    for story in [s for s in stories if s["reach"] > 1 and s["lead"]["id"] not in told][:max(0, limit - len(lines))]:
        lead = story["lead"]
        outlets = [lead["source_label"], *[p["source_label"] for p in story["pickups"]]]
        lines.append({"kind": "story", "label": "sujet repris", "headline": _short(lead["title"], 90),
                      "text": f"Repris par {story['reach']} titres : {_short(lead['title'], 160)}",
                      "outlets": list(dict.fromkeys(outlets)), "url": lead.get("datasette_url") or lead.get("url")})
    return lines[:limit]


def _figures(c: dict[str, int]) -> list[dict[str, Any]]:
    def figure(key: str, value: int, singular: str, plural: str, alert: bool = False) -> dict[str, Any]:
        return {"key": key, "value": value, "label": singular if value in (0, 1) else plural, "alert": alert}

    return [
        figure("documents", c["documents"], "document sur le sujet", "documents sur le sujet"),
        figure("press", c["press"], "article de presse", "articles de presse"),
        figure("parliament", c["parliament"], "texte parlementaire", "textes parlementaires"),
        figure("commitments", c["commitments_new"], "engagement relevé", "engagements relevés"),
        figure("deadlines", c["deadlines"] + c["overdue"], "échéance à surveiller", "échéances à surveiller",
               alert=bool(c["overdue"])),
        figure("failed", c["sources_failed"], "source en échec", "sources en échec", alert=bool(c["sources_failed"])),
    ]


def _preheader(c: dict[str, int], empty: bool) -> str:
    if empty:
        return "Rien de nouveau cette semaine" + (f" ; {c['sources_failed']} source(s) en échec." if c["sources_failed"] else " ; toutes les sources ont répondu.")
    return (f"{c['documents']} documents, dont {c['press']} articles et {c['parliament']} textes parlementaires ; "
            f"{c['commitments_new']} engagements relevés.")
