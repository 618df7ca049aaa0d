"""Pelican plugins of The Listening Back kit: one sub-package per plugin."""
