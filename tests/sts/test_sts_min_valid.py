"""The command's role cache switches and ``--min-valid``, with a loopback STS that answers short.

Real subprocesses of ``python -m bedrock_token_lite`` in a temporary HOME; the
fake STS counts its calls and its ``expiration`` is set per test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List

import pytest
from sts_harness import ROLE_ARN, SOURCE_AK, SOURCE_SK, FakeAWS, base_env, utc_now, write_home

import bedrock_token_lite as btl

CONFIG = "[profile dev]\nrole_arn = %s\nsource_profile = src\nregion = us-east-1\n" % ROLE_ARN
CREDENTIALS = "[src]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (
    SOURCE_AK,
    SOURCE_SK,
)


@pytest.fixture
def env(aws: FakeAWS, home: Path) -> Dict[str, str]:
    write_home(home, CONFIG, CREDENTIALS)
    return base_env(home, AWS_ENDPOINT_URL_STS=aws.url)


def run(env: Dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bedrock_token_lite", "--profile", "dev", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def calls(aws: FakeAWS) -> int:
    return sum(1 for r in aws.requests if r.action == "AssumeRole")


def cache_files(home: Path) -> List[Path]:
    folder = home / ".aws" / "cli" / "cache"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def left_in(proc: subprocess.CompletedProcess[str]) -> float:
    """Seconds the printed token stays usable: ``expires_at`` of ``--format json``."""
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)
    until = datetime.strptime(document["expires_at"], "%Y-%m-%dT%H:%M:%SZ")
    return (until.replace(tzinfo=timezone.utc) - utc_now()).total_seconds()


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("bedrock-token: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_twenty_commands_one_sts_call(aws: FakeAWS, env: Dict[str, str], home: Path) -> None:
    tokens = {run(env).stdout for _ in range(20)}
    assert calls(aws) == 1
    assert len(cache_files(home)) == 1
    keys = {btl.decode_token(t.strip()).access_key_id for t in tokens}
    assert len(keys) == 1
    (entry,) = cache_files(home)
    text = entry.read_text()
    assert SOURCE_AK not in text  # only the STS answer: never the long-term keys
    assert SOURCE_SK not in text


def test_no_cache_calls_sts_every_time_and_writes_nothing(
    aws: FakeAWS, env: Dict[str, str], home: Path
) -> None:
    for _ in range(3):
        proc = run(env, "--no-cache")
        assert proc.returncode == 0, proc.stderr
    assert calls(aws) == 3
    assert cache_files(home) == []
    proc = run(env)  # the default writes...
    assert proc.returncode == 0
    assert len(cache_files(home)) == 1
    proc = run(env, "--no-cache")  # ...and --no-cache does not read it either
    assert proc.returncode == 0
    assert calls(aws) == 5


def test_exec_uses_the_cache_and_no_cache(aws: FakeAWS, env: Dict[str, str]) -> None:
    show = [sys.executable, "-c", "import os; print(os.environ['AWS_BEARER_TOKEN_BEDROCK'])"]
    for extra in ([], [], ["--no-cache"]):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "bedrock_token_lite",
                "exec",
                "--profile",
                "dev",
                *extra,
                "--",
                *show,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("bedrock-api-key-")
    assert calls(aws) == 2


def test_unwritable_cache_does_not_fail_the_command(
    aws: FakeAWS, env: Dict[str, str], home: Path
) -> None:
    # ~/.aws/cli is a file: the folder cannot be created (root ignores permission bits).
    (home / ".aws" / "cli").write_text("not a folder")
    for _ in range(2):
        proc = run(env, "--verbose")
        assert proc.returncode == 0, proc.stderr
        assert "error" not in proc.stderr
        assert "Traceback" not in proc.stderr
    assert calls(aws) == 2
    (home / ".aws" / "cli").unlink()  # writable again: the next call caches its role
    assert run(env).returncode == 0
    assert len(cache_files(home)) == 1


def test_cached_call_loads_no_sts_http_or_json_module(aws: FakeAWS, env: Dict[str, str]) -> None:
    assert run(env).returncode == 0
    probe = (
        "import sys\n"
        "sys.argv = ['bedrock-token', '--profile', 'dev']\n"
        "from bedrock_token_lite._cli import run\n"
        "status = run()\n"
        "heavy = ('bedrock_token_lite._aws.sts', 'bedrock_token_lite._aws.http', "
        "'xml.etree.ElementTree', 'http.client', 'urllib.request', 'json', 're', 'ssl', "
        "'hashlib', 'bedrock_token_lite._sources.sso')\n"
        "print(status, [m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert proc.stderr.strip() == "0 []", proc.stderr
    assert calls(aws) == 1


# -- --min-valid ------------------------------------------------------------------------------


def test_min_valid_longer_than_expiry_is_a_usage_error(aws: FakeAWS, env: Dict[str, str]) -> None:
    for args in (["--expiry", "1h", "--min-valid", "2h"], ["--min-valid", "13h"]):
        proc = run(env, *args)
        assert proc.returncode == 2
        assert "longer than the token's lifetime" in one_error_line(proc)
    proc = run(env, "--min-valid", "soon")
    assert proc.returncode == 2
    assert "--min-valid" in one_error_line(proc)
    assert calls(aws) == 0


def test_min_valid_refetches_a_cached_role_that_ends_too_soon(
    aws: FakeAWS, env: Dict[str, str], home: Path
) -> None:
    aws.expiration = (utc_now() + timedelta(minutes=40)).replace(microsecond=0)
    proc = run(env, "--format", "json")
    assert calls(aws) == 1
    assert 35 * 60 < left_in(proc) <= 40 * 60
    # 40 minutes are enough for botocore's window: reused...
    assert run(env, "--min-valid", "30m").returncode == 0
    assert calls(aws) == 1
    # ...but not for a token that must last an hour: assumed again, and the new entry kept.
    aws.expiration = (utc_now() + timedelta(hours=2)).replace(microsecond=0)
    proc = run(env, "--min-valid", "1h", "--format", "json")
    assert calls(aws) == 2
    assert left_in(proc) >= 3600
    (entry,) = cache_files(home)
    assert json.loads(entry.read_text())["Credentials"]["Expiration"].endswith("UTC")
    assert run(env, "--min-valid", "1h").returncode == 0
    assert calls(aws) == 2


def test_min_valid_fails_when_the_role_cannot_last_that_long(
    aws: FakeAWS, env: Dict[str, str]
) -> None:
    aws.expiration = (utc_now() + timedelta(minutes=50)).replace(microsecond=0)
    proc = run(env, "--min-valid", "1h")
    assert proc.returncode == 1
    line = one_error_line(proc)
    assert "--min-valid 1h" in line
    assert "assume-role" in line
    assert "maximum session" in line
    assert SOURCE_SK not in proc.stderr
    assert "issued" not in proc.stderr
    assert proc.stdout == ""
    assert calls(aws) == 1
    # exec fails the same way, before running anything
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bedrock_token_lite",
            "exec",
            "--profile",
            "dev",
            "--min-valid",
            "1h",
            "--",
            sys.executable,
            "-c",
            "print('ran')",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "ran" not in proc.stdout
    one_error_line(proc)


def test_min_valid_with_credentials_that_never_expire(home: Path) -> None:
    write_home(home, "[default]\nregion = us-east-1\n", CREDENTIALS.replace("[src]", "[default]"))
    env = base_env(home)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bedrock_token_lite",
            "--expiry",
            "2h",
            "--min-valid",
            "2h",
            "--format",
            "json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert left_in(proc) > 2 * 3600 - 60


def test_min_valid_equal_to_expiry(aws: FakeAWS, env: Dict[str, str]) -> None:
    proc = run(env, "--format", "json", "--expiry", "1h", "--min-valid", "1h")
    assert 3600 - 60 < left_in(proc) <= 3600
    assert btl.decode_token(json.loads(proc.stdout)["token"]).expiry_seconds == 3600


@pytest.mark.parametrize("argv", [["--help"], ["exec", "--help"]])
def test_help_documents_the_options(argv: List[str]) -> None:
    from io import StringIO

    from bedrock_token_lite._cli import main

    out = StringIO()
    assert main(argv, stdout=out, stderr=StringIO()) == 0
    text = out.getvalue()
    assert "--min-valid DURATION" in text
    assert "--no-cache" in text
    assert "~/.aws/cli/cache" in text


def test_min_valid_with_expiring_environment_credentials(home: Path) -> None:
    soon = (utc_now() + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    env = base_env(
        home,
        AWS_ACCESS_KEY_ID=SOURCE_AK,
        AWS_SECRET_ACCESS_KEY=SOURCE_SK,
        AWS_SESSION_TOKEN="env-session-token",
        AWS_CREDENTIAL_EXPIRATION=soon,
        AWS_REGION="us-east-1",
    )
    argv = [sys.executable, "-m", "bedrock_token_lite"]
    ok = subprocess.run([*argv, "--min-valid", "20m"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    proc = subprocess.run([*argv, "--min-valid", "1h"], env=env, capture_output=True, text=True)
    assert proc.returncode == 1
    line = one_error_line(proc)
    assert "'env'" in line
    assert "the credential source gives credentials that end sooner" in line
    assert "env-session-token" not in proc.stderr


def test_environment_credentials_never_load_the_role_cache(
    aws: FakeAWS, env: Dict[str, str], home: Path
) -> None:
    role_env = env
    env = base_env(
        home, AWS_ACCESS_KEY_ID=SOURCE_AK, AWS_SECRET_ACCESS_KEY=SOURCE_SK, AWS_REGION="us-east-1"
    )
    probe = (
        "import sys\n"
        "sys.argv = ['bedrock-token']\n"
        "from bedrock_token_lite._cli import run\n"
        "status = run()\n"
        "print(status, 'bedrock_token_lite._sources.cache' in sys.modules, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert proc.stderr.strip() == "0 False", proc.stderr
    assert not (home / ".aws" / "cli").exists()
    # the same HOME with a role profile and no key variables: the cache is made and used
    proc = subprocess.run(
        [sys.executable, "-c", probe.replace("'bedrock-token'", "'bedrock-token', '-p', 'dev'")],
        env=role_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stderr.strip() == "0 True", proc.stderr
    assert len(cache_files(home)) == 1
