"""Hostile arguments to the signer, and foreign code that raises anything.

``sigv4.sign``/``presign`` get arguments of every type and shape; credentials
objects, credential providers and clocks that are not ours raise every kind of
exception, some quoting a planted secret.  Each case goes through the one
assertion set: a result or a ``BedrockTokenError``, no secret in any text.
Errors raised by foreign code must also still be caught by an ``except``
written for the original class.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List

import pytest
from _check import outcome
from hypothesis import given
from hypothesis import strategies as st

import bedrock_token_lite as btl
from bedrock_token_lite import sigv4

SECRET = "CanaryForeignSecret7Hq2Lw"
TOKEN = "CanaryForeignSession4Mz8Rb"
SECRETS = [SECRET, TOKEN]
CREDS = btl.Credentials("AKIDFOREIGN", SECRET, TOKEN)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


class PlantedError(Exception):
    def __init__(self) -> None:
        super().__init__("refresh failed for secret " + SECRET + " token " + TOKEN)
        self.response = {"Error": {"Code": "ExpiredToken", "Message": SECRET}}


class NeedsArgs(Exception):
    def __new__(cls, a: object, b: object) -> NeedsArgs:
        return super().__new__(cls, a, b)

    def __init__(self, a: object, b: object) -> None:
        super().__init__(a, b)


class SlottedStr(str):
    __slots__ = ()


class VendorOSError(OSError):
    pass


FOREIGN: Dict[str, Callable[[], BaseException]] = {
    "planted": PlantedError,
    "KeyError": lambda: KeyError(SECRET),
    "ValueError": lambda: ValueError("bad " + TOKEN),
    "TypeError": lambda: TypeError(SECRET),
    "UnicodeDecodeError": lambda: UnicodeDecodeError("utf-8", SECRET.encode(), 0, 1, "x"),
    "OSError": lambda: VendorOSError(13, SECRET),
    "RecursionError": lambda: RecursionError(SECRET),
    "needs args": lambda: NeedsArgs(SECRET, TOKEN),
    "MemoryError": MemoryError,
}


class RaisingCredentials:
    """botocore-like refreshable credentials whose refresh raises."""

    def __init__(self, make: Callable[[], BaseException]) -> None:
        self.make = make

    def get_frozen_credentials(self) -> Any:
        raise self.make()


class RaisingAttribute:
    def __init__(self, make: Callable[[], BaseException]) -> None:
        self.make = make

    @property
    def access_key(self) -> str:
        raise self.make()

    secret_key = SECRET
    token = TOKEN


class RaisingProvider:
    def __init__(self, make: Callable[[], BaseException]) -> None:
        self.make = make

    def load(self) -> Any:
        raise self.make()


def _caught_as_original(error: BaseException, make: Callable[[], BaseException]) -> None:
    """What was written to catch the original still catches ours (where Python allows it)."""
    original = type(make())
    assert isinstance(error, btl.BedrockTokenError), repr(error)
    assert type(error.original) is original  # type: ignore[attr-defined]
    # NeedsArgs: its __new__ needs arguments; MemoryError: never combined (CPython 3.7
    # recycles its instances through a free list whatever their class).
    if original not in (NeedsArgs, MemoryError):
        assert isinstance(error, original)
    assert error.__context__ is None
    assert error.__cause__ is None
    assert original.__name__ in str(error)


ENTRY_POINTS: Dict[str, Callable[[Any], Any]] = {
    "generate_token": lambda c: btl.generate_token(c, "us-east-1", now=NOW),
    "verify_token": lambda c: btl.verify_token(
        btl.generate_token(CREDS, "us-east-1", now=NOW), c, now=NOW
    ),
    "sign": lambda c: sigv4.sign(
        "GET", "https://example.com/", credentials=c, region="r", service="s", now=NOW
    ),
    "presign": lambda c: sigv4.presign(
        "GET",
        "https://example.com/",
        credentials=c,
        region="r",
        service="s",
        now=NOW,
        expires_in=60,
    ),
    "TokenProvider": lambda c: btl.TokenProvider(
        region="us-east-1", credentials_provider=_Fixed(c)
    ).token(),
}


class _Fixed:
    def __init__(self, credentials: Any) -> None:
        self.credentials = credentials

    def load(self) -> Any:
        return self.credentials


@pytest.mark.parametrize("shape", [RaisingCredentials, RaisingAttribute])
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("kind", sorted(FOREIGN))
def test_credentials_that_raise(kind: str, entry: str, shape: Any) -> None:
    make = FOREIGN[kind]
    _, error = outcome(lambda: ENTRY_POINTS[entry](shape(make)), secrets=SECRETS)
    assert error is not None
    _caught_as_original(error, make)


@pytest.mark.parametrize("kind", sorted(FOREIGN))
def test_a_provider_that_raises(kind: str) -> None:
    make = FOREIGN[kind]
    calls: List[Callable[[], Any]] = [
        lambda: btl.provide_token("us-east-1", RaisingProvider(make)),
        lambda: btl.TokenProvider(
            region="us-east-1", credentials_provider=RaisingProvider(make)
        ).token(),
    ]
    for call in calls:
        _, error = outcome(call, secrets=SECRETS)
        assert error is not None
        _caught_as_original(error, make)
        assert "RaisingProvider" in str(error)
        if kind == "planted":  # attributes are copied, for programs
            assert error.response == {"Error": {"Code": "ExpiredToken", "Message": SECRET}}


def test_a_keyboard_interrupt_in_a_provider_is_not_swallowed() -> None:
    with pytest.raises(KeyboardInterrupt):
        btl.provide_token("us-east-1", RaisingProvider(KeyboardInterrupt))


# -- the signer's arguments, generated ------------------------------------------------------

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.binary(max_size=30),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    st.just(object()),
    st.builds(SlottedStr, st.text(max_size=10)),
)
urls = st.one_of(
    anything,
    st.sampled_from(
        [
            "https://[::1",
            "https://h:99999/",
            "https://h:-1/",
            "https://h:x/",
            "http://[v1.fe]/",
            "//no-scheme/",
            "https://user:" + SECRET + "@h/",
            "https://h/?X-Amz-Security-Token=" + TOKEN,
            "https://h/\ud800",
            "https://h/%ZZ%",
            "",
        ]
    ),
    st.text(max_size=40).map(lambda t: "https://example.com/" + t),
)
headers = st.one_of(
    anything,
    st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=3),
    st.lists(st.tuples(anything, anything), max_size=2),
    st.dictionaries(st.text(max_size=8), anything, max_size=2),
)
credentials = st.one_of(
    st.just(CREDS),
    anything,
    st.builds(
        btl.Credentials,
        st.text(max_size=8).map(lambda t: "AKID" + t),
        st.just(SECRET),
        st.one_of(st.none(), st.just(TOKEN), st.just(TOKEN + "\ud800")),
    ),
)
nows = st.one_of(
    st.just(NOW),
    anything,
    st.datetimes(),
    st.datetimes(timezones=st.just(timezone.utc)),
    st.just(datetime.max.replace(tzinfo=timezone(timedelta(hours=-5)))),
)


@given(
    method=st.one_of(st.sampled_from(["GET", "post", ""]), anything),
    url=urls,
    hdrs=headers,
    body=st.one_of(st.binary(max_size=20), st.text(max_size=20), anything),
    creds=credentials,
    region=st.one_of(st.just("us-east-1"), anything),
    now=nows,
    expires=st.one_of(st.integers(-5, 700_000), anything, st.just(timedelta(minutes=5))),
    payload=st.one_of(st.none(), st.just(sigv4.UNSIGNED_PAYLOAD), anything),
    presign=st.booleans(),
)
def test_the_signer_with_hostile_arguments(
    method: Any,
    url: Any,
    hdrs: Any,
    body: Any,
    creds: Any,
    region: Any,
    now: Any,
    expires: Any,
    payload: Any,
    presign: bool,
) -> None:
    kwargs: Dict[str, Any] = {
        "headers": hdrs,
        "body": body,
        "credentials": creds,
        "region": region,
        "service": "bedrock",
        "now": now,
        "payload_hash": payload,
    }
    if presign:
        outcome(
            lambda: sigv4.presign(method, url, expires_in=expires, **kwargs),
            secrets=SECRETS,
        )
    else:
        outcome(lambda: sigv4.sign(method, url, **kwargs), secrets=SECRETS)


def test_the_originals_notes_are_not_copied() -> None:
    """Tracebacks print ``__notes__`` (Python 3.11+): a note may quote a secret too."""
    import traceback

    def noted() -> BaseException:
        error = ValueError("x")
        error.__notes__ = ["while refreshing with " + SECRET]  # what add_note() sets
        return error

    _, error = outcome(lambda: btl.provide_token("us-east-1", RaisingProvider(noted)))
    assert error is not None
    printed = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    assert SECRET not in printed
    assert not hasattr(error, "__notes__")
    assert error.original.__notes__  # type: ignore[attr-defined]
