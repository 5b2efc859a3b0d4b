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
    """The news of the week, then the week: « La ministre s'engage à maintenir le financement…
    — semaine 2026-W07 » ; « rien de nouveau » for a week without documents; a failing source
    is said too."""
    f = digest["counts"]
    failed = f.get("sources_failed") or 0
    tail = f" ; {failed} source{'s' if failed > 1 else ''} en échec" if failed else ""
    if digest["empty"]:
        return f"rien de nouveau — semaine {digest['week']} ({digest['period']}){tail}"
    news = digest.get("headline") or (f"{f['documents']} document{'s' if f['documents'] > 1 else ''} "
                                      f"sur le sujet")
    return f"{news} — semaine {digest['week']}{tail}"


def unsendable(digest: dict[str, Any]) -> str | None:
    """Why a digest must not be mailed (its links open only on this machine), or None."""
    if digest.get("links_local"):
        return (f"envoi refusé : les liens du résumé pointent vers ce poste ({digest['site_url']}) et ne "
                "s'ouvriront pas chez les destinataires ; indiquer l'adresse publique du site dans [site] public_url")
    return None


def send_digest(db, config: Config, digest: dict[str, Any], paths: dict[str, Path], run_id: str | None = None) -> dict[str, Any]:
    """Send the digest to the [mail] recipients; log it; return {status, recipients, error}.
    Never raises for SMTP problems: the error is returned as one line. A digest whose links
    point to this machine (`unsendable`) is not sent."""
    settings = config.mail
    html = Path(paths["html"]).read_text(encoding="utf-8") if "html" in paths else render_html(digest)
    text = Path(paths["md"]).read_text(encoding="utf-8") if "md" in paths else render_markdown(digest)
    message = build_message(settings, subject(digest), text, html, unsubscribe=True)
    where = ", ".join(str(p) for p in paths.values()) or "(aucun fichier)"
    outcome: dict[str, Any]
    refused = unsendable(digest)
    if refused:
        outcome = {"status": "failed", "recipients": [], "error": f"{refused} ; le résumé reste sur le disque : {where}"}
    else:
        try:
            accepted = send_message(settings, message)
        except MailError as exc:
            outcome = {"status": "failed", "recipients": [], "error": f"{exc} ; le résumé reste sur le disque : {where}"}
        else:
            outcome = {"status": "sent", "recipients": accepted, "error": None}
    database.record_digest_send(db, digest["week"], outcome["status"], outcome["recipients"], outcome["error"],
                                [str(p) for p in paths.values()], run_id=run_id)
    return outcome
