"""The sample blog built with a sender state that remembers one deleted post."""

from __future__ import annotations

from pathlib import Path

from pelican_plugins.linkbacks import state as states
from tests.support import build

GONE_URL = "https://listeningback.example/2019/01/a-removed-post/"
GONE_PATH = "/2019/01/a-removed-post/"
GONE_TITLE = 'Old thoughts on "core strength" & <posture>'


def build_with_tombstone(root: Path) -> Path:
    """Build content/ into root/output with one tombstone; return the output."""
    state = states.State()
    state.sources[GONE_URL] = states.SourceState(
        save_as="2019/01/a-removed-post/index.html",
        title=GONE_TITLE,
        digest="0" * 64,
        targets={"https://example.org/a": states.TargetState(states.SENT)},
    )
    state_file = root / "linkbacks.json"
    states.save(state_file, state)
    return build(root / "output", LINKBACKS_STATE_FILE=str(state_file))
