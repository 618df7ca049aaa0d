"""The moderation page and the authenticated export that ``sync`` pulls.

Guards (D23): the Host header must be on the allowlist (DNS rebinding), every
POST carries the session's CSRF token and, when the browser sends one, a
same-origin ``Origin``; the session cookie is HttpOnly, SameSite=Strict and
Secure. Everything shown is escaped (Jinja autoescaping, plain-text excerpts).
"""

from __future__ import annotations

from dataclasses import asdict
import hmac
import secrets
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.security import check_password_hash

from pelican_plugins.receiver.service import service
from pelican_plugins.responses.view import display_name, excerpt

blueprint = Blueprint("moderation", __name__)

ACTIONS = {"approve": "approved", "spam": "spam", "trash": "trash", "delete": None}
TOKEN_HEADER = "X-Export-Token"
#: Private fields the export never carries.
PRIVATE = ("author_email", "author_ip", "raw_content", "extra")


@blueprint.before_request
def guard() -> None:
    """Refuse unknown Host names, and POSTs without a valid CSRF token or origin."""
    host = urlsplit("//" + request.host).hostname or ""
    if host not in service().config.allowed_hosts:
        abort(403)
    if request.method == "POST" and request.endpoint != "moderation.export":
        origin = request.headers.get("Origin")
        if origin is not None and origin != request.host_url.rstrip("/"):
            abort(403)
        expected = session.get("csrf", "")
        sent = request.form.get("csrf", "")
        if not expected or not hmac.compare_digest(expected, sent):
            abort(403)


def _csrf() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _page(template: str, status: int = 200, **values: object) -> Response:
    values.setdefault("site_name", service().config.site_name)
    return Response(render_template(template, csrf=_csrf(), **values), status)


@blueprint.get("/moderate/login")
def login_form() -> Response:
    """Show the password form."""
    if not service().config.password_hash:
        abort(404)
    return _page("login.html", title="Moderation: sign in", message="")


@blueprint.post("/moderate/login")
def login() -> Response:
    """Sign the moderator in with the configured password hash."""
    password_hash = service().config.password_hash
    if not password_hash:
        abort(404)
    if not check_password_hash(password_hash, request.form.get("password", "")):
        return _page(
            "login.html", 403, title="Moderation: sign in", message="Wrong password."
        )
    session.clear()
    session.permanent = True
    session["moderator"] = True
    session["csrf"] = secrets.token_urlsafe(24)
    return redirect(url_for("moderation.pending"), 303)


@blueprint.post("/moderate/logout")
def logout() -> Response:
    """Sign out."""
    session.clear()
    return redirect(url_for("moderation.login_form"), 303)


@blueprint.get("/moderate")
def pending() -> Response:
    """List what awaits a decision, newest last, with approve, spam and delete."""
    svc = service()
    if not svc.config.password_hash:
        abort(404)
    if not session.get("moderator"):
        return redirect(url_for("moderation.login_form"), 303)
    targets = svc.targets()
    rows = [
        {
            "id": item.id,
            "post": targets.post_url(item.key) or item.key,
            "key": item.key,
            "type": item.type if item.kind is None else f"{item.type} ({item.kind})",
            "date": item.date,
            "author": display_name(item.author_name),
            "author_url": item.author_url or "",
            "source": item.source_url or "",
            "excerpt": excerpt(item.content_html, 60),
        }
        for item in svc.db.store.list("pending")
    ]
    rebuild = svc.rebuilder.status() if svc.rebuilder is not None else None
    return _page(
        "moderate.html",
        title="Moderation",
        rows=rows,
        done=request.args.get("done", ""),
        rebuild=rebuild,
    )


@blueprint.post("/moderate/<action>")
def act(action: str) -> Response:
    """Approve, spam, trash or delete one item; approving publishes it at once."""
    svc = service()
    if not session.get("moderator") or action not in ACTIONS:
        abort(403 if action in ACTIONS else 404)
    response_id = request.form.get("id", "")
    try:
        if ACTIONS[action] is None:
            svc.db.store.delete(response_id)
        else:
            svc.db.store.set_status(response_id, ACTIONS[action])
    except KeyError:
        abort(404)
    svc.approved()
    return redirect(url_for("moderation.pending", done=f"{action}: {response_id}"), 303)


@blueprint.get("/export")
def export() -> Response:
    """List every moderated item, private fields left out, for ``sync``.

    The token travels in ``X-Export-Token``: the guarded fetcher never sends
    ``Authorization`` or cookies, and sync never follows a redirect with it.
    """
    token = service().config.export_token
    sent = request.headers.get(TOKEN_HEADER, "")
    if not token or not hmac.compare_digest(sent.encode(), token.encode()):
        return Response("A valid token is required.\n", 401, mimetype="text/plain")
    items = []
    for item in service().db.store.list():
        if item.status == "pending":
            continue
        record = asdict(item)
        for name in PRIVATE:
            record.pop(name, None)
        items.append(record)
    return jsonify({"format": 1, "responses": items})
