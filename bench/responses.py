"""Cost of the responses plugin on the bench corpus (issue 5).

```
python bench/responses.py [--posts 500] [--responses 10] [--runs 5] [--corpus DIR]
```

It generates the usual corpus, then writes M approved responses per post into
``content/responses/`` through the real ``ResponseStore`` (threads, pingbacks,
trackbacks; bodies sanitized on the way in as the importer does), and times
three variants: plain Pelican, the project without the responses plugin, and
the project with it. Until the WXR importer lands, the responses are generated
here rather than imported from ``export.xml``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import random
import re
import sys
import tempfile

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH_DIR), str(BENCH_DIR.parent)]

from build import (  # noqa: E402
    format_table,
    plain_variant,
    project_variant,
    run_variants,
)
from corpus import generate  # noqa: E402

from pelican_plugins.responses.model import Response  # noqa: E402
from pelican_plugins.responses.sanitize import clean, text_to_html  # noqa: E402
from pelican_plugins.responses.store import ResponseStore  # noqa: E402

WORDS = [
    "back",
    "breath",
    "slow",
    "habit",
    "spine",
    "hips",
    "release",
    "walk",
    "sit",
    "stand",
    "notice",
    "gentle",
    "morning",
    "ache",
    "muscle",
    "brain",
    "posture",
    "arch",
    "flatten",
    "yawn",
    "reflex",
    "easy",
]
_META = re.compile(r"^(Slug|Date):\s*(.+)$", re.MULTILINE)


def _body(rng: random.Random) -> str:
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))).capitalize()
        + "."
        for _ in range(rng.randint(1, 3))
    ]
    text = "\n\n".join(paragraphs)
    if rng.random() < 0.3:
        return clean(
            f"<p>{text} <a href='https://ref.example/{rng.randint(1, 99)}'>ref</a></p>"
        )
    return clean(text_to_html(text))


def responses_for(
    slug: str, year: str, per_post: int, rng: random.Random
) -> list[Response]:
    """Approved responses for one post: ~70% comments (threaded), 20% pings, 10% tb."""
    items: list[Response] = []
    comments: list[str] = []
    for n in range(per_post):
        roll = rng.random()
        kind = "comment" if roll < 0.7 else "pingback" if roll < 0.9 else "trackback"
        rid = f"bench-{slug}-{n}"
        parent = (
            rng.choice(comments)
            if kind == "comment" and comments and rng.random() < 0.5
            else None
        )
        items.append(
            Response(
                id=rid,
                key=slug,
                type=kind,
                status="approved",
                parent=parent,
                author_name=f"Reader {rng.randint(1, 400)}",
                author_url=f"https://reader{rng.randint(1, 50)}.example/"
                if rng.random() < 0.5
                else None,
                date=f"{year}-12-{n % 28 + 1:02d}T{rng.randint(0, 23):02d}:{n:02d}:00Z",
                content_html=_body(rng),
                source_url=f"https://cites{n}.example/post"
                if kind != "comment"
                else None,
                source_title=f"A post that cites {slug}" if kind != "comment" else None,
            )
        )
        if kind == "comment":
            comments.append(rid)
    return items


def write_responses(corpus: Path, per_post: int, seed: int = 1) -> int:
    """Write per_post responses for every corpus post through the store."""
    rng = random.Random(seed)
    content = corpus / "content"
    items: list[Response] = []
    for post in sorted((content / "posts").glob("*.md")):
        meta = dict(_META.findall(post.read_text("utf-8")[:2000]))
        items.extend(
            responses_for(meta["Slug"].strip(), meta["Date"][:4], per_post, rng)
        )
    with (
        tempfile.TemporaryDirectory() as tmp,
        ResponseStore(content / "responses", Path(tmp) / "bench.sqlite3") as store,
    ):
        report = store.merge(items)
    return report.created


def main() -> None:
    """Generate (or reuse) a corpus with responses and time the three variants."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=500)
    ap.add_argument("--responses", type=int, default=10)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-responses-") as tmp:
        corpus = args.corpus or Path(tmp)
        if not (corpus / "content" / "posts").is_dir():
            generate(corpus, args.posts, args.responses, 1)
        if not (corpus / "content" / "responses").is_dir():
            made = write_responses(corpus, args.responses)
            print(f"wrote {made} responses", file=sys.stderr)
        results = run_variants(
            corpus,
            {
                "plain": plain_variant(),
                "project-no-resp": project_variant(
                    PLUGINS=["pelican_plugins.cache_guard"]
                ),
                "project": project_variant(),
            },
            runs=args.runs,
        )
        print(format_table(results))
        base = results["project-no-resp"]["median_s"]
        ratio = results["project"]["median_s"] / base
        print(f"project / project-no-resp (ratio of medians): {ratio:.3f}x")


if __name__ == "__main__":
    main()
