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
