"""Expiration timestamps, parsed without dateutil.

botocore reads every expiration (``AWS_CREDENTIAL_EXPIRATION``, the
``Expiration`` of ``credential_process``, container, IMDS and STS responses)
with ``dateutil.parser.parse``, which guesses at almost any text.  We accept
the forms AWS sources and credential helpers actually emit, and give the same
instant dateutil gives for each of them:

* ISO 8601 / RFC 3339, extended format: ``YYYY-MM-DD``, then ``T``, ``t`` or a
  space, then ``HH:MM``, ``HH:MM:SS`` or ``HH:MM:SS.fraction`` (``.`` or
  ``,``; any number of digits, truncated to microseconds as dateutil does);
* ISO 8601 basic format: ``YYYYMMDDTHHMMSS[.fraction]``;
* RFC 1123 / RFC 822: ``[Thu, ]01 Jan 2099 00:00:00 GMT``;
* a time zone after the time, optionally after a space: ``Z`` (any case),
  ``UTC`` or ``GMT`` (capitals only, as dateutil), ``+HH``, ``+HHMM`` or
  ``+HH:MM`` (``-`` too);
* surrounding whitespace is ignored.

A timestamp with no time zone (``2099-01-01 00:00:00``, ``2099-01-01``) raises
:class:`NaiveExpiryError`, which is a ``TypeError`` like the one botocore
raises on first use.  Anything else raises :class:`ExpiryParseError`, a
``ValueError`` like dateutil's ``ParserError``; a value that is not a string
raises :class:`ExpiryTypeError` (both a ``ValueError`` and a ``TypeError``).

This module is the only timestamp parser; its callers keep what botocore
shows them:

* :func:`parse_expiry` (environment, ``credential_process``): the errors above;
* :func:`parse_timestamp` (STS and SSO answers, the SSO token cache): a
  zone-less value gives a naive ``datetime``, as dateutil, and botocore's
  ``TypeError`` comes later where it is compared with the current time;
* the container and instance metadata providers wrap the errors above in
  their ``InvalidExpiryError`` (``_sources.container.parse_expiry``).

Deliberately not accepted (dateutil guesses; we refuse rather than guess):
time-zone names other than UTC/GMT/Z (dateutil silently drops ``EST`` and
returns a naive time), offsets of 24 hours or more or with more than 59
minutes, single-digit fields (``2024-1-1``), hour-only times
(``2024-01-01T00Z``), times without a date (dateutil fills in today), month
or weekday names in other positions, and epoch numbers.
"""

from __future__ import annotations

from .._errors import ExpiryParseError, ExpiryTypeError, NaiveExpiryError
from .dt import datetime, timedelta, timezone

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Optional, Tuple

if TYPE_CHECKING:  # pragma: no cover
    import re

__all__ = ["parse_expiry", "parse_timestamp"]

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ZONE = r"(?:\s*(?P<zone>z|(?-i:UTC|GMT)|[+-][0-9]{2}(?::?[0-9]{2})?))?"
_TIME = r"(?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]+))?)?"
_ISO = r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})(?:[t ]" + _TIME + _ZONE + ")?"
_BASIC = (
    r"(?P<y>[0-9]{4})(?P<mo>[0-9]{2})(?P<d>[0-9]{2})t"
    r"(?P<h>[0-9]{2})(?P<mi>[0-9]{2})(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]+))?" + _ZONE
)
_RFC1123 = (
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun),\s*)?(?P<d>[0-9]{1,2})\s+(?P<mon>[a-z]{3})\s+"
    r"(?P<y>[0-9]{4})\s+" + _TIME + r"(?:\s+(?P<zone>z|(?-i:UTC|GMT)|[+-][0-9]{2}:?[0-9]{2}))?"
)

_patterns: Optional[Tuple[re.Pattern[str], ...]] = None


def _compiled() -> Tuple[re.Pattern[str], ...]:
    global _patterns
    if _patterns is None:
        import re

        flags = re.IGNORECASE | re.ASCII
        _patterns = tuple(re.compile(p, flags) for p in (_ISO, _BASIC, _RFC1123))
    return _patterns


def _shown(value: str) -> str:
    return repr(value if len(value) <= 64 else value[:61] + "...")


def parse_expiry(value: Any, source: str = "expiration") -> datetime:
    """Parse an expiration timestamp into a timezone-aware ``datetime``.

    ``source`` names where the value came from (an environment variable, a
    JSON field) and appears in error messages.  Raises :class:`ExpiryParseError`
    (a ``ValueError``) for text that is not a supported timestamp,
    :class:`NaiveExpiryError` (also a ``TypeError``) for a timestamp without a
    time zone and :class:`ExpiryTypeError` (a ``TypeError``) for a non-string.
    """
    return parse_timestamp(value, source, allow_naive=False)


def parse_timestamp(value: Any, source: str = "timestamp", *, allow_naive: bool = True) -> datetime:
    """botocore's ``parse_timestamp``: :func:`parse_expiry`, but a zone-less value is naive.

    A value without a time zone gives a naive datetime, like dateutil, whose
    naive result botocore only trips over later (the STS and SSO clients rely
    on that timing); ``allow_naive=False`` is :func:`parse_expiry`.  Other
    errors are :func:`parse_expiry`'s.
    """
    if not isinstance(value, str):
        raise ExpiryTypeError(
            "%s must be a timestamp string such as 2024-01-01T00:00:00Z, got %s"
            % (source, type(value).__name__),
            source=source,
            value=value,
        )
    text = value.strip()
    fast = _fast_utc(text)
    if fast is not None:
        return fast
    for pattern in _compiled():
        match = pattern.fullmatch(text)
        if match is not None:
            return _build(match.groupdict(), value, source, allow_naive)
    raise ExpiryParseError(
        "%s: cannot parse %s as a timestamp; use RFC 3339 with a time zone, "
        "for example 2024-01-01T00:00:00Z" % (source, _shown(value)),
        source=source,
        value=value,
    )


#: Where ``YYYY-MM-DDTHH:MM:SS`` has its digits.
_DIGIT_AT = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18)
_UTC_ZONES = ("Z", "z", "UTC", "GMT", "+00:00")


def _fast_utc(text: str) -> Optional[datetime]:
    """``YYYY-MM-DDTHH:MM:SS`` then ``Z``, ``UTC``, ``GMT`` or ``+00:00``, read without ``re``.

    The forms STS answers and botocore's credential caches hold; the regular
    expressions (and ``re`` itself, ~2 ms to import) are left for the rest.
    ``None`` when ``text`` is not one of these forms or not a valid instant:
    the full parser then gives the answer (or the error).
    """
    if (
        len(text) < 20
        or text[19:] not in _UTC_ZONES
        or text[4] != "-"
        or text[7] != "-"
        or text[10] not in "Tt "
        or text[13] != ":"
        or text[16] != ":"
    ):
        return None
    for i in _DIGIT_AT:
        if not "0" <= text[i] <= "9":
            return None
    try:
        return datetime(
            int(text[0:4]),
            int(text[5:7]),
            int(text[8:10]),
            int(text[11:13]),
            int(text[14:16]),
            int(text[17:19]),
            tzinfo=timezone.utc,
        )
    except ValueError:
        return None


def _build(parts: Any, value: str, source: str, allow_naive: bool = False) -> datetime:
    month_name = parts.get("mon")
    if month_name is not None:
        if month_name.lower() not in _MONTHS:
            raise _invalid(value, source, "unknown month %r" % (month_name,))
        month = _MONTHS.index(month_name.lower()) + 1
    else:
        month = int(parts["mo"])
    fraction = parts.get("f") or ""
    microsecond = int((fraction + "000000")[:6])
    zone = parts.get("zone")
    tz = None if zone is None else _zone(zone, value, source)
    try:
        result = datetime(
            int(parts["y"]),
            month,
            int(parts["d"]),
            int(parts.get("h") or 0),
            int(parts.get("mi") or 0),
            int(parts.get("s") or 0),
            microsecond,
            tzinfo=tz,
        )
    except ValueError as exc:
        raise _invalid(value, source, str(exc)) from None
    if tz is None and not allow_naive:
        raise NaiveExpiryError(
            "%s: timestamp %s has no time zone; add Z (UTC) or an offset such as +00:00, "
            "for example 2024-01-01T00:00:00Z" % (source, _shown(value)),
            source=source,
            value=value,
        )
    return result


def _zone(zone: str, value: str, source: str) -> timezone:
    if zone.lower() in ("z", "utc", "gmt"):
        return timezone.utc
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise _invalid(value, source, "UTC offset %s is out of range" % (zone,))
    offset = timedelta(hours=hours, minutes=minutes)
    if not offset:
        return timezone.utc
    return timezone(-offset if zone[0] == "-" else offset)


def _invalid(value: str, source: str, why: str) -> ExpiryParseError:
    return ExpiryParseError(
        "%s: timestamp %s is not a valid date and time (%s)" % (source, _shown(value), why),
        source=source,
        value=value,
    )
