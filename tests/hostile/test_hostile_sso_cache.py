"""Hostile SSO token cache files and ``sso-session`` configuration.

A real ``~/.aws/sso/cache/<sha1>.json`` in a temporary HOME holds arbitrary
bytes, JSON of the wrong shape, a token document with fields dropped or of the
wrong type, zone-less or garbage timestamps, an expired token with or without
what a refresh needs, deep nesting, a huge file, or a directory in its place.
The profile is a legacy SSO profile or one with an ``[sso-session]`` whose
values may be hostile too.  The SSO portal and SSO-OIDC are one loopback
server answering with drawn answers (``_responses``), so a refresh may meet a
misbehaving endpoint.

Each case goes through ``_check.outcome`` three ways: ``SSOProvider.load()``
(and the frozen credentials), the default chain, and ``provide_token``.  The
kind of failure is compared with botocore 1.44 in-process: where botocore
raises a bare ``KeyError`` or ``TypeError``, ours raises a library error that
is also that builtin.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from _check import outcome
from _responses import TIMESTAMPS, Answer, ScriptServer, dumps, mutated, responses
from _strategies import nasty_text
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

import bedrock_token_lite as btl
from bedrock_token_lite._config.session import SessionConfig

ACCESS = "CanarySsoCacheAccess3Kp"
REFRESH = "CanarySsoCacheRefresh8Wd"
CLIENT_SECRET = "CanarySsoCacheClient5Rt"
SECRETS = [ACCESS, REFRESH, CLIENT_SECRET]
START_URL = "https://example.awsapps.com/start"
#: Two exchanges (CreateToken, GetRoleCredentials) of each of three entry points, at
#: 60 s timeouts the loopback server never makes us wait for: it closes at once.
SECONDS = 10.0
EXAMPLES = max(10, settings.default.max_examples // 3)

TOKEN = {
    "startUrl": START_URL,
    "region": "us-east-1",
    "accessToken": ACCESS,
    "expiresAt": "2099-01-01T00:00:00Z",
    "refreshToken": REFRESH,
    "clientId": "client-id",
    "clientSecret": CLIENT_SECRET,
    "registrationExpiresAt": "2099-01-01T00:00:00Z",
}
TIMES = ("expiresAt", "registrationExpiresAt")
ROLE = {
    "roleCredentials": {
        "accessKeyId": "ASIASSOCACHE",
        "secretAccessKey": "CanarySsoCacheAnswerSk1",
        "sessionToken": "CanarySsoCacheAnswerSt2",
        "expiration": 4070908800000,
    }
}
OIDC = {"accessToken": ACCESS + "New", "expiresIn": 3600, "refreshToken": REFRESH + "New"}


@st.composite
def token_documents(draw: st.DrawFn) -> Dict[str, Any]:
    doc = dict(TOKEN) if draw(st.integers(0, 2)) == 0 else draw(mutated(TOKEN, TIMES))
    if draw(st.booleans()):  # expired (or about to expire): a refresh is attempted
        doc["expiresAt"] = draw(st.sampled_from(["2000-01-01T00:00:00Z", "2000-01-01T00:00:00"]))
    return doc


raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"",
            b"null",
            b"[]",
            b"7",
            b'"x"',
            b"{",
            b"[" * 100000,
            b'{"a":' * 5000,
            b'{"accessToken": "%s"}' % ACCESS.encode(),
            b'{"expiresAt": "2099-01-01T00:00:00Z"}',
            b"\xff\xfe{\x00}\x00",
            b" " * (4 * 1024 * 1024) + b"{}",
        ]
    ),
)
cache_bodies = st.one_of(
    token_documents().map(dumps),
    token_documents().map(dumps),
    raw_bodies,
    raw_bodies,
    st.builds(
        lambda at, when: dumps({"accessToken": at, "expiresAt": when}),
        st.sampled_from([ACCESS, None, 7, [], {}]),
        st.one_of(st.sampled_from(TIMESTAMPS), st.integers(), st.none(), st.just([])),
    ),
)
#: A sub-section value is exercised by tests/chain/test_nested_values.py; these are text.
session_values = st.one_of(
    st.sampled_from(["us-east-1", START_URL, "", "us-east-1\u00b2", "..", "a" * 300]),
    nasty_text.map(lambda t: t.replace("\n", "").replace("\r", "")),
)


@st.composite
def configs(draw: st.DrawFn) -> Tuple[str, Optional[str]]:
    """(config file text, the sso-session name or None for a legacy profile)."""
    if draw(st.booleans()):
        lines = [
            "[profile p]",
            "sso_start_url = %s" % START_URL,
            "sso_region = us-east-1",
            "sso_account_id = 123456789012",
            "sso_role_name = r",
        ]
        return "\n".join(lines) + "\n", None
    name = draw(st.sampled_from(["s", "my-sso", "s s", "\u00e9"]))
    start = draw(st.one_of(st.just(START_URL), session_values))
    region = draw(st.one_of(st.just("us-east-1"), session_values))
    lines = [
        "[profile p]",
        "sso_session = %s" % name,
        "sso_account_id = 123456789012",
        "sso_role_name = r",
        "[sso-session %s]" % name,
        "sso_start_url = %s" % start,
        "sso_region = %s" % region,
    ]
    if draw(st.booleans()):
        lines.append("sso_registration_scopes = sso:account:access")
    return "\n".join(lines) + "\n", name


def _cache_name(config: str, session: Optional[str]) -> str:
    key = session if session is not None else START_URL
    return hashlib.sha1(key.encode("utf-8")).hexdigest() + ".json"  # noqa: S324


@contextlib.contextmanager
def _environ(values: Dict[str, str]) -> Iterator[None]:
    """``os.environ`` replaced for the block (provide_token and botocore read it)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _frozen(creds: Any) -> Any:
    if creds is not None and hasattr(creds, "get_frozen_credentials"):
        return creds.get_frozen_credentials()
    return creds


def _botocore_builtin() -> Optional[type]:
    """The builtin botocore's failure is (KeyError/TypeError only), else None."""
    try:
        import botocore.session
    except ImportError:  # pragma: no cover - botocore is a test extra
        return None
    try:
        _frozen(botocore.session.Session(profile="p").get_credentials())
    except (KeyError, TypeError) as exc:
        if type(exc).__module__ == "builtins":
            return type(exc)
    except Exception:  # noqa: S110 - its other failures are compared elsewhere
        pass
    return None


def _route(method: str, path: str) -> bytes:
    return dumps(OIDC) if path.endswith("/token") else dumps(ROLE)


def _home(home: Path, config: str, session: Optional[str], body: bytes, where: str) -> None:
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    (home / ".aws" / "config").write_text(config, encoding="utf-8", errors="surrogatepass")
    target = cache / _cache_name(config, session)
    if where == "directory":
        target.mkdir()
    elif where == "file":
        target.write_bytes(body)


def _env(home: str, url: str) -> Dict[str, str]:
    return {
        "HOME": home,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_PROFILE": "p",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_SSO": url,
        "AWS_ENDPOINT_URL_SSO_OIDC": url,
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9/",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_REGION": "us-east-1",
    }


LEGACY = (
    "[profile p]\nsso_start_url = %s\nsso_region = us-east-1\nsso_account_id = 123456789012\n"
    "sso_role_name = r\n" % START_URL,
    None,
)
CLEAN = [Answer(b"HTTP/1.1 200 OK", [], "valid", "exact")]


@settings(max_examples=EXAMPLES)
@example(b"", LEGACY, "file", CLEAN)  # botocore: a bare KeyError (JSONFileCache)
@example(dumps(TOKEN), LEGACY, "file", CLEAN)  # a good token: credentials
@example(dumps(dict(TOKEN, expiresAt="2000-01-01T00:00:00Z")), LEGACY, "directory", CLEAN)
@given(
    cache_bodies,
    configs(),
    st.sampled_from(["file"] * 8 + ["directory", "missing"]),
    responses,
)
def test_hostile_sso_cache(
    body: bytes, config: Tuple[str, Optional[str]], where: str, script: List[Answer]
) -> None:
    text, session = config
    results: List[Optional[BaseException]] = []
    with tempfile.TemporaryDirectory() as tmp, ScriptServer(script, _route) as server:
        home = Path(tmp)
        _home(home, text, session, body, where)
        env = _env(tmp, server.url)

        def provider() -> Any:
            cfg = SessionConfig("p", environ=env).load_config()
            return _frozen(
                btl.SSOProvider(load_config=lambda: cfg, profile_name="p", environ=env).load()
            )

        for call in (provider, lambda: _frozen(btl.resolve_credentials("p", environ=env))):
            _home_reset(home, text, session, body, where)
            results.append(outcome(call, secrets=SECRETS, seconds=SECONDS, clean_repr=True)[1])
        _home_reset(home, text, session, body, where)
        with _environ(env):
            results.append(outcome(btl.provide_token, secrets=SECRETS, seconds=SECONDS)[1])
            _home_reset(home, text, session, body, where)
            theirs = _botocore_builtin()
    event("chain: %s" % type(results[1]).__name__)
    event("botocore: %s" % getattr(theirs, "__name__", "no bare KeyError/TypeError"))
    if theirs is not None:
        chain_error = results[1]
        assert chain_error is not None, "botocore raised %s, ours succeeded" % theirs.__name__
        assert isinstance(chain_error, theirs), "botocore raised %s, ours %s" % (
            theirs.__name__,
            type(chain_error).__name__,
        )


def _home_reset(home: Path, config: str, session: Optional[str], body: bytes, where: str) -> None:
    """Put the drawn cache file back (a refresh may have rewritten it)."""
    cache = home / ".aws" / "sso" / "cache"
    target = cache / _cache_name(config, session)
    if where == "file":
        target.write_bytes(body)
    for leftover in cache.glob("*.tmp"):
        leftover.unlink()


def test_the_cache_file_name_is_botocores() -> None:
    """The harness writes where both read: sha1 of the session name, else of the start URL."""
    from bedrock_token_lite._sources.sso import sso_token_cache_path

    assert sso_token_cache_path("d", START_URL, None).endswith(_cache_name("", None))
    assert sso_token_cache_path("d", START_URL, "s").endswith(_cache_name("", "s"))
    assert json.loads(dumps(TOKEN))["accessToken"] == ACCESS
