"""The ``bedrock-token`` command, run for real: the installed script and
``python -m bedrock_token_lite``, in a minimal environment."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional

import pytest
from _support import ROOT, requires_botocore_143, sample

import bedrock_token_lite as btl

sys.path.insert(0, str(ROOT / "vectors"))
import btl_oracle

ACCESS = "AKIDCLIEXAMPLE"
SECRET = "cli/secret+key=EXAMPLE"
TOKEN = "cli/session+token=="
SCRIPT = Path(sys.executable).parent / "bedrock-token"
#: Both entry points normally; only ``python -m`` under BTL_QUICK=1.
RUNNERS = sample(["module", "script"], every=2)


class Result(NamedTuple):
    code: int
    stdout: str
    stderr: str


def _env(home: Path, extra: Optional[Dict[str, Optional[str]]] = None) -> Dict[str, str]:
    env: Dict[str, Optional[str]] = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "BOTO_CONFIG": str(home / "no-boto"),
        "AWS_ACCESS_KEY_ID": ACCESS,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": TOKEN,
        "AWS_REGION": "us-east-1",
    }
    env.update(extra or {})
    return {k: v for k, v in env.items() if v is not None}


def run(
    runner: str, args: List[str], home: Path, extra: Optional[Dict[str, Optional[str]]] = None
) -> Result:
    if runner == "script":
        if not SCRIPT.exists():
            pytest.skip("the bedrock-token script is not installed next to this Python")
        command = [str(SCRIPT)]
    else:
        command = [sys.executable, "-m", "bedrock_token_lite"]
    proc = subprocess.run(
        command + args,
        env=_env(home, extra),
        capture_output=True,
        text=True,
        timeout=30,
        cwd=str(home),
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return Result(proc.returncode, proc.stdout, proc.stderr)


def _ok_token(result: Result) -> str:
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.endswith("\n")
    lines = result.stdout.split("\n")
    assert len(lines) == 2
    assert lines[1] == ""
    assert lines[0].startswith("bedrock-api-key-")
    return lines[0]


def _one_line_error(result: Result, code: int) -> str:
    assert result.code == code, (result.code, result.stderr)
    assert result.stdout == ""
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("bedrock-token: ")
    return result.stderr


@pytest.mark.parametrize("runner", RUNNERS)
def test_prints_one_valid_token(runner: str, tmp_path: Path) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    token = _ok_token(run(runner, [], tmp_path))
    after = datetime.now(timezone.utc)
    params = btl_oracle.token_params(token)
    access, date, region, service, terminator = params["X-Amz-Credential"].split("/")
    assert (access, region, service, terminator) == (ACCESS, "us-east-1", "bedrock", "aws4_request")
    assert params["X-Amz-Expires"] == "43200"
    assert params["X-Amz-Security-Token"] == TOKEN
    instant = btl_oracle.token_instant(token)
    assert before <= instant <= after
    assert date == instant.strftime("%Y%m%d")
    # The signature is right: the library makes the same token at that instant.
    expected = btl.generate_token(btl.Credentials(ACCESS, SECRET, TOKEN), region, now=instant)
    assert token == expected


REGION_CASES = [
    (["--region", "eu-west-1"], {}, "eu-west-1"),
    (["-r", "ap-south-2"], {}, "ap-south-2"),
    (["--region=us-gov-west-1"], {}, "us-gov-west-1"),
    ([], {"AWS_REGION": "ca-west-1"}, "ca-west-1"),
    ([], {"AWS_REGION": None, "AWS_DEFAULT_REGION": "sa-east-1"}, "sa-east-1"),
    (["--region", "eu-north-1"], {"AWS_DEFAULT_REGION": "sa-east-1"}, "eu-north-1"),
]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("args", "extra", "region"), sample(REGION_CASES, every=3))
def test_region(
    runner: str, args: List[str], extra: Dict[str, Optional[str]], region: str, tmp_path: Path
) -> None:
    token = _ok_token(run(runner, args, tmp_path, extra))
    assert btl_oracle.token_params(token)["X-Amz-Credential"].split("/")[2] == region


PROFILE_CONFIG = """\
[default]
region = eu-south-1
[profile dev]
region = ap-northeast-3
[profile bare]
output = json
"""
PROFILE_CREDENTIALS = """\
[dev]
aws_access_key_id = AKIDDEVFILE
aws_secret_access_key = dev/secret
"""
#: (arguments, environment changes, region, where --verbose says it came from).
#: AWS_REGION is unset in each unless the case sets it.
PROFILE_REGION_CASES = [
    ([], {}, "eu-south-1", "profile default"),
    ([], {"AWS_PROFILE": "dev"}, "ap-northeast-3", "profile dev"),
    ([], {"AWS_DEFAULT_PROFILE": "dev", "AWS_PROFILE": "bare"}, "ap-northeast-3", "profile dev"),
    (["--profile", "dev"], {}, "ap-northeast-3", "profile dev"),
    (["--profile", "dev"], {"AWS_DEFAULT_REGION": "sa-east-1"}, "sa-east-1", "AWS_DEFAULT_REGION"),
    ([], {"AWS_DEFAULT_REGION": "sa-east-1"}, "sa-east-1", "AWS_DEFAULT_REGION"),
    ([], {"AWS_REGION": "ca-west-1", "AWS_PROFILE": "dev"}, "ca-west-1", "AWS_REGION"),
    ([], {"AWS_REGION": "", "AWS_PROFILE": "dev"}, "ap-northeast-3", "profile dev"),
    (["--region", "eu-north-1", "--profile", "dev"], {}, "eu-north-1", "--region"),
]


def _profile_files(home: Path) -> Dict[str, Optional[str]]:
    (home / "config").write_text(PROFILE_CONFIG)
    (home / "credentials").write_text(PROFILE_CREDENTIALS)
    return {
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_REGION": None,
    }


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("args", "extra", "region", "source"), sample(PROFILE_REGION_CASES, 3))
def test_region_from_the_profile(
    runner: str,
    args: List[str],
    extra: Dict[str, Optional[str]],
    region: str,
    source: str,
    tmp_path: Path,
) -> None:
    """Without --region or AWS_REGION the command finds the region as provide_token does."""
    env = dict(_profile_files(tmp_path), **extra)
    token = _ok_token(run(runner, args, tmp_path, env))
    assert btl_oracle.token_params(token)["X-Amz-Credential"].split("/")[2] == region
    verbose = run(runner, [*args, "--verbose"], tmp_path, env)
    assert verbose.code == 0, verbose.stderr
    assert "region: %s (from %s)" % (region, source) in verbose.stderr


#: botocore's session region: no --region argument, and AWS_REGION is not read.
SESSION_REGION_CASES = [
    case
    for case in PROFILE_REGION_CASES
    if "--region" not in case[0] and not case[1].get("AWS_REGION")
]


@requires_botocore_143
@pytest.mark.parametrize(("args", "extra", "region", "source"), SESSION_REGION_CASES)
def test_region_from_the_profile_is_botocores_session_region(
    args: List[str],
    extra: Dict[str, Optional[str]],
    region: str,
    source: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Differential: where neither --region nor AWS_REGION answers, botocore agrees."""
    import botocore.session

    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in dict(_env(tmp_path, _profile_files(tmp_path)), **extra).items():
        if value is not None:
            monkeypatch.setenv(name, value)
    profile = args[args.index("--profile") + 1] if "--profile" in args else None
    session = botocore.session.Session(profile=profile)
    assert session.get_config_variable("region") == region
    assert btl.resolve_region(profile) == region


EXPIRY_CASES = [
    (["--expiry", "900"], 900),
    (["--expiry", "15m"], 900),
    (["--expiry", "2h"], 7200),
    (["--expiry", "1h30m"], 5400),
    (["--expiry", "90s"], 90),
    (["-e", "1"], 1),
    (["--expiry=12h"], 43200),
    (["-e", "43200"], 43200),
]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("args", "seconds"), sample(EXPIRY_CASES, every=3))
def test_expiry_forms(runner: str, args: List[str], seconds: int, tmp_path: Path) -> None:
    token = _ok_token(run(runner, args, tmp_path))
    assert btl_oracle.token_params(token)["X-Amz-Expires"] == str(seconds)


BAD_EXPIRIES = ["soon", "", "15x", "0", "43201", "13h", "-5", "1.5h", "m", "12h1s", "15 m m"]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("value", sample(BAD_EXPIRIES, every=3))
def test_invalid_expiry_is_a_usage_error(runner: str, value: str, tmp_path: Path) -> None:
    message = _one_line_error(run(runner, ["--expiry", value], tmp_path), 2)
    assert "expiry" in message.lower()


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(
    "args",
    sample(
        [["--region", "us east 1"], ["--no-such-option"], ["--region", "-bad-"], ["extra"], ["-r"]],
        every=2,
    ),
)
def test_usage_errors(runner: str, args: List[str], tmp_path: Path) -> None:
    _one_line_error(run(runner, args, tmp_path), 2)


@pytest.mark.parametrize("runner", RUNNERS)
def test_no_region(runner: str, tmp_path: Path) -> None:
    message = _one_line_error(
        run(runner, [], tmp_path, {"AWS_REGION": None, "AWS_DEFAULT_REGION": None}), 2
    )
    assert "AWS_REGION" in message


NO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": None,
    "AWS_SECRET_ACCESS_KEY": None,
    "AWS_SESSION_TOKEN": None,
}


@pytest.mark.parametrize("runner", RUNNERS)
def test_no_credentials(runner: str, tmp_path: Path) -> None:
    message = _one_line_error(run(runner, [], tmp_path, NO_CREDENTIALS), 1)
    assert "credentials" in message.lower()


@pytest.mark.parametrize("runner", RUNNERS)
def test_partial_environment_credentials(runner: str, tmp_path: Path) -> None:
    message = _one_line_error(run(runner, [], tmp_path, {"AWS_SECRET_ACCESS_KEY": None}), 1)
    assert "AWS_SECRET_ACCESS_KEY" in message


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("flag", sample(["--version", "-V"], every=2))
def test_version(runner: str, flag: str, tmp_path: Path) -> None:
    result = run(runner, [flag], tmp_path, NO_CREDENTIALS)
    assert result.code == 0
    assert result.stderr == ""
    assert result.stdout.count("\n") == 1
    assert btl.__version__ in result.stdout
    assert "bedrock-token" in result.stdout


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("flag", sample(["--help", "-h"], every=2))
def test_help(runner: str, flag: str, tmp_path: Path) -> None:
    result = run(runner, [flag], tmp_path, NO_CREDENTIALS)
    assert result.code == 0
    assert result.stderr == ""
    assert result.stdout.startswith("usage: bedrock-token")
    for option in ("--region", "--expiry", "--profile", "--version", "--help"):
        assert option in result.stdout
    assert "bedrock-api-key-" not in result.stdout
