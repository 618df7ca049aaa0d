"""Webmention (W3C) and Pingback 1.0 endpoints: check at once, verify later.

Nothing here opens a socket: a request is checked against the published
targets and queued, so every queued case answers alike whatever the source
is (no port-scan oracle, D7). The worker fetches and verifies.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl
from xml.parsers.expat import ExpatError
import xmlrpc.client

from defusedxml import DefusedXmlException
from defusedxml.xmlrpc import DefusedExpatParser
from flask import Blueprint, Response, jsonify, request

from pelican_plugins.receiver import db as queue
from pelican_plugins.receiver.service import client_ip, endpoints, service
from pelican_plugins.responses.sanitize import linkback_source
from pelican_plugins.responses.targets import canonical, is_own

blueprint = Blueprint("linkbacks", __name__)

MAX_URL = 2048
# Pingback 1.0 fault codes; -32xxx from the XML-RPC fault interoperability spec.
GENERIC, SOURCE_MISSING, NO_LINK, TARGET_MISSING, NOT_A_TARGET, ALREADY = (
    0,
    16,
    17,
    32,
    33,
    48,
)
PARSE_ERROR, NO_METHOD = -32700, -32601
#: What a status page may say: categories only, never why a fetch failed (D7).
STATUS_TEXT = {
    queue.QUEUED: "queued for verification",
    queue.VERIFIED: "verified; awaiting moderation or published",
    queue.FAILED: "not verified (the source could not be fetched or has no link)",
    queue.DELETED: "deleted (the source is gone or no longer links here)",
}


class Refused(Exception):
    """A request that fails the synchronous checks: a reason and a fault code."""

    def __init__(self, reason: str, fault: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fault = fault


def check(source: object, target: object) -> tuple[str, str, str]:
    """Apply the synchronous checks (spec §3.2.1); return (source, target, key).

    The source is queued as :func:`linkback_source` decides; the target is
    kept as sent (the source must link to exactly that), its post found with
    the fragment ignored.
    """
    if not isinstance(source, str) or not source.strip():
        raise Refused("source is required", SOURCE_MISSING)
    if not isinstance(target, str) or not target.strip():
        raise Refused("target is required", NOT_A_TARGET)
    source, target = source.strip(), target.strip()
    queued = linkback_source(source).url
    if queued is None:
        raise Refused("source must be an http(s) URL", SOURCE_MISSING)
    targets = service().targets()
    page, found = targets.find(target) if len(target) <= MAX_URL else (None, None)
    if page is None:
        raise Refused("target must be an http(s) URL", NOT_A_TARGET)
    if canonical(queued) == page:
        raise Refused("source and target are the same page", GENERIC)
    if found is None:
        if is_own(target, targets.site_url):
            raise Refused("target is not a post or page of this site", TARGET_MISSING)
        raise Refused("target is not on this site", NOT_A_TARGET)
    return queued, target, found[0]


def _full() -> bool:
    return service().queue_full()


def _busy() -> Response:
    answer = Response("Too many mentions are waiting; try again later.\n", 503)
    answer.headers["Retry-After"] = "60"
    return answer


def form_fields() -> dict[str, list[str]]:
    """Return the form's fields by name.

    A urlencoded body (capped at 8 KB before this runs) is parsed with
    ``parse_qsl`` directly: werkzeug's form parser costs more than all the
    webmention checks together. Any other body goes through ``request.form``.
    """
    if request.mimetype != "application/x-www-form-urlencoded":
        return {name: request.form.getlist(name) for name in request.form}
    fields: dict[str, list[str]] = {}
    text = request.get_data(cache=False).decode("utf-8", "replace")
    for name, value in parse_qsl(text, keep_blank_values=True):
        fields.setdefault(name, []).append(value)
    return fields


def _one(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name, [])
    return values[0] if len(values) == 1 else None


@blueprint.post("/webmention")
def webmention() -> Response:
    """Queue a webmention: 201 with the status page in Location, or 400 why not."""
    with service().db.coming():
        return _webmention()


def _webmention() -> Response:
    try:
        fields = form_fields()
        source, target, key = check(_one(fields, "source"), _one(fields, "target"))
    except Refused as refused:
        return Response(refused.reason + "\n", 400, mimetype="text/plain")
    if _full():
        return _busy()
    svc = service()
    mention = svc.db.enqueue(
        "webmention", source, target, key, ip=client_ip(), now=time.time()
    )
    svc.wake()
    location = f"{endpoints().webmention}/status/{svc.tokens.status_id(mention or 0)}"
    return Response(
        "Accepted: the source will be verified.\n",
        201,
        {"Location": location},
        mimetype="text/plain",
    )


@blueprint.get("/webmention/status/<name>")
def status(name: str) -> Response:
    """Show a webmention's status to whoever holds the link the 201 gave."""
    svc = service()
    mention_id = svc.tokens.mention_of(name)
    row = None if mention_id is None else svc.db.mention(mention_id)
    if row is None:
        return Response("No such webmention.\n", 404, mimetype="text/plain")
    return jsonify(
        {
            "source": row["source"],
            "target": row["target"],
            "status": row["state"],
            "summary": STATUS_TEXT[row["state"]],
        }
    )


def parse_call(data: bytes) -> tuple[tuple, str | None]:
    """Parse an XML-RPC call with expat through defusedxml: no DTD, no entities (D1)."""
    unmarshaller = xmlrpc.client.Unmarshaller()
    parser = DefusedExpatParser(unmarshaller, forbid_dtd=True)
    parser.feed(data)
    parser.close()
    return unmarshaller.close(), unmarshaller.getmethodname()


def _xml(body: str) -> Response:
    return Response(body, 200, mimetype="text/xml")


def fault(code: int, text: str) -> Response:
    """Return an XML-RPC fault: a fixed text per code, never exception text (D5)."""
    return _xml(
        xmlrpc.client.dumps(xmlrpc.client.Fault(code, text), methodresponse=True)
    )


@blueprint.post("/xmlrpc")
def xmlrpc_endpoint() -> Response:
    """Pingback 1.0's ``pingback.ping``; every other method is refused (D4)."""
    with service().db.coming():
        return _pingback()


def _pingback() -> Response:  # noqa: PLR0911 (one exit per fault)
    data = request.get_data(cache=False)
    try:
        params, method = parse_call(data)
    except (
        ExpatError,
        DefusedXmlException,
        xmlrpc.client.ResponseError,
        ValueError,
        TypeError,
        IndexError,
        KeyError,
        OverflowError,
    ):
        return fault(PARSE_ERROR, "parse error: not a well-formed XML-RPC call")
    if method != "pingback.ping":
        return fault(NO_METHOD, "requested method not found")
    if len(params) != 2 or not all(isinstance(p, str) for p in params):
        return fault(GENERIC, "pingback.ping takes two strings: source and target")
    # WordPress and other senders escape & as &amp; inside the strings.
    source, target = (p.replace("&amp;", "&") for p in params)
    try:
        source, target, key = check(source, target)
    except Refused as refused:
        return fault(refused.fault, refused.reason)
    if _full():
        return _busy()
    svc = service()
    mention = svc.db.enqueue(
        "pingback", source, target, key, ip=client_ip(), now=time.time()
    )
    if mention is None:
        return fault(ALREADY, "the pingback has already been registered")
    svc.wake()
    return _xml(
        xmlrpc.client.dumps(
            ("Pingback received; the source will be verified.",), methodresponse=True
        )
    )
