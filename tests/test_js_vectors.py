"""Tokens written by AWS's JavaScript generator (``vectors/js_tokens.json``).

The file was produced by ``vectors/generate_js.py`` with
``@aws/bedrock-token-generator`` 1.1.0 and node; these checks read it without
node.  The JavaScript generator sorts the query parameters and leaves out an
empty session token, so its tokens differ in text from ours; the same inputs
give the same signature, except with an empty session token (which ours writes
and signs, as botocore does, and the JavaScript generator omits).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

import pytest
from _support import ROOT

import bedrock_token_lite as btl
from bedrock_token_lite._cli import main as cli_main

VECTORS = ROOT / "vectors"
JS_TOKENS = VECTORS / "js_tokens.json"
PREFIX = "bedrock-api-key-"

DOCUMENT = json.loads(JS_TOKENS.read_text(encoding="utf-8"))
ALL = DOCUMENT["cases"]
ACCEPTED = [c for c in ALL if "token" in c and "expect_check" not in c]
REJECTED = [c for c in ALL if "expect_check" in c]
REFUSED = [c for c in ALL if "error" in c]


def _ids(cases: List[Dict[str, Any]]) -> List[str]:
    return [c["name"] for c in cases]


def _now(case: Dict[str, Any]) -> datetime:
    return datetime.strptime(case["now"][:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)


def _expiry(case: Dict[str, Any]) -> int:
    return 43200 if case["expires_in"] is None else int(case["expires_in"])


def _creds(case: Dict[str, Any], secret: Optional[str] = None) -> btl.Credentials:
    return btl.Credentials(
        case["access_key"], case["secret_key"] if secret is None else secret, case["session_token"]
    )


def _params(url: str) -> Dict[str, str]:
    return dict(pair.split("=", 1) for pair in url.split("?", 1)[1].split("&"))


def test_the_file_has_enough_cases_of_each_kind() -> None:
    assert DOCUMENT["generator"] == "@aws/bedrock-token-generator 1.1.0"
    assert len(ACCEPTED) >= 60
    assert REJECTED
    assert REFUSED
    names = _ids(ALL)
    assert len(set(names)) == len(names)
    # the coverage the file promises
    assert {c["session_token"] for c in ACCEPTED} >= {None, ""}
    assert any(c["region"].startswith("us-gov-") for c in ACCEPTED)
    assert any(c["region"].startswith("cn-") for c in ACCEPTED)
    assert {_expiry(c) for c in ACCEPTED} >= {1, 43200}
    years = {_now(c).year for c in ACCEPTED}
    assert min(years) < 1980
    assert max(years) >= 2090


def test_the_javascript_generator_sorts_the_query() -> None:
    """The reason these tokens failed before: not in the Python generator's order."""
    for case in ACCEPTED:
        names = list(_params(case["url"]))
        assert names[-1] == "Version"
        assert names[:-1] == sorted(names[:-1])


@pytest.mark.parametrize("case", ACCEPTED, ids=_ids(ACCEPTED))
def test_decode_gives_the_recorded_inputs(case: Dict[str, Any]) -> None:
    info = btl.decode_token(case["token"])
    assert info.access_key_id == case["access_key"]
    assert info.region == case["region"]
    assert info.issued_at == _now(case)
    assert info.expiry_seconds == _expiry(case)
    assert info.expires_at == _now(case) + timedelta(seconds=_expiry(case))
    # the JavaScript generator leaves out an empty session token
    assert info.has_session_token is bool(case["session_token"])
    assert info.service == "bedrock"
    assert info.version == 1


@pytest.mark.parametrize("case", ACCEPTED, ids=_ids(ACCEPTED))
def test_verify_passes_with_the_recorded_credentials_and_fails_with_another_secret(
    case: Dict[str, Any],
) -> None:
    token = case["token"]
    inside = _now(case) + timedelta(seconds=_expiry(case)) - timedelta(microseconds=1)
    for now in (_now(case), inside):
        assert btl.verify_token(token, _creds(case), now=now).region == case["region"]
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.verify_token(token, _creds(case, case["secret_key"] + "x"), now=_now(case))
    assert caught.value.check == "signature"
    assert _params(case["url"])["X-Amz-Signature"] not in str(caught.value)
    with pytest.raises(btl.InvalidTokenError) as expired:
        btl.verify_token(token, _creds(case), now=inside + timedelta(microseconds=1))
    assert expired.value.check == "expired"


@pytest.mark.parametrize("case", ACCEPTED, ids=_ids(ACCEPTED))
def test_ours_signs_the_same_inputs_identically(case: Dict[str, Any]) -> None:
    js = btl.decode_token(case["token"])
    # An empty session token: the JavaScript generator omits it, ours writes
    # (and signs) an empty X-Amz-Security-Token as botocore does.  Without the
    # token, the two sign the same canonical request.
    token = case["session_token"] or None
    ours_token = btl.generate_token(
        btl.Credentials(case["access_key"], case["secret_key"], token),
        case["region"],
        expiry=_expiry(case),
        now=_now(case),
    )
    ours = btl.decode_token(ours_token)
    for field in ("region", "access_key_id", "issued_at", "expires_at", "expiry_seconds"):
        assert getattr(ours, field) == getattr(js, field)
    assert ours.has_session_token == js.has_session_token
    assert ours._session_token == js._session_token
    assert ours._signature == js._signature
    # the same parameters, in another order
    ours_url = base64.b64decode(ours_token[len(PREFIX) :]).decode()
    assert _params(ours_url) == _params(case["url"])
    if case["session_token"] == "":
        with_empty = btl.generate_token(
            _creds(case), case["region"], expiry=_expiry(case), now=_now(case)
        )
        assert btl.decode_token(with_empty).has_session_token
        assert btl.decode_token(with_empty)._signature != js._signature


def test_an_empty_session_token_counts_as_none_when_verifying() -> None:
    """The JavaScript token for credentials with an empty session token verifies
    against those credentials, and ours (which carries the empty token) too."""
    case = next(c for c in ACCEPTED if c["session_token"] == "")
    now = _now(case)
    btl.verify_token(case["token"], _creds(case), now=now)
    btl.verify_token(
        case["token"], btl.Credentials(case["access_key"], case["secret_key"]), now=now
    )
    ours = btl.generate_token(_creds(case), case["region"], expiry=_expiry(case), now=now)
    btl.verify_token(ours, btl.Credentials(case["access_key"], case["secret_key"]), now=now)
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.verify_token(
            case["token"], btl.Credentials(case["access_key"], case["secret_key"], "t")
        )
    assert caught.value.check == "session-token"


@pytest.mark.parametrize("case", REJECTED, ids=_ids(REJECTED))
def test_tokens_the_javascript_generator_signs_but_we_refuse(case: Dict[str, Any]) -> None:
    with pytest.raises(btl.InvalidTokenError) as caught:
        btl.decode_token(case["token"])
    assert caught.value.check == case["expect_check"]
    assert _params(case["url"])["X-Amz-Signature"] not in str(caught.value)


def test_the_refused_inputs_are_recorded_with_the_generators_error() -> None:
    assert {c["expires_in"] for c in REFUSED} >= {0, -1, 43201}
    for case in REFUSED:
        assert case["error"]
        assert "token" not in case


def test_inspect_reads_a_javascript_token(capsys: pytest.CaptureFixture[str]) -> None:
    case = next(c for c in ACCEPTED if c["session_token"])
    assert cli_main(["inspect", "--json", case["token"]]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["region"] == case["region"]
    assert document["access_key_id"] == case["access_key"]
    assert document["has_session_token"] is True


@pytest.mark.skipif(
    os.environ.get("BTL_JS_VECTORS") != "1" or not (shutil.which("node") and shutil.which("npm")),
    reason="set BTL_JS_VECTORS=1 (needs node, npm and its registry) to regenerate and compare",
)
def test_the_vectors_file_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(VECTORS / "generate_js.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
