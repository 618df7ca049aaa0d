"""Deterministic benchmark corpus: Pelican Markdown posts plus the same as WXR.

The WXR 1.2 export holds the same posts with comments, pingbacks and
trackbacks, for the importer benchmark.

The same seed always gives byte-identical output, so timings from different
machines or commits are measured on exactly the same input. The WXR file is
written item by item because the importer benchmark uses ~75 MB exports.

Usage: python bench/corpus.py OUT_DIR --posts N --responses M [--seed 1]
"""

from __future__ import annotations

import argparse
import bisect
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
import itertools
import json
from pathlib import Path
import random
import re
import sys
import time
from typing import TextIO
import unicodedata
from urllib.parse import quote

import markdown

SITE_URL = "https://bench.example"
FIRST_DATE = datetime(2014, 3, 3, 7, 0, tzinfo=UTC)
ZIPF_S = 1.1

CATEGORIES: list[str] = [
    "pain management",
    "pain relief",
    "somatic education",
    "movement practice",
    "breath & nervous system",
    "case studies",
]
CATEGORY_WEIGHTS: list[int] = [30, 25, 20, 12, 8, 5]

# (login, display name, email) -- display name is the Pelican "Author".
AUTHORS: list[tuple[str, str, str]] = [
    ("anna", "Anna Lindqvist", "anna@bench.example"),
    ("jose", "José Müller", "jose@bench.example"),
    ("sam", "Sam O'Neill", "sam@bench.example"),
]
AUTHOR_WEIGHTS: list[int] = [60, 30, 10]

# fmt: off
_TAG_BASES = [
    "lower back", "upper back", "neck", "shoulders", "hips", "sacrum", "pelvis", "ribs",
    "spine", "jaw", "feet", "knees", "psoas", "diaphragm", "fascia", "sciatica", "disc",
    "posture", "breathing", "gait", "sitting", "sleep", "stress", "walking",
    "stretching",
]
_TAG_SUFFIXES = [
    "", "pain", "mobility", "awareness", "exercises", "tension", "release", "stiffness",
    "alignment", "research", "myths", "habits",
]
# fmt: on
# Awkward names placed at fixed Zipf ranks: punctuation, '&', non-ASCII.
_SPECIAL_TAGS: dict[int, str] = {
    3: "Pain & Posture",
    9: "Rückenschmerz",
    17: "C++",
    30: "Feldenkrais®",
    45: "Q&A",
    70: "Méthode Feldenkrais",
    100: "Spine++ drills",
    130: "Körperwahrnehmung",
    160: "yoga/pilates",
    190: "R&D",
    220: "ヨガ",
    250: "self-care (daily)",
    275: "C#-core",
    299: "3-D breathing",
}

# fmt: off
_WORDS = [
    "spine", "vertebra", "disc", "sacrum", "pelvis", "hip", "shoulder", "blade", "neck",
    "jaw", "rib", "breath", "diaphragm", "psoas", "hamstring", "fascia", "tissue",
    "nerve", "sciatic", "lumbar", "thoracic", "cervical", "posture", "gait", "balance",
    "movement", "awareness", "sensation", "attention", "habit", "pattern", "tension",
    "release", "ease", "comfort", "effort", "weight", "support", "ground", "floor",
    "chair", "desk", "walking", "sitting", "standing", "lying", "rolling", "reaching",
    "bending", "twisting", "lengthening", "softening", "noticing", "sensing",
    "exploring", "learning", "slowly", "gently", "quietly", "freely", "fully", "small",
    "large", "gentle", "subtle", "habitual", "chronic", "acute", "painful", "stiff",
    "mobile", "stable", "curious", "relaxed", "the", "a", "an", "of", "to", "in", "on",
    "with", "without", "through", "from", "toward", "around", "under", "over",
    "between", "and", "or", "but", "so", "because", "when", "while", "then", "often",
    "rarely", "never", "always", "sometimes", "your", "my", "our", "their", "this",
    "that", "these", "those", "we", "you", "they", "it", "is", "are", "was", "becomes",
    "feels", "moves", "rests", "lifts", "lowers", "turns", "shifts", "returns",
    "begins", "finds", "learns", "practice", "lesson", "exercise", "session", "routine",
    "morning", "evening", "day", "week", "body", "mind", "nervous", "system", "brain",
    "map", "feedback", "signal", "response", "protective", "guarding", "bracing",
    "holding", "letting", "rest", "recovery", "inflammation", "injury", "strain",
    "flare", "relief", "management", "education", "somatic", "Feldenkrais", "Alexander",
    "Hanna", "pandiculation", "proprioception", "interoception", "kinesthetic",
    "organisation", "coordination",
]
# fmt: on

_TITLE_PREFIXES = [
    "",
    "",
    "",
    "Why ",
    "How ",
    "Notes on ",
    "Q&A: ",
    "Letting go of ",
    "Rückblick: ",
    "A lesson on ",
]

_HEADINGS: list[str] = [
    "Introduction",
    "Practice",
    "Notes",
    "Summary",
    "Why it matters",
    "Try this",
    "What the research says",
    "Common mistakes",
    "Sitting & standing",
    "Breathing",
    "Übungen für den unteren Rücken",
    "Respiración diafragmática",
    "Posture — résumé",
    "Körperwahrnehmung im Alltag",
    "Ça bouge : la colonne",
    "日常の姿勢",
    "Further reading",
    "Questions from readers",
    "A short lesson",
    "Rest and recovery",
]
_COMMON_HEADINGS = ["Practice", "Notes", "Try this", "Summary"]

_OUTSIDE_HOSTS = [
    "https://example.org/ref/{n}",
    "https://example.com/studies/{n}?lang=en&ref=bench",
    "https://pain.example.net/articles/{n}/",
    "https://somatics.example/lessons/{n}#part-2",
]

_PINGBACK_SITES = [
    ("Back Care Weekly", "https://backcare.example/{y}/{n}/roundup/"),
    ("Moving Gently", "https://movinggently.example/?p={n}"),
    ("Die Rückenschule", "https://rueckenschule.example/beitrag-{n}/"),
    ("Somatic Notes & Links", "https://notes.example/links/{n}"),
]

_COMMENTERS = [
    "Maria",
    "Tom Becker",
    "Lucía",
    "Dr. K",
    "Jean-Pierre",
    "Ole Ørsted",
    "Kim & Lee",
    "anonymous",
    "Priya",
    "Hiroshi 田中",
    "Bob <no-reply>",
    "Chris",
]


@dataclass(frozen=True, slots=True)
class PostMeta:
    """Everything about a post that other posts may refer to."""

    index: int
    title: str
    slug: str
    date: datetime
    category: str
    author: int
    tags: tuple[int, ...]

    @property
    def path(self) -> str:
        """Site-absolute permalink, the form other posts link with."""
        return f"/{self.date:%Y}/{self.date:%m}/{self.slug}/"


def tag_vocabulary() -> list[str]:
    """Return the 300 tag names in Zipf rank order (index 0 is most frequent)."""
    plain = [f"{b} {s}".strip() for s in _TAG_SUFFIXES for b in _TAG_BASES]
    names: list[str] = []
    it = iter(plain)
    for rank in range(300):
        names.append(_SPECIAL_TAGS.get(rank) or next(it))
    return names


def ascii_slug(text: str) -> str:
    """Make a Pelican-like ASCII slug, used for post slugs."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def wp_nicename(name: str) -> str:
    """Approximate WordPress sanitize_title: percent-encodes non-ASCII."""
    text = name.lower().replace("&", "")
    out = []
    for ch in text:
        if ch.isascii():
            if ch.isalnum() or ch in "-_":
                out.append(ch)
            elif ch.isspace() or ch in "/.":
                out.append("-")
        else:
            out.append(quote(ch, safe="").lower())
    return re.sub(r"-+", "-", "".join(out)).strip("-") or "tag"


def cdata(text: str) -> str:
    """Wrap text in CDATA, splitting any ']]>' so the section stays valid."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def esc(text: str) -> str:
    """Escape text for element content or double-quoted attributes."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def _zipf_cum_weights(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (k**s) for k in range(1, n + 1)))


def plan_posts(posts: int, seed: int) -> list[PostMeta]:
    """Titles, slugs, dates and tags of all posts, so bodies can link forward."""
    rng = random.Random(seed)
    cum = _zipf_cum_weights(300, ZIPF_S)
    total = cum[-1]
    metas: list[PostMeta] = []
    seen_slugs: dict[str, int] = {}
    date = FIRST_DATE
    for i in range(1, posts + 1):
        date += timedelta(hours=rng.randint(6, 40), minutes=rng.randint(0, 59))
        words = rng.sample(_WORDS[:110], rng.randint(3, 7))
        title = rng.choice(_TITLE_PREFIXES) + " ".join(words)
        title = title[0].upper() + title[1:]
        base = ascii_slug(title) or f"post-{i}"
        n = seen_slugs.get(base, 0) + 1
        seen_slugs[base] = n
        slug = base if n == 1 else f"{base}-{n}"
        ntags = rng.randint(1, 6)
        tags: list[int] = []
        while len(tags) < ntags:
            t = bisect.bisect_left(cum, rng.random() * total)
            if t not in tags:
                tags.append(t)
        metas.append(
            PostMeta(
                index=i,
                title=title,
                slug=slug,
                date=date,
                category=rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0],
                author=rng.choices(range(len(AUTHORS)), AUTHOR_WEIGHTS)[0],
                tags=tuple(tags),
            )
        )
    return metas


def _sentence(rng: random.Random, n: int) -> list[str]:
    words = rng.choices(_WORDS, k=n)
    words[0] = words[0].capitalize()
    words[-1] += rng.choice(".....?!")
    return words


def _paragraph(rng: random.Random, words: int) -> tuple[str, int]:
    out: list[str] = []
    while len(out) < words:
        out.extend(_sentence(rng, rng.randint(7, 19)))
    return " ".join(out), len(out)


def _link(rng: random.Random, metas: list[PostMeta], me: PostMeta) -> str:
    text = " ".join(rng.choices(_WORDS, k=rng.randint(1, 4)))
    if rng.random() < 0.5 and len(metas) > 1:
        other = me
        while other is me:
            other = rng.choice(metas)
        return f"[{text}]({other.path})"
    url = rng.choice(_OUTSIDE_HOSTS).format(n=rng.randint(1, 9999))
    return f"[{text}]({url})"


def post_body(meta: PostMeta, metas: list[PostMeta], seed: int) -> str:
    """Markdown body: headings (some duplicate/non-ASCII), prose, a list, links."""
    rng = random.Random(seed * 1_000_003 + meta.index)
    target = rng.randint(800, 1500)
    nsec = rng.randint(4, 10)
    headings = rng.choices(_HEADINGS, k=nsec)
    if rng.random() < 0.4:  # make sure duplicates within a post are common
        dup = rng.choice(_COMMON_HEADINGS)
        headings[rng.randrange(nsec)] = dup
        headings[rng.randrange(nsec)] = dup
    list_sec = rng.randrange(nsec)
    nlinks = rng.randint(2, 6)
    blocks: list[str] = []
    paragraphs: list[int] = []  # indexes into blocks that hold prose
    per_sec = target // nsec
    for s, heading in enumerate(headings):
        level = "##" if s == 0 or rng.random() < 0.6 else "###"
        blocks.append(f"{level} {heading}")
        left = per_sec
        while left > 0:
            text, n = _paragraph(rng, min(left, rng.randint(50, 140)))
            paragraphs.append(len(blocks))
            blocks.append(text)
            left -= n
        if s == list_sec:
            ordered = rng.random() < 0.4
            items = []
            for k in range(rng.randint(3, 6)):
                item = " ".join(rng.choices(_WORDS, k=rng.randint(3, 10)))
                items.append(f"{k + 1}. {item}" if ordered else f"- {item}")
            blocks.append("\n".join(items))
    for b in rng.sample(paragraphs, min(nlinks, len(paragraphs))):
        words = blocks[b].split(" ")
        pos = rng.randrange(len(words))
        words.insert(pos, _link(rng, metas, meta))
        blocks[b] = " ".join(words)
    return "\n\n".join(blocks) + "\n"


def post_markdown(meta: PostMeta, body: str, tag_names: list[str]) -> str:
    """Render the Pelican Markdown source file for one post."""
    tags = ", ".join(tag_names[t] for t in meta.tags)
    return (
        f"Title: {meta.title}\n"
        f"Date: {meta.date:%Y-%m-%d %H:%M}\n"
        f"Category: {meta.category}\n"
        f"Tags: {tags}\n"
        f"Slug: {meta.slug}\n"
        f"Author: {AUTHORS[meta.author][1]}\n"
        "\n" + body
    )


def _wp_date(dt: datetime) -> str:
    return f"{dt:%Y-%m-%d %H:%M:%S}"


def _comment_html(rng: random.Random, meta: PostMeta) -> str:
    paras = []
    for _ in range(rng.randint(1, 3)):
        words = " ".join(_sentence(rng, rng.randint(6, 24)))
        r = rng.random()
        if r < 0.2:
            words = words.replace(" ", " <em>", 1) + "</em>"
        elif r < 0.3:
            url = rng.choice(_OUTSIDE_HOSTS).format(n=rng.randint(1, 999))
            words += f' See <a href="{esc(url)}">this</a> &amp; more.'
        elif r < 0.302:
            words += " Code: <code>a[b[0]]>c</code>"  # exercises the CDATA split
        paras.append(f"<p>{words}</p>")
    return "\n".join(paras)


def _comments_xml(
    rng: random.Random, meta: PostMeta, count: int, first_id: int
) -> list[str]:
    out: list[str] = []
    regular: list[int] = []  # ids of approved regular comments, for replies
    when = meta.date
    for k in range(count):
        cid = first_id + k
        when += timedelta(minutes=rng.randint(5, 3000))
        r = rng.random()
        parent = 0
        if r < 0.75:
            ctype = rng.choice(("comment", ""))
            author = rng.choice(_COMMENTERS)
            email = ascii_slug(author).replace("-", ".") + "@mail.example"
            url = "" if rng.random() < 0.6 else f"https://{ascii_slug(author)}.example/"
            content = _comment_html(rng, meta)
            if regular and rng.random() < 0.45:
                parent = regular[-1] if rng.random() < 0.6 else rng.choice(regular)
        else:
            ctype = "pingback" if r < 0.95 else "trackback"
            site, pattern = rng.choice(_PINGBACK_SITES)
            url = pattern.format(y=when.year, n=rng.randint(1, 9999))
            words = " ".join(_sentence(rng, rng.randint(10, 25)))
            author = f"{site} — {' '.join(rng.choices(_WORDS, k=3))}"
            email = ""
            content = f"[&#8230;] {words} [&#8230;]"
        a = rng.random()
        approved = (
            "1" if a < 0.87 else "0" if a < 0.97 else "spam" if a < 0.99 else "trash"
        )
        if ctype in ("comment", "") and approved == "1":
            regular.append(cid)
        ip = ".".join(str(rng.randint(1, 254)) for _ in range(4))
        out.append(
            "\t\t<wp:comment>\n"
            f"\t\t\t<wp:comment_id>{cid}</wp:comment_id>\n"
            f"\t\t\t<wp:comment_author>{cdata(author)}</wp:comment_author>\n"
            f"\t\t\t<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>\n"
            f"\t\t\t<wp:comment_author_url>{esc(url)}</wp:comment_author_url>\n"
            f"\t\t\t<wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP>\n"
            f"\t\t\t<wp:comment_date>{cdata(_wp_date(when))}</wp:comment_date>\n"
            f"\t\t\t<wp:comment_date_gmt>{cdata(_wp_date(when))}</wp:comment_date_gmt>\n"
            f"\t\t\t<wp:comment_content>{cdata(content)}</wp:comment_content>\n"
            f"\t\t\t<wp:comment_approved>{cdata(approved)}</wp:comment_approved>\n"
            f"\t\t\t<wp:comment_type>{cdata(ctype)}</wp:comment_type>\n"
            f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
            "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
            "\t\t</wp:comment>\n"
        )
    return out


def _write_wxr_head(fh: TextIO, metas: list[PostMeta], tag_names: list[str]) -> None:
    last = metas[-1].date if metas else FIRST_DATE
    fh.write(
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        f'<!-- generator="bench/corpus.py" created="{_wp_date(last)}" -->\n'
        '<rss version="2.0"\n'
        '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:wp="http://wordpress.org/export/1.2/"\n'
        ">\n\n<channel>\n"
        "\t<title>Bench &amp; Back Pain Notes</title>\n"
        f"\t<link>{SITE_URL}</link>\n"
        "\t<description>Benchmark corpus for the publishing kit</description>\n"
        f"\t<pubDate>{format_datetime(last)}</pubDate>\n"
        "\t<language>en-US</language>\n"
        "\t<wp:wxr_version>1.2</wp:wxr_version>\n"
        f"\t<wp:base_site_url>{SITE_URL}</wp:base_site_url>\n"
        f"\t<wp:base_blog_url>{SITE_URL}</wp:base_blog_url>\n\n"
    )
    for n, (login, name, email) in enumerate(AUTHORS, 1):
        first, _, last_name = name.partition(" ")
        fh.write(
            f"\t<wp:author><wp:author_id>{n}</wp:author_id>"
            f"<wp:author_login>{cdata(login)}</wp:author_login>"
            f"<wp:author_email>{cdata(email)}</wp:author_email>"
            f"<wp:author_display_name>{cdata(name)}</wp:author_display_name>"
            f"<wp:author_first_name>{cdata(first)}</wp:author_first_name>"
            f"<wp:author_last_name>{cdata(last_name)}</wp:author_last_name>"
            "</wp:author>\n"
        )
    fh.write("\n")
    for n, cat in enumerate(CATEGORIES, 1):
        fh.write(
            f"\t<wp:category><wp:term_id>{n}</wp:term_id>"
            f"<wp:category_nicename>{cdata(wp_nicename(cat))}</wp:category_nicename>"
            f"<wp:category_parent>{cdata('')}</wp:category_parent>"
            f"<wp:cat_name>{cdata(cat)}</wp:cat_name></wp:category>\n"
        )
    used = sorted({t for m in metas for t in m.tags})
    for t in used:
        fh.write(
            f"\t<wp:tag><wp:term_id>{100 + t}</wp:term_id>"
            f"<wp:tag_slug>{cdata(wp_nicename(tag_names[t]))}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(tag_names[t])}</wp:tag_name></wp:tag>\n"
        )
    fh.write("\n\t<generator>https://wordpress.org/?v=6.4.3</generator>\n\n")


def _item_xml(meta: PostMeta, html: str, excerpt: str, tag_names: list[str]) -> str:
    post_id = 1000 + meta.index
    d = _wp_date(meta.date)
    nicename = esc(wp_nicename(meta.category))
    cat = f'\t\t<category domain="category" nicename="{nicename}">'
    cats = [f"{cat}{cdata(meta.category)}</category>\n"]
    for t in meta.tags:
        name = tag_names[t]
        cats.append(
            f'\t\t<category domain="post_tag" nicename="{esc(wp_nicename(name))}">'
            f"{cdata(name)}</category>\n"
        )
    return (
        "\t<item>\n"
        f"\t\t<title>{cdata(meta.title)}</title>\n"
        f"\t\t<link>{SITE_URL}{meta.path}</link>\n"
        f"\t\t<pubDate>{format_datetime(meta.date)}</pubDate>\n"
        f"\t\t<dc:creator>{cdata(AUTHORS[meta.author][0])}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{SITE_URL}/?p={post_id}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded>{cdata(html)}</content:encoded>\n"
        f"\t\t<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>\n"
        f"\t\t<wp:post_id>{post_id}</wp:post_id>\n"
        f"\t\t<wp:post_date>{cdata(d)}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{cdata(d)}</wp:post_date_gmt>\n"
        f"\t\t<wp:post_modified>{cdata(d)}</wp:post_modified>\n"
        f"\t\t<wp:post_modified_gmt>{cdata(d)}</wp:post_modified_gmt>\n"
        f"\t\t<wp:comment_status>{cdata('open')}</wp:comment_status>\n"
        f"\t\t<wp:ping_status>{cdata('open')}</wp:ping_status>\n"
        f"\t\t<wp:post_name>{cdata(meta.slug)}</wp:post_name>\n"
        f"\t\t<wp:status>{cdata('publish')}</wp:status>\n"
        "\t\t<wp:post_parent>0</wp:post_parent>\n"
        "\t\t<wp:menu_order>0</wp:menu_order>\n"
        f"\t\t<wp:post_type>{cdata('post')}</wp:post_type>\n"
        f"\t\t<wp:post_password>{cdata('')}</wp:post_password>\n"
        "\t\t<wp:is_sticky>0</wp:is_sticky>\n" + "".join(cats)
    )


_PAGES = {
    "about.md": "Title: About\nSlug: about\n\nA benchmark site about back pain.\n",
    "contact.md": "Title: Contact\nSlug: contact\n\nMail [us](mailto:a@b.example).\n",
}


def generate(out_dir: Path, posts: int, responses: int, seed: int = 1) -> Path:
    """Write content/posts/*.md, content/pages/*.md, export.xml and corpus.json.

    Returns out_dir. Stale post files from an earlier, larger run are removed.
    """
    out_dir = Path(out_dir)
    post_dir = out_dir / "content" / "posts"
    page_dir = out_dir / "content" / "pages"
    post_dir.mkdir(parents=True, exist_ok=True)
    page_dir.mkdir(parents=True, exist_ok=True)
    for old in post_dir.glob("post-*.md"):
        old.unlink()
    for name, text in _PAGES.items():
        (page_dir / name).write_text(text, encoding="utf-8")

    tag_names = tag_vocabulary()
    metas = plan_posts(posts, seed)
    md = markdown.Markdown(output_format="html")
    comment_id = 1
    wxr = out_dir / "export.xml"
    with wxr.open("w", encoding="utf-8", newline="\n") as fh:
        _write_wxr_head(fh, metas, tag_names)
        for meta in metas:
            body = post_body(meta, metas, seed)
            (post_dir / f"post-{meta.index:05d}.md").write_text(
                post_markdown(meta, body, tag_names), encoding="utf-8", newline="\n"
            )
            html = md.reset().convert(body)
            rng = random.Random(seed * 7_000_003 + meta.index)
            excerpt = ""
            if rng.random() < 0.5:
                excerpt = " ".join(_sentence(rng, rng.randint(8, 20)))
            fh.write(_item_xml(meta, html, excerpt, tag_names))
            fh.writelines(_comments_xml(rng, meta, responses, comment_id))
            comment_id += responses
            fh.write("\t</item>\n")
        fh.write("</channel>\n</rss>\n")

    manifest = {
        "posts": posts,
        "responses": responses,
        "seed": seed,
        "wxr_bytes": wxr.stat().st_size,
    }
    (out_dir / "corpus.json").write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    return out_dir


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--posts", type=int, default=500)
    ap.add_argument("--responses", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    out = generate(args.out_dir, args.posts, args.responses, args.seed)
    size = (out / "export.xml").stat().st_size
    print(
        f"{args.posts} posts, {args.posts * args.responses} responses, "
        f"export.xml {size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s "
        f"-> {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
