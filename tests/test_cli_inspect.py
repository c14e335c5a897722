"""``bedrock-token inspect``: future-dated and expired tokens, --check, long-term keys.

Run as the installed console script in real subprocesses.  The command reads
the real clock, so the tokens are signed (``generate_token(..., now=...)``)
hours before or after it, far from any boundary a slow machine could cross.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List, Optional

import pytest
from _support import CONSOLE_SCRIPT, requires_console_script

import bedrock_token_lite as btl
from bedrock_token_lite import sigv4
from bedrock_token_lite._cli import HELP, INSPECT_HELP

AK = "AKIDINSPECTEXAMPLE"
SECRET = "inspect-secret-CANARY-3e9a/+q"
SESSION = "inspect-session-CANARY-77c1=="
CREDS = btl.Credentials(AK, SECRET, SESSION)
PREFIX = "bedrock-api-key-"
LONG_SECRET = "Zq8Lm2Xv7Rt4CANARYLongTermSecretWb9Nc3Hd6Jf1Kp5Ys0Ae="
ACCOUNT = "123456789012"
LONG_KEY = "ABSK" + base64.b64encode(
    ("BedrockAPIKey-x9y8-at-%s:%s" % (ACCOUNT, LONG_SECRET)).encode()
).decode("ascii")
#: The fields inspect --json wrote before these additions: kept, with their meanings.
OLD_FIELDS = {
    "region",
    "access_key_id",
    "has_session_token",
    "issued_at",
    "expires_at",
    "expiry_seconds",
    "time_left_seconds",
    "expired",
    "version",
}


SCRIPT = CONSOLE_SCRIPT
pytestmark = requires_console_script


@pytest.fixture
def env(tmp_path: Path) -> Dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
    }


def _signature(token: str) -> str:
    url = base64.b64decode(token[len(PREFIX) :]).decode()
    return url.split("X-Amz-Signature=")[1].split("&")[0]


def run(args: List[str], env: Dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert SCRIPT is not None
    result = subprocess.run(
        [SCRIPT, "inspect", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in result.stderr
    token = args[-1] if args else ""
    hidden = [SECRET, SESSION, sigv4.uri_encode(SESSION), LONG_SECRET, LONG_KEY, LONG_KEY[4:40]]
    if token.startswith(PREFIX):
        hidden += [token, _signature(token)]
    for text in (result.stdout, result.stderr):
        for secret in hidden:
            assert secret not in text
    if result.returncode:
        assert result.stderr.startswith("bedrock-token: error: ")
        assert result.stderr.count("\n") == 1
    else:
        assert result.stderr == ""
    return result


def _token(issued: timedelta, expiry: int) -> str:
    """A token issued ``issued`` from now (negative: in the past), lasting ``expiry`` s."""
    return btl.generate_token(
        CREDS, "eu-west-1", expiry=expiry, now=datetime.now(timezone.utc) + issued
    )


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_token_dated_in_the_future(env: Dict[str, str]) -> None:
    token = _token(timedelta(hours=2), 3600)
    info = btl.decode_token(token)
    text = run([token], env)
    assert text.returncode == 0
    assert "issued at:     %s (1h59m" % _iso(info.issued_at) in text.stdout
    assert "in the future)" in text.stdout
    assert "status:        NOT YET VALID: issued 1h59m" in text.stdout
    assert "Bedrock refuses it until %s" % _iso(info.issued_at) in text.stdout
    document = json.loads(run(["--json", token], env).stdout)
    assert set(document) == OLD_FIELDS | {
        "kind",
        "not_yet_valid",
        "clock_skew_seconds",
        "expired_seconds_ago",
    }
    assert document["kind"] == "short-term"
    assert document["not_yet_valid"] is True
    assert 7000 < document["clock_skew_seconds"] <= 7200
    assert document["expired"] is False
    assert document["expired_seconds_ago"] == 0
    assert document["issued_at"] == _iso(info.issued_at)


def test_a_token_a_little_ahead_is_valid_within_the_tolerance(env: Dict[str, str]) -> None:
    token = _token(timedelta(minutes=2), 3600)
    text = run([token], env)
    assert "in the future" not in text.stdout
    assert "status:        valid (issued 1m" in text.stdout
    assert "within the 5m tolerance)" in text.stdout
    document = json.loads(run(["--json", token], env).stdout)
    assert document["not_yet_valid"] is False
    assert 0 < document["clock_skew_seconds"] <= 120


def test_an_expired_token_says_since_when(env: Dict[str, str]) -> None:
    token = _token(-timedelta(hours=3), 60)
    info = btl.decode_token(token)
    text = run([token], env)
    assert text.returncode == 0
    assert "status:        EXPIRED since %s (2h59m" % _iso(info.expires_at) in text.stdout
    document = json.loads(run(["--json", token], env).stdout)
    assert document["expired"] is True
    assert document["not_yet_valid"] is False
    assert document["clock_skew_seconds"] == 0
    # 3 h - 60 s when the token was made, plus the seconds the runs took (a busy CI
    # machine took one); the issue time is truncated to the second.
    assert 10740 <= document["expired_seconds_ago"] <= 10740 + 30


def test_a_fresh_token_is_plainly_valid(env: Dict[str, str]) -> None:
    token = _token(-timedelta(seconds=1), 3600)
    assert run([token], env).stdout.endswith("status:        valid\n")


@pytest.mark.parametrize(
    ("issued", "expiry", "options", "status", "reason"),
    [
        (-timedelta(seconds=1), 3600, [], 0, None),
        (-timedelta(seconds=1), 3600, ["--min-valid", "50m"], 0, None),
        (-timedelta(seconds=1), 3600, ["--min-valid=0"], 0, None),
        (-timedelta(seconds=1), 900, ["--min-valid", "20m"], 1, "less than --min-valid 20m"),
        (-timedelta(seconds=1), 900, ["--min-valid", "7200"], 1, "less than --min-valid 2h"),
        (-timedelta(hours=3), 60, [], 1, "the token expired at "),
        (-timedelta(hours=3), 60, ["--min-valid", "1m"], 1, "the token expired at "),
        (timedelta(hours=2), 3600, [], 1, "the token is not valid yet: it was issued at "),
        (timedelta(minutes=2), 3600, [], 0, None),  # within the tolerance
    ],
)
def test_check_exit_status_and_reason(
    env: Dict[str, str],
    issued: timedelta,
    expiry: int,
    options: List[str],
    status: int,
    reason: Optional[str],
) -> None:
    token = _token(issued, expiry)
    result = run(["--check", *options, token], env)
    assert result.returncode == status
    assert result.stdout == ""  # --check alone prints nothing
    if reason is None:
        assert result.stderr == ""
    else:
        assert reason in result.stderr


def test_check_with_json_prints_the_document_and_the_verdict(env: Dict[str, str]) -> None:
    expired = run(["--check", "--json", _token(-timedelta(hours=3), 60)], env)
    assert expired.returncode == 1
    assert json.loads(expired.stdout)["check"] == "expired"
    assert "expired at" in expired.stderr
    future = run(["--json", "--check", _token(timedelta(hours=2), 3600)], env)
    assert json.loads(future.stdout)["check"] == "not-yet-valid"
    soon = run(["--check", "--min-valid", "1h", "--json", _token(timedelta(0), 900)], env)
    assert json.loads(soon.stdout)["check"] == "expires-soon"
    good = run(["--check", "--json", _token(timedelta(0), 900)], env)
    assert good.returncode == 0
    assert json.loads(good.stdout)["check"] == "ok"
    assert "check" not in json.loads(run(["--json", _token(timedelta(0), 900)], env).stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--min-valid", "10m"], "--min-valid needs --check"),
        (["--check", "--min-valid", "soon"], "--min-valid: 'soon' is not a duration"),
        (["--check", "--min-valid"], "--min-valid needs a value"),
        (["--checks"], "unknown option '--checks'"),
    ],
)
def test_check_usage_errors(env: Dict[str, str], args: List[str], message: str) -> None:
    token = _token(timedelta(0), 900)
    result = run([*args, token] if args[-1] != "--min-valid" else args, env)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_long_term_key_is_described(env: Dict[str, str]) -> None:
    text = run([LONG_KEY], env)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0] == "kind:          long-term Bedrock API key (ABSK...), not a short-term token"
    assert "key id:        BedrockAPIKey-x9y8-at-%s" % ACCOUNT in lines
    assert "IAM user:      BedrockAPIKey-x9y8" in lines
    assert "account:       %s" % ACCOUNT in lines
    assert "Bedrock console or IAM" in text.stdout
    assert "it does not expire by itself" in text.stdout
    document = json.loads(run(["--json", LONG_KEY], env).stdout)
    assert document == {
        "kind": "long-term",
        "key_id": "BedrockAPIKey-x9y8-at-" + ACCOUNT,
        "user_name": "BedrockAPIKey-x9y8",
        "account_id": ACCOUNT,
        "region": None,
        "expires_at": None,
    }
    # from standard input too, with the newline a shell adds
    assert (
        subprocess.run(
            [SCRIPT or "", "inspect"],
            env=env,
            input=LONG_KEY + "\n",
            capture_output=True,
            text=True,
        ).stdout
        == text.stdout
    )


def test_a_long_term_key_passes_check_and_a_bare_alias_is_not_split(env: Dict[str, str]) -> None:
    checked = run(["--check", "--min-valid", "1h", LONG_KEY], env)
    assert (checked.returncode, checked.stdout) == (0, "")
    assert json.loads(run(["--check", "--json", LONG_KEY], env).stdout)["check"] == "ok"
    bare = "ABSK" + base64.b64encode(("ops-team:" + LONG_SECRET).encode()).decode()
    text = run([bare], env).stdout
    assert "key id:        ops-team\n" in text
    assert "account:       not readable from the key id\n" in text


@pytest.mark.parametrize(
    "key",
    [
        "ABSK",
        LONG_KEY[:-3] + "!!!",
        "ABSK" + base64.b64encode(LONG_SECRET.encode()).decode(),  # no ':'
        "ABSK" + base64.b64encode(("BedrockAPIKey-x9y8-at-%s:" % ACCOUNT).encode()).decode(),
    ],
)
def test_a_malformed_long_term_key_is_bad_input(env: Dict[str, str], key: str) -> None:
    for args in ([key], ["--json", key], ["--check", key]):
        result = run(args, env)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.startswith("bedrock-token: error: Invalid long-term Bedrock API key: ")


def test_the_help_documents_check_and_its_exit_status() -> None:
    for text in (INSPECT_HELP, HELP):
        assert "--check" in text
        assert "--min-valid" in text
    assert "1 --check failed" in INSPECT_HELP
    assert "inspect --check: the token" in HELP
    assert "ABSK" in INSPECT_HELP
