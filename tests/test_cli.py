"""The installed ``bedrock-token`` console script, run in real subprocesses."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from _support import CONSOLE_SCRIPT, requires_console_script, sample

import bedrock_token_lite as btl
import bedrock_token_lite._cli
from bedrock_token_lite import sigv4

AK = "AKIDCLIEXAMPLE"
SECRET = "cli-secret-CANARY-5f0c2e/+x"
SESSION = "cli-session-CANARY-9b1d44=="
CREDS = btl.Credentials(AK, SECRET, SESSION)
PREFIX = "bedrock-api-key-"
POSIX = os.name == "posix"


SCRIPT = CONSOLE_SCRIPT
pytestmark = requires_console_script


@pytest.fixture
def env(tmp_path: Path) -> Dict[str, str]:
    """A minimal environment: a temporary HOME, canary credentials, no IMDS."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_ACCESS_KEY_ID": AK,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": SESSION,
        "AWS_REGION": "us-west-2",
    }


def run(
    args: List[str], env: Dict[str, str], stdin: Optional[str] = None
) -> subprocess.CompletedProcess[str]:
    assert SCRIPT is not None
    result = subprocess.run(
        [SCRIPT, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    _no_secrets(result)
    return result


def _no_secrets(result: subprocess.CompletedProcess[str]) -> None:
    """No path may show a secret; the token may appear only on stdout, as the product."""
    assert "Traceback" not in result.stderr
    for secret in (SECRET, SESSION, sigv4.uri_encode(SESSION)):
        assert secret not in result.stdout
        assert secret not in result.stderr
    assert PREFIX + "YmVkcm9jay5" not in result.stderr  # any token starts so


def test_prints_just_the_token(env: Dict[str, str]) -> None:
    result = run([], env)
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.endswith("\n")
    assert result.stdout.count("\n") == 1
    info = btl.verify_token(result.stdout.strip(), CREDS)
    assert info.region == "us-west-2"
    assert info.expiry_seconds == 43200


def test_format_token_and_options(env: Dict[str, str]) -> None:
    result = run(["--format", "token", "-r", "eu-west-1", "--expiry=15m"], env)
    assert result.returncode == 0
    info = btl.verify_token(result.stdout.strip(), CREDS)
    assert (info.region, info.expiry_seconds) == ("eu-west-1", 900)


@pytest.mark.skipif(not POSIX, reason="needs a POSIX shell")
def test_format_env_is_a_shell_line_that_sets_the_variable(env: Dict[str, str]) -> None:
    result = run(["-f", "env", "-e", "1h"], env)
    assert result.returncode == 0
    line = result.stdout
    assert line.startswith("export AWS_BEARER_TOKEN_BEDROCK='bedrock-api-key-")
    assert line.endswith("'\n")
    shell = subprocess.run(
        ["sh", "-c", 'eval "$1"; printf %s "$AWS_BEARER_TOKEN_BEDROCK"', "sh", line],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert btl.verify_token(shell.stdout, CREDS).expiry_seconds == 3600


def test_format_json(env: Dict[str, str]) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    result = run(["--format=json", "--expiry", "2h"], env)
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert sorted(document) == ["expires_at", "region", "token"]
    assert document["region"] == "us-west-2"
    info = btl.verify_token(document["token"], CREDS)
    assert document["expires_at"] == info.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert info.expires_at >= before + timedelta(hours=2)


def test_verbose_explains_on_stderr(env: Dict[str, str]) -> None:
    result = run(["-v"], env)
    assert result.returncode == 0
    btl.verify_token(result.stdout.strip(), CREDS)
    err = result.stderr
    assert "credentials: from provider 'env'" in err
    assert "region: us-west-2 (from AWS_REGION)" in err
    assert "(requested expiry 12h)" in err
    result = run(["--verbose", "--region", "ap-east-1", "-e", "90"], env)
    assert "region: ap-east-1 (from --region)" in result.stderr
    assert "(requested expiry 1m30s)" in result.stderr
    del env["AWS_REGION"]
    env["AWS_DEFAULT_REGION"] = "sa-east-1"
    assert "(from AWS_DEFAULT_REGION)" in run(["-v"], env).stderr


def _signature(token: str) -> str:
    url = base64.b64decode(token[len(PREFIX) :]).decode()
    return url.split("X-Amz-Signature=")[1].split("&")[0]


def test_inspect_argument_stdin_and_json(env: Dict[str, str]) -> None:
    token = btl.generate_token(CREDS, "eu-central-1", expiry=3600)
    signature = _signature(token)
    by_arg = run(["inspect", token], env)
    assert by_arg.returncode == 0
    assert "region:        eu-central-1" in by_arg.stdout
    assert "access key id: %s" % AK in by_arg.stdout
    assert "session token: yes" in by_arg.stdout
    assert "left)" in by_arg.stdout
    assert signature not in by_arg.stdout
    assert token not in by_arg.stdout
    by_stdin = run(["inspect"], env, stdin=token + "\n")
    assert by_stdin.stdout == by_arg.stdout or "left)" in by_stdin.stdout
    dash = run(["inspect", "-"], env, stdin=token)
    assert dash.returncode == 0
    as_json = run(["inspect", "--json"], env, stdin=token)
    document = json.loads(as_json.stdout)
    assert document["region"] == "eu-central-1"
    assert document["access_key_id"] == AK
    assert document["has_session_token"] is True
    assert document["expiry_seconds"] == 3600
    assert 3500 < document["time_left_seconds"] <= 3600
    assert document["expired"] is False
    assert signature not in as_json.stdout


def test_inspect_an_expired_token(env: Dict[str, str]) -> None:
    old = datetime(2020, 1, 1, tzinfo=timezone.utc)
    token = btl.generate_token(btl.Credentials(AK, SECRET), "us-east-1", expiry=60, now=old)
    result = run(["inspect", token], env)
    assert result.returncode == 0
    assert "expired" in result.stdout
    document = json.loads(run(["inspect", "--json", token], env).stdout)
    assert document["expired"] is True
    assert document["time_left_seconds"] == 0
    assert document["has_session_token"] is False


def test_inspect_rejects_a_malformed_token(env: Dict[str, str]) -> None:
    token = btl.generate_token(CREDS, "eu-central-1")
    for bad in (token[:-4], "not-a-token", token.replace("bedrock-api-key-", "x")):
        result = run(["inspect", bad], env)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.startswith("bedrock-token: error: Invalid Bedrock bearer token")
        assert result.stderr.count("\n") == 1
    assert run(["inspect"], env, stdin="").returncode == 2
    assert run(["inspect", "a", "b"], env).returncode == 2


@pytest.mark.skipif(not POSIX, reason="exec replaces the process on POSIX")
def test_exec_sets_the_environment_and_returns_the_exit_status(env: Dict[str, str]) -> None:
    code = (
        "import os, sys, json\n"
        "print(json.dumps({k: os.environ.get(k) for k in "
        "('AWS_BEARER_TOKEN_BEDROCK', 'AWS_REGION', 'HOME')}))\n"
        "sys.exit(int(sys.argv[1]))\n"
    )
    result = subprocess.run(
        [SCRIPT, "exec", "-r", "ca-central-1", "-e", "30m", "--", sys.executable, "-c", code, "7"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 7
    document = json.loads(result.stdout)
    assert document["AWS_REGION"] == "ca-central-1"
    assert document["HOME"] == env["HOME"]
    info = btl.verify_token(document["AWS_BEARER_TOKEN_BEDROCK"], CREDS)
    assert (info.region, info.expiry_seconds) == ("ca-central-1", 1800)
    assert "AWS_BEARER_TOKEN_BEDROCK" not in os.environ
    # without "--", the first argument that is not an option starts the command
    plain = run(["exec", sys.executable, "-c", "print('plain')"], env)
    assert (plain.returncode, plain.stdout) == (0, "plain\n")


@pytest.mark.skipif(not POSIX, reason="exec replaces the process on POSIX")
def test_exec_passes_stdin_and_stderr_through(env: Dict[str, str]) -> None:
    code = (
        "import sys; data = sys.stdin.read(); sys.stdout.write(data.upper()); sys.stderr.write('e')"
    )
    result = run(["exec", "--", sys.executable, "-c", code], env, stdin="hello\nworld\n")
    assert result.returncode == 0
    assert result.stdout == "HELLO\nWORLD\n"
    assert result.stderr == "e"


@pytest.mark.skipif(not POSIX, reason="POSIX signals")
@pytest.mark.parametrize("signame", sample(["SIGTERM", "SIGINT", "SIGHUP"], every=3))
def test_exec_signals_reach_the_command(env: Dict[str, str], signame: str) -> None:
    signum = getattr(signal, signame)
    code = (
        "import os, signal, sys, time\n"
        "def handler(s, f):\n"
        "    os.write(1, b'got %%d\\n' %% s)\n"
        "    os._exit(42)\n"
        "signal.signal(%d, handler)\n"
        "print('ready', flush=True)\n"
        "time.sleep(30)\n" % signum
    )
    assert SCRIPT is not None
    child = subprocess.Popen(
        [SCRIPT, "exec", "--", sys.executable, "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        child.send_signal(signum)
        assert child.wait(timeout=20) == 42, child.stderr.read() if child.stderr else ""
        assert child.stdout.read() == "got %d\n" % signum
    finally:
        if child.poll() is None:  # pragma: no cover - only on failure
            child.kill()
            child.wait(timeout=10)


@pytest.mark.skipif(not POSIX, reason="POSIX signals")
def test_exec_a_command_killed_by_a_signal(env: Dict[str, str]) -> None:
    # exec replaced the process: the caller sees the death by signal itself.
    result = run(["exec", "--", "sh", "-c", "kill -TERM $$"], env)
    assert result.returncode == -signal.SIGTERM


def test_exec_command_not_found_or_not_executable(env: Dict[str, str], tmp_path: Path) -> None:
    missing = run(["exec", "--", "no-such-command-btl"], env)
    assert missing.returncode == 127
    assert "command not found: 'no-such-command-btl'" in missing.stderr
    plain_file = tmp_path / "not-executable"
    plain_file.write_text("echo hi\n")
    plain_file.chmod(0o644)
    denied = run(["exec", "--", str(plain_file)], env)
    assert denied.returncode == 126
    assert "cannot run" in denied.stderr


@pytest.mark.skipif(not POSIX, reason="POSIX signals")
def test_the_spawning_fallback_forwards_signals_and_maps_exit_statuses(
    env: Dict[str, str],
) -> None:
    """The non-POSIX path (a child process) exercised here on POSIX."""
    runner = (
        "import os, sys\n"
        "from bedrock_token_lite._cli import _spawn\n"
        "sys.exit(_spawn(sys.argv[1:], os.environ, sys.stderr))\n"
    )
    handler = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda s, f: sys.exit(42))\n"
        "print('ready', flush=True)\n"
        "time.sleep(30)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", runner, sys.executable, "-c", handler],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline() == "ready\n"
        parent.send_signal(signal.SIGTERM)  # to the parent, which forwards it
        assert parent.wait(timeout=20) == 42
    finally:
        if parent.poll() is None:  # pragma: no cover - only on failure
            parent.kill()
            parent.wait(timeout=10)
    suicide = "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"
    killed = subprocess.run(
        [sys.executable, "-c", runner, sys.executable, "-c", suicide], env=env, timeout=60
    )
    assert killed.returncode == 128 + signal.SIGTERM
    missing = subprocess.run(
        [sys.executable, "-c", runner, "no-such-command-btl"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 127


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    sample(
        [
            (["--region", "bad region!"], 2, "region"),
            (["--expiry", "13h"], 2, "12 hours"),
            (["--expiry", "soon"], 2, "--expiry"),
            (["--format", "yaml"], 2, "--format"),
            (["--frobnicate"], 2, "unknown option"),
            (["stray"], 2, "unexpected argument"),
            (["--region"], 2, "needs a value"),
            (["exec"], 2, "needs a command"),
            (["exec", "--format", "json", "--", "true"], 2, "unknown option"),
        ],
        every=3,
    ),
)
def test_usage_errors_exit_2_with_one_line(
    env: Dict[str, str], args: List[str], code: int, needle: str
) -> None:
    result = run(args, env)
    assert result.returncode == code
    assert result.stdout == ""
    assert result.stderr.startswith("bedrock-token: error: ")
    assert result.stderr.count("\n") == 1
    assert needle in result.stderr


def test_credential_errors_exit_1(env: Dict[str, str]) -> None:
    del env["AWS_ACCESS_KEY_ID"]
    for args in ([], ["-f", "json"], ["exec", "--", "true"]):
        result = run(args, env)
        assert result.returncode == 1
        assert result.stdout == ""
        assert "No AWS credentials found" in result.stderr
    env["AWS_ACCESS_KEY_ID"] = AK
    del env["AWS_SECRET_ACCESS_KEY"]
    partial = run(["-v"], env)
    assert partial.returncode == 1
    assert "AWS_SECRET_ACCESS_KEY" in partial.stderr
    del env["AWS_REGION"]
    assert run([], env).returncode == 2  # no region: usage, checked first


def test_help_and_version(env: Dict[str, str]) -> None:
    for args, marker in (
        (["--help"], "usage: bedrock-token"),
        (["inspect", "--help"], "usage: bedrock-token inspect"),
        (["exec", "-h"], "usage: bedrock-token exec"),
    ):
        result = run(args, env)
        assert result.returncode == 0
        assert result.stdout.startswith(marker)
        assert "examples:" in result.stdout
    version = run(["-V"], env)
    assert version.stdout == "bedrock-token %s\n" % btl.__version__


def test_python_dash_m_runs_the_same_command(env: Dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bedrock_token_lite", "-f", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    _no_secrets(result)
    assert result.returncode == 0
    btl.verify_token(json.loads(result.stdout)["token"], CREDS)


def test_the_token_path_stays_light(env: Dict[str, str]) -> None:
    """Printing a token (the key-helper path) imports none of the heavy modules."""
    code = (
        "import sys, io\n"
        "from bedrock_token_lite._cli import main\n"
        "main([], io.StringIO(), io.StringIO())\n"
        "heavy = {'json', 'argparse', 'subprocess', 'threading', 'asyncio', 'logging',\n"
        "         'configparser', 'urllib.request', 'http.client', 'socket', 'ssl'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stderr


_MODULES_AFTER_RUN = (
    "import sys\n"
    "from bedrock_token_lite._cli import run\n"
    "sys.argv[1:] = {args!r}\n"
    "status = run()\n"
    "loaded = {{'datetime', '_datetime', 'hashlib', '_hashlib', 're', 'typing', 'json',\n"
    "          'configparser', 'subprocess', 'threading'}} & set(sys.modules)\n"
    "sys.stderr.write(repr((status, sorted(loaded))))\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ["--region", "us-east-1"],  # the benchmark's case
        [],  # region from AWS_REGION
        ["--format", "env"],
    ],
)
def test_the_command_never_loads_datetime_or_openssl_for_environment_credentials(
    env: Dict[str, str], args: List[str]
) -> None:
    """Environment credentials are signed without datetime, OpenSSL, re or typing.

    Each would add milliseconds to every run of ``bedrock-token`` (datetime
    alone ~2 ms on 3.11); the stamp comes from ``time.gmtime`` instead.
    """
    result = subprocess.run(
        [sys.executable, "-c", _MODULES_AFTER_RUN.format(args=args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    _no_secrets(result)
    assert result.stdout.startswith(PREFIX) or result.stdout.startswith("export ")
    assert result.stderr == repr((0, [])), result.stderr


def test_credentials_from_a_file_load_no_sts_sso_or_datetime(env: Dict[str, str]) -> None:
    """A plain profile in the credentials file: assume role, web identity and SSO are
    asked (in botocore's order) without loading the STS client, datetime or OpenSSL."""
    home = Path(env["HOME"])
    (home / "credentials").write_text(
        "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file/secret\n"
    )
    (home / "config").write_text("[default]\nregion = eu-south-2\n")
    env = dict(env, AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"))
    env["AWS_CONFIG_FILE"] = str(home / "config")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"):
        del env[name]
    code = (
        "import sys\n"
        "from bedrock_token_lite._cli import run\n"
        "sys.argv[1:] = []\n"
        "status = run()\n"
        "loaded = {'datetime', '_datetime', 'hashlib', '_hashlib', 'typing', 'json',\n"
        "          'bedrock_token_lite._aws.sts', 'bedrock_token_lite._sources.sso',\n"
        "          'bedrock_token_lite._common.refresh', 'bedrock_token_lite._source_errors'}\n"
        "sys.stderr.write(repr((status, sorted(loaded & set(sys.modules)))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stderr == repr((0, [])), result.stderr
    info = btl.decode_token(result.stdout.strip())
    assert (info.access_key_id, info.region) == ("AKIDFILE", "eu-south-2")


def test_verbose_names_the_credential_expiry_when_it_limits_the_token() -> None:
    """In process: an embedding program's provider whose credentials expire in 30 minutes."""
    import io

    expiry = datetime.now(timezone.utc) + timedelta(minutes=30)

    class Source:
        def load(self) -> btl.Credentials:
            return btl.Credentials(AK, SECRET, SESSION, expiry, method="custom-process")

    out, err = io.StringIO(), io.StringIO()
    code = btl._cli.main(  # type: ignore[attr-defined]
        ["-v", "-r", "us-east-1", "-f", "json"], out, err, credentials_provider=Source()
    )
    assert code == 0
    document = json.loads(out.getvalue())
    assert document["expires_at"] == expiry.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert btl.decode_token(document["token"]).expiry_seconds == 43200
    text = err.getvalue()
    assert "credentials: from provider 'custom-process'" in text
    assert "credential expiry: the credentials expire before the requested 12h" in text
    for secret in (SECRET, SESSION, document["token"]):
        assert secret not in text

    class Expired(Source):
        def load(self) -> btl.Credentials:
            past = datetime.now(timezone.utc) - timedelta(minutes=1)
            return btl.Credentials(AK, SECRET, SESSION, past, method="custom-process")

    out, err = io.StringIO(), io.StringIO()
    assert btl._cli.main(["-r", "us-east-1"], out, err, credentials_provider=Expired()) == 1  # type: ignore[attr-defined]
    assert out.getvalue() == ""
    assert "expired at" in err.getvalue()


# -- standard output that cannot be written ------------------------------------------


def _run_shell(command: str, env: Dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``command`` in sh, with the console script as "$BT"."""
    assert SCRIPT is not None
    result = subprocess.run(
        ["sh", "-c", command],
        env=dict(env, BT=SCRIPT),
        capture_output=True,
        text=True,
        timeout=60,
    )
    _no_secrets(result)
    return result


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("args", [[], ["--format", "json"], ["--version"], ["--help"]])
def test_a_full_disk_is_reported_as_a_write_failure(env: Dict[str, str], args: List[str]) -> None:
    result = _run_shell('"$BT" %s > /dev/full; echo "status $?" >&2' % " ".join(args), env)
    lines = result.stderr.splitlines()
    assert lines[-1] == "status 3"
    assert lines[:-1] == [
        "bedrock-token: error: cannot write to standard output: No space left on device"
    ]


@pytest.mark.skipif(not POSIX, reason="needs sh and a pipe reader that exits first")
def test_a_reader_that_went_away_ends_the_command_quietly(env: Dict[str, str]) -> None:
    # The reader exits before anything is written: EPIPE, as for `| head -c0`.
    result = _run_shell(
        '{ sleep 0.3; "$BT"; echo "status $?" >&2; } | true',
        env,
    )
    assert result.stderr.splitlines() == ["status 141"]


@pytest.mark.skipif(not POSIX, reason="needs sh to close standard output")
def test_a_closed_standard_output_is_reported_once(env: Dict[str, str]) -> None:
    result = _run_shell('"$BT" >&-; echo "status $?" >&2', env)
    assert result.stderr.splitlines() == [
        "bedrock-token: error: standard output is closed: nothing could be written",
        "status 3",
    ]


@pytest.mark.parametrize("text", ["²", "1²", "٣h", "1h²m", "", " "])
def test_non_ascii_digits_are_not_durations(env: Dict[str, str], text: str) -> None:
    result = run(["--expiry", text], env)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("bedrock-token: error: --expiry: ")
    assert "is not a duration" in line
    assert result.stdout == ""


# -- exit statuses: the same kind of problem, the same status ---------------------------


def _profiles(env: Dict[str, str], config: str) -> Dict[str, str]:
    home = Path(env["HOME"])
    (home / "version2.py").write_text("print('{\"Version\": 2}')\n")
    (home / "config").write_text(config.replace("{home}", str(home)))
    env = dict(env, AWS_CONFIG_FILE=str(home / "config"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name)
    return env


HELPER = "%s -c \"print('%s')\""


@pytest.mark.parametrize(
    ("config", "profile", "fragment"),
    [
        # a helper whose output is not JSON, and one with an unknown Version
        (
            "[profile p]\ncredential_process = " + HELPER % (sys.executable, "not json") + "\n",
            "p",
            "credential_process",
        ),
        (
            "[profile p]\ncredential_process = %s {home}/version2.py\n" % sys.executable,
            "p",
            "Version",
        ),
        # a missing source_profile, and a missing profile
        (
            "[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = gone\n",
            "p",
            "gone",
        ),
        ("[profile p]\n", "nosuch", "nosuch"),
        # a config file that does not parse
        ("[profile p\nregion = x\n", "p", "config"),
        # an STS parameter the profile sets wrongly: checked before any request
        (
            "[profile src]\naws_access_key_id = AKIDSRC\naws_secret_access_key = s\n"
            "[profile p]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = src\n"
            "role_session_name = x\nregion = us-east-1\n",
            "p",
            "RoleSessionName",
        ),
    ],
    ids=["not-json", "version-2", "no-source-profile", "no-profile", "bad-ini", "sts-param"],
)
def test_configuration_and_source_problems_exit_1_on_one_line(
    env: Dict[str, str], config: str, profile: str, fragment: str
) -> None:
    env = _profiles(env, config)
    env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9/"  # never reached: checked first
    result = run(["--profile", profile], env)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("bedrock-token: error: ")
    assert fragment in line


# -- how long credential_process may run ----------------------------------------------


def _slow_helper(env: Dict[str, str], seconds: float) -> Dict[str, str]:
    home = Path(env["HOME"])
    script = home / "slow.py"
    script.write_text(
        "import json, time\ntime.sleep(%r)\n"
        "print(json.dumps({'Version': 1, 'AccessKeyId': 'AKIDPROC', "
        "'SecretAccessKey': 'proc-secret'}))\n" % seconds
    )
    return _profiles(env, "[profile p]\ncredential_process = %s %s\n" % (sys.executable, script))


@pytest.mark.parametrize("how", ["option", "variable"])
def test_the_process_timeout_can_be_set(env: Dict[str, str], how: str) -> None:
    env = _slow_helper(env, 3)
    args = ["--profile", "p"]
    if how == "option":
        args += ["--process-timeout", "1"]
    else:
        env["BEDROCK_TOKEN_PROCESS_TIMEOUT"] = "1s"
    started = datetime.now(timezone.utc)
    result = run(args, env)
    took = (datetime.now(timezone.utc) - started).total_seconds()
    assert result.returncode == 1
    assert "ran longer than 1.0 seconds" in result.stderr
    assert result.stderr.count("\n") == 1
    assert took < 2.8


def test_a_process_timeout_of_zero_is_no_limit(env: Dict[str, str]) -> None:
    env = _slow_helper(env, 0.2)
    env["BEDROCK_TOKEN_PROCESS_TIMEOUT"] = "1"  # the option wins over the variable
    result = run(["--profile", "p", "--process-timeout", "0"], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(PREFIX)


@pytest.mark.parametrize(("value", "status"), [("soon", 2), ("1x", 2), ("²", 2)])
def test_a_bad_process_timeout_option_is_usage(
    env: Dict[str, str], value: str, status: int
) -> None:
    result = run(["--process-timeout", value], env)
    assert result.returncode == status
    assert result.stderr.startswith("bedrock-token: error: --process-timeout: ")


def test_a_bad_process_timeout_variable_is_configuration(env: Dict[str, str]) -> None:
    env = _slow_helper(env, 0)
    env["BEDROCK_TOKEN_PROCESS_TIMEOUT"] = "soon"
    result = run(["--profile", "p"], env)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert "BEDROCK_TOKEN_PROCESS_TIMEOUT is not a duration" in line


PASTED_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYPASTEDKEY"


@pytest.mark.parametrize(
    "argv",
    [
        ["{token}"],
        ["--region", "us-east-1", "{token}"],
        ["--expiry", "{token}"],
        ["--format", "{token}"],
        ["--format", "env", "--env-var", "{secret}"],
        ["--{secret}"],
        ["--expiry", "{secret}"],
        ["exec", "--", "{token}"],
        ["inspect", "{token}", "{token}"],
    ],
)
def test_a_key_pasted_in_the_wrong_place_is_not_echoed(argv: List[str], tmp_path: Any) -> None:
    import io

    main = bedrock_token_lite._cli.main
    token = btl.generate_token(
        btl.Credentials("AKIDEXAMPLE", "s", "SESSIONTOKENVALUE"), "us-east-1"
    )
    args = [a.format(token=token, secret=PASTED_SECRET) for a in argv]
    out, err = io.StringIO(), io.StringIO()
    env = {
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "s",
        "AWS_REGION": "us-east-1",
        "HOME": str(tmp_path),
    }
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env, PATH=saved.get("PATH", ""))
    try:
        status = main(args, stdout=out, stderr=err)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert status in (2, 126, 127), (status, err.getvalue())
    text = err.getvalue()
    assert text.count("\n") == 1
    assert token[:40] not in text
    assert "SESSIONTOKENVALUE" not in text
    assert PASTED_SECRET[:20] not in text
