"""The INI layer against botocore's ``configloader``, in-process (pure functions of a file).

Every text of ``scenarios.INI_TEXTS`` and ``PROFILE_HEADERS`` is parsed by
``raw_config_parse`` and ``load_config`` on both sides; the dicts (or the
error class and message prefix) must agree.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Tuple

import pytest
import scenarios as S
from _support import requires_botocore, sample
from hypothesis import example, given
from hypothesis import strategies as st

from bedrock_token_lite._config import ini as _ini
from bedrock_token_lite._errors import ConfigNotFound, ConfigParseError

TEXTS = sample(
    [(n, t) for n, t in S.INI_TEXTS] + [(n, t) for n, t, _ in S.PROFILE_HEADERS], every=3
)


def _outcome(fn: Callable[[], Any]) -> Tuple[str, Any]:
    try:
        return ("ok", fn())
    except Exception as e:
        return (type(e).__name__, str(e))


def test_texts_found() -> None:
    assert len(TEXTS) >= 25


@requires_botocore
@pytest.mark.parametrize(("name", "text"), TEXTS, ids=[n for n, _ in TEXTS])
def test_parse_like_botocore(tmp_path: Path, name: str, text: Any) -> None:
    from botocore import configloader

    path = tmp_path / "file"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    for ours_fn, theirs_fn in (
        (_ini.raw_config_parse, configloader.raw_config_parse),
        (_ini.load_config, configloader.load_config),
    ):
        ours = _outcome(lambda f=ours_fn: f(str(path)))  # type: ignore[misc]
        theirs = _outcome(lambda f=theirs_fn: f(str(path)))  # type: ignore[misc]
        assert ours[0] == theirs[0], (ours, theirs)
        if ours[0] == "ok":
            assert ours[1] == theirs[1]
        else:
            assert ours[1].startswith(theirs[1]), (ours, theirs)
            assert "SECRET" not in ours[1]


@requires_botocore
@pytest.mark.parametrize(
    "path",
    ["{d}/file", "$BTLDIR/file", "${BTLDIR}/file", "$NOPE_BTL/file", "{d}", "", "{d}/missing"],
)
def test_paths_like_botocore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    from botocore import configloader

    (tmp_path / "file").write_text("[default]\nregion = r\n")
    monkeypatch.setenv("BTLDIR", str(tmp_path))
    path = path.replace("{d}", str(tmp_path))
    assert _outcome(lambda: _ini.raw_config_parse(path)) == _outcome(
        lambda: configloader.raw_config_parse(path)
    )


def test_expand_over_injected_environment() -> None:
    env = {"HOME": "/h", "X": "/x"}
    assert _ini.expand_path("~/a", env) == "/h/a"
    assert _ini.expand_path("~", env) == "/h"
    assert _ini.expand_path("~/a", env, "/other/") == "/other/a"
    assert _ini.expand_path("$X/a:${X}:$Y:${Y", env) == "/x/a:/x:$Y:${Y"
    assert _ini.expand_path("$HOME/a", env) == "/h/a"  # vars first, then ~
    assert _ini.expandvars("no vars", env) == "no vars"
    assert _ini.expanduser("/abs/~", env) == "/abs/~"


def test_parse_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("[default]\nregion = r\naws_secret_access_key SECRETleak001\n")
    with pytest.raises(ConfigParseError) as info:
        _ini.raw_config_parse(str(path))
    message = str(info.value)
    assert str(path) in message
    assert "line 3" in message
    assert "SECRETleak001" not in message
    assert "Fix" in message
    assert info.value.lineno == 3
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[a]\n[a]\n", "line 2: section [a] appears twice"),
        ("[a]\nk = 1\nK = 2\n", "line 3: option 'k' appears twice in section [a]"),
        ("k = SECRETabc123\n", "line 1: text before the first [section] header"),
        ("[a]\nk =\n  bad\n", "option 'k' in section [a]"),
    ],
)
def test_parse_error_details(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "f"
    path.write_text(text)
    with pytest.raises(ConfigParseError) as info:
        _ini.raw_config_parse(str(path))
    assert fragment in str(info.value)
    assert "SECRET" not in str(info.value)


def test_missing_file_is_config_not_found(tmp_path: Path) -> None:
    with pytest.raises(ConfigNotFound) as info:
        _ini.raw_config_parse(str(tmp_path / "nope"))
    assert isinstance(info.value, FileNotFoundError)
    assert str(tmp_path / "nope") in str(info.value)


@requires_botocore
@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file_parses_as_empty_like_botocore(tmp_path: Path) -> None:
    from botocore import configloader

    path = tmp_path / "credentials"
    path.write_text("[default]\nregion = r\n")
    path.chmod(0)
    assert _ini.raw_config_parse(str(path)) == configloader.raw_config_parse(str(path)) == {}


_UNREADABLE_CHILD = """
import json, os, sys, tempfile
sys.path.insert(0, sys.argv[1])
from botocore import configloader
from bedrock_token_lite._config import ini as _ini
d = tempfile.mkdtemp()
path = os.path.join(d, "credentials")
with open(path, "w") as f:
    f.write("[default]\\nregion = r\\n")
os.chmod(path, 0)
try:
    open(path).close()
    readable = True
except PermissionError:
    readable = False
ours = _ini.raw_config_parse(path)
theirs = configloader.raw_config_parse(path)
os.chmod(path, 0o600)
os.remove(path)
os.rmdir(d)
print(json.dumps({"readable": readable, "ours": ours, "theirs": theirs}))
"""


@requires_botocore
@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or not sys.platform.startswith("linux"),
    reason="the variant above runs as non-root",
)
def test_unreadable_file_parses_as_empty_like_botocore_as_root() -> None:
    """CI runs as root, who reads any file: a child without the capabilities that let
    root ignore file modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) checks it there."""
    import ctypes
    import json
    import subprocess

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2

    def drop() -> None:  # pragma: no cover - runs in the child, before exec
        for cap in (cap_dac_override, cap_dac_read_search):
            if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
                os._exit(77)

    root = str(Path(_ini.__file__).resolve().parents[1])
    proc = subprocess.run(  # preexec_fn drops the capabilities in the child only
        [sys.executable, "-c", _UNREADABLE_CHILD, root],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
        env={"PATH": os.environ.get("PATH", ""), "HOME": "/nonexistent"},
        preexec_fn=drop,
        check=False,
    )
    if proc.returncode == 77:
        pytest.skip("this root cannot drop capabilities (no CAP_SETPCAP)")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result == {"readable": False, "ours": {}, "theirs": {}}


_HEADER_CHARS = "ab1-_.' \"\\\t\r\n\x0b\x0c\x1c\x85\xa0\u2028\u3000#;"


@given(
    st.text(st.sampled_from(_HEADER_CHARS), max_size=12).map(lambda rest: "profile" + rest)
    | st.text(st.sampled_from(_HEADER_CHARS), max_size=14)
)
@example("profile dev")
@example("profile  dev\t")
@example("profile\tdev")
@example("profile\x0bdev")  # a vertical tab: str.split splits here, shlex does not
@example("profile\xa0dev")
@example("profile 'my dev'")
@example('profile "a b" c')
@example("profile 'open")
@example("profile a\\ b")
@example("profile #dev")
def test_header_split_is_shlex_split(name: str) -> None:
    """``[profile x]`` headers split as ``shlex.split`` does, with or without shlex loaded."""
    import shlex

    try:
        parts = shlex.split(name)
        expected = parts[1] if len(parts) == 2 else None
    except ValueError:
        expected = None
    assert _ini._split_header(name) == expected


def test_plain_headers_do_not_load_shlex_or_re(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[default]\nregion = r\n[profile dev]\nregion = d\n[sso-session s]\nx = 1\n")
    code = (
        "import sys\n"
        "from bedrock_token_lite._config import ini as _ini\n"
        "mapped = _ini.load_config(sys.argv[1])\n"
        "print(sorted(mapped['profiles']), sorted(mapped['sso_sessions']),\n"
        "      sorted({'shlex', 're', 'configparser'} & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(config)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "['default', 'dev'] ['s'] []"


def test_a_parse_error_keeps_no_copy_of_the_file(tmp_path: Path) -> None:
    """The decode error (its ``object`` is the whole file) must not ride along as
    ``__context__``: ``from None`` hides it from tracebacks but keeps it."""
    path = tmp_path / "config"
    path.write_bytes(b"[default]\naws_secret_access_key = CANARYsecret\n\xff\n")
    with pytest.raises(ConfigParseError) as info:
        _ini.raw_config_parse(str(path))
    assert info.value.__context__ is None
    assert "CANARY" not in repr(info.value)
