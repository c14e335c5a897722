"""The whole ``bedrock-token`` command with hostile argument lists.

Hypothesis draws argv lists from one table of the options that exist
(:data:`OPTIONS`: add a row for a new option) with hostile values (``²``,
huge numbers, empty, negative, NaN-ish text, unicode, control characters),
unknown options, ``--opt=value`` forms, repeated options, ``--`` anywhere,
and the ``inspect`` and ``exec`` subcommands.  ``exec`` only ever names a
command that cannot run (a missing path, a directory, a file that is not
executable, a bare name looked up on an empty ``PATH``): in-process, a
command that ran would replace the test process.

The environment carries example credentials whose secret key and session
token are planted canaries, and a temporary HOME with a profile ``p``.
Every run, in-process (``_cli.main``) or as a real ``python -m
bedrock_token_lite`` subprocess (fewer cases), must:

* exit with a documented status (0, 1, 2, 3, 126, 127, 141);
* write nothing on stderr, or exactly one line ``bedrock-token: error: ...``
  (with ``--verbose``, the informational lines come first), never a traceback,
  never an "unexpected" (not a library) error;
* show no planted secret on stderr, nor on stdout except within the token
  itself when the token is what was asked for.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from _check import assert_clean
from _strategies import NASTY
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

import bedrock_token_lite as btl
from bedrock_token_lite import _cli

SECRET = "CanaryCliSecret4Vb8Nq"
TOKEN = "CanaryCliSession2Mw6Hz"
SECRETS = [SECRET, TOKEN]
DOCUMENTED = {0, 1, 2, 3, 126, 127, 141}
EXAMPLES = settings.default.max_examples
SUBPROCESS_EXAMPLES = max(5, settings.default.max_examples // 20)

# -- the option table --------------------------------------------------------------------

durations = st.sampled_from(
    ["900", "15m", "2h", "1h30m", "12h", "90s", "0", "-1", "\u00b2", "1e3", "nan", "inf", "",
     " 900", "900 ", "9" * 40, "13h", "899", "43201", "1h-1m", "\uff19\uff10\uff10", "15M"]
)  # fmt: skip
regions = st.sampled_from(
    ["us-east-1", "eu-west-3", "", "US-EAST-1", "us-east-1 ", "\u00b2", "..", "a" * 300,
     "us-east-1\x1b[31m", "cn-north-1", "us-gov-west-1", "-us"]
)  # fmt: skip
formats = st.sampled_from(
    ["token", "env", "json", "", "JSON", "fish", "\u00e9", "env-no-export", "powershell",
     "windows-cmd", "dotenv", "process"]
)  # fmt: skip
names = st.sampled_from(
    ["OPENAI_API_KEY", "BEDROCK_MANTLE_API_KEY", "", "1X", "A-B", "AWS_REGION", "AWS_PROFILE",
     "X" * 300, "\u00e9", "A B", "bedrock-api-key-ABC", "_"]
)  # fmt: skip
profiles = st.sampled_from(["p", "default", "missing", "", "p ", "\u00e9", "-p"])
#: One row per option that takes a value: (spellings, values).  Extend here.
OPTIONS: List[Tuple[List[str], st.SearchStrategy[str]]] = [
    (["--region", "-r"], regions),
    (["--profile", "-p"], profiles),
    (["--expiry", "-e"], durations),
    (["--format", "-f"], formats),
    (["--process-timeout"], durations),
    (["--min-valid"], durations),
    (["--env-var"], names),
]
#: Options without a value.
FLAGS = ["--verbose", "-v", "--version", "-V", "--help", "-h", "--no-cache"]
#: inspect's options with a value, and its flags.
INSPECT_OPTIONS: List[Tuple[List[str], st.SearchStrategy[str]]] = [(["--min-valid"], durations)]
INSPECT_FLAGS = ["--json", "--check", "--help", "-h"]
#: The options exec accepts (every value option but --format).
EXEC_OPTIONS = [row for row in OPTIONS if "--format" not in row[0]]

# Text that argv can carry: anything but NUL (and lone surrogates, which the
# process boundary cannot pass as they are; os.fsencode would fail first).
argv_text = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        st.sampled_from(
            NASTY.replace("\x00", "")
            .replace("\udc80", "")
            .replace("\udcff", "")
            .replace("\ud800", "")
        ),
    ),
    max_size=30,
)
huge_numbers = st.integers(min_value=10**18, max_value=10**60).map(str)
hostile_values = st.one_of(argv_text, huge_numbers, st.just(""), durations, regions)


@st.composite
def option_args(
    draw: st.DrawFn, table: List[Tuple[List[str], st.SearchStrategy[str]]]
) -> List[str]:
    spellings, values = draw(st.sampled_from(table))
    name = draw(st.sampled_from(spellings))
    value = draw(st.one_of(values, values, hostile_values))
    form = draw(st.sampled_from(["separate", "separate", "equals", "missing"]))
    if form == "equals":
        return ["%s=%s" % (name, value)]
    if form == "missing":
        return [name]
    return [name, value]


unknown = st.one_of(
    st.sampled_from(["--regoin", "-x", "--", "-", "---", "--=", "--region=", "-rus-east-1"]),
    argv_text.map(lambda t: "--" + t),
    argv_text,
)


@st.composite
def token_argv(draw: st.DrawFn) -> List[str]:
    parts: List[List[str]] = draw(
        st.lists(
            st.one_of(
                option_args(OPTIONS),
                option_args(OPTIONS),
                st.sampled_from(FLAGS).map(lambda f: [f]),
                unknown.map(lambda u: [u]),
            ),
            max_size=5,
        )
    )
    return [arg for part in parts for arg in part]


#: Commands exec may name in-process: none of them can run.
NOT_RUNNABLE = ["/nonexistent/command", "no-such-command-zz", "/", "{notexec}", "", " "]


@st.composite
def exec_argv(draw: st.DrawFn, runnable: bool) -> List[str]:
    opts: List[List[str]] = draw(
        st.lists(
            st.one_of(
                option_args(EXEC_OPTIONS),
                st.sampled_from(["-v", "-h", "--no-cache", "--token-only"]).map(lambda f: [f]),
            ),
            max_size=3,
        )
    )
    argv = ["exec"] + [a for part in opts for a in part]
    if runnable:
        command = draw(
            st.sampled_from([["true"], ["false"], ["/bin/echo", "x"]] + [[c] for c in NOT_RUNNABLE])
        )
    else:
        command = [draw(st.sampled_from(NOT_RUNNABLE))]
    command += draw(st.lists(argv_text.filter(lambda a: "/" not in a), max_size=2))
    if draw(st.booleans()):
        argv.append("--")
    if not draw(st.integers(0, 5)):  # no command at all
        return argv
    return argv + command


@st.composite
def inspect_argv(draw: st.DrawFn) -> Tuple[List[str], Optional[str]]:
    """(argv, what stdin holds)."""
    token = draw(
        st.sampled_from(["{token}", "{token}x", "{token}".upper(), "", "-", "bedrock-api-key-"])
        | argv_text
    )
    parts: List[List[str]] = draw(
        st.lists(
            st.one_of(
                option_args(INSPECT_OPTIONS),
                st.sampled_from([*INSPECT_FLAGS, "--jsn", "--"]).map(lambda f: [f]),
            ),
            max_size=3,
        )
    )
    argv = ["inspect"] + [a for part in parts for a in part]
    stdin: Optional[str] = None
    if draw(st.booleans()):
        argv.append(token)
    else:
        stdin = token
    return argv, stdin


# -- the run and the checks --------------------------------------------------------------


def _home(base: Path) -> Dict[str, str]:
    (base / ".aws").mkdir(exist_ok=True)
    (base / ".aws" / "config").write_text(
        "[profile p]\nregion = eu-west-3\naws_access_key_id = AKIDCLIPROFILE\n"
        "aws_secret_access_key = %s\naws_session_token = %s\n" % (SECRET, TOKEN)
    )
    (base / "notexec").write_text("#!/bin/sh\n")
    (base / "empty-path").mkdir(exist_ok=True)
    return {
        "HOME": str(base),
        "PATH": str(base / "empty-path"),
        "AWS_ACCESS_KEY_ID": "AKIDCLIHOSTILE",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": TOKEN,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9/",
    }


def _fill(argv: List[str], base: Path, token: str) -> List[str]:
    return [a.replace("{notexec}", str(base / "notexec")).replace("{token}", token) for a in argv]


def _a_token() -> str:
    creds = btl.Credentials("AKIDCLIHOSTILE", SECRET, TOKEN)
    return btl.generate_token(creds, "us-east-1")


def check(argv: List[str], status: int, stdout: str, stderr: str) -> None:
    """The assertion set of one run of the command."""
    assert status in DOCUMENTED, "exit status %r is not documented" % (status,)
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    verbose = any(a in ("-v", "--verbose") for a in argv)
    # exec ran `false`: the status is the command's own, with no error line of ours.
    child_failed = argv[:1] == ["exec"] and "false" in argv and status == 1
    if stderr:
        assert stderr.endswith("\n")
        errors = [line for line in lines if line.startswith("bedrock-token: error: ")]
        if not verbose:
            assert len(lines) == 1, "stderr holds %d lines" % len(lines)
        if status and not child_failed:
            assert errors, "a failure without an error line"
            assert lines[-1] == errors[-1]
            assert len(errors) == 1
        # "unexpected ValueError": not a library error (its message is not shown)
        assert not re.search(r"error: unexpected [A-Z]\w*(Error|Exception)\b", stderr), lines[-1]
    elif not child_failed:
        assert status in (0, 141), "a failure without an error line"
    assert_clean(stderr, SECRETS, "stderr")
    asked_for_token = status == 0 and (not argv or argv[0] not in ("inspect", "exec"))
    if not asked_for_token:
        assert_clean(stdout, SECRETS, "stdout")


@contextlib.contextmanager
def _environ(values: Dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _in_process(argv: List[str], stdin: Optional[str] = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        env = _home(base)
        filled = _fill(argv, base, _a_token())
        out, err = io.StringIO(), io.StringIO()
        with _environ(env):
            status = _cli.main(filled, out, err, io.StringIO(stdin or ""))
        event("exit %d" % status)
        check(filled, status, out.getvalue(), err.getvalue())


@settings(max_examples=EXAMPLES)
@given(token_argv())
def test_token_command(argv: List[str]) -> None:
    _in_process(argv)


@settings(max_examples=max(10, EXAMPLES // 2))
@given(exec_argv(runnable=False))
def test_exec_command(argv: List[str]) -> None:
    _in_process(argv)


@settings(max_examples=max(10, EXAMPLES // 2))
@given(inspect_argv())
def test_inspect_command(case: Tuple[List[str], Optional[str]]) -> None:
    argv, stdin = case
    _in_process(argv, stdin)


def _fs_safe(argv: List[str]) -> bool:
    try:
        for arg in argv:
            os.fsencode(arg)
    except UnicodeError:
        return False
    return True


@settings(max_examples=SUBPROCESS_EXAMPLES)
@given(st.one_of(token_argv(), exec_argv(runnable=True), inspect_argv().map(lambda p: p[0])))
@example(["exec", "false"])  # the command's own status: found on 3.9 in CI
@example(["exec", "-v", "false"])
def test_subprocess(argv: List[str]) -> None:
    """The real command: the same properties, through a real process and its pipes."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        env = _home(base)
        env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")  # true, false, echo
        env["PYTHONPATH"] = str(Path(_cli.__file__).resolve().parent.parent)
        filled = _fill(argv, base, _a_token())
        if not _fs_safe(filled):
            return
        done = subprocess.run(
            [sys.executable, "-m", "bedrock_token_lite", *filled],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
        )
        stdout = done.stdout.decode("utf-8", "replace")
        stderr = done.stderr.decode("utf-8", "replace")
        event("exit %d" % done.returncode)
        check(filled, done.returncode, stdout, stderr)


def test_exec_with_an_empty_command_name_is_command_not_found() -> None:
    """Found by test_exec_command: os.execvpe refuses '' with a ValueError (was "unexpected")."""
    with tempfile.TemporaryDirectory() as tmp:
        env = _home(Path(tmp))
        out, err = io.StringIO(), io.StringIO()
        with _environ(env):
            status = _cli.main(["exec", "--", ""], out, err, io.StringIO())
    assert status == 127
    assert err.getvalue() == (
        "bedrock-token: error: command not found: '' (check the name and PATH)\n"
    )
