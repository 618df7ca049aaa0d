"""Responses: comments and linkbacks under every post (issue 5)."""
