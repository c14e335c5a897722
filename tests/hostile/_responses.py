"""Hostile HTTP responses: a strategy, and one loopback server that serves what was drawn.

:func:`responses` draws a short script of answers (the ``n``-th request gets
the ``n``-th answer, the last one repeating).  An answer is a status line,
headers (``Content-Length`` right, wrong, absent or not a number;
``Transfer-Encoding: chunked`` well or badly framed; a ``Content-Type`` with
a charset, known or not) and a body: the valid document of the request's
route (mutated: fields dropped, given wrong types, zone-less or out-of-range
timestamps), garbage bytes, a truncated or huge body, a redirect to another
host, JSON or XML that is valid but of the wrong shape, deep nesting, or an
*echo* of the request received (its line, headers and body, which carry the
planted secrets), raw or inside an error document.

:class:`ScriptServer` is a raw TCP server on 127.0.0.1: it reads one request,
sends the drawn bytes, and closes the connection, so no answer ever waits on
a timeout.  The valid documents come from a per-source ``route`` callable:
``route(method, path) -> bytes`` (the answer a well-behaved endpoint gives).
"""

from __future__ import annotations

import json
import socket
from typing import Any, Callable, Dict, List, Optional, Tuple

from _strategies import nasty_text
from _support import ConnectionServer
from hypothesis import strategies as st

#: (method, path) -> the body a well-behaved endpoint sends for it.
Route = Callable[[str, str], bytes]

STATUS_LINES = [
    b"HTTP/1.1 200 OK",
    b"HTTP/1.1 200 OK",
    b"HTTP/1.1 200 OK",
    b"HTTP/1.0 200 OK",
    b"HTTP/1.1 201 Created",
    b"HTTP/1.1 204 No Content",
    b"HTTP/1.1 301 Moved Permanently",
    b"HTTP/1.1 302 Found",
    b"HTTP/1.1 307 Temporary Redirect",
    b"HTTP/1.1 400 Bad Request",
    b"HTTP/1.1 401 Unauthorized",
    b"HTTP/1.1 403 Forbidden",
    b"HTTP/1.1 404 Not Found",
    b"HTTP/1.1 429 Too Many Requests",
    b"HTTP/1.1 500 Internal Server Error",
    b"HTTP/1.1 503 Slow Down",
    b"HTTP/1.1 999 Whatever",
    b"HTTP/1.1 2000 OK",
    b"HTTP/1.1 -1 Minus",
    b"HTTP/1.1 \xb2 Sup",
    b"HTTP/1.1 200",
    b"HTTP/2 200 OK",
    b"ICY 200 OK",
    b"HTTP/1.1",
    b"",
    b"\x00\xff\xfe garbage",
]
CHARSETS = [
    None,
    "utf-8",
    "UTF-8",
    "latin-1",
    "utf-16",
    "utf-32-be",
    "ascii",
    "nope",
    "",
    "\u00b2",
    "idna",
    "rot13",
    "base64",
    "zlib",
]
MEDIA = ["application/json", "text/xml", "application/x-amz-json-1.1", "text/plain", "x/y", ""]
LOCATIONS = [
    "http://169.254.169.254/latest/meta-data/",
    "http://example.com/",
    "https://sts.amazonaws.com/",
    "//evil.example/",
    "/elsewhere",
    "",
]
#: Times a body is repeated for a "huge" one: past the 1 MiB bound, quick to send.
HUGE = 1024 * 1024 + 17

TIMESTAMPS = [
    "2099-01-01T00:00:00Z",
    "2099-01-01T00:00:00",  # no zone
    "2099-01-01 00:00:00",
    "2000-01-01T00:00:00Z",  # already expired
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+14:00",
    "2099-02-30T00:00:00Z",
    "99999-01-01T00:00:00Z",
    "2099-01-01T00:00:00+99:00",
    "tomorrow",
    "",
]
NUMBERS = [0, -1, 1, 3600, 2**31, 2**63, 10**30, 10**400, 1e308, float("inf"), True]
#: Values of the wrong type for a field (json.dumps writes inf as Infinity, as some servers do).
WRONG = [None, True, 7, 1.5, [], ["x"], {}, {"a": 1}, "", "\x00", "\u2028"]


class Answer:
    """One drawn answer; :meth:`render` makes its bytes for the request it answers."""

    def __init__(
        self,
        status: bytes,
        headers: List[Tuple[bytes, bytes]],
        body: str,
        framing: str,
        *,
        payload: bytes = b"",
        cut: Optional[int] = None,
        wrap: str = "raw",
    ) -> None:
        self.status = status
        self.headers = headers
        #: valid | echo | payload | huge
        self.body = body
        #: exact | none | short | long | bad | chunked | chunked-bad
        self.framing = framing
        self.payload = payload
        self.cut = cut
        #: how an echo is wrapped: raw | json | xml | header | status
        self.wrap = wrap

    def __repr__(self) -> str:
        return "Answer(%r, %r, body=%s, framing=%s, wrap=%s, cut=%r, payload=%r)" % (
            self.status,
            self.headers,
            self.body,
            self.framing,
            self.wrap,
            self.cut,
            self.payload[:80],
        )

    def render(self, request: bytes, route: Route) -> bytes:
        method, path = _request_line(request)
        status = self.status
        headers = list(self.headers)
        if self.body == "valid":
            body = route(method, path)
        elif self.body == "echo":
            body = b""
            if self.wrap == "raw":
                body = request
            elif self.wrap == "json":
                text = request.decode("latin-1")
                body = json.dumps({"__type": "Echo", "message": text}).encode()
            elif self.wrap == "xml":
                text = request.decode("latin-1").replace("&", "&amp;").replace("<", "&lt;")
                body = (
                    "<ErrorResponse><Error><Type>Sender</Type><Code>Echo</Code>"
                    "<Message>%s</Message></Error></ErrorResponse>" % text
                ).encode("utf-8")
            elif self.wrap == "header":  # one header per request line that fits in one
                for line in request.split(b"\r\n")[:20]:
                    if line and b"\n" not in line and b"\r" not in line:
                        headers.append((b"X-Echo", line[:4000]))
                body = route(method, path)
            else:  # the reason phrase
                status = status.split(b" ", 2)[0] + b" 400 " + request.split(b"\r\n", 1)[0]
                body = b""
        elif self.body == "huge":
            body = (self.payload or b"x") * (HUGE // max(1, len(self.payload)) + 1)
        else:
            body = self.payload
        if self.cut is not None:
            body = body[: self.cut]
        head = [status]
        head.extend(name + b": " + value for name, value in headers)
        if self.framing == "exact":
            head.append(b"Content-Length: %d" % len(body))
        elif self.framing == "short":
            head.append(b"Content-Length: %d" % max(0, len(body) - 3))
        elif self.framing == "long":
            head.append(b"Content-Length: %d" % (len(body) + 50))
        elif self.framing == "bad":
            head.append(b"Content-Length: \xb2")
        elif self.framing in ("chunked", "chunked-bad"):
            head.append(b"Transfer-Encoding: chunked")
            if self.framing == "chunked":
                body = (b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n") if body else b"0\r\n\r\n"
            else:
                body = b"zz\r\n" + body
        head.append(b"Connection: close")
        return b"\r\n".join(head) + b"\r\n\r\n" + body


def _request_line(request: bytes) -> Tuple[str, str]:
    line = request.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    if len(parts) < 2:
        return "", ""
    return parts[0], parts[1].split("?", 1)[0]


def _nested(depth: int, opener: str) -> bytes:
    closer = {"[": "]", "{": "}", "<a>": "</a>"}[opener]
    if opener == "{":
        return ('{"a":' * depth + "1" + "}" * depth).encode()
    return (opener * depth + closer * depth).encode()


payloads = st.one_of(
    st.binary(max_size=200),
    nasty_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"",
            b"null",
            b"[]",
            b"{}",
            b'"x"',
            b"1e999",
            b"[1, 2",
            b'{"roleCredentials": []}',
            b'{"roleCredentials": {"expiration": 1e400}}',
            b'{"Code": "Success", "AccessKeyId": 1}',
            b'{"accessToken": null, "expiresIn": "soon"}',
            b"<a><b>",
            b"<?xml version='1.0'?><x/>",
            b'<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>',
            b"<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>",
            b"\xef\xbb\xbf{}",
            b"\xff\xfe{\x00}\x00",
        ]
    ),
    st.builds(_nested, st.sampled_from([50, 5000, 100000]), st.sampled_from(["[", "{", "<a>"])),
)
header_names = st.sampled_from(
    [b"Content-Type", b"X-Amzn-ErrorType", b"x-amzn-RequestId", b"Retry-After", b"Server"]
)


@st.composite
def content_types(draw: st.DrawFn) -> Tuple[bytes, bytes]:
    media = draw(st.sampled_from(MEDIA))
    charset = draw(st.sampled_from(CHARSETS))
    value = media if charset is None else "%s; charset=%s" % (media, charset)
    return b"Content-Type", value.encode("utf-8")


@st.composite
def header_lists(draw: st.DrawFn) -> List[Tuple[bytes, bytes]]:
    headers: List[Tuple[bytes, bytes]] = []
    if draw(st.booleans()):
        headers.append(draw(content_types()))
    if draw(st.integers(0, 4)) == 0:
        headers.append((b"Location", draw(st.sampled_from(LOCATIONS)).encode()))
    for _ in range(draw(st.integers(0, 2))):
        value = draw(
            st.one_of(
                st.binary(max_size=30), nasty_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
            )
        )
        headers.append((draw(header_names), value.replace(b"\r", b"").replace(b"\n", b"")))
    if draw(st.integers(0, 9)) == 0:  # a header line that is not one
        headers.append((b"No Colon Here", b""))
    return headers


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    if draw(st.integers(0, 3)) == 0:  # a well-behaved answer, so later steps run too
        return Answer(b"HTTP/1.1 200 OK", [], "valid", "exact")
    body = draw(st.sampled_from(["valid"] * 5 + ["echo"] * 3 + ["payload"] * 3 + ["huge"]))
    framing = draw(
        st.sampled_from(["exact"] * 6 + ["none", "short", "long", "bad", "chunked", "chunked-bad"])
    )
    status = draw(st.sampled_from(STATUS_LINES))
    if body == "valid" and draw(st.booleans()):
        status = b"HTTP/1.1 200 OK"
    cut = draw(st.one_of(st.none(), st.none(), st.integers(0, 400)))
    return Answer(
        status,
        draw(header_lists()),
        body,
        framing,
        payload=draw(payloads) if body in ("payload", "huge") else b"",
        cut=cut,
        wrap=draw(st.sampled_from(["raw", "json", "json", "xml", "xml", "header", "status"])),
    )


responses = st.lists(answers(), min_size=1, max_size=4)


# -- valid documents, mutated ---------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, document: Dict[str, Any], times: Tuple[str, ...]) -> Dict[str, Any]:
    """``document`` with some fields dropped or of the wrong type; ``times`` hostile timestamps."""
    doc = dict(document)
    for key in sorted(doc):
        choice = draw(st.integers(0, 9))
        if choice == 0:
            del doc[key]
        elif choice == 1:
            doc[key] = draw(st.one_of(st.sampled_from(WRONG), nasty_text))
        elif choice == 2 and key in times:
            doc[key] = draw(st.one_of(st.sampled_from(TIMESTAMPS), st.sampled_from(NUMBERS)))
    if draw(st.integers(0, 4)) == 0:
        doc[draw(nasty_text)] = draw(st.sampled_from(WRONG))
    return doc


def dumps(document: Any) -> bytes:
    return json.dumps(document).encode("utf-8", "surrogatepass")


def xml_text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text.replace("&", "&amp;").replace("<", "&lt;")


class ScriptServer(ConnectionServer):
    """A TCP server on 127.0.0.1 answering the ``n``-th request with ``script[n]`` (last repeats).

    Each connection: one request is read (headers, and the body its
    ``Content-Length`` announces, bounded), the rendered answer is sent, the
    connection is closed.  ``requests`` holds the raw requests received.
    """

    def __init__(self, script: List[Answer], route: Route) -> None:
        self.script = script
        self.route = route
        self.requests: List[bytes] = []
        super().__init__()

    def _read(self, conn: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length" and value.strip().isdigit():
                length = min(int(value.strip()), 65536)
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return head + b"\r\n\r\n" + body

    def handle(self, conn: socket.socket) -> None:
        conn.settimeout(2.0)
        request = self._read(conn)
        index = len(self.requests)
        self.requests.append(request)
        answer = self.script[min(index, len(self.script) - 1)]
        conn.sendall(answer.render(request, self.route))
