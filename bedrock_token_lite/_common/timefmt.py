"""Instants and durations as the command line and error messages write them."""

from __future__ import annotations

from .dt import timezone

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from .dt import datetime, timedelta

__all__ = ["iso_utc", "span"]


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
