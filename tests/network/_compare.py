"""Normalised outcomes of a credential resolution, ours and botocore's, and their comparison."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Dict, List, Optional


def outcome(load: Callable[[], Any]) -> Dict[str, Any]:
    """Run ``load`` (ours) and describe the result as the oracle script does."""
    try:
        creds = load()
        if creds is None:
            return {"result": None}
        frozen = creds.get_frozen_credentials()
        return {
            "result": {
                "method": frozen.method,
                "access_key": frozen.access_key,
                "secret_key": frozen.secret_key,
                "token": frozen.token,
                "account_id": frozen.account_id,
                "expiry": frozen.expiry.isoformat() if frozen.expiry else None,
            }
        }
    except Exception as exc:
        return {
            "error": type(exc).__name__,
            "message": str(exc),
            "mro": [c.__name__ for c in type(exc).__mro__],
            "exception": exc,
        }


def instant(text: Optional[str]) -> Optional[datetime]:
    return None if text is None else datetime.fromisoformat(text)


def assert_same(ours: Dict[str, Any], boto: Dict[str, Any], *, message: str = "equal") -> None:
    """Same credentials (expiry compared as an instant) or the same error.

    For errors, botocore's class name must be in our class's MRO (so the same
    ``except`` clause catches both).  ``message``: ``"equal"``, ``"prefix"``
    (ours starts with botocore's and may add a hint) or ``"any"`` (botocore
    leaks a builtin whose text we do not copy, for example ``KeyError``).
    """
    if "error" in boto:
        assert "error" in ours, "botocore raised %r, ours returned %r" % (boto, ours)
        assert boto["error"] in ours["mro"], (ours["error"], boto["error"])
        if message == "equal":
            assert ours["message"] == boto["message"]
        elif message == "prefix":
            assert ours["message"].startswith(boto["message"]), (ours["message"], boto["message"])
        return
    assert "error" not in ours, "ours raised %r, botocore returned %r" % (ours.get("message"), boto)
    if boto["result"] is None:
        assert ours["result"] is None
        return
    mine, theirs = dict(ours["result"]), dict(boto["result"])
    assert instant(mine.pop("expiry")) == instant(theirs.pop("expiry"))
    assert mine == theirs


def request_keys(seen: List[Any], *headers: str) -> List[Any]:
    return [s.key(*headers) for s in seen]
