"""Status-page names: signed once per key, and the same as itsdangerous signs them."""

from __future__ import annotations

from itsdangerous import Signer

from pelican_plugins.receiver.tokens import Tokens

SECRET = "k" * 40


def test_status_names_match_itsdangerous_and_refuse_forgeries() -> None:
    tokens = Tokens(SECRET, 0.0, 60.0)
    plain = Signer(SECRET, salt="receiver-webmention-status")
    assert tokens.status_id(42) == plain.sign("42").decode()
    assert tokens.status_id(42) == tokens.status_id(42)  # deterministic
    assert tokens.mention_of(tokens.status_id(7)) == 7
    assert tokens.mention_of("7.forged") is None
    assert Tokens("x" * 40, 0.0, 60.0).mention_of(tokens.status_id(7)) is None
