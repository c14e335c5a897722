"""``generate_token``: credentials, region, expiry and an instant in, token out.

The signing itself is in ``_core``, which never imports datetime; this module
turns datetime and timedelta arguments into its plain inputs.
"""

from __future__ import annotations

from . import sigv4
from ._common.credentials import Credentials
from ._common.dt import datetime, timedelta, timezone
from ._core import (
    BEDROCK_HOST,
    MAX_EXPIRY_SECONDS,
    SERVICE,
    TOKEN_PREFIX,
    check_region,
    checked_regions,
    credential_values,
    expiry_seconds,
    sign_token,
    use_builtin_sha256,
)
from ._errors import InvalidParameterError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Optional, Union

__all__ = [
    "BEDROCK_HOST",
    "DEFAULT_EXPIRY",
    "MAX_EXPIRY_SECONDS",
    "SERVICE",
    "TOKEN_PREFIX",
    "check_region",
    "credential_values",
    "expiry_seconds",
    "generate_token",
    "use_builtin_sha256",
]

DEFAULT_EXPIRY = timedelta(hours=12)


def generate_token(
    credentials: Any,
    region: str,
    *,
    expiry: Union[timedelta, int, float] = DEFAULT_EXPIRY,
    now: Optional[datetime] = None,
) -> str:
    """Return a Bedrock short-term API key for ``credentials`` in ``region``.

    ``credentials`` is anything with ``access_key``, ``secret_key`` and ``token``
    (ours or botocore's); botocore refreshable credentials are read once through
    ``get_frozen_credentials()``.  ``expiry`` is a timedelta or whole seconds,
    1 to 43200.  ``now`` (timezone-aware) is the signing instant, default the
    current time.

    The result is byte-identical to the official generator's: the presigned
    ``POST https://bedrock.amazonaws.com/?Action=CallWithBearerToken`` without
    its scheme, plus ``&Version=1``, base64-encoded, after ``bedrock-api-key-``.
    """
    if credentials.__class__ is Credentials:  # validated at construction: skip the checks
        access_key = credentials.access_key
        secret_key = credentials.secret_key
        token = credentials.token
        if not access_key or not secret_key:
            access_key, secret_key, token = credential_values(credentials)
    else:
        access_key, secret_key, token = credential_values(credentials)
    if region.__class__ is not str or region not in checked_regions:
        region = check_region(region)
    expires = 43200 if expiry is DEFAULT_EXPIRY else expiry_seconds(expiry)
    if now is None:
        now = datetime.now(timezone.utc)
    elif now.__class__ is not datetime or now.tzinfo is not timezone.utc:
        now = _signing_instant(now)
    day = _days.get(now.toordinal())
    if day is None:
        day = _day(now)
    return sign_token(
        access_key,
        secret_key,
        token,
        region,
        expires,
        day + b"%06dZ" % (now.hour * 10000 + now.minute * 100 + now.second),
    )


#: Day number -> ``b"YYYYMMDDT"``: the date part of the stamp, formatted once a day.
_days: dict[int, bytes] = {}


def _day(now: datetime) -> bytes:
    day = b"%04d%02d%02dT" % (now.year, now.month, now.day)
    if len(_days) >= 8:
        _days.clear()
    _days[now.toordinal()] = day
    return day


def _signing_instant(now: Any) -> datetime:
    try:
        return sigv4.as_utc(now)
    except (TypeError, ValueError) as exc:  # ValueError: naive, or outside the years 1-9999
        raise InvalidParameterError(str(exc)) from None
