"""INI files read exactly as botocore's ``configloader`` reads them.

botocore parses with ``configparser.RawConfigParser()`` and its defaults; we
parse with ``_iniparse``, our own line-by-line copy of what that parser does on
the running Python (comments, continuation lines, ``[DEFAULT]``, duplicate
sections and options, errors and their line numbers, the header rule that
changed in 3.10), without importing ``configparser`` or ``re``.
``tests/chain/test_iniparse.py`` proves it the same: generated and hand-picked
files read by both must give the same sections, options and values, or the
same error at the same lines, on every supported Python.  ``shlex`` is
imported only for a ``[profile x]``-style header with quotes or backslashes.

Paths get ``$VAR`` expansion, then ``~`` expansion, both over an injectable
environment and home directory so tests never touch the real ones.
"""

from __future__ import annotations

import os

from .._errors import ConfigNotFound, ConfigParseError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, Mapping, Optional, Tuple

__all__ = [
    "build_profile_map",
    "clear_cache",
    "copy_tree",
    "expand_path",
    "expanduser",
    "expandvars",
    "load_config",
    "raw_config_parse",
    "read_cached",
]

#: ``{section: {option: value or {nested option: value}}}``
if TYPE_CHECKING:  # pragma: no cover
    RawConfig = Dict[str, Dict[str, Any]]


def expandvars(path: str, environ: Optional[Mapping[str, str]] = None) -> str:
    """``os.path.expandvars`` over ``environ`` (POSIX rules: ``$NAME``, ``${NAME}``).

    Unknown variables are left as they are.
    """
    if environ is None:
        return os.path.expandvars(path)
    if "$" not in path:
        return path
    import re

    pattern = re.compile(r"\$(\w+|\{[^}]*\})", re.ASCII)
    i = 0
    while True:
        m = pattern.search(path, i)
        if not m:
            return path
        i, j = m.span(0)
        name = m.group(1)
        if name.startswith("{") and name.endswith("}"):
            name = name[1:-1]
        if name in environ:
            tail = path[j:]
            path = path[:i] + environ[name]
            i = len(path)
            path += tail
        else:
            i = j


def expanduser(
    path: str, environ: Optional[Mapping[str, str]] = None, home: Optional[str] = None
) -> str:
    """``os.path.expanduser`` with an injectable home directory.

    ``~`` becomes ``home`` when given, else ``environ["HOME"]`` when present,
    else the real home directory; ``~user`` uses the password database.
    """
    if not path.startswith("~"):
        return path
    if home is None and (environ is None or "HOME" not in environ):
        return os.path.expanduser(path)
    sep = path.find("/", 1)
    if sep < 0:
        sep = len(path)
    if sep != 1:
        return os.path.expanduser(path)  # ~user
    user_home = home if home is not None else environ["HOME"]  # type: ignore[index]
    user_home = user_home.rstrip("/")
    return (user_home + path[sep:]) or "/"


def expand_path(
    path: str, environ: Optional[Mapping[str, str]] = None, home: Optional[str] = None
) -> str:
    """botocore's path preparation: ``$VAR`` expansion, then ``~`` expansion."""
    return expanduser(expandvars(path, environ), environ, home)


def _describe(exc: BaseException) -> tuple[str, Optional[int]]:
    """A secret-free description of an INI reading error, and its line."""
    from . import iniparse as _iniparse

    if isinstance(exc, _iniparse.DuplicateOptionError):
        return (
            "option %r appears twice in section [%s]" % (exc.option, exc.section),
            exc.lineno,
        )
    if isinstance(exc, _iniparse.DuplicateSectionError):
        return "section [%s] appears twice" % (exc.section,), exc.lineno
    if isinstance(exc, _iniparse.MissingSectionHeaderError):
        return "text before the first [section] header", exc.lineno
    if isinstance(exc, _iniparse.ParsingError):
        lines = exc.linenos
        first = lines[0] if lines else None
        extra = "" if len(lines) < 2 else " (also lines %s)" % ", ".join(map(str, lines[1:]))
        return "a line that is not 'key = value'%s" % extra, first
    if isinstance(exc, UnicodeDecodeError):
        return (
            "bytes at offset %d are not valid %s; save the file as UTF-8 without a BOM"
            % (exc.start, exc.encoding),
            None,
        )
    return type(exc).__name__, None


def _parse_nested(value: str) -> Dict[str, str]:
    parsed: Dict[str, str] = {}
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        if "=" not in line:
            raise ValueError("nested line without '='")
        key, val = line.split("=", 1)
        parsed[key.strip()] = val.strip()
    return parsed


#: Parsed files by expanded path: (signature, raw parse, profile map or None).
#: Validated with one ``os.stat`` per read, bounded, never handed out (callers get copies).
_CACHE: Dict[Tuple[str, bool], Tuple[Tuple[int, ...], RawConfig, Optional[Dict[str, Any]]]] = {}
_CACHE_MAX = 16
#: A file modified this recently (ns) is not cached: a rewrite within the file system's
#: timestamp granularity could keep the same signature ("racily clean", as git calls it).
#: The change time is part of the signature but not of this test, so that files given
#: an old modification time (restored backups, tests) are cached too.
_RACY_NS = 1000000000
#: Files actually parsed (cache misses), for tests.
parse_count = 0


def copy_tree(tree: Dict[str, Any]) -> Dict[str, Any]:
    """A copy of a parsed-config tree (dicts of dicts and strings), far cheaper than deepcopy."""
    return {k: copy_tree(v) if type(v) is dict else v for k, v in tree.items()}


def _stat_signature(expanded: str) -> Optional[Tuple[int, ...]]:
    """``os.path.isfile`` and the cache key in one ``stat``; ``None`` if no regular file."""
    try:
        st = os.stat(expanded)
    except (OSError, ValueError):  # missing, "", embedded NUL: what isfile() says False to
        return None
    if st.st_mode & 0o170000 != 0o100000:  # not S_ISREG (stat module stays unimported)
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev)


def _parse_file(expanded: str, parse_subsections: bool) -> Tuple[RawConfig, bool]:
    """Parse as ``RawConfigParser`` does; also whether the file could be read at all."""
    global parse_count
    parse_count += 1
    from . import iniparse as _iniparse

    failure: Optional[Tuple[str, Optional[int]]] = None
    try:
        sections, defaults, opened = _iniparse.read(expanded)
    except (_iniparse.Error, UnicodeDecodeError) as e:
        failure = _describe(e)
    if failure is not None:
        # Raised here, not in the handler: there the parser's error would stay on
        # ours as __context__ (``from None`` only hides it), and a UnicodeDecodeError
        # holds the file's bytes, secrets and all.
        raise ConfigParseError(expanded, failure[0], failure[1])
    config: RawConfig = {}
    for section, options in _iniparse.view(sections, defaults).items():
        values: Dict[str, Any] = {}
        config[section] = values
        for option, value in options.items():
            if parse_subsections and value.startswith("\n"):
                try:
                    value = _parse_nested(value)
                except ValueError:
                    detail = (
                        "the indented block under option %r in section [%s] has a line "
                        "without '='" % (option, section)
                    )
                    raise ConfigParseError(expanded, detail) from None
            values[option] = value
    return config, bool(opened)


def _cached(expanded: str, parse_subsections: bool, profile_map: bool) -> Any:
    """The cached raw parse (or profile map) of ``expanded``, ``None`` if it is no file.

    Re-read when the file's signature changed.  The result belongs to the
    cache: callers copy it before handing it out.
    """
    signature = _stat_signature(expanded)
    if signature is None:
        return None
    key = (expanded, parse_subsections)
    entry = _CACHE.get(key)
    if entry is None or entry[0] != signature:
        raw, opened = _parse_file(expanded, parse_subsections)
        entry = (signature, raw, None)
        if opened and _time_ns() - signature[0] >= _RACY_NS:
            if key not in _CACHE and len(_CACHE) >= _CACHE_MAX:
                try:  # noqa: SIM105 (contextlib would be an import on the hot path)
                    _CACHE.pop(next(iter(_CACHE)), None)  # the oldest entry
                except (RuntimeError, StopIteration):  # another thread changed the cache
                    pass
            _CACHE[key] = entry
        else:
            _CACHE.pop(key, None)
    if not profile_map:
        return entry[1]
    if entry[2] is None:
        mapped = build_profile_map(entry[1])
        if _CACHE.get(key) is entry:
            entry = _CACHE[key] = (entry[0], entry[1], mapped)
        return mapped
    return entry[2]


def _time_ns() -> int:
    import time

    return time.time_ns()


def read_cached(
    path: str,
    environ: Optional[Mapping[str, str]] = None,
    home: Optional[str] = None,
    *,
    profile_map: bool = False,
) -> Optional[Dict[str, Any]]:
    """A copy of the raw parse (or profile map) of ``path``, or ``None`` when it is no file.

    ``raw_config_parse`` / ``load_config`` without building a ``ConfigNotFound``
    for the common missing file.
    """
    found = _cached(expand_path(path, environ, home), True, profile_map)
    return None if found is None else copy_tree(found)


def clear_cache() -> None:
    """Forget every parsed file (the next read of each file parses it again)."""
    _CACHE.clear()


def raw_config_parse(
    path: str,
    *,
    environ: Optional[Mapping[str, str]] = None,
    home: Optional[str] = None,
    parse_subsections: bool = True,
) -> RawConfig:
    """Parse an INI file into ``{section: {option: value}}``, as botocore.

    Raises :class:`ConfigNotFound` when the expanded path is not a regular
    file (missing, a directory, ``""``) and :class:`ConfigParseError` when the
    file is not valid INI.  A file that cannot be opened (``OSError``) parses
    as empty, as ``RawConfigParser.read`` skips it.

    Parsed files are cached by path and validated with one ``os.stat`` per
    call (modification and change times, size, inode, device), so a rewritten,
    replaced or deleted file is always noticed.  The result is the caller's
    own copy.
    """
    expanded = expand_path(path, environ, home)
    found = _cached(expanded, parse_subsections, False)
    if found is None:
        raise ConfigNotFound(expanded)
    return copy_tree(found)


#: What ``shlex.split`` treats specially in a header besides its whitespace.
_SHLEX_SPECIAL = frozenset("'\"\\")
#: ``shlex``'s whitespace (not ``str.split``'s, which is all of Unicode's).
_SHLEX_BLANKS = str.maketrans("\t\r\n", "   ")


def _split_header(name: str) -> Optional[str]:
    """``[profile x]`` → ``x`` by ``shlex.split``; ``None`` unless exactly two tokens.

    Without quotes or backslashes ``shlex.split`` (POSIX mode, no comments)
    yields the runs of characters other than space, tab, CR and LF, so such a
    name (nearly every one) is split here without importing ``shlex`` and
    ``re``; ``tests/chain/test_ini.py`` compares the two on generated names.
    """
    if _SHLEX_SPECIAL.isdisjoint(name):
        parts = [part for part in name.translate(_SHLEX_BLANKS).split(" ") if part]
    else:
        import shlex

        try:
            parts = shlex.split(name)
        except ValueError:
            return None
    return parts[1] if len(parts) == 2 else None


def build_profile_map(parsed: RawConfig) -> Dict[str, Any]:
    """botocore's ``build_profile_map``: sort config-file sections by kind.

    ``[profile x]`` (any name starting with ``profile``, split with shlex, two
    tokens) and ``[default]`` go to ``profiles``; ``[sso-session x]`` to
    ``sso_sessions``; ``[services x]`` to ``services``; any other section
    stays a top-level key.  A later section replaces an earlier one with the
    same resulting name (``[default]`` vs ``[profile default]``: last wins).
    """
    parsed = dict(parsed)
    profiles: Dict[str, Any] = {}
    sso_sessions: Dict[str, Any] = {}
    services: Dict[str, Any] = {}
    final: Dict[str, Any] = {}
    for key, values in parsed.items():
        target: Optional[Dict[str, Any]] = None
        if key.startswith("profile"):
            target = profiles
        elif key.startswith("sso-session"):
            target = sso_sessions
        elif key.startswith("services"):
            target = services
        elif key == "default":
            profiles[key] = values
            continue
        else:
            final[key] = values
            continue
        name = _split_header(key)
        if name is not None:
            target[name] = values
    final["profiles"] = profiles
    final["sso_sessions"] = sso_sessions
    final["services"] = services
    return final


def load_config(
    path: str, *, environ: Optional[Mapping[str, str]] = None, home: Optional[str] = None
) -> Dict[str, Any]:
    """Parse a config file and map its sections (``raw_config_parse`` + ``build_profile_map``).

    Cached like :func:`raw_config_parse`; the result is the caller's own copy.
    """
    expanded = expand_path(path, environ, home)
    found = _cached(expanded, True, True)
    if found is None:
        raise ConfigNotFound(expanded)
    return copy_tree(found)
