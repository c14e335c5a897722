"""The test oracle: botocore driven exactly as ``aws_bedrock_token_generator`` 1.1.0 does.

Used by ``generate.py`` (to write the golden vectors) and by the differential
tests.  botocore has no clock parameter, so :func:`frozen_botocore_clock`
pins the clock its signer reads for the duration of a ``with`` block.  This
module is test tooling only; the package never imports it or botocore.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _datetime
import types
from typing import Any, Dict, Iterator, Optional
from urllib.parse import parse_qsl, urlsplit

TOKEN_PREFIX = "bedrock-api-key-"
TOKEN_VERSION = "&Version=1"
HOST = "bedrock.amazonaws.com"


@contextlib.contextmanager
def frozen_botocore_clock(instant: _datetime.datetime) -> Iterator[None]:
    """Make botocore's SigV4 signers see ``instant`` (timezone-aware) as "now".

    Recent botocore reads ``botocore.auth.get_current_datetime()``; older
    releases call ``datetime.datetime.utcnow()`` through ``botocore.auth``'s
    ``datetime`` name.  Both are replaced, and restored on exit.
    """
    import botocore.auth as auth

    if instant.utcoffset() is None:
        raise ValueError("the frozen instant must be timezone-aware")
    utc = instant.astimezone(_datetime.timezone.utc)
    naive = utc.replace(tzinfo=None)

    class FrozenDatetime(_datetime.datetime):
        @classmethod
        def utcnow(cls) -> _datetime.datetime:  # type: ignore[override]
            return naive

        @classmethod
        def now(cls, tz: Optional[_datetime.tzinfo] = None) -> _datetime.datetime:  # type: ignore[override]
            return naive if tz is None else utc.astimezone(tz)

    def get_current_datetime(remove_tzinfo: bool = True) -> _datetime.datetime:
        return naive if remove_tzinfo else utc

    fake_module = types.ModuleType("datetime")
    fake_module.__dict__.update(_datetime.__dict__)
    fake_module.datetime = FrozenDatetime  # type: ignore[attr-defined]

    saved = {
        name: getattr(auth, name)
        for name in ("datetime", "get_current_datetime")
        if hasattr(auth, name)
    }
    auth.datetime = fake_module  # type: ignore[attr-defined]
    if "get_current_datetime" in saved:
        auth.get_current_datetime = get_current_datetime  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(auth, name, value)


def official_token(credentials: Any, region: str, expires: int, now: _datetime.datetime) -> str:
    """The token ``aws_bedrock_token_generator._generate_token`` makes at instant ``now``.

    ``credentials`` is a botocore credentials object (plain or refreshable).
    """
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(
        method="POST",
        url="https://%s/" % HOST,
        headers={"host": HOST},
        params={"Action": "CallWithBearerToken"},
    )
    with frozen_botocore_clock(now):
        SigV4QueryAuth(credentials, "bedrock", region, expires=expires).add_auth(request)
    url = request.url.replace("https://", "") + TOKEN_VERSION
    return TOKEN_PREFIX + base64.b64encode(url.encode("utf-8")).decode("utf-8")


def official_token_from_values(
    access_key: str,
    secret_key: str,
    token: Optional[str],
    region: str,
    expires: int,
    now: _datetime.datetime,
) -> str:
    """:func:`official_token` for plain values, through ``botocore.credentials.Credentials``."""
    from botocore.credentials import Credentials

    return official_token(Credentials(access_key, secret_key, token), region, expires, now)


def token_url(token: str) -> str:
    """The presigned URL (without scheme, with ``&Version=1``) inside a token."""
    if not token.startswith(TOKEN_PREFIX):
        raise ValueError("not a Bedrock short-term API key")
    return base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True).decode("utf-8")


def token_params(token: str) -> Dict[str, str]:
    """The query parameters of the URL inside a token, decoded (``+`` stays literal)."""
    query = urlsplit("https://" + token_url(token)).query
    params: Dict[str, str] = {}
    for key, value in parse_qsl(query.replace("+", "%2B"), keep_blank_values=True):
        if key in params:
            raise ValueError("repeated query parameter %r" % key)
        params[key] = value
    return params


def token_instant(token: str) -> _datetime.datetime:
    """The signing instant (``X-Amz-Date``) of a token, as an aware UTC datetime."""
    stamp = token_params(token)["X-Amz-Date"]
    return _datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(
        tzinfo=_datetime.timezone.utc
    )
