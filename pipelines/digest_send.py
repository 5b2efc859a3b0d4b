"""Send a written digest by mail and log the attempt in `digest_sends`.

The files are written before sending, so a failed send loses nothing: the error is one line
and the digest stays on disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines import db as database
from pipelines.config import Config
from pipelines.digest_render import render_html, render_markdown
from pipelines.mail import MailError, build_message, send_message


def subject(digest: dict[str, Any]) -> str:
    """"Semaine 2026-W07 (du 9 au 15 février 2026) : 6 documents, 1 engagement"."""
    f = digest["counts"]
    parts = [f"{f['documents']} document{'s' if f['documents'] > 1 else ''}"]
    if f.get("commitments_new"):
        parts.append(f"{f['commitments_new']} engagement{'s' if f['commitments_new'] > 1 else ''}")
    if f.get("overdue"):
        parts.append(f"{f['overdue']} échéance{'s' if f['overdue'] > 1 else ''} dépassée{'s' if f['overdue'] > 1 else ''}")
    if f.get("sources_failed"):
        parts.append(f"{f['sources_failed']} source{'s' if f['sources_failed'] > 1 else ''} en échec")
    head = "rien de nouveau" if digest["empty"] else ", ".join(parts)
    if digest["empty"] and f.get("sources_failed"):
        head += ", " + parts[-1]
    return f"semaine {digest['week']} ({digest['period']}) : {head}"


def send_digest(db, config: Config, digest: dict[str, Any], paths: dict[str, Path], run_id: str | None = None) -> dict[str, Any]:
    """Send the digest to the [mail] recipients; log it; return {status, recipients, error}.
    Never raises for SMTP problems: the error is returned as one line."""
    settings = config.mail
    html = Path(paths["html"]).read_text(encoding="utf-8") if "html" in paths else render_html(digest)
    text = Path(paths["md"]).read_text(encoding="utf-8") if "md" in paths else render_markdown(digest)
    message = build_message(settings, subject(digest), text, html)
    where = ", ".join(str(p) for p in paths.values()) or "(aucun fichier)"
    outcome: dict[str, Any]
    try:
        accepted = send_message(settings, message)
    except MailError as exc:
        outcome = {"status": "failed", "recipients": [], "error": f"{exc} ; le résumé reste sur le disque : {where}"}
    else:
        outcome = {"status": "sent", "recipients": accepted, "error": None}
    database.record_digest_send(db, digest["week"], outcome["status"], outcome["recipients"], outcome["error"],
                                [str(p) for p in paths.values()], run_id=run_id)
    return outcome
