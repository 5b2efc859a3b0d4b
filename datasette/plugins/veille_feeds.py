"""The feeds to subscribe to (Atom of the mentions and commitments, ICS of the deadlines,
served by datasette-atom and datasette-ics from named queries) and the about page that
lists them: public without login; with login, for staff only and carrying the feed token."""

from __future__ import annotations

import os
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from pipelines.queries import DATABASE_NAME
from pipelines.serve import FEED_QUERIES, FEED_TOKEN_ENV, FEED_TOKEN_PARAM, STAFF_ACTOR, login_enabled

FEED_LABELS = {"flux_mentions": "Documents qui citent les SEC-Pa (Atom)",
               "flux_engagements": "Engagements, annonces, demandes et refus (Atom)",
               "calendrier_engagements": "Échéances des engagements (agenda ICS)"}


def feed_links(request, datasette) -> dict:
    """The feed addresses to subscribe to: public without login; with login, shown to staff
    only and carrying ?jeton= (or a note when VEILLE_FEED_TOKEN is not set)."""
    login = login_enabled()
    if login and (request.actor or {}).get("id") != STAFF_ACTOR["id"]:
        return {"veille_feeds": [], "veille_feed_token_missing": False}
    token = os.environ.get(FEED_TOKEN_ENV, "").strip()
    if login and not token:
        return {"veille_feeds": [], "veille_feed_token_missing": True}
    suffix = "?" + urlencode({FEED_TOKEN_PARAM: token}) if login else ""
    feeds = [{"label": FEED_LABELS[name], "url": datasette.absolute_url(
        request, datasette.urls.path(f"/{DATABASE_NAME}/{name}.{ext}")) + suffix} for name, ext in FEED_QUERIES.items()]
    return {"veille_feeds": feeds, "veille_feed_token_missing": False}


async def about_page(request, datasette):
    """/-/a-propos: sources, licences and press rights; the feed addresses for staff."""
    return Response.html(await datasette.render_template("veille_a_propos.html", feed_links(request, datasette),
                                                         request=request))


@hookimpl
def register_routes():
    """The about page."""
    return [(r"^/-/a-propos$", about_page)]


@hookimpl
def menu_links(datasette, actor):
    """Shortcuts in the menu."""
    return [{"href": datasette.urls.path("/-/a-propos"), "label": "À propos, sources et licences"}]
