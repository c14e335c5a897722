"""The variable formats of ``--format``, for any text, read back by the real readers.

sh and dash (always), bash, fish and docker's ``--env-file`` reader run for
real; python-dotenv is a test dependency and Node's dotenv runs when node and
the package are installed (``.ci/run`` installs it).  PowerShell is not
installable here (no Debian, PyPI or npm package ships it), so its lines are
read by a small tokenizer of verbatim strings written from the PowerShell
language specification; cmd.exe lines by a model of cmd's batch-line phases
(percent expansion, quotes and carets, ``set "NAME=value"``), written from
cmd's documented behaviour.  Both models are checked on hand-made cases too.
"""

from __future__ import annotations

import base64
import http.server
import io
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Callable, ClassVar, Dict, Iterator, List, Optional, Tuple

import pytest
from _support import QUICK, ROOT
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bedrock_token_lite import _shell
from bedrock_token_lite._shell import (
    VARIABLE_FORMATS,
    assignments,
    cmd_set,
    dotenv_line,
    fish_quote,
    is_portable_name,
    powershell_quote,
    sh_quote,
)

PREFIX = "bedrock-api-key-"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
#: How often a property that starts a process per example runs.
RUNS = settings(max_examples=8 if QUICK else 60, deadline=None)

#: Any text but NUL (no environment variable can hold one) and lone surrogates.
any_char = st.characters(blacklist_categories=("Cs",), blacklist_characters="\0")
#: Text biased towards what shells and tools treat specially.
special = st.sampled_from(
    [*"'\"`\\$!%^&|<>()#;*?[]{}~=:@, \t\n\r-", "\u2018", "\u2019", "\u201a", "\u201b"]
)
values = st.text(st.one_of(any_char, special), max_size=40)
value_lists = st.lists(values, min_size=1, max_size=12)
#: Hard cases worth running every time: fish once kept its own private-use range
#: (U+F600-U+F6FF) for undecodable bytes; NEL and U+2028 are line breaks to some.
HARD = ["", "'", "\\'", "'\\", "\uf600\uf6ff", "\x85\u2028\u2029", "\ufffe\U0010ffff", "-e", "--"]
tokens = st.builds(lambda s: PREFIX + s, st.text(B64, max_size=400))

ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def _names(count: int) -> List[str]:
    return ["V%d" % i for i in range(count)]


def _script(fmt: str, vals: List[str]) -> str:
    return "".join(assignments(fmt, [n], v) for n, v in zip(_names(len(vals)), vals))


def _printed(stdout: bytes, count: int) -> List[str]:
    parts = stdout.decode("utf-8").split("\0")
    assert parts[-1] == "", parts
    assert len(parts) == count + 1, parts
    return parts[:-1]


def _posix_shells() -> List[str]:
    return [s for s in ("sh", "dash", "bash") if shutil.which(s)]


# -- POSIX shells ----------------------------------------------------------------------


def _run_posix(shell: str, fmt: str, vals: List[str], tmp: Path, how: str) -> List[str]:
    script = tmp / ("vars-%s.sh" % fmt)
    script.write_text(_script(fmt, vals), encoding="utf-8")
    load = '. "$1"' if how == "source" else 'eval "$(cat "$1")"'
    show = "printf '%s\\0'" + "".join(' "$%s"' % n for n in _names(len(vals)))
    result = subprocess.run(
        [shell, "-c", load + "\n" + show, shell, str(script)],
        env=ENV,
        capture_output=True,
        timeout=30,
        check=True,
    )
    return _printed(result.stdout, len(vals))


def test_the_posix_shells_are_there() -> None:
    assert {"sh", "dash"} <= set(_posix_shells()) or os.name != "posix"


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX shells")
@pytest.mark.parametrize("fmt", ["env", "env-no-export"])
@pytest.mark.parametrize("how", ["source", "eval"])
@RUNS
@given(vals=value_lists)
@example(vals=HARD)
def test_posix_lines_read_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, fmt: str, how: str, vals: List[str]
) -> None:
    tmp = tmp_path_factory.mktemp("posix")
    for shell in _posix_shells():
        assert _run_posix(shell, fmt, vals, tmp, how) == vals, shell


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX shells")
def test_env_exports_and_env_no_export_does_not(tmp_path: Path) -> None:
    for fmt, exported in (("env", "yes it's\nhere"), ("env-no-export", "")):
        script = tmp_path / "v.sh"
        script.write_text(assignments(fmt, ["V"], "yes it's\nhere"))
        child = "python3 -c \"import os; print(os.environ.get('V', ''), end='')\""
        for shell in _posix_shells():
            result = subprocess.run(
                [shell, "-c", '. "$1"; ' + child, shell, str(script)],
                env=ENV,
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            )
            assert result.stdout == exported, (shell, fmt)


def test_sh_quote_by_hand() -> None:
    assert sh_quote("") == "''"
    assert sh_quote("it's") == "'it'\"'\"'s'"
    assert sh_quote("$HOME `x` \\n") == "'$HOME `x` \\n'"


# -- fish ------------------------------------------------------------------------------

FISH = shutil.which("fish")
needs_fish = pytest.mark.skipif(
    FISH is None, reason="fish is not installed (.ci/run installs it with apt-get)"
)


def _run_fish(vals: List[str], tmp: Path, how: str) -> List[str]:
    assert FISH is not None
    script = tmp / "vars.fish"
    script.write_text(_script("fish", vals), encoding="utf-8")
    load = "source $argv[1]" if how == "source" else "cat $argv[1] | source"
    show = "printf '%s\\0'" + "".join(' "$%s"' % n for n in _names(len(vals)))
    result = subprocess.run(
        [FISH, "--no-config", "-c", load + "; " + show, str(script)],
        env=ENV,
        capture_output=True,
        timeout=30,
        check=True,
    )
    return _printed(result.stdout, len(vals))


@needs_fish
@pytest.mark.parametrize("how", ["source", "pipe"])
@RUNS
@given(vals=value_lists)
@example(vals=HARD)
def test_fish_lines_read_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, how: str, vals: List[str]
) -> None:
    assert _run_fish(vals, tmp_path_factory.mktemp("fish"), how) == vals


def test_fish_quote_by_hand() -> None:
    assert fish_quote("a\\b'c") == "'a\\\\b\\'c'"
    assert fish_quote("$x (y)") == "'$x (y)'"


# -- PowerShell ------------------------------------------------------------------------


def powershell_read(line: str) -> Tuple[str, str]:
    """(name, value) of ``$Env:NAME = '...'``, as PowerShell's tokenizer reads a verbatim string.

    The language specification (2.3.5.2, verbatim-string-literal): the string
    starts and ends with a single-quote-character (' U+2018 U+2019 U+201A
    U+201B); inside it two of them in a row stand for the second, and every
    other character, a line break included, for itself.  Nothing else is
    special: no escapes, no variables.
    """
    head = "$Env:"
    assert line.startswith(head)
    name, sep, rest = line[len(head) :].partition(" = ")
    assert sep, line
    assert rest[:1] in tuple(_shell.POWERSHELL_QUOTES), line
    out = []
    i = 1
    while True:
        assert i < len(rest), "unterminated string"
        c = rest[i]
        if c in _shell.POWERSHELL_QUOTES:
            if i + 1 < len(rest) and rest[i + 1] in _shell.POWERSHELL_QUOTES:
                out.append(rest[i + 1])
                i += 2
                continue
            i += 1
            break
        out.append(c)
        i += 1
    assert rest[i:] == "", "text after the string: %r" % rest[i:]
    return name, "".join(out)


def test_the_powershell_reader_by_hand() -> None:
    # the specification's own example and its typographic quotes
    assert powershell_read("$Env:A = 'It''s'") == ("A", "It's")
    assert powershell_read("$Env:A = \u2018a\u2019\u2019b\u2019") == ("A", "a\u2019b")
    assert powershell_read("$Env:A = '$x `n'") == ("A", "$x `n")
    with pytest.raises(AssertionError):
        powershell_read("$Env:A = 'it's'")  # a quote ends the string early
    with pytest.raises(AssertionError):
        powershell_read("$Env:A = 'open")


@given(value=values)
@example(value="it's \u2018a\u2019 \u201ab\u201b ''")
@example(value="$env:HOME `n @(x) $(y)\n")
def test_powershell_lines_read_back_exactly(value: str) -> None:
    line = assignments("powershell", ["NAME"], value)
    assert line.endswith("\n")
    assert powershell_read(line[:-1]) == ("NAME", value)


def test_powershell_quote_by_hand() -> None:
    assert powershell_quote("it's \u2018x\u2019") == "'it''s \u2018\u2018x\u2019\u2019'"


# -- cmd.exe ---------------------------------------------------------------------------


def cmd_read(line: str, env: Optional[Dict[str, str]] = None) -> Tuple[str, str]:
    """(name, value) that the batch line ``set "NAME=..."`` sets, delayed expansion off.

    Phase 1 (percent): ``%%`` is one ``%``; ``%NAME%`` is the variable (a lone
    ``%`` starts an expansion, which the model refuses).  Phase 2: ``"``
    toggles quoting; outside quotes ``^`` makes the next character plain (at
    the end of the line it continues the line) and ``& | < > ( )`` end or
    redirect the command.  Then SET, given ``"NAME=value"...``, drops the first
    quote and everything from the last one.
    """
    text = []
    i = 0
    while i < len(line):
        c = line[i]
        if c == "%":
            end = line.find("%", i + 1)
            assert end > 0, "a lone %"
            key = line[i + 1 : end]
            assert key == "" or (env and key in env), "an expansion of %r" % key
            text.append("%" if key == "" else (env or {})[key])
            i = end + 1
            continue
        assert c >= " ", "a control character in a line"
        text.append(c)
        i += 1
    s = "".join(text)
    inside = False
    plain = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == '"':
            inside = not inside
        elif not inside and c == "^":
            i += 1
            assert i < len(s), "a caret continues the line"
            c = s[i]
        elif not inside and c in "&|<>()":
            raise AssertionError("%r outside quotes" % c)
        plain.append(c)
        i += 1
    command = "".join(plain)
    assert command.startswith('set "'), command
    argument = command[len("set ") :]
    body = argument[1 : argument.rindex('"')]
    name, sep, value = body.partition("=")
    assert sep
    return name, value


def test_the_cmd_reader_by_hand() -> None:
    assert cmd_read('set "A=x&y"') == ("A", "x&y")
    assert cmd_read('set "A=100%%"') == ("A", "100%")
    assert cmd_read('set "A=%B%"', {"B": "b"}) == ("A", "b")
    assert cmd_read('set "A=say "hi""') == ("A", 'say "hi"')
    assert cmd_read('set "A=x"^&y"') == ("A", 'x"&y')
    with pytest.raises(AssertionError):
        cmd_read('set "A=x"&calc"')  # a quote in the value lets & run a command
    with pytest.raises(AssertionError):
        cmd_read('set "A=50%"')


def _refused_or_line(line: Callable[[str, str], str], value: str) -> Optional[str]:
    """``line("NAME", value)``, or None when it refuses ``value`` with a message that keeps
    the value out (only the character at fault may be named)."""
    try:
        return line("NAME", value)
    except ValueError as exc:
        message = str(exc)
    assert message.startswith("--format ")
    if len(value) > 3:
        assert value not in message
    return None


def cmd_safe(value: str) -> bool:
    return "!" not in value and all(not (c < " " or "\x7f" <= c <= "\x9f") for c in value)


@given(value=values)
@example(value='say "a&b" | "c"')  # a quote leaves & and | outside quotes
@example(value='"^"(x)<y>')
@example(value="100% %PATH% %%")
def test_windows_cmd_lines_read_back_exactly_or_are_refused(value: str) -> None:
    line = _refused_or_line(cmd_set, value)
    assert (line is not None) is cmd_safe(value)
    if line is not None:
        assert cmd_read(line) == ("NAME", value)


@given(value=st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="!")))
def test_windows_cmd_holds_all_but_bang_and_control_characters(value: str) -> None:
    assert cmd_read(cmd_set("N", value)) == ("N", value)


# -- dotenv ----------------------------------------------------------------------------


def _dotenv_ok(value: str) -> bool:
    return (
        value.isprintable() and value == value.strip() and not any(c in value for c in "#'\"`\\$")
    )


dotenv_safe = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).filter(_dotenv_ok)


def _python_dotenv(text: str) -> Dict[str, Optional[str]]:
    dotenv = pytest.importorskip("dotenv", reason="python-dotenv (a test dependency) is missing")
    return dict(dotenv.dotenv_values(stream=io.StringIO(text)))


NODE = shutil.which("node")
NODE_MODULES = Path(os.environ.get("BTL_NODE_MODULES", ROOT / ".ci-node" / "node_modules"))
# Opt-in, like the JS vectors: the tests never need node.
needs_node_dotenv = pytest.mark.skipif(
    NODE is None or "BTL_NODE_MODULES" not in os.environ or not (NODE_MODULES / "dotenv").is_dir(),
    reason="set BTL_NODE_MODULES to a node_modules holding dotenv (npm install dotenv@17) "
    "to compare with Node's dotenv",
)


def _node_dotenv(path: Path) -> Dict[str, str]:
    assert NODE is not None
    code = (
        "const fs = require('fs');"
        "process.stdout.write(JSON.stringify(require('dotenv').parse(fs.readFileSync(process.argv[1]))))"
    )
    result = subprocess.run(
        [NODE, "-e", code, str(path)],
        env=dict(ENV, NODE_PATH=str(NODE_MODULES)),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    document: Dict[str, str] = json.loads(result.stdout)
    return document


DOCKER = shutil.which("docker")
needs_docker = pytest.mark.skipif(DOCKER is None, reason="the docker command is not installed")


class _FakeDaemon(http.server.BaseHTTPRequestHandler):
    """Answers the docker client's ping; keeps each container-create body and refuses it."""

    bodies: ClassVar[List[bytes]] = []

    def _ping(self) -> None:
        self.send_response(200)
        self.send_header("API-Version", "1.43")
        self.send_header("OSType", "linux")
        self.send_header("Content-Length", "2")
        self.end_headers()

    def do_HEAD(self) -> None:
        self._ping()

    def do_GET(self) -> None:
        self._ping()
        self.wfile.write(b"OK")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        type(self).bodies.append(self.rfile.read(length))
        body = b'{"message":"test daemon: not created"}'
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def docker_env_file(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[Path], List[str]]]:
    """``read(path)``: the Env list the real docker client sends for ``--env-file path``.

    The client parses the file itself, then posts the container's
    configuration to a fake daemon on 127.0.0.1, which keeps it.
    """
    home = tmp_path_factory.mktemp("docker-home")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeDaemon)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def read(path: Path) -> List[str]:
        assert DOCKER is not None
        _FakeDaemon.bodies.clear()
        result = subprocess.run(
            [DOCKER, "create", "--env-file", str(path), "btl-test-image"],
            env=dict(ENV, HOME=str(home), DOCKER_HOST="tcp://127.0.0.1:%d" % server.server_port),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "test daemon: not created" in result.stderr, result.stderr
        assert len(_FakeDaemon.bodies) == 1
        env: List[str] = json.loads(_FakeDaemon.bodies[0])["Env"] or []
        return env

    try:
        yield read
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _dotenv_file(vals: List[str], tmp: Path) -> Tuple[Path, Dict[str, str]]:
    path = tmp / "vars.env"
    expected = dict(zip(_names(len(vals)), vals))
    path.write_text(_script("dotenv", vals), encoding="utf-8")
    return path, expected


@given(value=values)
def test_dotenv_lines_read_back_in_python_dotenv_or_are_refused(value: str) -> None:
    line = _refused_or_line(dotenv_line, value)
    assert (line is not None) is _dotenv_ok(value)
    if line is not None:
        assert _python_dotenv(line + "\n") == {"NAME": value}


@given(vals=st.lists(dotenv_safe, min_size=1, max_size=12))
def test_python_dotenv_reads_every_value_dotenv_accepts(vals: List[str]) -> None:
    text = _script("dotenv", vals)
    assert _python_dotenv(text) == dict(zip(_names(len(vals)), vals))


@needs_node_dotenv
@RUNS
@given(vals=st.lists(dotenv_safe, min_size=1, max_size=12))
def test_node_dotenv_reads_every_value_dotenv_accepts(
    tmp_path_factory: pytest.TempPathFactory, vals: List[str]
) -> None:
    path, expected = _dotenv_file(vals, tmp_path_factory.mktemp("node"))
    assert _node_dotenv(path) == expected


@needs_docker
@RUNS
@given(vals=st.lists(dotenv_safe, min_size=1, max_size=12))
def test_docker_env_file_reads_every_value_dotenv_accepts(
    tmp_path_factory: pytest.TempPathFactory,
    docker_env_file: Callable[[Path], List[str]],
    vals: List[str],
) -> None:
    path, expected = _dotenv_file(vals, tmp_path_factory.mktemp("docker"))
    assert docker_env_file(path) == ["%s=%s" % item for item in expected.items()]


def _refused_samples() -> List[str]:
    return ["a#b", "'q'", '"q"', "`q`", "a\\b", "${HOME}", "$HOME", " lead", "trail ", "a\nb", "\t"]


@pytest.mark.parametrize("value", _refused_samples())
def test_dotenv_refuses_what_a_reader_would_change(value: str) -> None:
    with pytest.raises(ValueError, match="--format dotenv cannot hold"):
        dotenv_line("N", value)


@needs_node_dotenv
@needs_docker
def test_the_three_readers_disagree_on_values_dotenv_refuses(
    tmp_path: Path, docker_env_file: Callable[[Path], List[str]]
) -> None:
    """Why the refusals: written unquoted, each such value is read differently by one reader.

    (Backslashes and a ``$`` not followed by ``{`` are read alike by these three; they
    are refused for the readers that expand or escape them: dotenv-expand, docker
    compose, ``set -a; . ./.env``.)
    """
    disputed = ["a#b", "a #b", "'q'", '"q"', "`q`", "${HOME}", " lead", "trail "]
    lines = {"V%d" % i: v for i, v in enumerate(disputed)}
    path = tmp_path / "raw.env"
    path.write_text("".join("%s=%s\n" % item for item in lines.items()), encoding="utf-8")
    readings = [
        _python_dotenv(path.read_text(encoding="utf-8")),
        _node_dotenv(path),
        dict(item.split("=", 1) for item in docker_env_file(path)),
    ]
    for name, value in lines.items():
        with pytest.raises(ValueError, match="--format dotenv cannot hold"):
            dotenv_line(name, value)
        seen = [reading.get(name) for reading in readings]
        assert seen != [value] * 3, (value, seen)


# -- every format ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", VARIABLE_FORMATS)
@given(token=tokens)
def test_every_token_fits_every_format(fmt: str, token: str) -> None:
    lines = assignments(fmt, ["AWS_BEARER_TOKEN_BEDROCK", "OPENAI_API_KEY"], token)
    assert lines.count("\n") == 2
    assert lines.count(token) == 2  # no token character needs escaping in any format


@pytest.mark.parametrize("fmt", VARIABLE_FORMATS)
def test_a_nul_is_refused_by_every_format_without_quoting_the_value(fmt: str) -> None:
    secret = PREFIX + base64.b64encode(b"secret-CANARY").decode() + "\0"
    with pytest.raises(ValueError, match="--format %s cannot hold" % fmt) as info:
        assignments(fmt, ["N"], secret)
    assert "CANARY" not in str(info.value)
    assert PREFIX not in str(info.value)


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("A", True),
        ("_", True),
        ("OPENAI_API_KEY", True),
        ("a1_b2", True),
        ("", False),
        ("1A", False),
        ("A-B", False),
        ("A B", False),
        ("A=B", False),
        ("\u00c9T\u00c9", False),
        ("A\n", False),
    ],
)
def test_portable_names(name: str, ok: bool) -> None:
    assert is_portable_name(name) is ok
