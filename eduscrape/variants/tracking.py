"""Tracking re-runs: what changed since the previous session of a site pair."""

from __future__ import annotations

from typing import Any


def conditional_headers(state: dict[str, Any] | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a page seen in an earlier session."""
    if not state or not state.get("structure"):
        return {}
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    return headers


def tracking_status(previous: dict[str, Any] | None, consistent: bool, doubtful: bool) -> str:
    """new / unchanged / resolved / consistent for one set against the previous session."""
    was_bad = previous is not None and (
        not previous.get("consistent", True) or previous.get("doubtful", False)
    )
    bad = not consistent or doubtful
    if bad:
        return "unchanged" if was_bad else "new"
    return "resolved" if was_bad else "consistent"
