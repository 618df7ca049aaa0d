"""Email the moderator when something awaits moderation (standard library SMTP).

Sent from a short-lived thread so a slow mail server never delays an answer;
a failure is logged, never raised. Header values are plain text on one line.
"""

from __future__ import annotations

from email.message import EmailMessage
import logging
import smtplib
import threading
from typing import Any

from pelican_plugins.receiver.config import Config
from pelican_plugins.responses.sanitize import plain_text
from pelican_plugins.responses.view import excerpt

logger = logging.getLogger(__name__)


def message(config: Config, item: Any) -> EmailMessage:
    """Return the notification for one pending *item*."""
    mail = EmailMessage()
    author = plain_text(item.author_name or "someone")[:80]
    mail["Subject"] = f"[{plain_text(config.site_name)}] New {item.type} by {author}"
    mail["From"] = config.notify_from
    mail["To"] = config.notify_to
    lines = [
        f"A new {item.type} on “{item.key}” awaits moderation.",
        "",
        f"Author: {author}",
        f"Website: {item.author_url or '-'}",
        f"Date: {item.date}",
        "",
        excerpt(item.content_html, 80),
        "",
        f"Moderate it at {config.public_url.rstrip('/')}/moderate"
        if config.public_url
        else "Moderate it on the receiver's /moderate page.",
    ]
    mail.set_content("\n".join(lines))
    return mail


def send(config: Config, item: Any) -> bool:
    """Send the notification now; False (logged) when the server refuses or is down."""
    try:
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=10) as smtp:
            smtp.send_message(message(config, item))
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("receiver: notification not sent: %s", error)
        return False
    return True


def send_later(config: Config, item: Any) -> threading.Thread:
    """Send from a background thread; return it (tests join it)."""
    thread = threading.Thread(target=send, args=(config, item), daemon=True)
    thread.start()
    return thread
