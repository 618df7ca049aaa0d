"""Pelican settings for the published site (`make publish`)."""

from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *

SITEURL = "https://listeningback.example"
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True
# The receiver as the public reaches it (behind the same web server).
RESPONSES_RECEIVER_URL = "https://listeningback.example/receiver/"

# Nothing private is published: drafts (imported drafts, scheduled, private and
# password-protected posts) get no output file at all.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
