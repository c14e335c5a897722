"""Our INI reader (``_iniparse``) against ``configparser.RawConfigParser()`` of the running Python.

botocore reads its files with the running Python's ``RawConfigParser``, so that
is the oracle here, not a botocore version: these tests run on every Python,
3.7 included.  Each file text is written to disk and read by both sides the
same way (``cp.read([path])`` against ``_iniparse.read(path)``); both must give
the same ``{section: {option: value}}`` as ``cp.options``/``cp.get`` see it
(``[DEFAULT]`` merged, in the same order) and the same "was read" flag, or
fail with the same kind of error at the same line(s).  The same files also go
through ``_ini.raw_config_parse``, whose ``ConfigParseError`` must read as it
did when ``configparser`` itself parsed (the mapping is ``_expected_detail``).
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple, Union

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bedrock_token_lite._config import ini as _ini
from bedrock_token_lite._config import iniparse as _iniparse
from bedrock_token_lite._errors import ConfigParseError

ROOT = Path(__file__).resolve().parents[2]

Outcome = Tuple[Any, ...]


def _theirs(path: str) -> Outcome:
    cp = configparser.RawConfigParser()
    try:
        read = cp.read([path])
    except configparser.DuplicateOptionError as e:
        return ("duplicate option", e.section, e.option, e.lineno)
    except configparser.DuplicateSectionError as e:
        return ("duplicate section", e.section, e.lineno)
    except configparser.MissingSectionHeaderError as e:  # a ParsingError: first
        return ("missing header", e.lineno)
    except configparser.ParsingError as e:
        return ("parsing", [lineno for lineno, _line in e.errors])
    except UnicodeDecodeError as e:
        return ("decode", e.encoding, e.start, e.end, e.reason)
    view = [(s, [(o, cp.get(s, o)) for o in cp.options(s)]) for s in cp.sections()]
    return ("ok", view, bool(read))


def _ours(path: str) -> Outcome:
    try:
        sections, defaults, read = _iniparse.read(path)
    except _iniparse.DuplicateOptionError as e:
        return ("duplicate option", e.section, e.option, e.lineno)
    except _iniparse.DuplicateSectionError as e:
        return ("duplicate section", e.section, e.lineno)
    except _iniparse.MissingSectionHeaderError as e:
        return ("missing header", e.lineno)
    except _iniparse.ParsingError as e:
        return ("parsing", e.linenos)
    except UnicodeDecodeError as e:
        return ("decode", e.encoding, e.start, e.end, e.reason)
    view = [(s, list(o.items())) for s, o in _iniparse.view(sections, defaults).items()]
    return ("ok", view, read)


def _expected_detail(outcome: Outcome) -> Tuple[str, Optional[int]]:
    """What ``_ini._describe`` made of configparser's error before ``_iniparse`` existed."""
    kind = outcome[0]
    if kind == "duplicate option":
        return "option %r appears twice in section [%s]" % (outcome[2], outcome[1]), outcome[3]
    if kind == "duplicate section":
        return "section [%s] appears twice" % (outcome[1],), outcome[2]
    if kind == "missing header":
        return "text before the first [section] header", outcome[1]
    if kind == "parsing":
        lines = outcome[1]
        extra = "" if len(lines) < 2 else " (also lines %s)" % ", ".join(map(str, lines[1:]))
        return "a line that is not 'key = value'%s" % extra, lines[0]
    assert kind == "decode"
    detail = "bytes at offset %d are not valid %s; save the file as UTF-8 without a BOM"
    return detail % (outcome[2], outcome[1]), None


def _check(data: Union[str, bytes], directory: Path) -> Outcome:
    """Write ``data`` (text is encoded as UTF-8), compare both readers; the oracle's outcome."""
    path = directory / "file"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    theirs = _theirs(str(path))
    assert _ours(str(path)) == theirs
    _ini.clear_cache()  # each file parsed afresh
    if theirs[0] == "ok":
        expected = {s: dict(options) for s, options in theirs[1]}
        assert _ini.raw_config_parse(str(path), parse_subsections=False) == expected
    else:
        with pytest.raises(ConfigParseError) as info:
            _ini.raw_config_parse(str(path))
        detail, lineno = _expected_detail(theirs)
        assert str(info.value) == str(ConfigParseError(str(path), detail, lineno))
        assert info.value.lineno == lineno
        assert "SECRET" not in str(info.value)
    return theirs


# --- hand-picked files: one or more for every rule ---------------------------------------------

EXAMPLES: List[Union[str, bytes]] = [
    # empty files, blank and comment-only files
    "",
    "\n",
    "  \n\t\n",
    "# c\n; c\n",
    # headers: plain, spaced, trailing text, brackets inside, empty, unclosed, unicode, case
    "[a]\nk = v\n",
    "[ x ]\nk = v\n",
    "[a]b\nk = v\n",
    "[a] ; junk\nk = v\n",
    "[a]b]\nk = v\n",  # 'a]b' from 3.10, 'a' before
    "[]x]\nk = v\n",  # ']x' from 3.10, not a header before
    "[]]\nk = v\n",
    "[[a]]\nk = v\n",
    "[]\nk = v\n",
    "[a]\n[]\n",
    "[\nk = v\n",
    "[a\nk = v\n",
    "[é Σ]\nk = v\n",
    "[Default]\nk = v\n[default]\nk = w\n",
    "  [a]\n  k = v\n",
    # [DEFAULT]: merged into every section, not a section itself, may repeat
    "[DEFAULT]\nk = d\n",
    "[DEFAULT]\nk = d\nz = dz\n[a]\nk = a\n[b]\nx = b\n",
    "[a]\nx = 1\n[DEFAULT]\nk = d\n",
    "[DEFAULT]\nk = 1\n[DEFAULT]\nj = 2\n[a]\n",
    "[DEFAULT]\nk = 1\n[DEFAULT]\nK = 2\n",
    # option lines: both delimiters, the first one wins, spaces, empty values, case
    "[a]\nkey=value\nk2 : v2\nk3:\nk4 =\nk5 = = \nk6: a=b\nk7 = a:b\n",
    "[a]\nKEY = Value\nMixed Case Key = x\n",
    "[a]\nmy key = 1\nmy\tkey2\t=\t2\n",
    "[a]\nk = v # not a comment\nj = v ; neither\n",
    "[a]\nk =   spaced value   \t\n",
    "[a]\n\u03a3\u0391\u03a3 = greek\n\u0130 = dotted\n",  # final sigma, dotted I
    '[a]\nk = "quoted"\nj = %(x)s\n',
    # bad lines: collected, all reported at the end
    "[a]\nkey\n",
    "[a]\n=value\n",
    "[a]\n: value\n",
    "[a]\n  = v\n",
    "[a]\nk = 1\ngarbage\n  more\nother words\n",
    "[a]\n=1\n=2\n",  # an empty name is stored: the second one is a duplicate
    "[a]\n=1\n  indented\n",
    # missing section header: the first line that is not blank, a comment or a header
    "k = v\n",
    "# c\n\n  k = v\n[a]\n",
    "garbage\n[a]\n",
    "\ufeff[default]\nk = v\n",  # a BOM is text, not a header
    # duplicates: sections exactly, options case-insensitively; raised at once
    "[a]\n[a]\n",
    "[a]\n[A]\n",
    "[a]\nk = 1\nK = 2\n",
    "[a]\nk = 1\n[b]\nk = 2\n",
    "[a]\nbad line\nk = 1\nk = 2\n",
    "[a]\nk = 1\n  k = 2\n",  # a continuation, not a duplicate
    # continuation lines: deeper than the option's line, at any depth, tabs
    "[a]\nk = v\n  more\n    deeper\n  back\n",
    "[a]\nk =\n  x = 1\n  y = 2\n",
    "[a]\n  k = v\n    more\n  j = w\n",
    "[a]\n  k = v\n more\n",  # shallower: a new option line, here a bad one
    "[a]\nk = v\n\tmore\n",
    "[a]\nk = v\n  [b]\n  j = w\n",
    "[a]\nk = v\n\u00a0more\n",  # unicode whitespace indents too
    "[a]\nk = v\n\u3000\u2003more\n",
    # blank lines inside and after values
    "[a]\nk = v\n\n  more\n\n\n",
    "[a]\nk =\n\n  x\n\nj = w\n",
    "[a]\nk =\n\n\n",
    "[a]\nk = v\n \t \n",
    # comments: column 0, indented, inside continuation blocks
    "[a]\n# c\nk = v\n  # inside\n  more\n; c\n  ; c\n",
    "[a]\nk = v\n#\n  more\n",
    "[a]\n  #k = v\n",
    # line endings, trailing whitespace, no final newline
    "[a]\r\nk = v\r\n  more\r\n",
    "[a]\rk = v\r  more\r",
    "[a]\nk = v\r\n  more\rj = w",
    "[a]\nk = v  \t",
    "[a]\nk = v\x0c\n\x0b  \n",
    "[a]\nk = v\x85more\n",
    "[a]\nk = v\u2028more\n",
    # bytes that are not UTF-8, before and after a duplicate, and in a later chunk
    b"[a]\nk = \xff\n",
    b"\xef\xbb\xbf[a]\nk = v\n",
    b"[a]\n[a]\n" + b"# pad\n" * 2000 + b"k = \xff\n",
    b"[a]\n" + b"# pad\n" * 2000 + b"[a]\n\xff\n",
]


# --- generated files -------------------------------------------------------------------------

_NAMES = ["a", "A", "b", "default", "DEFAULT", "Default", " x ", "é", "Σ", "profile p", "a]b"]
_KEYS = ["k", "K", "key", "my key", "my\tkey", "é", "\u03a3\u0391\u03a3", "\u0130", "k ", "", " "]
_VALUES = ["", "", "v", "V", " spaced ", "a=b", "x:y", "# c", "; c", "[s]", "é", "=", ":", "%(k)s"]
_DELIMS = ["=", ":", " = ", " : ", "\t=\t", "=  ", " :"]
#: Indents and trailing space: mostly none, else ASCII or other Unicode whitespace.
_SPACE = ["", "", "", " ", "  ", "\t", "    ", " \t", "\u00a0", "\u3000", "\x0c"]
_DEEPER = [" ", "  ", "\t", "    ", "      ", "\t ", "\u2003"]
_EOLS = ["\n", "\n", "\n", "\r\n", "\r"]

names = st.builds(
    lambda n, i: "[%s%s]" % (n, i), st.sampled_from(_NAMES), st.sampled_from(["", "", "1", "2"])
)
odd_headers = st.sampled_from(["[a]b", "[a] ; c", "[]", "[", "[]]", "[]x]", "[[a]]", "[a", "]"])
headers = st.one_of(names, names, names, odd_headers)
options = st.builds(
    lambda k, n, d, v: k + n + d + v,
    st.sampled_from(_KEYS),
    st.sampled_from(["", "", "1", "2", "3"]),  # mostly distinct names, some duplicates
    st.sampled_from(_DELIMS),
    st.sampled_from(_VALUES),
)
bad = st.sampled_from(["key", "garbage words", "k v", "=value", ":v", " = ", "é"])
comments = st.sampled_from(["#", "# c", ";", "; k = v", "#[a]", "  # c"])
words = st.sampled_from(["more", "x = 1", "y: 2", "[b]", "k", "= v", "a b c"])
_OPTION = (st.sampled_from(_SPACE[:4]), options)
_CONTINUATION = (st.sampled_from(_DEEPER), st.one_of(words, words, options, headers, comments))
#: Section body lines, (indent, text), by weight: mostly options and continuations.
_BODY = (
    [_OPTION] * 12
    + [_CONTINUATION] * 6
    + [(st.sampled_from(_SPACE), st.just(""))] * 2  # blank
    + [(st.sampled_from(_SPACE), comments)] * 2
    + [(st.sampled_from(_SPACE), bad)]
    + [(st.sampled_from(_SPACE), headers)]
)


@st.composite
def files(draw: Any) -> Union[str, bytes]:
    """Mostly sections of option, continuation, blank and comment lines; some breakage."""
    rows = []
    if draw(st.integers(0, 9)) == 0:  # something before the first header
        rows.append((draw(st.sampled_from(_SPACE)), draw(st.one_of(options, bad, comments))))
    for i in range(draw(st.integers(0, 4))):
        header = names if i == 0 and draw(st.integers(0, 9)) else headers
        rows.append((draw(st.sampled_from(_SPACE[:5])), draw(header)))
        for _ in range(draw(st.integers(0, 6))):
            indent, text = draw(st.sampled_from(_BODY))
            rows.append((draw(indent), draw(text)))
    parts = [
        indent + text + draw(st.sampled_from(_SPACE)) + draw(st.sampled_from(_EOLS))
        for indent, text in rows
    ]
    text = "".join(parts)
    if text and draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final newline
    if draw(st.integers(0, 15)) == 0:  # a byte that is not UTF-8, somewhere
        data = text.encode("utf-8")
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\xff" + data[at:]
    return text


def _with_examples(test: Any) -> Any:
    for data in reversed(EXAMPLES):
        test = example(data=data)(test)
    return test


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("iniparse")  # module-scoped: hypothesis may reuse it


@_with_examples
@given(data=files())
def test_reads_like_rawconfigparser(scratch: Path, data: Union[str, bytes]) -> None:
    _check(data, scratch)


def test_examples_cover_every_outcome(tmp_path: Path) -> None:
    kinds = {_check(data, tmp_path)[0] for data in EXAMPLES}
    assert kinds == {
        "ok",
        "duplicate option",
        "duplicate section",
        "missing header",
        "parsing",
        "decode",
    }


def test_header_rule_of_this_python(tmp_path: Path) -> None:
    """The parsing rule that differs between versions: where a header's name ends.

    (The other difference, 3.13 joining values after a failed read, is tested below.)
    """
    path = tmp_path / "f"
    path.write_text("[a]b]\nk = v\n[]x]\nj = w\n")
    if sys.version_info >= (3, 10):
        sections, _defaults, _read = _iniparse.read(str(path))
        assert list(sections) == ["a]b", "]x"]
    else:
        with pytest.raises(_iniparse.ParsingError) as info:
            _iniparse.read(str(path))
        assert info.value.linenos == [3]


class _Breaking:
    """A text file whose reading fails with ``OSError`` after some lines."""

    def __init__(self, lines: List[str]) -> None:
        self.lines = lines

    def __enter__(self) -> _Breaking:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __iter__(self) -> Iterator[str]:
        yield from self.lines
        raise OSError(5, "Input/output error")


@pytest.mark.parametrize(
    "lines",
    [[], ["[a]\n", "k = v\n", "  more\n", "\n"], ["[DEFAULT]\n", "d = 1\n", "[a]\n", "bad\n"]],
)
def test_failing_read_keeps_what_was_read(
    monkeypatch: pytest.MonkeyPatch, lines: List[str]
) -> None:
    """``read`` swallows an ``OSError`` in the middle of the file, as ``RawConfigParser``.

    What was read stays (values still lists of lines before 3.13, joined from
    3.13) and the file does not count as read; the bad line is not reported.
    """
    fake = lambda *args, **kwargs: _Breaking(lines)  # noqa: E731
    monkeypatch.setattr(configparser, "open", fake, raising=False)
    monkeypatch.setattr(_iniparse, "open", fake, raising=False)
    cp = configparser.RawConfigParser()
    read = cp.read(["whatever"])
    theirs = [(s, [(o, cp.get(s, o)) for o in cp.options(s)]) for s in cp.sections()]
    sections, defaults, ours_read = _iniparse.read("whatever")
    ours = [(s, list(o.items())) for s, o in _iniparse.view(sections, defaults).items()]
    assert (ours, ours_read) == (theirs, bool(read))


def test_unopenable_file_is_not_read(tmp_path: Path) -> None:
    for path in (tmp_path / "missing", tmp_path):  # missing; a directory
        assert _ours(str(path)) == _theirs(str(path)) == ("ok", [], False)


def test_reading_files_imports_neither_configparser_nor_re(tmp_path: Path) -> None:
    aws = tmp_path / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text(
        "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = SECRETx01\n"
    )
    (aws / "config").write_text("[default]\nregion = us-east-1\n")
    code = (
        "import sys; from bedrock_token_lite import provide_token; provide_token(); "
        "print(sorted({'configparser','re'} & set(sys.modules)))"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=str(ROOT), capture_output=True, timeout=60
    )
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode().strip() == "[]"
