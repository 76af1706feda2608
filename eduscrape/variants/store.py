"""Reading ``variants`` sessions back from MongoDB (tracking, report).

Writing goes through the project's MongoPipeline (items); this module only reads.
"""

from __future__ import annotations

from typing import Any

from eduscrape.storage.keys import unescape_keys

SESSIONS = "variant_sessions"
SETS = "variant_sets"
PAGES = "variant_pages"


def _clean(doc: dict[str, Any]) -> dict[str, Any]:
    doc = unescape_keys(doc)
    doc.pop("_id", None)
    return doc


def latest_session(db: Any, pair_id: str | None = None) -> dict[str, Any] | None:
    """The most recent finished session (of *pair_id* when given)."""
    query: dict[str, Any] = {"finished_at": {"$ne": None}}
    if pair_id:
        query["pair_id"] = pair_id
    docs = list(db[SESSIONS].find(query))
    if not docs:
        return None
    docs.sort(key=lambda d: (d.get("finished_at") or "", d.get("session") or ""))
    return _clean(docs[-1])


def get_session(db: Any, session: str) -> dict[str, Any] | None:
    """The stored session document, or None."""
    doc = db[SESSIONS].find_one({"session": session})
    return _clean(doc) if doc else None


def session_sets(db: Any, session: str) -> list[dict[str, Any]]:
    """The page sets of a session, in walk order."""
    docs = [_clean(d) for d in db[SETS].find({"session": session})]
    docs.sort(key=lambda d: (d.get("order", 0), d.get("variant", 0)))
    return docs


def page_states(db: Any, pair_id: str) -> dict[str, dict[str, Any]]:
    """The last known state of each page of a site pair, by page."""
    return {d["page"]: _clean(d) for d in db[PAGES].find({"pair_id": pair_id}) if d.get("page")}
