"""The WSGI application: ``create_app(config)`` and what every route shares.

Routes live in :mod:`.linkbacks` (webmention, pingback), :mod:`.comments`
(the "Leave a Reply" form) and :mod:`.moderation` (moderation page, export).
Answers never carry exception text; a store that cannot write answers 503.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from pelican_plugins import net
from pelican_plugins.receiver import comments, linkbacks, moderation
from pelican_plugins.receiver.config import Config, make
from pelican_plugins.receiver.rebuild import Rebuilder
from pelican_plugins.receiver.service import Service, service
from pelican_plugins.receiver.worker import Worker

logger = logging.getLogger(__name__)

#: Body caps per endpoint, enforced before anything is parsed (D2, §4.5).
BODY_CAPS = {
    "linkbacks.webmention": 8 * 1024,
    "linkbacks.xmlrpc_endpoint": 64 * 1024,
    # 16 KB of comment text is up to 48 KB once percent-encoded.
    "comments.post": 64 * 1024,
}
DEFAULT_CAP = 8 * 1024


def _limit_body() -> Response | None:
    """Refuse encoded or oversized bodies before anything reads them (D2, D3)."""
    environ = request.environ  # read directly: this runs on every request
    if environ.get("REQUEST_METHOD") != "POST":
        return None
    encoding = environ.get("HTTP_CONTENT_ENCODING", "identity").strip().lower()
    if encoding not in ("", "identity"):
        return Response("Compressed request bodies are not accepted.\n", 415)
    cap = BODY_CAPS.get(request.endpoint or "", DEFAULT_CAP)
    if request.content_length is not None and request.content_length > cap:
        return Response(f"Request body over {cap} bytes.\n", 413)
    request.max_content_length = cap  # also caps chunked bodies as they are read
    return None


def _headers(response: Response) -> Response:
    """Headers every answer carries: no caching, no framing, no sniffing."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    origin = service().config.site_origin
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
        f"frame-ancestors 'none'; form-action 'self' {origin}"
    )
    return response


def _http_error(error: HTTPException) -> Response:
    """Plain one-line answers for HTTP errors (the body cap's 413 among them)."""
    text = f"{error.code} {error.name}\n"
    return Response(text, error.code or 500, mimetype="text/plain")


def _store_error(error: sqlite3.Error) -> Response:
    """Answer 503 when the store cannot write (disk full): nothing half-done."""
    logger.error("receiver: store error: %s", error)
    answer = Response("The service cannot store anything right now.\n", 503)
    answer.headers["Retry-After"] = "60"
    return answer


def _internal(error: Exception) -> Response:
    logger.exception("receiver: unexpected error", exc_info=error)
    return Response("Internal error.\n", 500, mimetype="text/plain")


def _mounted(wsgi_app: Any, prefix: str) -> Any:
    """Serve under *prefix* (a proxy strips it): links and redirects keep it."""

    def call(environ: dict, start_response: Any) -> Any:
        environ["SCRIPT_NAME"] = prefix
        return wsgi_app(environ, start_response)

    return call


def create_app(
    config: Config | dict[str, Any], *, fetch_policy: net.Policy | None = None
) -> Flask:
    """Build the receiver's WSGI app; with ``workers`` > 0 the verifier starts too.

    *fetch_policy* replaces the verifier's fetch policy (tests: a loopback peer).
    """
    if isinstance(config, dict):
        config = make(config)
    svc = Service(config)
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SECRET_KEY=svc.config.secret_key,
        SESSION_COOKIE_NAME="receiver_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=svc.config.secure_cookies,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        MAX_FORM_PARTS=20,
    )
    app.extensions["receiver"] = svc
    prefix = urlsplit(svc.config.public_url).path.rstrip("/")
    if prefix:
        app.wsgi_app = _mounted(app.wsgi_app, prefix)  # type: ignore[method-assign]
    app.register_blueprint(linkbacks.blueprint)
    app.register_blueprint(comments.blueprint)
    app.register_blueprint(moderation.blueprint)
    app.before_request(_limit_body)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(sqlite3.Error, _store_error)
    app.register_error_handler(Exception, _internal)

    @app.get("/health")
    def health() -> Response:
        """Answer "ok": the load benchmark's baseline route and a liveness probe."""
        return Response("ok\n", mimetype="text/plain")

    if svc.config.rebuild_command:
        svc.rebuilder = Rebuilder(svc.config.rebuild_command, svc.config.rebuild_delay)
    if svc.config.workers:
        svc.worker = Worker(
            svc.db, svc.config, policy=fetch_policy, on_pending=svc.notify_pending
        )
        svc.worker.start()
    return app
