"""``datetime``'s classes, without executing ``datetime.py``.

On CPython before 3.12, ``import datetime`` first builds the whole pure-Python
implementation and only then replaces it with the C classes of ``_datetime``:
about 1 ms of the package's import time on 3.11.  These are the very same
class objects (``datetime.datetime is _datetime.datetime``), so values made
here and by the caller's ``datetime`` module mix freely.  Where there is no
C module (PyPy, some builds) the classes come from ``datetime`` itself.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime, timedelta, timezone
else:
    try:
        from _datetime import datetime, timedelta, timezone
    except ImportError:  # pragma: no cover - no C accelerator
        from datetime import datetime, timedelta, timezone

__all__ = ["datetime", "timedelta", "timezone"]
