"""The "Leave a Reply" form's server side: POST /comments, its token and reply pages.

Checks, in order: one value per field (D17), a published target, the honeypot
(silently discarded), WordPress's field limits, the signed timestamp token
(else a "Please confirm your comment" page, D16), the parent (D19), duplicate,
flood and rate limits (D18). A stored comment is pending; the sender is sent
back to the post's "awaiting moderation" notice, which works without scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import re
import time
from typing import Any
from urllib.parse import urljoin

from flask import Blueprint, Response, jsonify, redirect, render_template, request

from pelican_plugins.receiver.service import (
    anonymised,
    client_ip,
    endpoints,
    service,
)
from pelican_plugins.receiver.tokens import OK
from pelican_plugins.responses import sanitize
from pelican_plugins.responses.model import Response as Item
from pelican_plugins.responses.model import utc_stamp
from pelican_plugins.responses.view import display_name

blueprint = Blueprint("comments", __name__)

#: WordPress's comment_form() limits (author 245, email 100, url 200); the body
#: is capped in bytes by the sanitizer's check (16 KB).
LIMITS = {"author": 245, "email": 100, "url": 200, "target": 2048, "parent": 200}
FIELDS = ("target", "parent", "author", "email", "url", "comment", "token", "homepage")
NOTICE = "#comment-awaiting-moderation"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+\Z")


@dataclass
class Problem(Exception):
    """A submission refused with a page naming the problem."""

    status: int
    message: str
    title: str = "Your comment was not sent"


def _page(template: str, status: int = 200, **values: Any) -> Response:
    values.setdefault("site_name", service().config.site_name)
    return Response(render_template(template, **values), status)


def _problem(problem: Problem, back: str | None) -> Response:
    answer = _page(
        "message.html",
        problem.status,
        title=problem.title,
        message=problem.message,
        back=back,
    )
    if problem.status in (429, 503):
        answer.headers["Retry-After"] = "60"
    return answer


def read_fields() -> dict[str, str]:
    """Return every known field as one string; a repeated field is a Problem (D17)."""
    fields = {}
    for name in FIELDS:
        values = request.form.getlist(name)
        if len(values) > 1:
            raise Problem(400, f"The field “{name}” was sent more than once.")
        fields[name] = values[0] if values else ""
    return fields


def check_fields(fields: dict[str, str]) -> tuple[str, str | None, str]:
    """Apply the length and format rules before anything is cleaned (D17).

    Return (author name, website or None, comment HTML).
    """
    for name, limit in LIMITS.items():
        if len(fields[name]) > limit:
            raise Problem(400, f"The field “{name}” is longer than {limit} characters.")
    author = sanitize.plain_text(fields["author"])
    if not author:
        raise Problem(400, "Please fill the required field “Name”.")
    if not fields["email"].strip():
        raise Problem(400, "Please fill the required field “Email”.")
    if not _EMAIL.match(fields["email"].strip()):
        raise Problem(400, "The field “Email” is not an email address.")
    website = None
    if fields["url"].strip():
        website = sanitize.safe_url(fields["url"])
        if website is None:
            raise Problem(400, "The field “Website” must be an http(s) address.")
    text = fields["comment"]
    if not text.strip():
        raise Problem(400, "Please type your comment in the field “Comment”.")
    try:
        sanitize.check(text)
    except sanitize.Rejected as rejected:
        raise Problem(400, f"The field “Comment” is refused: {rejected}.") from None
    return author, website, sanitize.clean(sanitize.text_to_html(text))


def check_parent(parent_id: str, key: str) -> tuple[str | None, str | None]:
    """Return (parent id, its author) when it is a published comment on this post."""
    if not parent_id:
        return None, None
    parent = service().db.store.get(parent_id)
    if (
        parent is None
        or parent.status != "approved"
        or parent.key != key
        or parent.type != "comment"
    ):
        raise Problem(400, "You can only reply to a published comment on this post.")
    return parent.id, display_name(parent.author_name)


def check_limits(ip: str, now: float) -> None:
    """Flood, per-IP and global rate limits (429), and the pending cap (503)."""
    svc = service()
    config = svc.config
    if svc.db.recent(now - config.flood_seconds, ip):
        raise Problem(429, "You are posting comments too quickly. Please slow down.")
    if svc.db.recent(now - 60, ip) >= config.per_ip_per_minute:
        raise Problem(429, "Too many comments from your address. Try again later.")
    if svc.db.recent(now - 60) >= config.global_per_minute:
        raise Problem(429, "Too many comments right now. Please try again later.")
    if svc.db.pending() >= config.max_pending:
        raise Problem(503, "Too many comments await moderation. Try again later.")


def digest(key: str, fields: dict[str, str]) -> str:
    """Identify a comment's content: same post, author, email and text (duplicate)."""
    parts = (key, fields["author"].strip(), fields["email"].strip().lower())
    text = " ".join(fields["comment"].split())
    return hashlib.sha256("\0".join((*parts, text)).encode("utf-8")).hexdigest()


def _form(fields: dict[str, str], message: str, title: str, back: str) -> Response:
    svc = service()
    return _page(
        "form.html",
        title=title,
        message=message,
        fields=fields,
        token=svc.tokens.issue(),
        action=endpoints().comments,
        back=back,
        parent_name=None,
    )


@blueprint.post("/comments")
def post() -> Response:
    """Store a comment as pending and send its author back to the post."""
    svc = service()
    back = svc.config.site_url
    try:
        fields = read_fields()
        found = svc.targets().resolve(urljoin(svc.config.site_url, fields["target"]))
        if found is None:
            raise Problem(400, "This page does not take comments.")
        key, back = found
        if fields["homepage"]:
            return redirect(
                back + NOTICE, 303
            )  # the honeypot: keep nothing, say nothing
        author, website, content_html = check_fields(fields)
        verdict = svc.tokens.check(fields["token"])
        if verdict != OK:
            fields["token"] = ""
            return _form(
                fields,
                "Please check your comment, then send it.",
                "Please confirm your comment",
                back,
            )
        parent, _ = check_parent(fields["parent"], key)
        fingerprint = digest(key, fields)
        if svc.db.seen(fingerprint):
            raise Problem(409, "You have already sent this comment.")
        now = time.time()
        ip = anonymised(client_ip())
        check_limits(ip, now)
        item = Item(
            id="rc-" + fingerprint[:24],
            key=key,
            type="comment",
            status="pending",
            parent=parent,
            author_name=author,
            author_url=website,
            date=utc_stamp(now),
            content_html=content_html,
            author_email=fields["email"].strip(),
            author_ip=ip,
            raw_content=fields["comment"],
            origin="receiver",
        )
        if not svc.db.log_submission(item.id, key, ip, fingerprint, now):
            raise Problem(409, "You have already sent this comment.")
        try:
            svc.db.store.merge([item])
        except BaseException:
            svc.db.forget_submission(item.id)
            raise
    except Problem as problem:
        return _problem(problem, back)
    svc.notify_pending(item)
    return redirect(back + NOTICE, 303)


@blueprint.get("/comments/token")
def token() -> Response:
    """Return a fresh form token as JSON, readable by the site's pages only (CORS)."""
    answer = jsonify({"token": service().tokens.issue()})
    answer.headers["Access-Control-Allow-Origin"] = service().config.site_origin
    answer.headers["Vary"] = "Origin"
    return answer


@blueprint.get("/comments/reply")
def reply() -> Response:
    """Show a standalone form replying to one published comment (no script needed)."""
    svc = service()
    target = request.args.get("target", "")
    parent_id = request.args.get("parent", "")
    found = svc.targets().resolve(urljoin(svc.config.site_url, target))
    if found is None:
        return _problem(Problem(400, "This page does not take comments."), None)
    key, back = found
    try:
        parent, name = check_parent(parent_id, key)
    except Problem as problem:
        return _problem(problem, back)
    fields = dict.fromkeys(FIELDS, "")
    fields.update(target=back, parent=parent or "")
    title = f"Leave a Reply to {name}" if name else "Leave a Reply"
    return _form(fields, "", title, back)
