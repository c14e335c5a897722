"""Instants and durations as the command line and error messages write them."""

from __future__ import annotations

from .dt import timezone

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Optional

    from .dt import datetime, timedelta

__all__ = ["duration_seconds", "iso_utc", "span"]


def iso_utc(when: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def span(delta: timedelta) -> str:
    """A duration as ``1h2m3s`` (seconds rounded down; ``0s`` for zero)."""
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    text = ""
    if hours:
        text += "%dh" % hours
    if minutes:
        text += "%dm" % minutes
    if seconds or not text:
        text += "%ds" % seconds
    return sign + text


_DIGITS = frozenset("0123456789")
_UNITS = {"s": 1, "m": 60, "h": 3600}
#: More digits than this is no duration anyone means (and int() refuses thousands).
_MAX_DIGITS = 15


def duration_seconds(text: str) -> Optional[int]:
    """Seconds in ``900``, ``15m``, ``2h``, ``1h30m`` or ``90s``; ``None`` if not a duration.

    ASCII digits only (``str.isdigit`` also accepts ``²`` and other scripts' digits).
    """
    value = text.strip().lower()
    if value and _DIGITS.issuperset(value):
        return int(value) if len(value) <= _MAX_DIGITS else None
    total = 0
    number = ""
    seen = False
    for char in value:
        if char in _DIGITS:
            number += char
            if len(number) > _MAX_DIGITS:
                return None
        elif char in _UNITS and number:
            total += int(number) * _UNITS[char]
            number = ""
            seen = True
        else:
            return None
    if number or not seen:
        return None
    return total
