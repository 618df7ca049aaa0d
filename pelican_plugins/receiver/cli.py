"""``python -m pelican_plugins.receiver serve|sync|hash-password``.

Exit codes: 0 done, 1 the sync found bad records or could not fetch, 2 bad
usage or configuration (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import getpass
import logging
from pathlib import Path
import sqlite3
import sys
from typing import Any

from werkzeug.security import generate_password_hash

from pelican_plugins.receiver.config import ConfigError, make, read
from pelican_plugins.responses.schema import NewerStoreError

USAGE = 2


def parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    ap = argparse.ArgumentParser(prog="python -m pelican_plugins.receiver")
    sub = ap.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the receiver with waitress")
    serve.add_argument("--config", type=Path, help="TOML file of options")
    serve.add_argument("--db", help="private store (var/responses.sqlite3)")
    serve.add_argument("--content", help="content folder (responses/ inside)")
    serve.add_argument("--site-url", help="the site's public URL")
    serve.add_argument("--targets", help="the build's responses-targets.json")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument("--workers", type=int, help="verification threads (2)")
    serve.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="TEST ONLY: let the verifier fetch loopback and private addresses",
    )
    sync = sub.add_parser("sync", help="pull moderated items from a remote receiver")
    sync.add_argument("--from", dest="source", required=True, help="receiver URL")
    sync.add_argument("--content", required=True, help="content folder")
    sync.add_argument("--db", default="var/responses.sqlite3")
    sync.add_argument(
        "--token-file",
        type=Path,
        help="file holding the export token (default: $RECEIVER_EXPORT_TOKEN)",
    )
    sync.add_argument("--allow-private-addresses", action="store_true")
    sub.add_parser("hash-password", help="print a password hash for the config")
    return ap


def serve_options(args: argparse.Namespace) -> dict[str, Any]:
    """Merge the TOML file and the flags (flags win) into plain options."""
    options: dict[str, Any] = read(args.config) if args.config else {}
    flags = {
        "db": args.db,
        "content": args.content,
        "site_url": args.site_url,
        "targets": args.targets,
    }
    options.update({name: value for name, value in flags.items() if value})
    if args.workers is not None:
        options["workers"] = args.workers
    if args.allow_private_addresses:
        options["allow_private"] = True
    return options


#: waitress settings of every receiver: bounded bodies and idle connections;
#: X-Forwarded-For is left to the app, which trusts it only from
#: ``trusted_proxies`` (D20), so waitress must not drop or rewrite it.
SERVER_OPTIONS: dict[str, Any] = {
    "ident": "receiver",
    "max_request_body_size": 1024 * 1024,
    "channel_timeout": 30,
    "clear_untrusted_proxy_headers": False,
}


def serve(args: argparse.Namespace) -> int:
    """Run the service until interrupted."""
    import waitress  # noqa: PLC0415 (only this command needs it)

    from pelican_plugins.receiver.app import create_app  # noqa: PLC0415

    config = make(serve_options(args))
    app = create_app(config)
    server = waitress.create_server(
        app, host=args.host, port=args.port, threads=args.threads, **SERVER_OPTIONS
    )
    # The real port (with --port 0 the system picks one): scripts and tests read it.
    address = f"http://{args.host}:{server.effective_port}/"
    print(f"receiver: serving on {address}", flush=True)  # noqa: T201
    try:
        server.run()
    finally:
        app.extensions["receiver"].close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "sync":
            from pelican_plugins.receiver.sync import run  # noqa: PLC0415

            return run(args)
        password = getpass.getpass("Moderator password: ")
        print(generate_password_hash(password))  # noqa: T201
    except (ConfigError, NewerStoreError) as error:
        print(f"receiver: error: {error}", file=sys.stderr)  # noqa: T201
        return USAGE
    except (OSError, sqlite3.Error) as error:
        print(f"receiver: error: cannot open the store: {error}", file=sys.stderr)  # noqa: T201
        return USAGE
    except KeyboardInterrupt:
        return 0
    return 0
