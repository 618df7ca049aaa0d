"""Signed tokens: the comment form's timestamp token and webmention status links.

A form token proves the form was fetched at least ``min_delay`` seconds and at
most ``max_age`` seconds ago (D16): bots that post at once, or replay an old
token, get the "Please confirm your comment" page instead of a stored comment.
"""

from __future__ import annotations

import secrets
import time

from itsdangerous import BadSignature, SignatureExpired, Signer, TimestampSigner

OK, EARLY, BAD = "ok", "early", "bad"


class _KeyedSigner(Signer):
    """A Signer that derives its key once, with the same signatures as Signer.

    Signer derives it on every call: a hash per webmention answered. The HMAC
    itself stays itsdangerous's (re-keying a copy saved 8-11 µs, within the
    noise of the load benchmark, and would duplicate the library's signing).
    """

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """Return the derived key, computed once per secret key."""
        cache = self.__dict__.setdefault("_derived", {})
        key = cache.get(secret_key)
        if key is None:
            key = cache[secret_key] = super().derive_key(secret_key)
        return key


class Tokens:
    """Issue and check tokens signed with the service's secret key."""

    def __init__(self, secret: str, min_delay: float, max_age: float) -> None:
        self._form = TimestampSigner(secret, salt="receiver-comment-form")
        self._status = _KeyedSigner(secret, salt="receiver-webmention-status")
        self.min_delay = min_delay
        self.max_age = max_age

    def issue(self) -> str:
        """Return a fresh form token."""
        return self._form.sign(secrets.token_urlsafe(8)).decode("ascii")

    def check(self, token: object, now: float | None = None) -> str:
        """Return OK, EARLY (sent too soon) or BAD (missing, forged or expired)."""
        if not isinstance(token, str) or not token or len(token) > 200:
            return BAD
        try:
            _, issued = self._form.unsign(
                token, max_age=int(self.max_age), return_timestamp=True
            )
        except (SignatureExpired, BadSignature):
            return BAD
        age = (time.time() if now is None else now) - issued.timestamp()
        return OK if age >= self.min_delay else EARLY

    def status_id(self, mention_id: int) -> str:
        """Return the unguessable name of a mention's status page."""
        return self._status.sign(str(mention_id)).decode("ascii")

    def mention_of(self, status_id: str) -> int | None:
        """Return the mention id behind a status page name, or None if forged."""
        try:
            return int(self._status.unsign(status_id))
        except (BadSignature, ValueError):
            return None
