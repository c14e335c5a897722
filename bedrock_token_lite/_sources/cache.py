"""Cached assumed roles: botocore's ``CachedCredentialFetcher`` and ``JSONFileCache``.

The STS sources (assume role, web identity) and SSO fetch through one
:class:`CachedFetcher`.  Its cache is any object of botocore's ``cache=``
shape (``__contains__``, ``__getitem__`` raising ``KeyError``,
``__setitem__``): a plain dict per resolver by default, as in botocore, or a
:class:`JSONFileCache` of the AWS CLI's folder (``~/.aws/cli/cache``), which
the AWS CLI gives its assume-role and web-identity providers.  An entry is
what botocore stores: the STS answer as a dict, ``{"Credentials":
{"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "AccountId"},
"AssumedRoleUser": {...}, ...}``, with ``Expiration`` a ``datetime`` in memory
and botocore's ``%Y-%m-%dT%H:%M:%S%Z`` text on disk, so files written by the
AWS CLI or botocore are read here, and the other way round.

A cache is a hint, never a source of errors: an entry that is missing,
unreadable, not JSON, too large or too deeply nested, not of the STS shape,
expired or about to expire is ignored and the credentials are fetched again;
a cache that cannot be written (a read-only home, a full disk) is left as it
is.  Nothing here logs or raises with a secret.

Reading a cached entry imports ``json`` and the timestamp parser, never the
STS, XML or HTTP modules.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, Optional, Protocol

    from .._common.clock import Clock
    from .._common.credentials import Credentials

    class CredentialCache(Protocol):
        """botocore's ``cache=`` shape: a dict, a ``JSONFileCache``, botocore's own."""

        def __contains__(self, __key: Any) -> bool: ...

        def __getitem__(self, __key: str) -> Any: ...

        def __setitem__(self, __key: str, __value: Any) -> None: ...


__all__ = [
    "CACHE_EXPIRY_WINDOW_SECONDS",
    "CLI_CACHE_DIR",
    "CachedFetcher",
    "JSONFileCache",
    "credentials_from_response",
    "dumps_sorted",
    "loads",
    "response_of",
]

#: A cached entry is reused while at least this many seconds remain (botocore's
#: ``CachedCredentialFetcher.DEFAULT_EXPIRY_WINDOW_SECONDS``).
CACHE_EXPIRY_WINDOW_SECONDS = 15 * 60
#: The AWS CLI's folder of assumed-role credentials, under the home directory.
CLI_CACHE_DIR = os.path.join("~", ".aws", "cli", "cache")
#: The largest cache file read: an STS answer is about 2 KiB.
MAX_ENTRY_BYTES = 64 * 1024
#: botocore's ``JSONFileCache`` writes datetimes with this format (``UTC`` for UTC).
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S%Z"


class _ScanContext:
    """What ``_json.make_scanner`` reads from a decoder: ``json.loads``' defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name: str) -> Any:
        raise ValueError("%s is not a JSON value" % (name,))


_WHITESPACE = " \t\n\r"


def _c_scanner() -> Any:
    try:
        import _json
    except ImportError:  # pragma: no cover - PyPy and builds without the accelerator
        return None
    make: Any = getattr(_json, "make_scanner", None)
    return None if make is None else make(_ScanContext)


def loads(text: str) -> Any:
    """``json.loads(text)`` for a document of JSON values, without importing ``json``.

    ``json`` imports ``re`` (~2 ms, most of a cached command's budget); its C
    scanner (``_json``) alone reads the same documents, with the same errors
    for anything else.  ``NaN`` and ``Infinity`` are refused.  Where there is
    no C scanner, ``json.loads`` itself.
    """
    scanner = _c_scanner()
    if scanner is None:  # pragma: no cover
        import json

        return json.loads(text, parse_constant=_ScanContext.parse_constant)
    start = 0
    while start < len(text) and text[start] in _WHITESPACE:
        start += 1
    try:
        value, end = scanner(text, start)
    except StopIteration:
        raise ValueError("not a JSON document") from None
    while end < len(text) and text[end] in _WHITESPACE:
        end += 1
    if end != len(text):
        raise ValueError("extra data after the JSON document")
    return value


def dumps_sorted(args: Dict[str, Any]) -> str:
    """``json.dumps(args, sort_keys=True)`` for str keys and str or int values, without ``json``.

    Anything else (a parsed ``Policy``) goes through ``json.dumps`` itself.
    """
    try:
        import _json
    except ImportError:  # pragma: no cover
        _json = None  # type: ignore[assignment]
    quote: Any = getattr(_json, "encode_basestring_ascii", None)
    simple = all(
        type(key) is str and (type(value) is str or type(value) is int)
        for key, value in args.items()
    )
    if quote is None or not simple:
        import json

        return json.dumps(args, sort_keys=True)
    return "{%s}" % ", ".join(
        "%s: %s" % (quote(key), quote(value) if type(value) is str else int.__repr__(value))
        for key, value in sorted(args.items())
    )


def _serialize(value: Any) -> Any:
    from .._common.dt import datetime

    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    raise TypeError("not JSON serializable: %s" % type(value).__name__)


class JSONFileCache:
    """A folder of JSON files, one per key: botocore's ``JSONFileCache``, hardened.

    ``working_dir`` defaults to the AWS CLI's cache folder
    (:data:`CACHE_DIR`, ``~/.aws/cli/cache``, expanded when the cache is
    created), which is where ``aws`` keeps the credentials of assumed roles:
    pass an instance as ``cache=`` to share them with the AWS CLI.

    The file of ``key`` is ``<working_dir>/<key>.json``.  Values are
    JSON-serializable dicts; ``datetime`` values are written as botocore
    writes them (``2024-01-01T00:00:00UTC``).  A write goes to a private
    temporary file in the same folder (mode 0600; the folder is created with
    mode 0700) that replaces the entry atomically.  Reading an entry that
    cannot be used (missing, a directory, unreadable, not a regular file,
    larger than 64 KiB, not JSON, nested too deeply) raises ``KeyError``, as
    for a missing one; it never blocks on a FIFO nor follows a key out of the
    folder.
    """

    #: The AWS CLI's folder (unexpanded: ``~`` is the home of whoever creates the cache).
    CACHE_DIR = CLI_CACHE_DIR

    def __init__(self, working_dir: Optional[str] = None) -> None:
        self.working_dir = os.path.expanduser(CLI_CACHE_DIR if working_dir is None else working_dir)

    def __repr__(self) -> str:
        return "JSONFileCache(%r)" % (self.working_dir,)

    def path(self, key: str) -> str:
        """The file of ``key``; ``ValueError`` for a key that is not a plain file name."""
        if (
            not isinstance(key, str)
            or not key
            or key.startswith(".")
            or "/" in key
            or os.sep in key
            or (os.altsep is not None and os.altsep in key)
            or "\0" in key
        ):
            raise ValueError("a cache key must be a plain file name")
        return os.path.join(self.working_dir, key + ".json")

    def __contains__(self, key: object) -> bool:
        try:
            return os.path.isfile(self.path(key))  # type: ignore[arg-type]
        except (ValueError, OSError):
            return False

    def __getitem__(self, key: str) -> Any:
        try:
            return self._read(self.path(key))
        except Exception:  # every unusable entry is a missing one
            raise KeyError(key) from None

    def _read(self, path: str) -> Any:
        import stat

        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ValueError("not a regular file")
            data = b""
            while len(data) <= MAX_ENTRY_BYTES:
                chunk = os.read(fd, MAX_ENTRY_BYTES + 1 - len(data))
                if not chunk:
                    break
                data += chunk
        finally:
            os.close(fd)
        if len(data) > MAX_ENTRY_BYTES:
            raise ValueError("too large")
        return loads(data.decode("utf-8"))

    def __setitem__(self, key: str, value: Any) -> None:
        import json
        import tempfile

        path = self.path(key)
        try:
            content = json.dumps(value, default=_serialize)
        except (TypeError, ValueError, RecursionError):
            raise ValueError("Value cannot be cached, must be JSON serializable") from None
        if not os.path.isdir(self.working_dir):
            os.makedirs(self.working_dir, mode=0o700, exist_ok=True)
        fd, temp_path = tempfile.mkstemp(dir=self.working_dir, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), 0o600)
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_path, path)
        except BaseException:
            import contextlib

            with contextlib.suppress(OSError):
                os.unlink(temp_path)
            raise

    def __delitem__(self, key: str) -> None:
        try:
            os.unlink(self.path(key))
        except (FileNotFoundError, ValueError):
            raise KeyError(key) from None


def response_of(credentials: Credentials, **fields: Any) -> Dict[str, Any]:
    """An STS-shaped cache entry for ``credentials`` (SSO role credentials use it)."""
    entry: Dict[str, Any] = dict(fields)
    values: Dict[str, Any] = {
        "AccessKeyId": credentials.access_key,
        "SecretAccessKey": credentials.secret_key,
        "SessionToken": credentials.token,
        "Expiration": credentials.expiry,
    }
    if credentials.account_id is not None:
        values["AccountId"] = credentials.account_id
    entry["Credentials"] = values
    return entry


def credentials_from_response(entry: Any, method: str) -> Optional[Credentials]:
    """The credentials of a cache entry, or ``None`` when it is not of the STS shape.

    The shape botocore reads: ``Credentials`` with string ``AccessKeyId``,
    ``SecretAccessKey`` and ``SessionToken`` (or null), an aware
    ``Expiration`` (a ``datetime``, or a timestamp the package's parser reads),
    and an optional string ``AccountId``.
    """
    from .._common.credentials import Credentials
    from .._common.dt import datetime

    values = entry.get("Credentials") if isinstance(entry, dict) else None
    if not isinstance(values, dict):
        return None
    access_key = values.get("AccessKeyId")
    secret_key = values.get("SecretAccessKey")
    token = values.get("SessionToken")
    if not isinstance(access_key, str) or not access_key or not isinstance(secret_key, str):
        return None
    if token is not None and not isinstance(token, str):
        return None
    expiration = values.get("Expiration")
    if isinstance(expiration, str) and len(expiration) <= 64:
        from .._common.dates import parse_timestamp

        try:
            expiration = parse_timestamp(expiration, "cached Expiration")
        except Exception:
            return None
    if not isinstance(expiration, datetime) or expiration.utcoffset() is None:
        return None
    account_id = values.get("AccountId")
    if not isinstance(account_id, str):
        account_id = None
    return Credentials(
        access_key, secret_key, token, expiration, account_id=account_id, method=method
    )


class CachedFetcher:
    """Fetch through a cache, like botocore's ``CachedCredentialFetcher``.

    ``fetch`` returns an STS-shaped answer (see :func:`credentials_from_response`).
    A cached entry is reused while at least ``window`` seconds remain before
    it expires (default: botocore's 15 minutes); otherwise ``fetch`` runs and
    its answer is stored.  A failing cache, on read or write, is no error.
    """

    def __init__(
        self,
        key: str,
        fetch: Callable[[], Dict[str, Any]],
        cache: CredentialCache,
        clock: Clock,
        *,
        method: str,
        window: Optional[float] = None,
    ) -> None:
        self.key = key
        self._fetch = fetch
        self._cache = cache
        self._clock = clock
        self._method = method
        self.window: float = CACHE_EXPIRY_WINDOW_SECONDS if window is None else window

    def cached(self) -> Optional[Credentials]:
        """The cached credentials, if there are usable ones with ``window`` seconds left."""
        try:
            if self.key not in self._cache:
                return None
            entry = self._cache[self.key]
        except Exception:
            return None
        credentials = credentials_from_response(entry, self._method)
        if credentials is None or credentials.expiry is None:
            return None
        try:
            remaining = (credentials.expiry - self._clock()).total_seconds()
        except (TypeError, ValueError, OverflowError):
            return None
        return credentials if remaining >= self.window else None

    def __call__(self) -> Credentials:
        cached = self.cached()
        if cached is not None:
            return cached
        response = self._fetch()
        credentials = credentials_from_response(response, self._method)
        if credentials is None:  # pragma: no cover - the fetchers check their answers
            from .._errors import CredentialRetrievalError

            raise CredentialRetrievalError(self._method, "the answer has no usable credentials")
        try:
            self._cache[self.key] = response
        except Exception as exc:
            import logging

            logging.getLogger("bedrock_token_lite").debug(
                "credentials cache not written (%s)", type(exc).__name__
            )
        return credentials
