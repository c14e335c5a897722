"""The one module that talks to the network.

A small, careful HTTP/1.1 client on :mod:`http.client` (imported lazily), for
the credential providers (instance metadata, container metadata) and the AWS
API calls of the chain (STS, SSO).  What it guarantees:

* explicit, separate connect and read timeouts, applied as botocore applies
  them: ``connect`` to each connection attempt (and the TLS handshake),
  ``read`` to each wait for data;
* one deadline for the whole exchange, :func:`exchange_deadline`: it ends
  ``connect + 2 * read`` seconds after the call (connecting, proxy tunnel,
  TLS, sending, status line, headers and body), and at most ``2 * read``
  seconds after the connection is made.  Before every socket operation the
  socket timeout is cut to the time left, so a server that drips its status
  line, headers or body one byte at a time cannot hold us longer.  When the
  deadline passes while connecting, the call raises
  :class:`ConnectTimeoutError` (:class:`ProxyConnectionError` through a
  proxy); afterwards :class:`ReadTimeoutError`.  Name resolution is the one
  step no socket timeout covers (the metadata endpoints are IP literals);
* malformed answers (a garbage status line, too many or too long header
  lines, a header name that is not a token, a ``Content-Length`` that is not
  one run of ASCII digits, bad chunked framing, a body shorter than its
  ``Content-Length``) raise :class:`ConnectionClosedError` whose message
  names the kind of problem, never the bytes received;
* a bounded response: at most ``max_bytes`` of body are read, then
  :class:`ResponseTooLargeError` is raised (a hostile endpoint cannot make us
  buffer unbounded data);
* **no redirects are followed**: a 3xx response is returned to the caller as
  it is (no credential endpoint redirects, and following one could send a
  token to another host);
* TLS verification is always on for ``https`` (system trust store, or the PEM
  file in ``ca_bundle``, for example ``AWS_CA_BUNDLE``);
* proxies only when the caller passes them (see :func:`environ_proxies`, which
  applies ``HTTP(S)_PROXY`` / ``NO_PROXY`` as botocore does);
* errors (subclasses of :class:`HTTPClientError`) name the endpoint as
  ``scheme://host:port/path``; never the query string, user info, headers or
  body, which may carry credentials or tokens.
"""

from __future__ import annotations

import os
import time

from .._source_errors import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    HTTPError,
    InvalidURLError,
    ProxyConnectionError,
    ReadTimeoutError,
    ResponseDecodeError,
    ResponseTooLargeError,
    SSLError,
)

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

if TYPE_CHECKING:  # pragma: no cover
    import http.client
    import socket
    import ssl
    from urllib.parse import SplitResult

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Response",
    "ca_bundle_from_env",
    "environ_proxies",
    "exchange_deadline",
    "redact_url",
    "request",
]

#: Default response-size bound (credential documents are a few kilobytes).
DEFAULT_MAX_BYTES = 1024 * 1024
#: Default (connect, read) timeouts in seconds: botocore's for AWS API calls.
DEFAULT_TIMEOUT = (60.0, 60.0)

_CHUNK = 16 * 1024
#: Timeouts above this are cut to it: the socket layer refuses larger values.
_MAX_TIMEOUT = 1e9
#: Longest Content-Length we parse (digits, leading zeros stripped); longer is too large.
_MAX_LENGTH_DIGITS = 18
_DIGITS = frozenset("0123456789")
#: The characters of an HTTP token (RFC 9110 5.6.2): a valid header name.
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

if TYPE_CHECKING:  # pragma: no cover
    Timeout = Union[float, Tuple[float, float]]


class Response:
    """A complete HTTP response: ``status``, ``reason``, ``headers``, ``body``.

    ``headers`` maps lower-cased names to values (repeated headers joined with
    ``", "``).  ``url`` is the redacted endpoint (no query) for messages.
    """

    __slots__ = ("status", "reason", "headers", "body", "url")

    def __init__(
        self, status: int, reason: str, headers: Dict[str, str], body: bytes, url: str
    ) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        self.url = url

    def text(self) -> str:
        """The body decoded like botocore's ``AWSResponse.text``.

        The ``charset`` of ``Content-Type`` if there is one; else ISO-8859-1
        when the content type mentions ``text``; else UTF-8.  Undecodable
        bytes raise :class:`ResponseDecodeError`, a ``ValueError`` (botocore lets
        ``UnicodeDecodeError`` escape), and so does a charset that names no text
        encoding, which is also a ``LookupError`` (botocore's bare error).
        """
        encoding = self.encoding()
        try:
            return self.body.decode(encoding)
        except (LookupError, ValueError) as exc:
            unknown = not isinstance(exc, UnicodeError)
        # Raised after the handler: a UnicodeDecodeError holds the whole body
        # (credentials, perhaps) and would stay reachable as __context__.
        raise ResponseDecodeError(self.url, encoding, unknown)

    def encoding(self) -> str:
        content_type = self.headers.get("content-type")
        if not content_type:
            return "utf-8"
        for param in content_type.split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset":
                value = value.strip().strip('"').strip("'")
                if value:
                    return value
        if "text" in content_type:
            return "ISO-8859-1"
        return "utf-8"

    def raise_for_status(self) -> Response:
        """Return ``self`` for a 2xx status, else raise :class:`HTTPError`."""
        if not 200 <= self.status < 300:
            raise HTTPError(self.url, self.status, self.reason)
        return self

    def __repr__(self) -> str:
        return "Response(status=%d, url=%r, body=<%d bytes>)" % (
            self.status,
            self.url,
            len(self.body),
        )


def redact_url(url: str) -> str:
    """``scheme://host[:port]/path`` of ``url``: no user info, query or fragment."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<unparseable URL>"
    if ":" in host:
        host = "[%s]" % host
    netloc = host if port is None else "%s:%d" % (host, port)
    return "%s://%s%s" % (parts.scheme, netloc, parts.path)


def ca_bundle_from_env(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """``AWS_CA_BUNDLE`` when set and non-empty, else ``None`` (system trust store).

    The environment half of the settings table's ``ca_bundle`` (no profile here:
    the container and IMDS sources build no client).
    """
    from .._config.settings import lookup

    env = os.environ if environ is None else environ
    return lookup("ca_bundle", env, {}) or None


def environ_proxies(url: str, environ: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The proxies botocore would use for ``url`` (its ``get_environ_proxies``).

    ``*_proxy`` variables in any case (the lower-case one wins when both are
    set, as in :func:`urllib.request.getproxies_environment`), unless
    ``NO_PROXY``/``no_proxy`` matches the URL's ``host:port``.  botocore
    applies this to instance metadata and AWS API calls, and **not** to the
    container endpoint.
    """
    import urllib.request
    from urllib.parse import urlsplit

    # Public in the standard library but missing from typeshed.
    proxy_bypass_environment = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    env = os.environ if environ is None else environ
    proxies: Dict[str, str] = {}
    # Upper case first, then lower case overrides, like the standard library.
    for name in sorted(env, key=lambda n: n != n.upper()):
        value = env[name]
        lowered = name.lower()
        if value and lowered.endswith("_proxy"):
            proxies[lowered[: -len("_proxy")]] = value
    if "REQUEST_METHOD" in env:  # CGI: HTTP_PROXY may come from a request header
        proxies.pop("http", None)
    if not proxies:
        return {}
    try:
        netloc = urlsplit(url).netloc
        if proxy_bypass_environment(netloc, proxies):
            return {}
    except (TypeError, ValueError, OSError):
        pass
    return proxies


def _split(url: str) -> Tuple[SplitResult, str, int]:
    from urllib.parse import urlsplit

    safe = redact_url(url)
    refused = ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        refused = exc.__class__.__name__
    if refused:  # raised after the handler: the parser's error quotes part of the URL
        raise InvalidURLError("Cannot request %s: %s" % (safe, refused), endpoint=safe)
    if parts.scheme not in ("http", "https"):
        raise InvalidURLError(
            "Cannot request %s: only http and https URLs are supported" % (safe,), endpoint=safe
        )
    if not host:
        raise InvalidURLError("Cannot request %s: the URL has no host" % (safe,), endpoint=safe)
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    return parts, host, port


def _ssl_context(ca_bundle: Optional[str], endpoint: str) -> ssl.SSLContext:
    import ssl

    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise SSLError(
            endpoint, "(cannot load CA bundle %s: %s)" % (ca_bundle, type(exc).__name__)
        ) from None


def _timeouts(timeout: Timeout) -> Tuple[float, float]:
    if isinstance(timeout, tuple):
        return float(timeout[0]), float(timeout[1])
    return float(timeout), float(timeout)


def exchange_deadline(timeout: Timeout) -> float:
    """The most one :func:`request` with ``timeout`` lasts: ``connect + 2 * read`` s.

    ``connect`` covers reaching the server (TCP, proxy tunnel, TLS); twice
    ``read`` leaves room for a slow but steady answer, as the former body-only
    bound did.  The per-operation timeouts still apply inside it.
    """
    connect, read = _timeouts(timeout)
    return min(connect, _MAX_TIMEOUT) + 2 * min(read, _MAX_TIMEOUT)


class _Deadline:
    """The end of one exchange and the per-operation timeout of its current phase."""

    __slots__ = ("at", "per_op")

    def __init__(self, at: float, per_op: float) -> None:
        self.at = at
        self.per_op = per_op

    def timeout(self) -> float:
        """Seconds the next socket operation may wait; ``socket.timeout`` once past."""
        remaining = self.at - time.monotonic()
        if remaining <= 0:
            import socket

            raise socket.timeout("deadline of the exchange passed")
        return remaining if remaining < self.per_op else self.per_op


def _open_socket(
    deadline: _Deadline,
    address: Tuple[str, int],
    timeout: object = None,
    source_address: object = None,
) -> socket.socket:
    """:func:`socket.create_connection` whose attempts share the deadline.

    Each address gets the connect timeout, or the time left when that is less.
    """
    import socket

    host, port = address
    last: Optional[OSError] = None
    for family, kind, proto, _, sockaddr in _resolve(host, port, deadline):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(deadline.timeout())
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
            if isinstance(exc, socket.timeout):
                break
    if last is None:
        raise OSError("getaddrinfo returned no address")
    raise last


def _is_address(host: str) -> bool:
    import socket

    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
            return True
        except (OSError, ValueError):
            continue
    return False


def _resolve(host: str, port: int, deadline: _Deadline) -> List[Any]:
    """``getaddrinfo`` within the deadline: a name is looked up in a daemon thread.

    The resolver has timeouts of its own (often 5 s per server and attempt),
    which no socket timeout shortens; past the deadline the lookup is left to
    finish in the background and the request fails as a connect timeout.  An
    address (``127.0.0.1``, ``[::1]``) needs no lookup and no thread.
    """
    import socket

    if _is_address(host):
        return socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    import threading

    found: List[Any] = []
    failed: List[BaseException] = []

    def lookup() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM))
        except BaseException as exc:  # handed to the caller's thread
            failed.append(exc)

    worker = threading.Thread(target=lookup, name="bedrock-token-lite-resolve", daemon=True)
    worker.start()
    worker.join(deadline.timeout())
    if worker.is_alive():
        raise socket.timeout("the name lookup did not finish within the deadline")
    if failed:
        raise failed[0]
    return found


_RESPONSE_CLASS: Optional[type] = None


def _response_class() -> type:
    """An :class:`http.client.HTTPResponse` that reads under a :class:`_Deadline`.

    ``http.client`` reads the status line and headers with ``readline`` on
    ``sock.makefile()``: a per-``recv`` timeout alone does not bound a line
    that arrives one byte at a time.  This response reads through a raw file
    that sets the socket timeout to :meth:`_Deadline.timeout` before every
    ``recv``.  Made on first use, since ``http.client`` is imported lazily.
    """
    global _RESPONSE_CLASS
    if _RESPONSE_CLASS is not None:
        return _RESPONSE_CLASS
    import http.client
    import io

    class _DeadlineReader(io.RawIOBase):
        """The socket's own raw file, with the timeout cut before each ``recv``."""

        def __init__(self, raw: Any, sock: socket.socket, deadline: _Deadline) -> None:
            super().__init__()
            self._raw = raw  # holds the reference that keeps the socket open
            self._sock = sock
            self._deadline = deadline

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> Optional[int]:
            self._sock.settimeout(self._deadline.timeout())
            count: Optional[int] = self._raw.readinto(buffer)
            return count

        def close(self) -> None:
            if not self.closed:
                self._raw.close()
            super().close()

    class _DeadlineResponse(http.client.HTTPResponse):
        def __init__(self, sock: socket.socket, *args: Any, deadline: _Deadline, **kwargs: Any):
            super().__init__(sock, *args, **kwargs)
            # Nothing is read yet: keep the socket's raw file, drop the plain buffer.
            raw = self.fp.detach()
            self.fp = io.BufferedReader(_DeadlineReader(raw, sock, deadline))

    _RESPONSE_CLASS = _DeadlineResponse
    return _DeadlineResponse


def request(
    method: str,
    url: str,
    *,
    headers: Optional[Mapping[str, str]] = None,
    body: Optional[bytes] = None,
    timeout: Timeout = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    proxies: Optional[Mapping[str, str]] = None,
    ca_bundle: Optional[str] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> Response:
    """Send one request and return the whole :class:`Response` (any status).

    ``timeout`` is ``(connect, read)`` seconds, or one number for both.
    ``proxies`` maps a scheme (``http``/``https``) to a proxy URL, as
    :func:`environ_proxies` returns; ``None`` means a direct connection.
    ``ca_bundle`` is a PEM file for https verification; ``None`` means
    ``AWS_CA_BUNDLE`` from ``environ`` (default ``os.environ``) when set, else
    the system trust store.  Verification cannot be turned off.  Redirects are
    not followed.

    Raises :class:`InvalidURLError` (also a ``ValueError``),
    :class:`EndpointConnectionError` / :class:`ConnectTimeoutError` /
    :class:`ProxyConnectionError` (nothing was sent), :class:`ReadTimeoutError`,
    :class:`ConnectionClosedError`, :class:`SSLError` and
    :class:`ResponseTooLargeError`; all are :class:`HTTPClientError`.
    """
    import functools
    import http.client
    import socket

    started = time.monotonic()
    parts, host, port = _split(url)
    endpoint = redact_url(url)
    if ca_bundle is None and parts.scheme == "https":
        ca_bundle = ca_bundle_from_env(environ)
    connect_timeout, read_timeout = _timeouts(timeout)
    for kind, seconds in (("connect", connect_timeout), ("read", read_timeout)):
        if not seconds > 0:  # urllib3's rule, hence botocore's message
            shown = int(seconds) if seconds == int(seconds) else seconds
            raise HTTPClientError(
                "An HTTP Client raised an unhandled exception: Attempted to set %s timeout to "
                "%s, but the timeout cannot be set to a value less than or equal to 0. "
                "(request to %s; check AWS_METADATA_SERVICE_TIMEOUT or the timeout argument)"
                % (kind, shown, endpoint),
                endpoint=endpoint,
            )
    connect_timeout = min(connect_timeout, _MAX_TIMEOUT)
    read_timeout = min(read_timeout, _MAX_TIMEOUT)
    deadline = _Deadline(started + connect_timeout + 2 * read_timeout, connect_timeout)
    target = _encode(parts.path or "/", _PATH_SAFE)
    if parts.query:
        target += "?" + _encode(parts.query, _PATH_SAFE + "?")
    send_headers: Dict[str, str] = {"Accept-Encoding": "identity"}
    for name, value in (headers or {}).items():
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
            # The value may be a token: never echo it.
            raise InvalidURLError(
                "Header %r for %s holds a line break and cannot be sent" % (name, endpoint),
                endpoint=endpoint,
            )
        if max(map(ord, value), default=0) > 0xFF:
            # Tested without encoding: the encoder's error would hold the value (a
            # bearer or container token) and stay reachable as our error's context.
            raise InvalidURLError(
                "Header %r for %s holds characters HTTP headers cannot carry (latin-1 only)"
                % (name, endpoint),
                endpoint=endpoint,
            )
        send_headers[name] = value

    proxy_url = (proxies or {}).get(parts.scheme)
    proxy_host: Optional[str] = None
    proxy_shown = ""
    context = _ssl_context(ca_bundle, endpoint) if parts.scheme == "https" else None
    conn: http.client.HTTPConnection
    if proxy_url:
        _, proxy_host, proxy_port, proxy_auth = _proxy(proxy_url, endpoint)
        proxy_shown = redact_url(proxy_url if "://" in proxy_url else "http://" + proxy_url)
        if context is not None:
            conn = http.client.HTTPSConnection(
                proxy_host, proxy_port, timeout=connect_timeout, context=context
            )
            tunnel_headers = {"Proxy-Authorization": proxy_auth} if proxy_auth else None
            conn.set_tunnel(host, port, headers=tunnel_headers)
        else:
            conn = http.client.HTTPConnection(proxy_host, proxy_port, timeout=connect_timeout)
            target = "%s://%s%s" % (parts.scheme, _netloc(host, port, 80), target)
            if proxy_auth:
                send_headers["Proxy-Authorization"] = proxy_auth
    elif context is not None:
        conn = http.client.HTTPSConnection(host, port, timeout=connect_timeout, context=context)
    else:
        conn = http.client.HTTPConnection(host, port, timeout=connect_timeout)
    # Every socket operation, the proxy tunnel's included, runs under the deadline.
    conn._create_connection = functools.partial(_open_socket, deadline)  # type: ignore[attr-defined]
    conn.response_class = functools.partial(  # type: ignore[assignment]
        _response_class(), deadline=deadline
    )

    try:
        import ssl

        try:
            # HTTPSConnection.connect without its TLS step (TCP, and the tunnel) ...
            http.client.HTTPConnection.connect(conn)
            if context is not None:
                # ... which runs here, its whole handshake within the time left.
                assert conn.sock is not None
                conn.sock.settimeout(deadline.timeout())
                conn.sock = context.wrap_socket(conn.sock, server_hostname=host)
        except ssl.SSLError as exc:
            raise SSLError(endpoint, type(exc).__name__ + ": " + _reason(exc)) from None
        except socket.timeout:
            if proxy_host is not None:
                raise ProxyConnectionError(endpoint, proxy_shown) from None
            raise ConnectTimeoutError(endpoint) from None
        except http.client.HTTPException:  # the proxy's answer to CONNECT is not HTTP
            raise ProxyConnectionError(endpoint, proxy_shown) from None
        except UnicodeError:  # getaddrinfo's IDNA encoding refused the host name
            raise InvalidURLError(
                "Cannot request %s: the host name cannot be encoded" % (endpoint,),
                endpoint=endpoint,
            ) from None
        except OSError as exc:
            if proxy_host is not None:
                raise ProxyConnectionError(endpoint, proxy_shown) from None
            raise EndpointConnectionError(endpoint, _reason(exc)) from None
        assert conn.sock is not None
        # The answer has 2 * read from now, and never past the whole exchange's end.
        deadline.at = min(deadline.at, time.monotonic() + 2 * read_timeout)
        deadline.per_op = read_timeout
        try:
            conn.sock.settimeout(deadline.timeout())  # sendall: a total for the request
            conn.putrequest(method, target, skip_host=False, skip_accept_encoding=True)
            for name, value in send_headers.items():
                conn.putheader(name, value)
            if body is not None or method.upper() in ("PUT", "POST", "PATCH"):
                conn.putheader("Content-Length", str(len(body or b"")))
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            status = resp.status
            reason = resp.reason or ""
            if _unparsed_header_lines(resp):
                raise _malformed(endpoint, "a header line that is not a header field")
            resp_headers: Dict[str, str] = {}
            for name, value in resp.getheaders():
                if not name or not _TOKEN.issuperset(name):
                    raise _malformed(endpoint, "a header name that is not a token")
                key = name.lower()
                resp_headers[key] = (
                    value if key not in resp_headers else resp_headers[key] + ", " + value
                )
            declared = resp_headers.get("content-length")
            # http.client ignores Content-Length under chunked framing, as RFC 9112 says.
            if (
                declared is not None
                and not resp.chunked
                and _content_length(declared, endpoint) > max_bytes
            ):
                raise ResponseTooLargeError(endpoint, max_bytes)
            data = _read_bounded(resp, max_bytes, endpoint)
        except HTTPClientError:
            raise  # ours: several are OSError subclasses, which the clauses below would rewrap
        except socket.timeout:
            raise ReadTimeoutError(endpoint) from None
        except ssl.SSLError as exc:
            raise SSLError(endpoint, type(exc).__name__ + ": " + _reason(exc)) from None
        except http.client.RemoteDisconnected:  # closed before any answer (botocore's case)
            raise ConnectionClosedError(endpoint) from None
        except http.client.IncompleteRead:
            raise _malformed(endpoint, "the body ended early or its chunks are malformed") from None
        except http.client.LineTooLong:
            raise _malformed(endpoint, "a line is too long") from None
        except (http.client.BadStatusLine, http.client.UnknownProtocol):
            raise _malformed(endpoint, "the status line is not HTTP/1.x") from None
        except http.client.HTTPException:
            raise _malformed(endpoint, "the status line or headers are malformed") from None
        except OSError:
            raise ConnectionClosedError(endpoint) from None
    finally:
        conn.close()
    return Response(status, reason, resp_headers, data, endpoint)


def _read_bounded(resp: http.client.HTTPResponse, max_bytes: int, endpoint: str) -> bytes:
    """The body, at most ``max_bytes`` of it; every read is under the deadline."""
    chunks: List[bytes] = []
    size = 0
    while True:
        chunk = resp.read1(_CHUNK) if hasattr(resp, "read1") else resp.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLargeError(endpoint, max_bytes)
        chunks.append(chunk)
    if resp.length:  # bytes still owed under Content-Length: the connection closed early
        raise _malformed(endpoint, "the body is shorter than its Content-Length")
    if resp.chunked:
        resp.read()  # an unfinished chunked body raises IncompleteRead here
    return b"".join(chunks)


def _unparsed_header_lines(resp: http.client.HTTPResponse) -> bool:
    """Whether a line of the head was not a header field (http.client ignores it).

    The parser of :mod:`email` stops at such a line and keeps it and the lines
    after it as a "payload"; urllib3 only logs this.
    """
    msg = resp.msg
    missing = any(type(d).__name__ == "MissingHeaderBodySeparatorDefect" for d in msg.defects)
    return missing or bool(msg.get_payload())


def _content_length(value: str, endpoint: str) -> int:
    """The value of ``Content-Length`` (repeated headers joined with ``", "``).

    One run of ASCII digits, or a list of equal runs (RFC 9110 8.6); anything
    else (signs, spaces inside, exponents, non-ASCII digits, differing values)
    makes the framing unknowable, an error for the whole response (RFC 9112
    6.3).  A run longer than :data:`_MAX_LENGTH_DIGITS` counts as too large.
    """
    lengths = set()
    for part in value.split(","):
        digits = part.strip(" \t")
        if not digits or not _DIGITS.issuperset(digits):
            raise _malformed(endpoint, "an invalid Content-Length header")
        digits = digits.lstrip("0") or "0"
        lengths.add(int(digits) if len(digits) <= _MAX_LENGTH_DIGITS else -1)
    if len(lengths) > 1:
        raise _malformed(endpoint, "Content-Length headers that disagree")
    (length,) = lengths
    return 10**_MAX_LENGTH_DIGITS if length < 0 else length


def _malformed(endpoint: str, kind: str) -> ConnectionClosedError:
    """:class:`ConnectionClosedError` saying what was wrong (never the bytes received)."""
    error = ConnectionClosedError(endpoint)
    error.args = ('Received a malformed response from endpoint URL: "%s" (%s).' % (endpoint, kind),)
    return error


#: Characters left as they are in a path (RFC 3986 pchar and "/"); "%" keeps escapes.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def _encode(text: str, safe: str) -> str:
    """Percent-encode what may not appear in a request target (as urllib3 does)."""
    from urllib.parse import quote

    return quote(text, safe=safe)


def _netloc(host: str, port: int, default_port: int) -> str:
    if ":" in host:
        host = "[%s]" % host
    return host if port == default_port else "%s:%d" % (host, port)


def _proxy(proxy_url: str, endpoint: str) -> Tuple[str, str, int, Optional[str]]:
    """(scheme, host, port, Proxy-Authorization value or None) of a proxy URL."""
    from urllib.parse import unquote, urlsplit

    if "://" not in proxy_url:
        proxy_url = "http://" + proxy_url
    try:
        parts = urlsplit(proxy_url)
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        host = None
        port = 0
    if not host:
        raise InvalidURLError(
            "The proxy for %s is not a valid URL (check HTTP_PROXY/HTTPS_PROXY)" % (endpoint,),
            endpoint=endpoint,
        )
    auth = None
    if parts.username is not None:
        import base64

        raw = "%s:%s" % (unquote(parts.username), unquote(parts.password or ""))
        auth = "Basic " + base64.b64encode(raw.encode("utf-8")).decode("ascii")
    return parts.scheme, host, port, auth


def _reason(exc: BaseException) -> str:
    """A short description of a transport error (no data from the request)."""
    strerror = getattr(exc, "strerror", None)
    if strerror:
        return str(strerror)
    reason = getattr(exc, "reason", None)
    if reason:
        return str(reason)
    return type(exc).__name__
