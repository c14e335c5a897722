"""JSONFileCache and CachedFetcher: files, windows, hostile entries, and botocore's own classes.

Real files in a temporary folder; botocore 1.44.8 is the oracle for the file
format (its ``JSONFileCache``) and the refresh window (its
``CachedCredentialFetcher``, with its clock replaced).
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List

import pytest
from _support import requires_botocore_143
from hypothesis import given, settings
from hypothesis import strategies as st

import bedrock_token_lite as btl
from bedrock_token_lite._common.dates import parse_timestamp
from bedrock_token_lite._sources.cache import (
    CachedFetcher,
    credentials_from_response,
    dumps_sorted,
    loads,
)

NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
SECRET = "cached/secret/KEY/never-shown-000000"
TOKEN = "cached-session-token-never-shown"


def answer(expiration: Any, key: str = "ASIACACHED0000000001") -> Dict[str, Any]:
    return {
        "Credentials": {
            "AccessKeyId": key,
            "SecretAccessKey": SECRET,
            "SessionToken": TOKEN,
            "Expiration": expiration,
            "AccountId": "123456789012",
        },
        "AssumedRoleUser": {"AssumedRoleId": "AROA:s", "Arn": "arn:aws:sts::1:assumed-role/r/s"},
    }


class Counter:
    def __init__(self, expiration: datetime) -> None:
        self.calls = 0
        self.expiration = expiration

    def __call__(self) -> Dict[str, Any]:
        self.calls += 1
        return answer(self.expiration, "ASIAFRESH00000000001")


def fetcher(cache: Any, fetch: Any, now: datetime = NOW, **kw: Any) -> CachedFetcher:
    return CachedFetcher("k" * 40, fetch, cache, lambda: now, method="assume-role", **kw)


# -- JSONFileCache -------------------------------------------------------------------------


def test_exported_with_the_aws_cli_folder() -> None:
    assert os.path.join("~", ".aws", "cli", "cache") == btl.JSONFileCache.CACHE_DIR
    assert btl.JSONFileCache().working_dir == os.path.expanduser("~/.aws/cli/cache")
    assert "JSONFileCache" in btl.__all__


def test_round_trip_and_file_format(tmp_path: Path) -> None:
    cache = btl.JSONFileCache(str(tmp_path / "c"))
    assert "key" not in cache
    with pytest.raises(KeyError):
        cache["key"]
    cache["key"] = answer(NOW)
    assert "key" in cache
    path = tmp_path / "c" / "key.json"
    assert json.loads(path.read_text())["Credentials"]["Expiration"] == "2026-06-01T12:00:00UTC"
    assert cache["key"]["Credentials"]["Expiration"] == "2026-06-01T12:00:00UTC"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "c").stat().st_mode) == 0o700
    assert os.listdir(str(tmp_path / "c")) == ["key.json"]  # no temporary file left
    del cache["key"]
    assert "key" not in cache
    assert SECRET not in repr(cache)


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    cache = btl.JSONFileCache(str(tmp_path))
    with pytest.raises(ValueError, match="JSON serializable"):
        cache["key"] = {"x": object()}
    assert os.listdir(str(tmp_path)) == []
    blocked = btl.JSONFileCache(str(tmp_path / "file" / "sub"))
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError):
        blocked["key"] = answer(NOW)


@pytest.mark.parametrize("key", ["../escape", "a/b", "", ".hidden", "nul\0"])
def test_keys_stay_in_the_folder(tmp_path: Path, key: str) -> None:
    cache = btl.JSONFileCache(str(tmp_path / "c"))
    assert key not in cache
    with pytest.raises(KeyError):
        cache[key]
    with pytest.raises(ValueError, match="plain file name"):
        cache[key] = {}
    assert not (tmp_path / "escape.json").exists()


def _hostile(tmp_path: Path, kind: str) -> Path:
    folder = tmp_path / "c"
    folder.mkdir(exist_ok=True)
    path = folder / "key.json"
    if kind == "fifo":
        os.mkfifo(str(path))
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "directory":
        path.mkdir()
    elif kind == "huge":
        path.write_text(json.dumps(dict(answer("2099-01-01T00:00:00UTC"), pad="x" * 70000)))
    elif kind == "nested":
        path.write_text("[" * 60000 + "]" * 60000)
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe{}")
    elif kind == "trailing":
        path.write_text(json.dumps(answer("2099-01-01T00:00:00UTC")) + " []")
    elif kind == "nan":
        path.write_text('{"Credentials": NaN}')
    return path


HOSTILE = ["fifo", "device", "directory", "huge", "nested", "binary", "trailing", "nan"]


@pytest.mark.parametrize("kind", HOSTILE)
def test_unusable_entries_are_missing_ones(tmp_path: Path, kind: str) -> None:
    _hostile(tmp_path, kind)
    cache = btl.JSONFileCache(str(tmp_path / "c"))
    done: List[Any] = []

    def read() -> None:
        try:
            cache["key"]
        except KeyError:
            done.append("KeyError")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    assert done == ["KeyError"]  # and it did not block (a FIFO, a device)


@pytest.mark.parametrize("kind", HOSTILE)
def test_fetcher_ignores_unusable_entries(tmp_path: Path, kind: str) -> None:
    _hostile(tmp_path, kind)
    cache = btl.JSONFileCache(str(tmp_path / "c"))
    fetch = Counter(NOW + timedelta(hours=1))
    f = CachedFetcher("key", fetch, cache, lambda: NOW, method="assume-role")
    assert f().access_key == "ASIAFRESH00000000001"
    assert fetch.calls == 1


def test_unreadable_entry(tmp_path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root can read any file")
    path = _hostile(tmp_path, "none")
    path.write_text(json.dumps(answer("2099-01-01T00:00:00UTC")))
    path.chmod(0)
    with pytest.raises(KeyError):
        btl.JSONFileCache(str(tmp_path / "c"))["key"]


@requires_botocore_143
def test_botocore_json_file_cache_reads_ours_and_we_read_its(tmp_path: Path) -> None:
    from botocore.utils import JSONFileCache as BotocoreCache

    ours, theirs = btl.JSONFileCache(str(tmp_path)), BotocoreCache(str(tmp_path))
    value = answer(NOW)
    ours["a"] = value
    theirs["b"] = value
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    assert theirs["a"] == ours["b"] == ours["a"]
    assert "a" in theirs
    assert "b" in ours


# -- CachedFetcher ---------------------------------------------------------------------------


def test_dict_cache_keeps_the_answer_with_its_datetime() -> None:
    cache: Dict[str, Any] = {}
    fetch = Counter(NOW + timedelta(hours=1))
    first = fetcher(cache, fetch)()
    assert cache["k" * 40]["Credentials"]["Expiration"] == NOW + timedelta(hours=1)
    assert fetcher(cache, fetch)() == first
    assert fetch.calls == 1
    assert first.method == "assume-role"
    assert first.account_id == "123456789012"


@requires_botocore_143
@settings(max_examples=200, deadline=None)
@given(left=st.integers(-7200, 7200), window=st.sampled_from([None, 0, 900, 3600, 5400]))
def test_window_matches_botocore(left: int, window: Any) -> None:
    """Entries botocore's fetcher would refresh, ours refreshes (the same frozen clock)."""
    import botocore.credentials as bc

    expiration = NOW + timedelta(seconds=left)

    class Theirs(bc.CachedCredentialFetcher):
        def _create_cache_key(self) -> str:
            return "k"

    original = bc._local_now
    bc._local_now = lambda: NOW
    try:
        expired = Theirs({}, window)._is_expired(
            answer(expiration.strftime("%Y-%m-%dT%H:%M:%SUTC"))
        )
    finally:
        bc._local_now = original
    cache = {"k" * 40: answer(expiration.strftime("%Y-%m-%dT%H:%M:%SUTC"))}
    fetch = Counter(NOW + timedelta(hours=2))
    fetcher(cache, fetch, window=window)()
    assert fetch.calls == (1 if expired else 0)


class Exploding(dict):  # type: ignore[type-arg]
    def __contains__(self, key: object) -> bool:
        raise RuntimeError("boom " + SECRET)

    def __setitem__(self, key: str, value: Any) -> None:
        raise OSError(28, "No space left on device: " + TOKEN)


def test_failing_cache_is_no_error_and_leaks_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fetch = Counter(NOW + timedelta(hours=1))
    assert fetcher(Exploding(), fetch)().access_key == "ASIAFRESH00000000001"
    assert fetch.calls == 1
    assert SECRET not in caplog.text
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(
    "entry",
    [
        None,
        [],
        {"Credentials": None},
        {"Credentials": {"AccessKeyId": "", "SecretAccessKey": "s", "Expiration": "2099"}},
        {"Credentials": {"AccessKeyId": 1, "SecretAccessKey": "s", "SessionToken": "t"}},
        {"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "SessionToken": 5}},
        {"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": 4102444800}},
        {"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "soon"}},
        {"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "2099-01-01"}},
        {"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "9" * 100}},
    ],
)
def test_foreign_shapes_are_not_credentials(entry: Any) -> None:
    assert credentials_from_response(entry, "assume-role") is None
    fetch = Counter(NOW + timedelta(hours=1))
    fetcher({"k" * 40: entry}, fetch)()
    assert fetch.calls == 1


def test_null_session_token_is_read_as_botocore_reads_it() -> None:
    entry = answer("2099-01-01T00:00:00Z")
    entry["Credentials"]["SessionToken"] = None
    creds = credentials_from_response(entry, "assume-role")
    assert creds is not None
    assert creds.token is None


# -- the json-free helpers against json ----------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES, pad=st.sampled_from(["", " ", "\n", "\t\r\n "]))
def test_loads_reads_what_json_writes(value: Any, pad: str) -> None:
    text = pad + json.dumps(value) + pad
    assert loads(text) == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet='{}[]",:0123456789.eE+-truefalsn \t\n\\u"x', max_size=30))
def test_loads_accepts_exactly_what_json_accepts(text: str) -> None:
    try:
        expected: Any = json.loads(text)
    except ValueError:
        expected = ValueError
    if expected is not ValueError and "NaN" not in text and "Infinity" not in text:
        assert loads(text) == expected
    elif expected is ValueError:
        with pytest.raises(ValueError):  # noqa: PT011 - json's messages vary
            loads(text)


@settings(max_examples=300, deadline=None)
@given(
    args=st.dictionaries(
        st.sampled_from(["RoleArn", "RoleSessionName", "ExternalId", "SerialNumber", "ä\u2028"]),
        st.text() | st.integers(),
    )
)
def test_dumps_sorted_is_json_dumps(args: Dict[str, Any]) -> None:
    assert dumps_sorted(args) == json.dumps(args, sort_keys=True)


@settings(max_examples=400, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    sep=st.sampled_from("Tt "),
    zone=st.sampled_from(["Z", "z", "UTC", "GMT", "+00:00", " UTC", "+01:00", "utc"]),
)
def test_fast_timestamps_match_the_full_parser(moment: datetime, sep: str, zone: str) -> None:
    from bedrock_token_lite._common import dates

    text = moment.strftime("%Y-%m-%d") + sep + moment.strftime("%H:%M:%S") + zone
    text = text.rjust(len(text))
    slow: Any
    try:
        slow = dates._build(
            next(p.fullmatch(text) for p in dates._compiled() if p.fullmatch(text)).groupdict(),
            text,
            "t",
            True,
        )
    except (StopIteration, ValueError):
        slow = ValueError
    try:
        fast: Any = parse_timestamp(text)
    except ValueError:
        fast = ValueError
    assert fast == slow
    if slow is not ValueError:
        assert fast.utcoffset() == slow.utcoffset()


@pytest.mark.parametrize(
    "text", ["0000-01-01T00:00:00Z", "2024-02-30T00:00:00UTC", "2024-01-01T24:00:00Z"]
)
def test_fast_path_leaves_invalid_instants_to_the_full_parser(text: str) -> None:
    with pytest.raises(btl.ExpiryParseError):
        parse_timestamp(text)


ENTRY_PARTS = st.fixed_dictionaries(
    {},
    optional={
        "AccessKeyId": st.one_of(st.text(max_size=30), st.integers(), st.none()),
        "SecretAccessKey": st.one_of(st.just(SECRET), st.integers(), st.none()),
        "SessionToken": st.one_of(st.just(TOKEN), st.none(), st.lists(st.text())),
        "Expiration": st.one_of(
            st.datetimes(timezones=st.just(timezone.utc)).map(
                lambda d: d.strftime("%Y-%m-%dT%H:%M:%SUTC")
            ),
            st.text(max_size=40),
            st.integers(),
        ),
        "AccountId": st.one_of(st.text(max_size=12), st.integers()),
    },
)


@settings(max_examples=300, deadline=None)
@given(
    document=st.one_of(
        ENTRY_PARTS.map(lambda c: json.dumps({"Credentials": c})),
        JSON_VALUES.map(json.dumps),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    )
)
def test_any_cache_file_is_used_or_ignored_never_an_error(document: str) -> None:
    """Any file: its credentials when of botocore's shape with 15 minutes left, else STS."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "key.json"), "w", encoding="latin-1") as fh:
            fh.write(document)
        fetch = Counter(NOW + timedelta(hours=1))
        f = CachedFetcher("key", fetch, btl.JSONFileCache(folder), lambda: NOW, method="m")
        creds = f()
        try:
            entry = json.loads(document)
        except ValueError:
            entry = None
        usable = credentials_from_response(entry, "m")
        expected_cached = (
            usable is not None
            and usable.expiry is not None
            and (usable.expiry - NOW) >= timedelta(minutes=15)
        )
        assert fetch.calls == (0 if expected_cached else 1)
        assert creds.access_key == ("ASIAFRESH00000000001" if fetch.calls else usable.access_key)
        assert SECRET not in repr(creds)
        assert TOKEN not in repr(creds)
