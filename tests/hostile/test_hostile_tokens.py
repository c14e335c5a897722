"""Hostile tokens: arbitrary text, arbitrary base64, and mutations of a real token.

Each goes through ``decode_token``, ``verify_token`` (with the credentials
that signed the original) and ``bedrock-token inspect``; the original's
signature, session token and body are the planted secrets.  Long-term-key-like
inputs (``ABSK...``) go through ``decode_long_term_key`` and ``inspect`` (also
with ``--check``), with a secret planted in each.
"""

from __future__ import annotations

import base64
import io
from datetime import datetime, timezone
from typing import List, Tuple
from urllib.parse import quote

from _check import FRAGMENT, assert_clean, outcome
from _strategies import long_term_keys, long_term_like, shares_a_fragment
from hypothesis import assume, given
from hypothesis import strategies as st

import bedrock_token_lite as btl
from bedrock_token_lite._cli import main

PREFIX = "bedrock-api-key-"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
SECRET_KEY = "CanarySecretKey/q9T2vX7mLw4Rz8Bn"
SESSION = "CanarySessionTok+Hj3Kp9=Wq2/Zx5Vb7Nm"
CREDS = btl.Credentials("AKIDHOSTILEEXAMPLE", SECRET_KEY, SESSION)
TOKEN = btl.generate_token(CREDS, "us-east-1", now=NOW)
BODY = base64.b64decode(TOKEN[len(PREFIX) :]).decode()
HOST, _, QUERY = BODY.partition("?")
PAIRS: List[Tuple[str, str]] = [
    (p.partition("=")[0], p.partition("=")[2]) for p in QUERY.split("&")
]
SIGNATURE = dict(PAIRS)["X-Amz-Signature"]
#: The session token as the token carries it (percent-encoded) and as given.
SECRETS = [SECRET_KEY, SESSION, quote(SESSION, safe=""), SIGNATURE, TOKEN[len(PREFIX) :]]


def _wrap(body: str) -> str:
    return PREFIX + base64.b64encode(body.encode("utf-8", "surrogatepass")).decode()


texts = st.text(max_size=200)
huge = st.integers(min_value=1000, max_value=200_000).map(lambda n: "A" * n)
values = st.one_of(
    st.text(max_size=40),
    st.text(max_size=20).map(lambda t: quote(t, safe="")),
    st.sampled_from(["%", "%z", "%zz", "%ff", "%C3", "%C3%28", "%00", "%2F%2F", "%25", "+"]),
    huge,
    st.sampled_from([v for _, v in PAIRS]),
)
names = st.one_of(st.sampled_from([n for n, _ in PAIRS]), st.text(max_size=20), huge)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    pairs = list(PAIRS)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        op = draw(st.sampled_from(["drop", "dup", "swap", "value", "edit", "name", "add", "host"]))
        i = draw(st.integers(min_value=0, max_value=max(len(pairs) - 1, 0)))
        if not pairs and op != "add":
            op = "add"
        if op == "drop":
            del pairs[i]
        elif op == "dup":
            pairs.insert(draw(st.integers(0, len(pairs))), pairs[i])
        elif op == "swap":
            j = draw(st.integers(min_value=0, max_value=len(pairs) - 1))
            pairs[i], pairs[j] = pairs[j], pairs[i]
        elif op == "value":
            pairs[i] = (pairs[i][0], draw(values))
        elif op == "edit":  # a real value (the signature, the session token) with a bad escape
            name, value = pairs[i]
            where = draw(st.integers(min_value=0, max_value=len(value)))
            pairs[i] = (name, value[:where] + draw(values) + value[where:])
        elif op == "name":
            pairs[i] = (draw(names), pairs[i][1])
        else:
            pairs.insert(i, (draw(names), draw(values)))
    host = draw(st.one_of(st.just(HOST), st.text(max_size=30)))
    sep = draw(st.sampled_from(["?", "?", "", "??", "#"]))
    joiner = draw(st.sampled_from(["&", "&", "&&", ";"]))
    return _wrap(host + sep + joiner.join("%s=%s" % p for p in pairs))


BAD_ESCAPES = ["%", "%z", "%zz", "%ff", "%C3", "%C3%28", "%ED%B3%BF", "%00", "%2f", "+"]


@st.composite
def escaped(draw: st.DrawFn) -> str:
    """One real value (the signature, the session token...) with a bad percent-escape in it."""
    pairs = list(PAIRS)
    i = draw(st.integers(min_value=0, max_value=len(pairs) - 1))
    name, value = pairs[i]
    where = draw(st.integers(min_value=0, max_value=len(value)))
    pairs[i] = (name, value[:where] + draw(st.sampled_from(BAD_ESCAPES)) + value[where:])
    return _wrap(HOST + "?" + "&".join("%s=%s" % p for p in pairs))


tokens = st.one_of(
    escaped(),
    texts,
    texts.map(lambda t: PREFIX + t),
    st.binary(max_size=300).map(lambda b: PREFIX + base64.b64encode(b).decode()),
    mutated(),
    long_term_like,
)


@given(tokens)
def test_decode_token(token: str) -> None:
    outcome(lambda: btl.decode_token(token), secrets=SECRETS, seconds=2, clean_repr=True)


@given(tokens)
def test_verify_token(token: str) -> None:
    outcome(
        lambda: btl.verify_token(token, CREDS, now=NOW),
        secrets=SECRETS,
        seconds=2,
        clean_repr=True,
    )


def _run_inspect(argv: List[str], stdin: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    status, _ = outcome(
        lambda: main(argv, stdout=out, stderr=err, stdin=io.StringIO(stdin)),
        secrets=SECRETS,
        seconds=2,
    )
    assert status in (0, 2)
    text = err.getvalue()
    if status:
        assert text.endswith("\n"), "stderr is not one line"
        assert text.count("\n") == 1, "stderr is not one line"
    else:
        assert text == ""
    assert_clean(text, SECRETS, "stderr")
    assert_clean(out.getvalue(), SECRETS, "stdout")


@given(tokens, st.booleans())
def test_cli_inspect_argument(token: str, as_json: bool) -> None:
    _run_inspect(["inspect"] + (["--json"] if as_json else []) + ["--", token], "")


@given(tokens, st.booleans())
def test_cli_inspect_stdin(token: str, as_json: bool) -> None:
    _run_inspect(["inspect"] + (["--json"] if as_json else []), token)


def test_the_original_token_verifies() -> None:
    """The mutations start from a token that is valid: otherwise they test nothing."""
    info, error = outcome(lambda: btl.verify_token(TOKEN, CREDS, now=NOW), secrets=SECRETS)
    assert error is None
    assert info.has_session_token


MARKER = "CanaryLongTermKeySecret"


def _planted(secret: str, key: str) -> List[str]:
    """What must not show: the secret's canary, and the key's base64 when long enough.

    The canary, not the whole planted text: without a ':' between them the alias
    runs on into the hostile text before the canary, which is then the alias.
    """
    assert MARKER in secret
    body = key[len("ABSK") :]
    return [MARKER] + ([body] if len(body) > FRAGMENT else [])


@given(long_term_keys(MARKER))
def test_decode_long_term_key(case: Tuple[str, str, str]) -> None:
    key, secret, alias = case
    planted = _planted(secret, key)
    assume(not shares_a_fragment(planted, alias))  # the alias may be shown
    info, error = outcome(
        lambda: btl.decode_long_term_key(key), secrets=planted, seconds=2, clean_repr=True
    )
    if error is None:
        # Only a well-formed key decodes, to its alias up to the first ':' (which,
        # with no ':' between them, runs on into the secret up to its first ':').
        assert info.key_id.startswith(alias) or alias.startswith(info.key_id + ":")
        assert MARKER not in info.key_id


@given(long_term_keys(MARKER))
def test_decode_token_refuses_long_term_keys(case: Tuple[str, str, str]) -> None:
    key, secret, _ = case
    _, error = outcome(lambda: btl.decode_token(key), secrets=_planted(secret, key), seconds=2)
    assert isinstance(error, btl.InvalidTokenError)
    assert error.check == "long-term-key"


@given(
    long_term_keys(MARKER), st.sampled_from([[], ["--json"], ["--check"], ["--check", "--json"]])
)
def test_cli_inspect_long_term_keys(case: Tuple[str, str, str], options: List[str]) -> None:
    key, secret, alias = case
    planted = _planted(secret, key)
    assume(not shares_a_fragment(planted, alias))
    out, err = io.StringIO(), io.StringIO()
    status, _ = outcome(
        lambda: main(["inspect", *options, "--", key], stdout=out, stderr=err),
        secrets=planted,
        seconds=2,
    )
    text = err.getvalue()
    if status:
        assert status == 2  # malformed; a well-formed long-term key passes --check
        assert text.endswith("\n"), "stderr is not one line"
        assert text.count("\n") == 1, "stderr is not one line"
        assert out.getvalue() == ""
    else:
        assert text == ""
    assert_clean(text, planted, "stderr")
    assert_clean(out.getvalue(), planted, "stdout")


@given(
    tokens,
    st.sampled_from(
        [
            ["--check"],
            ["--check", "--json"],
            ["--check", "--min-valid", "1h"],
            ["--check", "--min-valid", "13h"],
        ]
    ),
)
def test_cli_inspect_check(token: str, options: List[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    status, _ = outcome(
        lambda: main(["inspect", *options, "--", token], stdout=out, stderr=err),
        secrets=SECRETS,
        seconds=2,
    )
    assert status in (0, 1, 2)
    text = err.getvalue()
    if status:
        assert text.endswith("\n"), "stderr is not one line"
        assert text.count("\n") == 1, "stderr is not one line"
    else:
        assert text == ""
    assert_clean(text, SECRETS, "stderr")
    assert_clean(out.getvalue(), SECRETS, "stdout")
