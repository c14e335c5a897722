"""The default clock, and the clock and sleep types the time-dependent parts take.

Everything that reads the time takes a ``clock`` parameter (tests pass a
frozen one); :func:`utc_now` is the one default.  It loads ``datetime``'s
classes on its first call, so importing this module costs nothing.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Callable

    from .dt import datetime

    #: A zero-argument callable returning an aware ``datetime``.
    Clock = Callable[[], datetime]
    #: ``time.sleep`` or a stand-in.
    Sleep = Callable[[float], None]

__all__ = ["utc_now"]


def utc_now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    from .dt import datetime, timezone

    return datetime.now(timezone.utc)
