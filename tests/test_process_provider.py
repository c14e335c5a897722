"""ProcessProvider (spec section 11): ours against botocore's, running the same real helpers."""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import pytest
from _support import QUICK, requires_botocore_143, sample
from hypothesis import given, settings
from hypothesis import strategies as st

import bedrock_token_lite as btl
from bedrock_token_lite._sources.process import run_process

AK, SK, TOK = "AKIAPROCESS", "SECRETwJalrXUtnFEMI/K7MDENGbPxRfiCY", "TOKENFwoGZXIvYXdzEXAMPLE"
PY = sys.executable

#: The helper: reads a JSON spec (argv[1]) and behaves as told, counting its runs.
HELPER = r"""
import base64, json, os, subprocess, sys, time
spec = json.load(open(sys.argv[1]))
run = 0
if spec.get("counter"):
    with open(spec["counter"], "a") as f:
        f.write("x")
    run = os.path.getsize(spec["counter"]) - 1
if spec.get("pidfile"):
    with open(spec["pidfile"], "w") as f:
        f.write(str(os.getpid()))
if spec.get("grandchild"):
    child = subprocess.Popen([sys.executable, "-S", "-c", "import time; time.sleep(60)"])
    with open(spec["grandchild"], "w") as f:
        f.write(str(child.pid))
time.sleep(spec.get("sleep", 0))
outputs = spec.get("outputs", [])
out = base64.b64decode(outputs[min(run, len(outputs) - 1)]) if outputs else b""
if spec.get("echo_argv"):
    out = json.dumps({"Version": 1, "AccessKeyId": json.dumps(sys.argv[2:]),
                      "SecretAccessKey": "SK"}).encode()
if spec.get("echo_env"):
    out = json.dumps({"Version": 1, "AccessKeyId": os.environ.get(spec["echo_env"], "<unset>"),
                      "SecretAccessKey": "SK"}).encode()
sys.stdout.buffer.write(out)
sys.stdout.flush()
sys.stderr.write(spec.get("stderr", ""))
codes = spec.get("exits", [0])
sys.exit(codes[min(run, len(codes) - 1)])
"""


def at(seconds: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def doc(**fields: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = {"Version": 1, "AccessKeyId": AK, "SecretAccessKey": SK}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not DROP}


DROP: Any = object()
Output = Union[bytes, Dict[str, Any], List[Any], str, None]


def encode(output: Output) -> str:
    raw = output if isinstance(output, bytes) else json.dumps(output).encode()
    return base64.b64encode(raw).decode()


#: A cheaper helper for plain output cases: /bin/sh starts far faster than Python.
SH_HELPER = r"""
d=$1
n=0
while [ -e "$d/run$n" ]; do n=$((n+1)); done
: > "$d/run$n"
o="$d/out$n"; [ -e "$o" ] || o="$d/out"
e="$d/exit$n"; [ -e "$e" ] || e="$d/exit"
cat "$o"
[ -e "$d/stderr" ] && cat "$d/stderr" >&2
read code < "$e"
exit "$code"
"""
SH_KEYS = {"outputs", "exits", "stderr", "count_runs"}


class Helpers:
    """Writes helper specs into a temporary directory and builds commands for them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.script = root / "helper.py"
        self.script.write_text(HELPER)
        self.sh_script = root / "helper.sh"
        self.sh_script.write_text(SH_HELPER)
        self.count = 0
        self.last: Path = root

    def command(self, *extra: str, **spec: Any) -> str:
        self.count += 1
        case = self.root / ("case-%d" % self.count)
        case.mkdir()
        self.last = case
        if set(spec) <= SH_KEYS and not extra:
            outputs = spec.get("outputs") or [b""]
            for i, output in enumerate(outputs):
                (case / ("out%d" % i)).write_bytes(base64.b64decode(encode(output)))
            (case / "out").write_bytes(base64.b64decode(encode(outputs[-1])))
            exits = spec.get("exits") or [0]
            for i, code in enumerate(exits):
                (case / ("exit%d" % i)).write_text("%d\n" % code)
            (case / "exit").write_text("%d\n" % exits[-1])
            if "stderr" in spec:
                (case / "stderr").write_text(spec["stderr"])
            return '/bin/sh "%s" "%s"' % (self.sh_script, case)
        if "outputs" in spec:
            spec["outputs"] = [encode(o) for o in spec["outputs"]]
        spec.pop("count_runs", None)
        spec["counter"] = str(case / "runs")
        path = case / "spec.json"
        path.write_text(json.dumps(spec))
        return '"%s" -S "%s" "%s" %s' % (PY, self.script, path, " ".join(extra))

    def runs(self) -> int:
        """How often the helper of the last command ran."""
        counter = self.last / "runs"
        if counter.exists():
            return counter.stat().st_size
        return len(list(self.last.glob("run[0-9]*")))

    def executable(self, relative: str, body: str, mode: int = 0o755) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
        path.chmod(mode)
        return path


@pytest.fixture
def helpers(tmp_path: Path) -> Helpers:
    return Helpers(tmp_path)


@pytest.fixture(autouse=True)
def quiet_botocore(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL, logger="botocore")


def config(command: Optional[str], **profile: str) -> Dict[str, Any]:
    keys = dict(profile)
    if command is not None:
        keys["credential_process"] = command
    return {"profiles": {"dev": keys}}


# -- comparing outcomes -------------------------------------------------------

BOTOCORE_NAMED = ("CredentialRetrievalError",)


def assert_same_error(ours: BaseException, theirs: BaseException) -> None:
    """Same botocore class (by name), or an instance of the builtin botocore leaks."""
    assert isinstance(ours, btl.BedrockTokenError), repr(ours)
    name = type(theirs).__name__
    if name in BOTOCORE_NAMED:
        assert isinstance(ours, btl.CredentialRetrievalError), (ours, theirs)
        assert ours.provider == theirs.kwargs["provider"]  # type: ignore[attr-defined]
        # botocore's whole message (the helper's stderr, or its own text) is in ours,
        # except the version it read, which we show only when it is a number.
        # A helper's stderr enters ours on one line, whitespace folded (botocore keeps
        # its line breaks), and ours keeps the raw text in .stderr.
        theirs_msg = " ".join(theirs.kwargs["error_msg"].split())  # type: ignore[attr-defined]
        if "(a JSON " not in str(ours):
            assert theirs_msg in str(ours), (ours, theirs)
        return
    if name == "ParserError":
        assert isinstance(ours, btl.ExpiryParseError)
        assert not isinstance(ours, TypeError)
        return
    builtin = next(c for c in type(theirs).__mro__ if c.__module__ == "builtins")
    if builtin is UnicodeDecodeError:
        # Its repr carries the undecodable output (secrets): ours is a plain ValueError.
        builtin = ValueError
    assert isinstance(ours, builtin), (ours, theirs)
    if builtin is RuntimeError:
        assert isinstance(ours, btl.ExpiredCredentialsError), (ours, theirs)


def observe(load: Any) -> Dict[str, Any]:
    try:
        creds = load()
    except Exception as exc:
        return {"stage": "load", "error": exc}
    if creds is None:
        return {"stage": "none"}
    refreshable = hasattr(creds, "refresh_needed")
    result: Dict[str, Any] = {"method": creds.method, "refreshable": refreshable}
    try:
        frozen = creds.get_frozen_credentials()
    except Exception as exc:
        result.update(stage="use", error=exc)
        return result
    if isinstance(creds, btl.RefreshableCredentials):
        expiry = creds.expiry
    else:
        expiry = getattr(creds, "_expiry_time", None)
    result.update(
        stage="ok",
        values=(frozen.access_key, frozen.secret_key, frozen.token, frozen.account_id),
        expiry=expiry,
    )
    return result


def assert_same_outcome(ours: Dict[str, Any], theirs: Dict[str, Any]) -> None:
    ours, theirs = dict(ours), dict(theirs)
    ours_error, theirs_error = ours.pop("error", None), theirs.pop("error", None)
    if theirs_error is not None:
        assert ours_error is not None, (ours, theirs_error)
        assert_same_error(ours_error, theirs_error)
    else:
        assert ours_error is None, ours_error
    assert ours == theirs


def both(cfg: Dict[str, Any], profile: str = "dev") -> Tuple[Dict[str, Any], Dict[str, Any]]:
    from botocore.credentials import ProcessProvider

    theirs = observe(ProcessProvider(profile, load_config=lambda: cfg).load)
    ours = observe(btl.ProcessProvider(profile_name=profile, load_config=lambda: cfg).load)
    return ours, theirs


# -- the cases of section 11 -----------------------------------------------------


def output_cases() -> Dict[str, Dict[str, Any]]:
    """name -> helper spec (plus optional profile keys under "profile")."""
    return {
        "static": {"outputs": [doc()]},
        "token": {"outputs": [doc(SessionToken=TOK)]},
        "token_null": {"outputs": [doc(SessionToken=None)]},
        "extra_fields": {"outputs": [doc(Other="x", Nested={"a": 1})]},
        "exp_future": {"outputs": [doc(SessionToken=TOK, Expiration=at(7200))]},
        "exp_offset": {"outputs": [doc(Expiration=at(7200)[:-1] + "+00:00")]},
        "exp_fraction": {"outputs": [doc(Expiration=at(7200)[:-1] + ".1234567Z")]},
        "exp_mandatory": {"outputs": [doc(Expiration=at(300))]},
        "exp_past": {"outputs": [doc(Expiration=at(-3600))]},
        "exp_naive": {"outputs": [doc(Expiration="2099-01-01T00:00:00")]},
        "exp_empty": {"outputs": [doc(Expiration="")]},
        "exp_garbage": {"outputs": [doc(Expiration="tomorrow-ish")]},
        "exp_null": {"outputs": [doc(Expiration=None)]},
        "exp_number": {"outputs": [doc(Expiration=1700000000)]},
        "account": {"outputs": [doc(AccountId="123456789012")]},
        "account_over_profile": {
            "outputs": [doc(AccountId="123456789012")],
            "profile": {"aws_account_id": "999999999999"},
        },
        "account_empty_uses_profile": {
            "outputs": [doc(AccountId="")],
            "profile": {"aws_account_id": "999999999999"},
        },
        "account_missing_uses_profile": {
            "outputs": [doc()],
            "profile": {"aws_account_id": "999999999999"},
        },
        "account_null": {"outputs": [doc(AccountId=None)]},
        "version_float": {"outputs": [doc(Version=1.0)]},
        "version_true": {"outputs": [doc(Version=True)]},
        "version_string": {"outputs": [doc(Version="1")]},
        "version_2": {"outputs": [doc(Version=2)]},
        "version_missing": {"outputs": [doc(Version=DROP)]},
        "version_null": {"outputs": [doc(Version=None)]},
        "no_access_key": {"outputs": [doc(AccessKeyId=DROP)]},
        "no_secret_key": {"outputs": [doc(SecretAccessKey=DROP)]},
        "no_keys": {"outputs": [{"Version": 1}]},
        "empty_access_key": {"outputs": [doc(AccessKeyId="")]},
        "bad_json": {"outputs": [b"this is not json " + SK.encode()]},
        "trailing_garbage": {"outputs": [json.dumps(doc()).encode() + b" x"]},
        "trailing_whitespace": {"outputs": [json.dumps(doc()).encode() + b"\n\n \t"]},
        "leading_whitespace": {"outputs": [b"\n  " + json.dumps(doc()).encode()]},
        "empty_output": {"outputs": [b""]},
        "bom": {"outputs": [b"\xef\xbb\xbf" + json.dumps(doc()).encode()]},
        "array": {"outputs": [[1]]},
        "string": {"outputs": ["text"]},
        "null": {"outputs": [None]},
        "not_utf8": {"outputs": [b'{"Version": 1, "AccessKeyId": "\xff\xfe"}']},
        "exit_1_stderr": {"outputs": [doc()], "exits": [1], "stderr": "helper: token expired\n"},
        "exit_2_silent": {"outputs": [b""], "exits": [2]},
        "exit_0_stderr": {"outputs": [doc()], "stderr": "warning: noisy helper\n"},
        "exit_255": {"outputs": [b"{}"], "exits": [255], "stderr": "x"},
    }


@requires_botocore_143
@pytest.mark.parametrize("name", sample(sorted(output_cases())))
def test_output_matches_botocore(helpers: Helpers, name: str) -> None:
    spec = dict(output_cases()[name])  # built now: expiries are relative to real time
    profile = spec.pop("profile", {})
    ours, theirs = both(config(helpers.command(**spec), **profile))
    assert_same_outcome(ours, theirs)


def command_cases(helpers: Helpers) -> Dict[str, str]:
    """name -> credential_process value (the same helpers run for both)."""
    spaced = helpers.executable(
        "dir with space/cmd", "#!%s -S\nimport json, sys\n%s" % (PY, ECHO_ARGV)
    )
    plain = helpers.executable("plain-cmd", "#!%s -S\nimport json, sys\n%s" % (PY, ECHO_ARGV))
    helpers.executable("not-executable", "#!/bin/sh\necho {}\n", mode=0o644)
    helpers.executable("no-shebang", "echo hi\n", mode=0o755)
    root = helpers.root
    return {
        "quoted_path_and_args": '"%s" --arg \'a b\' "c d" e\\ f' % spaced,
        "escaped_space_path": str(spaced).replace(" ", "\\ ") + " x",
        "pipe_is_literal": "%s hi | cat" % plain,
        "dollar_is_literal": '%s $HOME ${USER} "$PATH"' % plain,
        "tilde_is_literal": "%s ~ ~/x" % plain,
        "glob_is_literal": "%s * ?.py" % plain,
        "hash_is_not_a_comment": "%s a #b c" % plain,
        "single_quotes_keep_backslash": '%s \'a\\b\' "c\\"d"' % plain,
        "empty_quoted_arg": "%s '' \"\"" % plain,
        "newline_and_tabs": "%s\ta\n b" % plain,
        "unicode_args": "%s héllo 'wörld'" % plain,
        "tilde_program": "~/p.sh",
        "missing_program": "definitely-not-a-credential-helper-xyz --flag",
        "missing_absolute": str(root / "nope" / "helper"),
        "not_executable": str(root / "not-executable"),
        "no_shebang": str(root / "no-shebang"),
        "directory": str(root),
        "empty": "",
        "blank": "   ",
        "unbalanced_single": "%s 'a" % plain,
        "unbalanced_double": '%s "a' % plain,
        "trailing_backslash": "%s a\\" % plain,
    }


ECHO_ARGV = (
    'print(json.dumps({"Version": 1, "AccessKeyId": json.dumps(sys.argv[1:]), '
    '"SecretAccessKey": "SK"}))'
)


def _command_names() -> List[str]:
    return [
        "quoted_path_and_args",
        "escaped_space_path",
        "pipe_is_literal",
        "dollar_is_literal",
        "tilde_is_literal",
        "glob_is_literal",
        "hash_is_not_a_comment",
        "single_quotes_keep_backslash",
        "empty_quoted_arg",
        "newline_and_tabs",
        "unicode_args",
        "tilde_program",
        "missing_program",
        "missing_absolute",
        "not_executable",
        "no_shebang",
        "directory",
        "empty",
        "blank",
        "unbalanced_single",
        "unbalanced_double",
        "trailing_backslash",
    ]


@requires_botocore_143
@pytest.mark.parametrize("name", sample(_command_names()))
def test_command_line_matches_botocore(helpers: Helpers, name: str) -> None:
    command = command_cases(helpers)[name]
    ours, theirs = both(config(command))
    assert_same_outcome(ours, theirs)


def test_command_case_list_is_complete(helpers: Helpers) -> None:
    assert sorted(command_cases(helpers)) == sorted(_command_names())


@requires_botocore_143
@pytest.mark.parametrize(
    "cfg",
    [
        {"profiles": {}},
        {"profiles": {"dev": {}}},
        {"profiles": {"other": {"credential_process": "x"}}},
        {},
        {"profiles": {"dev": {"aws_access_key_id": AK}}},
    ],
)
def test_not_configured_matches_botocore(cfg: Dict[str, Any]) -> None:
    ours, theirs = both(cfg)
    assert ours == theirs == {"stage": "none"}


# -- refresh re-runs the helper ----------------------------------------------------


def refresh_cases() -> Dict[str, Tuple[List[Output], List[int]]]:
    return {
        "rotated": ([doc(Expiration=at(300)), doc(AccessKeyId="AKNEW", Expiration=at(7200))], [0]),
        "still_soon": (
            [doc(Expiration=at(300)), doc(AccessKeyId="AKNEW", Expiration=at(300))],
            [0],
        ),
        "second_run_fails": ([doc(Expiration=at(300))], [0, 3]),
        "second_run_bad_json": ([doc(Expiration=at(300)), b"oops"], [0]),
        "second_run_naive": ([doc(Expiration=at(300)), doc(Expiration="2099-01-01T00:00:00")], [0]),
        "second_run_past": ([doc(Expiration=at(300)), doc(Expiration=at(-10))], [0]),
        "second_run_unparseable": ([doc(Expiration=at(300)), doc(Expiration="never")], [0]),
        "second_run_account": (
            [doc(Expiration=at(300)), doc(AccountId="123456789012", Expiration=at(7200))],
            [0],
        ),
    }


@requires_botocore_143
@pytest.mark.parametrize("name", sample(sorted(refresh_cases())))
def test_refresh_reruns_the_helper_like_botocore(helpers: Helpers, name: str) -> None:
    from botocore.credentials import ProcessProvider

    outputs, exits = refresh_cases()[name]
    results = []
    for factory in (btl.ProcessProvider, ProcessProvider):
        cfg = config(helpers.command(outputs=list(outputs), exits=exits, count_runs=True))
        creds = factory("dev", load_config=lambda cfg=cfg: cfg).load()  # 300 s left: mandatory
        assert helpers.runs() == 1
        results.append((observe(lambda creds=creds: creds), helpers.runs()))
    assert results[0][1] == results[1][1] == 2
    assert_same_outcome(results[0][0], results[1][0])


def test_refresh_without_expiration_is_an_error(helpers: Helpers) -> None:
    """botocore fails with TypeError (parse(None)); we name the missing expiry."""
    cfg = config(helpers.command(outputs=[doc(Expiration=at(300)), doc()], count_runs=True))
    creds = btl.ProcessProvider("dev", load_config=lambda: cfg).load()
    assert creds is not None
    with pytest.raises(btl.CredentialRetrievalError, match="expiry_time"):
        creds.get_frozen_credentials()


def test_refresh_with_injected_clock(helpers: Helpers) -> None:
    now = [datetime(2030, 1, 1, tzinfo=timezone.utc)]
    outputs = [
        doc(Expiration="2030-01-01T01:00:00Z"),
        doc(AccessKeyId="AKNEW", Expiration="2030-01-01T02:00:00Z"),
    ]
    cfg = config(helpers.command(outputs=outputs, count_runs=True))
    creds = btl.ProcessProvider("dev", load_config=lambda: cfg, clock=lambda: now[0]).load()
    assert isinstance(creds, btl.RefreshableCredentials)
    assert creds.get_frozen_credentials().access_key == AK
    assert helpers.runs() == 1
    now[0] += timedelta(minutes=50)
    assert creds.get_frozen_credentials().access_key == "AKNEW"
    assert helpers.runs() == 2
    assert creds.get_frozen_credentials().method == "custom-process"
    assert helpers.runs() == 2


# -- our own rules: types, messages, secrets ------------------------------------------


def load_error(helpers: Helpers, **spec: Any) -> BaseException:
    cfg = config(helpers.command(**spec))
    with pytest.raises(btl.CredentialProcessError) as info:
        btl.ProcessProvider("dev", load_config=lambda: cfg).load()
    assert isinstance(info.value, btl.CredentialRetrievalError)
    assert info.value.provider == "custom-process"
    assert "'dev'" in str(info.value)
    return info.value


@pytest.mark.parametrize(
    ("output", "builtin"),
    [
        (b"not json", ValueError),
        (b"\xff", ValueError),
        ([1], AttributeError),
        (doc(AccessKeyId=None), ValueError),
        (doc(SecretAccessKey=5), ValueError),
        (doc(SessionToken=[TOK]), ValueError),
        (doc(AccountId=12), ValueError),
    ],
)
def test_output_errors_subclass_builtins(helpers: Helpers, output: Output, builtin: type) -> None:
    error = load_error(helpers, outputs=[output])
    assert isinstance(error, btl.CredentialProcessOutputError)
    assert isinstance(error, builtin)


def test_stdout_never_in_messages(helpers: Helpers) -> None:
    outputs: List[Output] = [
        b"junk " + SK.encode() + TOK.encode(),
        json.dumps(doc(SessionToken=TOK)).encode() + SK.encode(),
        doc(Version=SK, SessionToken=TOK),
        doc(AccessKeyId=DROP, SessionToken=TOK),
        [SK, TOK],
        doc(SecretAccessKey=[SK]),
        doc(SessionToken={"t": TOK}),
    ]
    for output in outputs:
        error = load_error(helpers, outputs=[output])
        for text in (str(error), repr(error)):
            assert SK not in text
            assert TOK not in text
    error = load_error(helpers, outputs=[doc(SessionToken=TOK)], exits=[1], stderr="denied")
    assert "denied" in str(error)
    assert SK not in str(error)
    assert TOK not in str(error)


def test_exit_error_details(helpers: Helpers) -> None:
    error = load_error(helpers, outputs=[b""], exits=[3], stderr="E" * 10000)
    assert isinstance(error, btl.CredentialProcessError)
    assert error.returncode == 3
    assert error.stderr is not None
    assert error.stderr.startswith("EEE")
    assert "exited with status 3" in str(error)
    assert "more characters" in str(error)
    assert len(str(error)) < 3000
    silent = load_error(helpers, outputs=[b""], exits=[2])
    assert "wrote nothing to stderr" in str(silent)


def test_version_message(helpers: Helpers) -> None:
    assert "Unsupported version '2'" in str(load_error(helpers, outputs=[doc(Version=2)]))
    assert "(a JSON string)" in str(load_error(helpers, outputs=[doc(Version="1")]))
    missing = load_error(helpers, outputs=[doc(Version=DROP)])
    assert "'<Version key not provided>'" in str(missing)
    keys = load_error(helpers, outputs=[doc(AccessKeyId=DROP)])
    assert "Missing required key in response: 'AccessKeyId'" in str(keys)


@pytest.mark.parametrize(
    ("command", "error", "builtins"),
    [
        (
            "definitely-not-a-credential-helper-xyz",
            btl.CredentialProcessNotFoundError,
            (FileNotFoundError,),
        ),
        ("'unbalanced", btl.CredentialProcessCommandError, (ValueError,)),
        ("", btl.EmptyCredentialProcessError, (IndexError, ValueError)),
    ],
)
def test_command_errors(command: str, error: type, builtins: Tuple[type, ...]) -> None:
    cfg = config(command)
    with pytest.raises(error) as info:
        btl.ProcessProvider("dev", load_config=lambda: cfg).load()
    for builtin in builtins:
        assert isinstance(info.value, builtin)
    assert "'dev'" in str(info.value)


def test_permission_error(helpers: Helpers) -> None:
    path = helpers.executable("locked", "#!/bin/sh\n", mode=0o644)
    cfg = config(str(path))
    with pytest.raises(btl.CredentialProcessPermissionError) as info:
        btl.ProcessProvider("dev", load_config=lambda: cfg).load()
    assert isinstance(info.value, PermissionError)
    assert "chmod" in str(info.value)


def test_environ_reaches_the_child(helpers: Helpers, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config(helpers.command(echo_env="BTL_PROBE"))
    environ = {"PATH": os.environ.get("PATH", ""), "BTL_PROBE": "from-environ"}
    creds = btl.ProcessProvider("dev", load_config=lambda: cfg, environ=environ).load()
    assert creds is not None
    assert creds.access_key == "from-environ"
    monkeypatch.setenv("BTL_PROBE", "from-os-environ")
    creds = btl.ProcessProvider("dev", load_config=lambda: cfg).load()  # inherits
    assert creds is not None
    assert creds.access_key == "from-os-environ"
    isolated = btl.ProcessProvider("dev", load_config=lambda: cfg, environ={"PATH": ""}).load()
    assert isolated is not None
    assert isolated.access_key == "<unset>"


@requires_botocore_143
def test_inherited_environment_matches_botocore(
    helpers: Helpers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BTL_PROBE", "inherited")
    ours, theirs = both(config(helpers.command(echo_env="BTL_PROBE")))
    assert ours["values"][0] == "inherited"
    assert_same_outcome(ours, theirs)


def test_program_found_on_the_given_path(helpers: Helpers) -> None:
    helpers.executable("bin/cred-helper", "#!%s -S\nimport json, sys\n%s" % (PY, ECHO_ARGV))
    cfg = config("cred-helper one")
    environ = {"PATH": str(helpers.root / "bin")}
    creds = btl.ProcessProvider("dev", load_config=lambda: cfg, environ=environ).load()
    assert creds is not None
    assert json.loads(creds.access_key) == ["one"]


def test_profile_name_defaults(helpers: Helpers) -> None:
    cfg = {
        "profiles": {
            "default": {"credential_process": helpers.command(outputs=[doc(AccessKeyId="D")])},
            "p": {"credential_process": helpers.command(outputs=[doc(AccessKeyId="P")])},
            "q": {"credential_process": helpers.command(outputs=[doc(AccessKeyId="Q")])},
        }
    }
    for environ, expected in [
        ({}, "D"),
        ({"AWS_PROFILE": "p"}, "P"),
        ({"AWS_DEFAULT_PROFILE": "q", "AWS_PROFILE": "p"}, "Q"),
        ({"AWS_DEFAULT_PROFILE": "", "AWS_PROFILE": "p"}, "P"),
    ]:
        env = dict(environ, PATH=os.environ.get("PATH", ""))
        provider = btl.ProcessProvider(load_config=lambda: cfg, environ=env)
        creds = provider.load()
        assert creds is not None
        assert creds.access_key == expected


def test_config_is_loaded_once(helpers: Helpers) -> None:
    loads: List[int] = []
    cfg = config(helpers.command(outputs=[doc()]))

    def load_config() -> Dict[str, Any]:
        loads.append(1)
        return cfg

    provider = btl.ProcessProvider("dev", load_config=load_config)
    provider.load()
    provider.load()
    assert loads == [1]


def test_runner_is_injectable(helpers: Helpers) -> None:
    seen: List[Tuple[List[str], Optional[Dict[str, str]], Optional[float]]] = []

    def runner(
        argv: List[str], env: Optional[Dict[str, str]], timeout: Optional[float]
    ) -> Tuple[int, bytes, bytes]:
        seen.append((argv, env, timeout))
        return run_process(argv, env, timeout)

    cfg = config(helpers.command(outputs=[doc()]))
    environ = {"PATH": os.environ.get("PATH", "")}
    creds = btl.ProcessProvider(
        "dev", load_config=lambda: cfg, environ=environ, runner=runner, timeout=7
    ).load()
    assert creds is not None
    assert creds.access_key == AK
    ((argv, env, timeout),) = seen
    assert argv[0] == "/bin/sh"
    assert argv[1].endswith("helper.sh")
    assert env == environ
    assert env is not environ
    assert timeout == 7


@pytest.mark.parametrize("timeout", [0, -1, "5", True])
def test_bad_timeout(timeout: Any) -> None:
    with pytest.raises(btl.InvalidParameterError):
        btl.ProcessProvider("dev", load_config=dict, timeout=timeout)


# -- timeouts ---------------------------------------------------------------------


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still "exists"; check its state where /proc is available.
    status = Path("/proc/%d/status" % pid)
    if status.exists():
        return "zombie" not in status.read_text()
    return True  # pragma: no cover


def test_hung_helper_is_killed(helpers: Helpers) -> None:
    pidfile = helpers.root / "pid"
    cfg = config(helpers.command(outputs=[doc()], sleep=30, pidfile=str(pidfile)))
    started = time.monotonic()
    with pytest.raises(btl.CredentialProcessTimeoutError) as info:
        btl.ProcessProvider("dev", load_config=lambda: cfg, timeout=0.5).load()
    assert time.monotonic() - started < 10
    assert isinstance(info.value, TimeoutError)
    assert "0.5 seconds" in str(info.value)
    assert "'dev'" in str(info.value)
    assert not pid_alive(int(pidfile.read_text()))


def test_grandchild_holding_the_pipes_does_not_hang_us(helpers: Helpers) -> None:
    grandchild = helpers.root / "grandchild"
    cfg = config(helpers.command(outputs=[doc()], sleep=30, grandchild=str(grandchild)))
    started = time.monotonic()
    try:
        with pytest.raises(btl.CredentialProcessTimeoutError):
            btl.ProcessProvider("dev", load_config=lambda: cfg, timeout=0.5).load()
        assert time.monotonic() - started < 10
    finally:
        for _ in range(100):
            if grandchild.exists() and grandchild.read_text():
                break
            time.sleep(0.05)
        if grandchild.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(grandchild.read_text()), signal.SIGKILL)


def test_no_timeout_waits(helpers: Helpers) -> None:
    cfg = config(helpers.command(outputs=[doc()], sleep=0.1))
    creds = btl.ProcessProvider("dev", load_config=lambda: cfg, timeout=None).load()
    assert creds is not None
    assert creds.access_key == AK


def test_defaults() -> None:
    provider = btl.ProcessProvider("dev", load_config=dict)
    assert provider.timeout == 60.0
    assert provider.source == "credential_process of profile dev"
    assert provider.METHOD == "custom-process"


# -- import cost -------------------------------------------------------------------


def test_import_does_not_pull_heavy_modules() -> None:
    heavy = [
        "json",
        "configparser",
        "subprocess",
        "argparse",
        "urllib.request",
        "http.client",
        "xml",
        "email",
        "re",
        "threading",
        "socket",
        "ssl",
        "shlex",
    ]
    code = (
        "import sys, typing, datetime, os; base = set(sys.modules); "
        "import bedrock_token_lite; "
        "print(sorted(set(%r) & (set(sys.modules) - base)))" % (heavy,)
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]"


def test_default_config_is_the_shared_files(tmp_path: Path, helpers: Helpers) -> None:
    """Without ``load_config`` the chain's own config reader is used (when present)."""
    pytest.importorskip("bedrock_token_lite._config.session")
    config_file = tmp_path / "config"
    config_file.write_text(
        "[profile dev]\ncredential_process = %s\n" % helpers.command(outputs=[doc()])
    )
    environ = {
        "HOME": str(tmp_path),
        "PATH": os.environ.get("PATH", ""),
        "AWS_CONFIG_FILE": str(config_file),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }
    creds = btl.ProcessProvider("dev", environ=environ).load()
    assert creds is not None
    assert creds.access_key == AK
    assert btl.ProcessProvider("other", environ=environ).load() is None


# -- generated outputs ----------------------------------------------------------------

MISSING: Any = object()


@st.composite
def helper_outputs(draw: Any) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """A JSON document a helper might print, and the profile's other keys.

    Required keys are strings or absent: a null or numeric key is a documented
    difference (botocore accepts it and fails later).
    """
    text = st.text(alphabet="abcAZ09/+= ", max_size=12)
    expirations = st.sampled_from(["future", "past", "naive", "empty", "garbage", "offset"])
    fields: Dict[str, Any] = {
        "Version": draw(st.sampled_from([1, 1.0, True, "1", 2, 0, None, MISSING])),
        "AccessKeyId": draw(st.one_of(text, st.just(MISSING))),
        "SecretAccessKey": draw(st.one_of(text, st.just(MISSING))),
        "SessionToken": draw(st.one_of(text, st.none(), st.just(MISSING))),
        "Expiration": draw(st.one_of(expirations, st.none(), st.just(MISSING))),
        "AccountId": draw(
            st.one_of(st.sampled_from(["", "123456789012"]), st.none(), st.just(MISSING))
        ),
        "Extra": draw(st.one_of(st.just(MISSING), st.integers(), text)),
    }
    stamps = {
        "future": at(7200),
        "past": at(-3600),
        "naive": "2099-01-01T00:00:00",
        "empty": "",
        "garbage": "soon",
        "offset": at(7200)[:-1] + "-07:00",
    }
    if isinstance(fields["Expiration"], str):
        fields["Expiration"] = stamps[fields["Expiration"]]
    document = {k: v for k, v in fields.items() if v is not MISSING}
    profile = {"aws_account_id": "999999999999"} if draw(st.booleans()) else {}
    return document, profile


@pytest.fixture(scope="module")
def module_helpers(tmp_path_factory: pytest.TempPathFactory) -> Helpers:
    return Helpers(tmp_path_factory.mktemp("generated"))


@requires_botocore_143
@settings(max_examples=8 if QUICK else 40)
@given(case=helper_outputs())
def test_generated_outputs_match_botocore(
    module_helpers: Helpers, case: Tuple[Dict[str, Any], Dict[str, str]]
) -> None:
    document, profile = case
    ours, theirs = both(config(module_helpers.command(outputs=[document]), **profile))
    assert_same_outcome(ours, theirs)


def test_the_configured_timeout() -> None:
    from bedrock_token_lite._config.session import SessionConfig
    from bedrock_token_lite._sources.process import DEFAULT_PROCESS_TIMEOUT, configured_timeout

    assert configured_timeout(SessionConfig(environ={})) == DEFAULT_PROCESS_TIMEOUT
    env = {"BEDROCK_TOKEN_PROCESS_TIMEOUT": "1h30m"}
    assert configured_timeout(SessionConfig(environ=env)) == 5400.0
    assert configured_timeout(SessionConfig(environ={"BEDROCK_TOKEN_PROCESS_TIMEOUT": "0"})) is None
    config = SessionConfig(environ=env)
    config.set_config_variable("credential_process_timeout", 7)
    assert configured_timeout(config) == 7.0
    with pytest.raises(btl.InvalidConfigError, match="BEDROCK_TOKEN_PROCESS_TIMEOUT"):
        configured_timeout(SessionConfig(environ={"BEDROCK_TOKEN_PROCESS_TIMEOUT": "-1"}))


def test_a_failing_helper_that_echoes_its_output_on_stderr_leaks_nothing(
    helpers: Helpers,
) -> None:
    secret = "helper-secret-key-CANARY-0123456789"
    output = doc(SecretAccessKey=secret, SessionToken="helper-session-CANARY-abcdefghij")
    echoed = "failed after writing %s\nsecret was %s" % (json.dumps(output), secret[4:-4])
    error = load_error(helpers, outputs=[output], exits=[1], stderr=echoed)
    text = str(error)
    assert "CANARY" not in text
    assert "\n" not in text
    assert "failed after writing" in text
    assert error.stderr == echoed  # type: ignore[attr-defined]  # the raw text, for programs


def _canned(returncode: int, stdout: bytes, stderr: bytes = b"") -> Any:
    def runner(argv: Any, env: Any, timeout: Any) -> Tuple[int, bytes, bytes]:
        return returncode, stdout, stderr

    return runner


def test_a_failing_helper_whose_output_has_a_lone_surrogate_is_a_library_error() -> None:
    """A JSON ``\\udcff`` escape decodes to a lone surrogate; redacting it from
    stderr used to escape as a bare UnicodeEncodeError."""
    out = b'{"Version": 1, "AccessKeyId": "AK", "SecretAccessKey": "CANARYsecret\\udcff"}'
    cfg = {"profiles": {"dev": {"credential_process": "helper"}}}
    provider = btl.ProcessProvider("dev", load_config=lambda: cfg, runner=_canned(1, out, b"x"))
    with pytest.raises(btl.CredentialProcessError) as info:
        provider.load()
    assert "CANARY" not in str(info.value)


def test_output_that_is_not_utf8_keeps_no_copy_of_it_on_the_error() -> None:
    """The UnicodeDecodeError holds the whole output; ``from None`` kept it as __context__."""
    out = b'{"Version": 1, "AccessKeyId": "AK", "SecretAccessKey": "CANARYsecret\xff"}'
    cfg = {"profiles": {"dev": {"credential_process": "helper"}}}
    provider = btl.ProcessProvider("dev", load_config=lambda: cfg, runner=_canned(0, out))
    with pytest.raises(btl.CredentialProcessOutputError) as info:
        provider.load()
    assert info.value.__context__ is None


@pytest.mark.parametrize("timeout", [1e9 + 1, 1e15, 1e300])
def test_a_limit_too_long_for_the_clock_is_no_limit(helpers: Helpers, timeout: float) -> None:
    # subprocess would raise OverflowError ("timestamp too large") for these.
    cfg = config(helpers.command(outputs=[doc()]))
    creds = btl.ProcessProvider("dev", load_config=lambda: cfg, timeout=timeout).load()
    assert creds is not None
    assert creds.access_key == AK
