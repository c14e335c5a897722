"""``--format`` for every shell and tool, ``--env-var`` and ``exec --token-only``,
through the installed console script and the real shells (see test_shell_formats)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest
from test_cli import AK, CREDS, POSIX, PREFIX, SCRIPT, SECRET, SESSION, env, run
from test_shell_formats import FISH, cmd_read, powershell_read

import bedrock_token_lite as btl
from bedrock_token_lite import _cli, _shell

__all__ = ["env"]  # the fixture, imported for its use below
pytestmark = pytest.mark.skipif(SCRIPT is None, reason="the console script is not installed")

NAMES = ["AWS_BEARER_TOKEN_BEDROCK", "OPENAI_API_KEY", "BEDROCK_MANTLE_API_KEY"]
EXTRA = ["--env-var", "OPENAI_API_KEY", "--env-var=BEDROCK_MANTLE_API_KEY"]


#: A child process that prints the named environment variables as JSON (null: not exported).
SHOW = "import json, os, sys; print(json.dumps({n: os.environ.get(n) for n in sys.argv[1:]}))"
SHELL_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


def _shell_read(argv: List[str], names: List[str], exported: bool) -> Dict[str, str]:
    """Run ``argv`` (a shell that loads the output, then runs $SHOW or prints the variables)."""
    result = subprocess.run(
        argv,
        env=dict(SHELL_ENV, PY=sys.executable, SHOW=SHOW),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    if exported:
        document: Dict[str, str] = json.loads(result.stdout)
        return document
    return dict(zip(names, result.stdout.split("\0")[:-1]))


def _read(fmt: str, text: str, names: List[str], tmp: Path) -> List[Dict[str, str]]:
    """What each reader of ``fmt`` available here makes of the command's output."""
    readings: List[Dict[str, str]] = []
    quoted = "".join(' "$%s"' % n for n in names)
    if fmt in ("env", "env-no-export"):
        exported = fmt == "env"  # exported: a child sees them; else shell variables only
        show = ('"$PY" -c "$SHOW" ' + " ".join(names)) if exported else "printf '%s\\0'" + quoted
        for shell in ("sh", "dash", "bash"):
            if shutil.which(shell):
                argv = [shell, "-c", 'eval "$1"\n' + show, shell, text]
                readings.append(_shell_read(argv, names, exported))
    elif fmt == "fish":
        if FISH is None:
            pytest.skip("fish is not installed (.ci/run installs it with apt-get)")
        show = '$PY -c "$SHOW" ' + " ".join(names)  # set -gx: a child sees them
        argv = [FISH, "--no-config", "-c", "cat $argv[1] | source; " + show, str(tmp / "out")]
        readings.append(_shell_read(argv, names, exported=True))
    elif fmt == "powershell":
        readings.append(dict(powershell_read(line) for line in text.splitlines()))
    elif fmt == "windows-cmd":
        readings.append(dict(cmd_read(line) for line in text.splitlines()))
    else:
        dotenv = pytest.importorskip("dotenv", reason="python-dotenv is a test dependency")
        readings.append(dict(dotenv.dotenv_values(tmp / "out")))  # type: ignore[arg-type]
    assert readings
    return readings


@pytest.mark.parametrize("fmt", _shell.VARIABLE_FORMATS)
def test_every_format_sets_every_name_to_the_token(
    env: Dict[str, str], tmp_path: Path, fmt: str
) -> None:
    if fmt in ("env", "env-no-export", "fish") and not POSIX:
        pytest.skip("needs a POSIX system")
    result = run(["--format", fmt, "-e", "1h", *EXTRA], env)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.count("\n") == len(NAMES)
    (tmp_path / "out").write_text(result.stdout, encoding="utf-8")
    for reading in _read(fmt, result.stdout, NAMES, tmp_path):
        assert sorted(reading) == sorted(NAMES)
        token = reading["AWS_BEARER_TOKEN_BEDROCK"]
        assert set(reading.values()) == {token}
        assert btl.verify_token(token, CREDS).expiry_seconds == 3600


def test_formats_follow_the_aws_cli_line_shapes(env: Dict[str, str]) -> None:
    """The AWS CLI's export-credentials shapes, quoted; one example line of each in the README."""
    shapes = {
        "env": "export AWS_BEARER_TOKEN_BEDROCK='%s'\n",
        "env-no-export": "AWS_BEARER_TOKEN_BEDROCK='%s'\n",
        "fish": "set -gx AWS_BEARER_TOKEN_BEDROCK '%s'\n",
        "powershell": "$Env:AWS_BEARER_TOKEN_BEDROCK = '%s'\n",
        "windows-cmd": 'set "AWS_BEARER_TOKEN_BEDROCK=%s"\n',
        "dotenv": "AWS_BEARER_TOKEN_BEDROCK=%s\n",
    }
    assert sorted(shapes) == sorted(_shell.VARIABLE_FORMATS)
    assert set(_cli._FORMATS) == {"token", "json", *_shell.VARIABLE_FORMATS}
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for fmt, shape in shapes.items():
        result = run(["-f", fmt], env)
        assert result.returncode == 0
        token = result.stdout.split(PREFIX, 1)[1]
        token = PREFIX + token[: len(token) - len(shape.split("%s")[1])]
        assert result.stdout == shape % token
        assert "| `%s` |" % fmt in readme, fmt


def test_env_var_keeps_the_standard_name_first_and_each_name_once(env: Dict[str, str]) -> None:
    args = ["-f", "dotenv", "--env-var", "B", "--env-var", "AWS_BEARER_TOKEN_BEDROCK"]
    result = run([*args, "--env-var", "B", "--env-var", "A"], env)
    assert result.returncode == 0
    assert [line.split("=")[0] for line in result.stdout.splitlines()] == [
        "AWS_BEARER_TOKEN_BEDROCK",
        "B",
        "A",
    ]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-f", "env", "--env-var", "9LIVES"], "'9LIVES' is not a portable variable name"),
        (["-f", "env", "--env-var", "MY-KEY"], "'MY-KEY' is not a portable"),
        (["-f", "env", "--env-var", ""], "'' is not a portable"),
        (["-f", "fish", "--env-var", "A=B"], "'A=B' is not a portable"),
        (["-f", "env", "--env-var", "X\nY"], "'X\\nY' is not a portable"),
        (["-f", "env", "--env-var", "AWS_REGION"], "AWS_REGION means something else"),
        (["-f", "env", "--env-var", "AWS_DEFAULT_REGION"], "AWS_DEFAULT_REGION means"),
        (["exec", "--env-var", "AWS_SECRET_ACCESS_KEY", "--", "true"], "AWS_SECRET_ACCESS_KEY"),
        (["-f", "dotenv", "--env-var", "AWS_PROFILE"], "AWS_PROFILE means something else"),
        (["-f", "env", "--env-var"], "--env-var needs a value"),
        (["--env-var", "OPENAI_API_KEY"], "--format token sets no variables"),
        (["-f", "json", "--env-var", "OPENAI_API_KEY"], "--format json sets no variables"),
        (["exec", "--env-var", "1X", "--", "true"], "'1X' is not a portable"),
        (["exec", "--format", "env", "--", "true"], "unknown option"),
        (["exec", "--token-only=yes", "--", "true"], "unknown option"),
        (["--token-only"], "unknown option"),
    ],
)
def test_env_var_and_token_only_usage_errors(
    env: Dict[str, str], args: List[str], needle: str
) -> None:
    result = run(args, env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("bedrock-token: error: ")
    assert result.stderr.count("\n") == 1
    assert needle in result.stderr


def test_a_token_given_as_a_name_is_not_echoed(env: Dict[str, str]) -> None:
    token = run([], env).stdout.strip()
    for args in (["-f", "env", "--env-var", token], ["exec", "--env-var", token, "--", "true"]):
        result = run(args, env)
        assert result.returncode == 2
        assert token not in result.stderr
        assert "a token is not a variable name" in result.stderr


def test_usage_is_checked_before_any_credentials_are_looked_for(env: Dict[str, str]) -> None:
    del env["AWS_ACCESS_KEY_ID"]
    assert run(["-f", "env", "--env-var", "1X"], env).returncode == 2
    assert run(["-f", "env", "--env-var", "X"], env).returncode == 1


# -- exec ------------------------------------------------------------------------------

#: Everything --token-only must remove, set in the parent with values to recognise.
CREDENTIALS = {name: "parent-%s" % name.lower() for name in _shell.CREDENTIAL_VARIABLES}
CREDENTIALS["AWS_CREDENTIAL_EXPIRATION"] = "2099-01-01T00:00:00Z"  # the parent reads it
#: What it must keep: unrelated and AWS variables that carry no credentials, odd values too.
KEPT = {
    "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_CA_BUNDLE": "/etc/ssl/certs/ca.pem",
    "AWS_MAX_ATTEMPTS": "2",
    "AWS_ACCESS_KEY_ID_NOT": "similar names stay",
    "MY_TOOL_SETTING": "a value\nwith a line break and 'quotes' and $dollars",
    "UNICODE_\u00e9": "\u00e9t\u00e9 \u2603",
    "EMPTY": "",
}


def _parent_env(env: Dict[str, str]) -> Dict[str, str]:
    """The parent's environment: signing credentials, every credential variable, KEPT."""
    home = Path(env["HOME"])
    profiles = ("parent-aws_profile", "parent-aws_default_profile")  # they must exist
    (home / "config").write_text("".join("[profile %s]\n" % name for name in profiles))
    parent = dict(env, **CREDENTIALS, **KEPT)
    parent["AWS_CONFIG_FILE"] = str(home / "config")
    # the environment source signs the token: these three keep the test's canaries
    # (botocore reads AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN)
    parent.update(AWS_ACCESS_KEY_ID=AK, AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN=SESSION)
    parent["AWS_SECURITY_TOKEN"] = SESSION
    return parent


def _child_env(args: List[str], parent: Dict[str, str], runner: List[str]) -> Dict[str, str]:
    result = subprocess.run(
        [*runner, "exec", *args, "--", "env", "-0"],
        env=parent,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for secret in (SECRET, SESSION):
        assert secret.encode() not in result.stderr
    text = result.stdout.decode("utf-8")
    assert text.endswith("\0")
    return dict(item.split("=", 1) for item in text[:-1].split("\0"))


#: The console script (POSIX: exec replaces the process) and the spawning path that other
#: systems take, run here by making the command believe it is not on POSIX.
SPAWNING = (
    "import os, sys\n"
    "from bedrock_token_lite._cli import main\n"
    "os.name = 'nt'\n"
    "sys.exit(main(sys.argv[1:]))\n"
)
RUNNERS = {"exec": lambda: [str(SCRIPT)], "spawn": lambda: [sys.executable, "-c", SPAWNING]}


@pytest.mark.skipif(not POSIX or shutil.which("env") is None, reason="needs env -0 (POSIX)")
@pytest.mark.parametrize("how", sorted(RUNNERS))
@pytest.mark.parametrize("token_only", [False, True], ids=["all", "token-only"])
def test_exec_passes_the_environment_on_and_token_only_removes_credentials(
    env: Dict[str, str], how: str, token_only: bool
) -> None:
    parent = _parent_env(env)
    args = ["-r", "ap-south-1", "--env-var", "OPENAI_API_KEY"]
    child = _child_env(args + (["--token-only"] if token_only else []), parent, RUNNERS[how]())
    token = child["AWS_BEARER_TOKEN_BEDROCK"]
    assert btl.verify_token(token, CREDS).region == "ap-south-1"
    # AWS_DEFAULT_REGION too (the parent's is eu-central-1): botocore reads only that one.
    expected = dict(
        parent, AWS_REGION="ap-south-1", AWS_DEFAULT_REGION="ap-south-1", OPENAI_API_KEY=token
    )
    expected["AWS_BEARER_TOKEN_BEDROCK"] = token
    if token_only:
        for name in _shell.CREDENTIAL_VARIABLES:
            del expected[name]
    assert child == expected  # nothing else lost, nothing else added
    assert set(CREDENTIALS).isdisjoint(child) is token_only


def test_token_only_names_what_the_brief_and_the_sdks_read() -> None:
    required = {
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
    }
    assert required <= set(_shell.CREDENTIAL_VARIABLES)
    assert len(set(_shell.CREDENTIAL_VARIABLES)) == len(_shell.CREDENTIAL_VARIABLES)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for name in _shell.CREDENTIAL_VARIABLES:
        assert "`%s`" % name in readme, name


@pytest.mark.skipif(not POSIX, reason="exec replaces the process on POSIX")
def test_token_only_verbose_names_what_it_removed_and_never_a_value(env: Dict[str, str]) -> None:
    parent = _parent_env(env)
    result = subprocess.run(
        [str(SCRIPT), "exec", "--token-only", "-v", "--", "true"],
        env=parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    line = [x for x in result.stderr.splitlines() if "--token-only" in x]
    removed = ", ".join(_shell.CREDENTIAL_VARIABLES)
    assert line == ["bedrock-token: --token-only: removed " + removed]
    for value in CREDENTIALS.values():
        assert value not in result.stderr


def test_a_variable_format_leaves_the_token_path_alone(env: Dict[str, str]) -> None:
    """--format token never imports the formats module; the others load no heavy module."""
    code = (
        "import sys, io\n"
        "from bedrock_token_lite._cli import main\n"
        "main(sys.argv[1:], io.StringIO(), io.StringIO())\n"
        "heavy = {'re', 'json', 'typing', 'datetime', 'subprocess'}\n"
        "print('bedrock_token_lite._shell' in sys.modules, sorted(heavy & set(sys.modules)))\n"
    )
    for args, loaded in (([], False), (["-f", "json"], False), (["-f", "fish"], True)):
        result = subprocess.run(
            [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=60
        )
        if loaded:
            assert result.stdout.strip() == "True []", result.stderr
        else:
            assert result.stdout.startswith("False"), result.stderr
