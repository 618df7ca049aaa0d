"""The receiver service (issue 10): webmentions, pingbacks and the comment form.

Everything it receives waits for a moderator; approved items reach
``content/responses/`` through ``ResponseStore``. See docs/receiver.md.
"""

from __future__ import annotations

from pelican_plugins.receiver.app import create_app
from pelican_plugins.receiver.config import Config

__all__ = ["Config", "create_app"]
