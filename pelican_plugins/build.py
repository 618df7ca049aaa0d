"""Build the site into a fresh folder and swap it in atomically.

Pelican writes into its output folder in place, so a build killed half-way
(or one that fails) leaves a half-empty live site. This wrapper runs the same
Pelican command line into a new sibling folder, ``output.<n>/``, and only when
the build succeeded points ``output`` (a symbolic link) at it with one atomic
rename. A killed or failed build therefore leaves the last good site exactly as
it was, and every build starts from an empty folder.

``make html`` and ``make publish`` run::

    python -m pelican_plugins.build CONTENT -o output -s pelicanconf.py [...]

Every argument except ``-o`` goes to Pelican unchanged. The site a build
replaces stays in its folder for a rollback; older and abandoned folders are
removed. One lock file (``output.lock``) makes a second build wait for the
first instead of racing it. See docs/security.md#the-build.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
import shutil
import sys
import threading

from pelican_plugins import atomic, lockfile

USAGE = "usage: python -m pelican_plugins.build [PELICAN ARGS] -o OUTPUT"
# Pelican options that keep a process running and write in place.
_IN_PLACE = {"-r", "--autoreload", "-l", "--listen", "-lr", "-rl"}


class BuildError(Exception):
    """A problem worth one line to the user (bad usage, unusable output path)."""


def split_output(argv: list[str]) -> tuple[Path, list[str]]:
    """Return the ``-o``/``--output`` folder and the other Pelican arguments."""
    rest: list[str] = []
    output: str | None = None
    args = iter(argv)
    for arg in args:
        if arg in {"-o", "--output"}:
            output = next(args, None)
            if output is None:
                raise BuildError(f"{arg} needs a folder; {USAGE}")
        elif arg.startswith("--output="):
            output = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if not output:
        raise BuildError(f"no output folder given; {USAGE}")
    in_place = _IN_PLACE.intersection(rest)
    if in_place:
        raise BuildError(
            f"{sorted(in_place)[0]} rebuilds in place; run pelican itself for that"
        )
    return Path(output), rest


def build_folders(live: Path) -> dict[int, Path]:
    """Every ``<live>.<n>`` folder next to *live*, by number."""
    prefix = live.name + "."
    found: dict[int, Path] = {}
    if not live.parent.is_dir():
        return found
    for path in live.parent.iterdir():
        suffix = path.name[len(prefix) :] if path.name.startswith(prefix) else ""
        if suffix.isascii() and suffix.isdigit() and path.is_dir():
            found[int(suffix)] = path
    return found


def live_folder(live: Path) -> Path | None:
    """Return the folder *live* points at, if it is one of our build folders."""
    if not live.is_symlink():
        return None
    target = live.resolve()
    return next(
        (p for p in build_folders(live).values() if p.resolve() == target), None
    )


def fresh_folder(live: Path) -> Path:
    """Create and return an empty ``<live>.<n>`` numbered past every existing one."""
    folders = build_folders(live)
    number = max(folders, default=0) + 1
    fresh = live.with_name(f"{live.name}.{number}")
    fresh.mkdir(parents=True)
    return fresh


def swap(live: Path, fresh: Path) -> Path | None:
    """Point *live* at *fresh* atomically; return the folder it pointed at before.

    A real folder left by an older build (or by ``make devserver``) is first
    renamed to a numbered folder, the one moment *live* is briefly absent.
    """
    previous = live_folder(live)
    if live.exists() and not live.is_symlink():
        number = max(build_folders(live), default=0) + 1
        previous = live.with_name(f"{live.name}.{number}")
        live.rename(previous)
    link = live.with_name(f".{live.name}.link")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    link.symlink_to(fresh.name, target_is_directory=True)
    os.replace(link, live)
    atomic.sync_directory(live.parent)
    return previous


def prune(live: Path, keep: set[Path]) -> list[Path]:
    """Remove every numbered build folder except *keep*; return what went."""
    removed = []
    for path in build_folders(live).values():
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def locked(live: Path) -> contextlib.AbstractContextManager[None]:
    """Hold ``<live>.lock``; a second build waits, saying so, until the first ends."""
    return lockfile.advisory_lock(
        live,
        on_wait=lambda: say(f"another build of {live} is running; waiting for it"),
    )


def run_pelican(args: list[str]) -> int:
    """Run Pelican's own command line in this process; return its exit code."""
    from pelican import main as pelican_main  # noqa: PLC0415 (slow import)

    try:
        pelican_main(args)
    except SystemExit as stop:
        code = stop.code
        if code is None:
            return 0
        return code if isinstance(code, int) else 1
    return 0


def build(argv: list[str]) -> int:
    """Build into a fresh folder; swap it in only if Pelican succeeded."""
    live, rest = split_output(argv)
    with locked(live):
        fresh = fresh_folder(live)
        current = live_folder(live)
        # Every other folder goes: abandoned builds, and the old rollback (the
        # live site becomes the rollback once the new one is in). Deleting
        # thousands of files is slow on a busy disk, so it runs while Pelican
        # (busy with the CPU) builds.
        doomed = [p for p in build_folders(live).values() if p not in {current, fresh}]
        remover = threading.Thread(target=discard, args=(live, doomed))
        remover.start()
        try:
            code = run_pelican([*rest, "-o", str(fresh)])
        finally:
            remover.join()
        if code != 0:
            say(
                f"Pelican failed (exit {code}); {live} still serves the previous "
                f"site; the failed build is left in {fresh} for a look"
            )
            return code
        os.sync()  # the pages reach the disk before the link points at them
        previous = swap(live, fresh)
        prune(live, {fresh} | ({previous} if previous else set()))
    return 0


def discard(live: Path, folders: list[Path]) -> None:
    """Delete *folders* and any trash a killed build left, renaming each first.

    The rename takes a folder out of the numbered ones at once, so a build
    killed half-way through deleting leaves only hidden trash, removed next time.
    """
    trash = []
    for folder in folders:
        target = folder.with_name(f".{folder.name}.trash")
        with contextlib.suppress(OSError):
            folder.rename(target)
            trash.append(target)
    trash += [p for p in live.parent.glob(f".{live.name}.*.trash") if p not in trash]
    for path in trash:
        shutil.rmtree(path, ignore_errors=True)


def say(message: str) -> None:
    """Tell the user one line on stderr, named after this command."""
    sys.stderr.write(f"build: {message}\n")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: exit 2 with one line on bad usage."""
    try:
        return build(list(sys.argv[1:] if argv is None else argv))
    except BuildError as error:
        say(str(error))
        return 2
    except OSError as error:
        say(f"{error.strerror}: {error.filename}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
