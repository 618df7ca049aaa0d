"""The receiver's configuration: one frozen dataclass, read from TOML and flags.

Every option is documented in docs/receiver.md. Unknown or ill-typed options
are refused with a one-line error naming them, before the service starts.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
import secrets
import tomllib
from typing import Any, get_type_hints

from pelican_plugins import atomic


class ConfigError(ValueError):
    """A configuration value the service cannot run with."""


@dataclass(frozen=True)
class Config:
    """Everything the service needs; defaults suit one machine behind a proxy."""

    db: Path
    content: Path
    site_url: str
    #: The build's targets file (RESPONSES_TARGETS_FILE in OUTPUT_PATH).
    targets: Path = Path("output/responses-targets.json")
    site_name: str = "The Listening Back"
    responses_dir: str = "responses"
    #: The receiver's public address (RESPONSES_RECEIVER_URL); "" = as requested.
    public_url: str = ""
    #: Test-only: let the verifier fetch loopback and private addresses.
    allow_private: bool = False
    #: Signs form tokens and sessions; "" = a random key kept beside the database.
    secret_key: str = ""
    #: werkzeug.security hash of the moderator's password; "" = no moderation page.
    password_hash: str = ""
    #: Host header values the moderation page and export answer to (D23).
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
    #: Addresses of reverse proxies whose X-Forwarded-For is believed (D20).
    trusted_proxies: tuple[str, ...] = ()
    secure_cookies: bool = True
    #: Bearer token of GET /export (sync); "" = export off.
    export_token: str = ""
    #: Verification threads; 0 = none (the queue waits).
    workers: int = 2
    #: Seconds between two fetches from one source host (D8).
    host_interval: float = 10.0
    max_attempts: int = 3
    #: Comment form: seconds a token must age, and its lifetime.
    min_delay: float = 3.0
    token_max_age: float = 86400.0
    #: Comment form: one comment per IP per flood_seconds, and per minute caps.
    flood_seconds: float = 15.0
    per_ip_per_minute: int = 2
    global_per_minute: int = 30
    #: Queued webmentions/pingbacks and pending comments beyond which 503.
    max_pending: int = 1000
    #: Shell-free command (list of arguments) run after approvals, debounced.
    rebuild_command: tuple[str, ...] = ()
    rebuild_delay: float = 5.0
    #: Email the moderator when something awaits moderation ("" = off).
    notify_to: str = ""
    notify_from: str = "receiver@localhost"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25

    @property
    def responses_folder(self) -> Path:
        """The public JSON folder (``content/responses``)."""
        return Path(self.content) / self.responses_dir

    @property
    def site_origin(self) -> str:
        """``scheme://host[:port]`` of the site, for CORS and CSP."""
        scheme, _, rest = self.site_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"


_TYPES = get_type_hints(Config)


def _coerce(name: str, value: Any) -> Any:
    kind = _TYPES[name]
    if kind is Path:
        if isinstance(value, str | Path):
            return Path(value)
    elif kind == tuple[str, ...]:
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
    elif kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, kind):
        return value
    raise ConfigError(f"option {name!r}: {value!r} is not a valid {kind}")


def make(options: dict[str, Any]) -> Config:
    """Build a Config from plain values (TOML, flags), refusing unknown names."""
    known = {f.name for f in fields(Config)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ConfigError(f"unknown option(s): {', '.join(unknown)}")
    missing = sorted(n for n in ("db", "content", "site_url") if n not in options)
    if missing:
        raise ConfigError(f"missing option(s): {', '.join(missing)}")
    values = {name: _coerce(name, value) for name, value in options.items()}
    config = Config(**values)
    if not config.site_url.startswith(("http://", "https://")):
        raise ConfigError("option 'site_url' must be an http(s) URL")
    if config.workers < 0 or config.max_pending < 1:
        raise ConfigError("options 'workers' and 'max_pending' must be positive")
    return config


def read(path: Path) -> dict[str, Any]:
    """Read a TOML file of options; ConfigError naming the file when it is bad."""
    try:
        with Path(path).open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from error


def with_secret(config: Config) -> Config:
    """Fill an empty secret_key from ``<db>.secret``, creating it (mode 600) once."""
    if config.secret_key:
        return config
    path = Path(config.db).with_suffix(".secret")
    try:
        key = path.read_text("ascii").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(32)
        atomic.write_bytes(path, key.encode("ascii"))
        path.chmod(0o600)
    return replace(config, secret_key=key)
