"""The optional staff login (a password hash in VEILLE_STAFF_PASSWORD_HASH, form at
/-/connexion) and the permissions: nothing is visible before logging in, except the feeds
to a reader holding the feed token (?jeton=)."""

from __future__ import annotations

import os
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from pipelines.serve import (
    FEED_ACTOR, FEED_QUERIES, FEED_TOKEN_PARAM, PASSWORD_ENV, STAFF_ACTOR, feed_token_accepted, local_target,
    free_sql_allowed, login_enabled, throttle_for, verify_password,
)


@hookimpl
def actor_from_request(datasette, request):
    """A feed reader: the right ?jeton= on one of the three feed URLs (never on another page)."""
    if login_enabled() and feed_token_accepted(request.path, request.args.get(FEED_TOKEN_PARAM)):
        return FEED_ACTOR
    return None


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    """With a staff password configured, nothing is visible before logging in; a feed reader
    sees the feed queries and nothing else."""
    if actor and actor.get("veille_feed"):
        if action == "view-query":
            return isinstance(resource, (tuple, list)) and resource[-1] in FEED_QUERIES
        return action in ("view-instance", "view-database")
    if action == "execute-sql" and not free_sql_allowed(datasette, actor):
        return False
    if login_enabled() and not actor:
        return False
    return None


@hookimpl
def forbidden(datasette, request, message):
    """Send people who are not logged in to the login page."""
    if login_enabled() and not request.actor:
        target = request.path + (f"?{request.query_string}" if request.query_string else "")
        return Response.redirect(datasette.urls.path("/-/connexion?" + urlencode({"suite": target})))
    return None


@hookimpl
def extra_template_vars(template, database, table, request, datasette):
    """Whether the templates show the login link."""
    return {"veille_login_enabled": login_enabled()}


async def login(request, datasette):
    """GET: the login form; POST: check the password against the hash in the environment."""
    stored = os.environ.get(PASSWORD_ENV)
    error, status = None, 200
    target = local_target(request.args.get("suite"))
    client = (request.scope.get("client") or ("?",))[0]
    throttle = throttle_for(datasette)
    if request.method == "POST":
        form = await request.post_vars()
        target = local_target(form.get("suite"))
        if throttle.blocked(client):
            error, status = "Trop de mots de passe incorrects : réessayez dans un quart d'heure.", 429
        elif stored and verify_password(form.get("mot_de_passe", ""), stored):
            throttle.succeeded(client)
            response = Response.redirect(target)
            response.set_cookie("ds_actor", datasette.sign({"a": STAFF_ACTOR}, "actor"), httponly=True, samesite="lax")
            return response
        else:
            throttle.failed(client)
            error = "Mot de passe incorrect." if stored else "Aucun mot de passe n'est configuré sur ce serveur."
            status = 403
    return Response.html(await datasette.render_template(
        "veille_connexion.html", {"error": error, "suite": target, "login_enabled": bool(stored)},
        request=request), status=status)


@hookimpl
def register_routes():
    """The login form."""
    return [(r"^/-/connexion$", login)]
