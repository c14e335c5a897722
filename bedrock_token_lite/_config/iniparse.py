"""Reading one INI file the way ``configparser.RawConfigParser().read([path])`` does.

botocore reads ``~/.aws/config`` and ``~/.aws/credentials`` with a default
``RawConfigParser``.  Importing ``configparser`` (and ``re``, ``enum``,
``collections``, ``functools`` with it) costs several milliseconds of every cold
start, so this module reimplements what that parser does with its default
settings, line by line, with plain string methods:

* lines come from iterating the text file (universal newlines, the locale
  encoding as ``read`` picks it), so decoding errors surface at the same line;
* a line whose stripped text starts with ``#`` or ``;`` is a comment; there are
  no inline comments;
* a blank line adds an empty line to the current value (if any); trailing
  empty lines are dropped when the values are joined with ``\\n``;
* a line indented deeper than the current option's line continues its value;
* otherwise ``[name]`` opens a section: the name runs to the last ``]`` on
  Python 3.10 and later, to the first ``]`` before (the header pattern changed),
  and needs at least one character; text after it is ignored; ``[DEFAULT]``
  collects defaults and may appear more than once;
* anything else before the first header raises :class:`MissingSectionHeaderError`;
* an option line splits at its first ``=`` or ``:``; the name is right-stripped
  and lower-cased, the value stripped; a line without a delimiter, or with an
  empty name, is a parsing error collected and raised, with all the others, at
  the end (:class:`ParsingError`); an empty name is still stored as option ``""``;
* a section or option (case-insensitively) seen twice raises at once
  (``strict=True``).

The regular expressions ``configparser`` uses agree with these string methods
because ``\\s`` and ``str.isspace``/``str.strip`` use the same whitespace and
``.`` only excludes ``\\n``, which never occurs inside a line; ``str.lower`` is
idempotent, so the second ``optionxform`` in ``get`` finds every option.  These
were checked over every code point on CPython 3.7 to 3.13, and
``tests/chain/test_iniparse.py`` compares this module with ``RawConfigParser``
on generated files.

Errors never hold a line's text (values may be secrets), only line numbers and
the section and option names.
"""

from __future__ import annotations

import io
import sys

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

    #: ``{section: {option: value}}``; values are lists of lines while reading.
    Sections = Dict[str, Dict[str, Any]]

__all__ = [
    "DuplicateOptionError",
    "DuplicateSectionError",
    "Error",
    "MissingSectionHeaderError",
    "ParsingError",
    "parse_lines",
    "read",
    "view",
]

DEFAULT_SECTION = "DEFAULT"
#: Up to 3.9 the header pattern was ``\[(?P<header>[^]]+)\]``, from 3.10 ``\[(?P<header>.+)\]``.
_HEADER_TO_LAST_BRACKET = sys.version_info >= (3, 10)
#: From 3.13 ``_read`` joins the values in a ``finally``: also when reading fails midway.
_JOIN_ALWAYS = sys.version_info >= (3, 13)
#: From 3.10 ``read`` passes ``encoding`` through ``io.text_encoding``.
_TEXT_ENCODING = sys.version_info >= (3, 10)


class Error(Exception):
    """A file that ``RawConfigParser`` would refuse; the leaves name configparser's errors."""


class DuplicateSectionError(Error):
    """A section header seen twice in one file."""

    def __init__(self, section: str, lineno: int) -> None:
        super().__init__("section %r appears twice (line %d)" % (section, lineno))
        self.section = section
        self.lineno = lineno


class DuplicateOptionError(Error):
    """An option (case-insensitively) seen twice in one section of one file."""

    def __init__(self, section: str, option: str, lineno: int) -> None:
        super().__init__(
            "option %r appears twice in section %r (line %d)" % (option, section, lineno)
        )
        self.section = section
        self.option = option
        self.lineno = lineno


class MissingSectionHeaderError(Error):
    """A non-blank, non-comment line before the first section header."""

    def __init__(self, lineno: int) -> None:
        super().__init__("no section header before line %d" % lineno)
        self.lineno = lineno


class ParsingError(Error):
    """Lines that are neither a header nor ``name = value`` (all of them, in order)."""

    def __init__(self, linenos: List[int]) -> None:
        super().__init__("lines that are not 'name = value': %s" % linenos)
        self.linenos = linenos


def _header(text: str) -> Optional[str]:
    """The section name if the stripped line ``text`` is a header, else ``None``."""
    if not text.startswith("["):
        return None
    end = text.rfind("]") if _HEADER_TO_LAST_BRACKET else text.find("]")
    return text[1:end] if end >= 2 else None


def _join(sections: Sections, defaults: Dict[str, Any]) -> None:
    """Each value's lines joined with ``\\n``, trailing whitespace (blank lines) removed."""
    for options in (defaults, *sections.values()):
        for name, value in options.items():
            if type(value) is list:
                options[name] = "\n".join(value).rstrip()


def parse_lines(lines: Iterable[str], sections: Sections, defaults: Dict[str, Any]) -> None:
    """Parse ``lines`` (as iterating a text file yields them) into ``sections`` and ``defaults``.

    Both dicts are filled in place, so that what was read before an ``OSError``
    stays there, as in ``RawConfigParser``.  Raises the first duplicate or
    missing-header error at once, and a :class:`ParsingError` for all bad lines
    at the end.
    """
    added: Set[Tuple[str, str]] = set()
    cursect: Optional[Dict[str, Any]] = None
    sectname = ""
    optname: Optional[str] = None
    indent_level = 0
    bad: List[int] = []
    try:
        for lineno, line in enumerate(lines, start=1):
            text = line.strip()
            if not text:  # blank: an empty line of the current value
                if cursect is not None and optname:
                    cursect[optname].append("")
                continue
            if text[0] in "#;":  # a full-line comment: ignored, even inside a value
                continue
            indent = len(line) - len(line.lstrip())
            if cursect is not None and optname and indent > indent_level:
                cursect[optname].append(text)  # a continuation line
                continue
            indent_level = indent
            name = _header(text)
            if name is not None:
                sectname = name
                if name in sections:
                    raise DuplicateSectionError(name, lineno)
                if name == DEFAULT_SECTION:
                    cursect = defaults
                else:
                    cursect = sections[name] = {}
                optname = None
            elif cursect is None:
                raise MissingSectionHeaderError(lineno)
            else:
                eq = text.find("=")
                colon = text.find(":")
                at = colon if eq < 0 or 0 <= colon < eq else eq
                if at < 0:
                    bad.append(lineno)  # the current option stays current
                    continue
                key = text[:at].rstrip()
                if not key:
                    bad.append(lineno)  # and still stored, as option ""
                optname = key.lower()
                if (sectname, optname) in added:
                    raise DuplicateOptionError(sectname, optname, lineno)
                added.add((sectname, optname))
                cursect[optname] = [text[at + 1 :].strip()]
    except BaseException:
        if _JOIN_ALWAYS:
            _join(sections, defaults)
        raise
    _join(sections, defaults)
    if bad:
        raise ParsingError(bad)


def read(path: str) -> Tuple[Sections, Dict[str, Any], bool]:
    """``RawConfigParser().read([path])``: sections, defaults and whether it was read.

    The file is opened as ``read`` opens it (text mode, ``encoding=None``, so the
    locale's encoding).  Any ``OSError`` while opening or reading is swallowed
    and leaves what was parsed so far (``False`` for "read"); decoding and
    parsing errors propagate.
    """
    sections: Sections = {}
    defaults: Dict[str, Any] = {}
    encoding = None
    if _TEXT_ENCODING:  # (typeshed lists it from 3.11; it is there from 3.10)
        encoding = io.text_encoding(None)  # type: ignore[attr-defined,unused-ignore]
    try:
        with open(path, encoding=encoding) as fp:
            parse_lines(fp, sections, defaults)
    except OSError:
        return sections, defaults, False
    return sections, defaults, True


def view(sections: Sections, defaults: Dict[str, Any]) -> Sections:
    """What ``cp.get(s, o)`` gives for each ``o in cp.options(s)``, ``s in cp.sections()``.

    A section's own options first, then the defaults it does not override.
    """
    merged: Sections = {}
    for name, options in sections.items():
        values = dict(options)
        for option, value in defaults.items():
            if option not in values:
                values[option] = value
        merged[name] = values
    return merged
