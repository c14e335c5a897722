"""Hostile HTTP answers: one deadline for the whole exchange, and no bare built-in errors.

A raw loopback server (``RawServer``) drips the status line, headers or body,
stalls, or sends responses :mod:`http.server` cannot produce.  Each call must
end within the documented deadline (connect timeout + 2 x read timeout) plus
a small tolerance, with a library error; a call that hangs fails the test
through its guard (3 x the bound) instead of hanging the suite.
"""

from __future__ import annotations

from typing import Any, Dict

import pytest
from _loopback import RawServer, Reply, guarded

import bedrock_token_lite as btl
from bedrock_token_lite._aws import http as _http
from bedrock_token_lite._aws.client import ClientConfig
from bedrock_token_lite._aws.sts import call_sts
from bedrock_token_lite._errors import BedrockTokenError
from bedrock_token_lite._source_errors import (
    ConnectionClosedError,
    ConnectTimeoutError,
    InvalidURLError,
    ProxyConnectionError,
    ReadTimeoutError,
    ResponseTooLargeError,
)
from bedrock_token_lite._sources.container import ContainerProvider
from bedrock_token_lite._sources.imds import InstanceMetadataProvider

CONNECT, READ = 0.2, 0.2
#: The documented bound of one exchange (see the module docstring of ``_http``).
DEADLINE = CONNECT + 2 * READ
TOLERANCE = 0.3
#: Drip one byte every DRIP s (well within the read timeout), for longer than the server's limit.
DRIP = 0.02
PAD = b"X-Pad: " + b"p" * 400 + b"\r\n"
SECRET = "wJalrXUtnFEMI-SECRET-do-not-leak"


def _head(*lines: bytes, status: bytes = b"HTTP/1.1 200 OK") -> bytes:
    return status + b"\r\n" + b"".join(line + b"\r\n" for line in lines) + b"\r\n"


OK_HEAD = _head(b"Content-Length: 5", b"Connection: close")


def _get(server: RawServer, **kwargs: Any) -> Any:
    url = server.url + "/x?sig=" + SECRET
    return guarded(
        lambda: _http.request("GET", url, timeout=(CONNECT, READ), **kwargs), 3 * DEADLINE
    )


def _assert_read_timeout(server: RawServer, result: Any) -> None:
    assert isinstance(result, ReadTimeoutError), result
    assert isinstance(result, BedrockTokenError)
    assert str(result) == 'Read timeout on endpoint URL: "http://127.0.0.1:%d/x"' % server.port


def test_the_deadline_is_connect_plus_twice_read() -> None:
    assert _http.exchange_deadline((CONNECT, READ)) == pytest.approx(DEADLINE)
    assert _http.exchange_deadline(1.0) == pytest.approx(3.0)


# -- drips and stalls ---------------------------------------------------------------


def test_dripped_status_line_is_bounded_by_the_deadline() -> None:
    status = b"HTTP/1.1 200 " + b"O" * 400
    with RawServer(_head(b"Content-Length: 5", status=status), b"hello", drip_head=DRIP) as s:
        result, took = _get(s)
    _assert_read_timeout(s, result)
    assert took < DEADLINE + TOLERANCE


def test_dripped_headers_are_bounded_by_the_deadline() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n" + PAD * 3 + b"\r\n"
    with RawServer(head, b"hello", drip_head=DRIP) as s:
        result, took = _get(s)
    _assert_read_timeout(s, result)
    assert took < DEADLINE + TOLERANCE


def test_dripped_body_is_bounded_by_the_deadline() -> None:
    with RawServer(_head(b"Content-Length: 400"), b"b" * 400, drip_body=DRIP) as s:
        result, took = _get(s)
    _assert_read_timeout(s, result)
    assert took < DEADLINE + TOLERANCE


def test_stall_after_the_headers_is_a_read_timeout() -> None:
    with RawServer(OK_HEAD, b"hello", stall=5) as s:
        result, took = _get(s)
    _assert_read_timeout(s, result)
    assert took < READ + TOLERANCE  # the per-read timeout still applies, as in botocore


def test_a_prompt_answer_is_unaffected() -> None:
    with RawServer(OK_HEAD, b"hello") as s:
        result, _ = _get(s)
    assert result.status == 200
    assert result.body == b"hello"


# -- malformed answers ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [b"\xb2", "\u00b2".encode("utf-8"), b"-1", b"1e3", b" ", b"+5", b"5_0", b"0x5"],
    ids=["sup-latin1", "sup-utf8", "negative", "exponent", "blank", "plus", "under", "hex"],
)
def test_invalid_content_length_is_a_library_error(value: bytes) -> None:
    with RawServer(_head(b"Content-Length: " + value), b"hello") as s:
        result, _ = _get(s)
    assert isinstance(result, ConnectionClosedError), result
    assert "Content-Length" in str(result)
    assert "http://127.0.0.1:%d/x" % s.port in str(result)
    assert SECRET not in str(result)
    assert "\n" not in str(result)


def test_two_different_content_lengths_are_refused_and_equal_ones_accepted() -> None:
    with RawServer(_head(b"Content-Length: 5", b"Content-Length: 3"), b"hello") as s:
        result, _ = _get(s)
    assert isinstance(result, ConnectionClosedError), result
    with RawServer(_head(b"Content-Length: 5", b"Content-Length: 5"), b"hello") as s:
        result, _ = _get(s)
    assert result.body == b"hello"


@pytest.mark.parametrize("digits", [b"99999999999999999999999", b"9" * 5000])
def test_huge_content_length_is_too_large(digits: bytes) -> None:
    # 5000 digits is past int()'s default limit on the digits of a str.
    with RawServer(_head(b"Content-Length: " + digits), b"hello") as s:
        result, _ = _get(s)
    assert isinstance(result, ResponseTooLargeError), result


LEAK = b"LEAKED-" + SECRET.encode()

MALFORMED = {
    "garbage status line": b"\x00\xff" + LEAK + b"\r\n\r\n",
    "empty status line": b"\r\n\r\n",
    "status out of range": _head(status=b"HTTP/1.1 1000 " + LEAK),
    "unknown protocol": _head(status=b"SPDY/9 200 " + LEAK),
    "too many headers": _head(*[b"X-A: " + LEAK] * 150),
    "header line too long": _head(b"X-Long: " + LEAK * 3000),
    "non-ASCII header name": _head(b"X-\xc3\x9c: " + LEAK, b"Content-Length: 5"),
    "header name with a space": _head(b"Bad Name: " + LEAK, b"Content-Length: 5"),
}


@pytest.mark.parametrize("head", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_head_is_a_library_error_without_echo(head: bytes) -> None:
    with RawServer(head, b"hello") as s:
        result, took = _get(s)
    assert isinstance(result, ConnectionClosedError), result
    message = str(result)
    assert "http://127.0.0.1:%d/x" % s.port in message
    assert "LEAKED" not in message
    assert SECRET not in message
    assert "\n" not in message
    assert took < DEADLINE + TOLERANCE


def test_non_ascii_header_value_is_kept_as_latin_1() -> None:
    # obs-text is allowed in a field value (RFC 9110 5.5); http.client decodes it as latin-1.
    with RawServer(_head(b"X-Name: caf\xe9", b"Content-Length: 5"), b"hello") as s:
        result, _ = _get(s)
    assert result.headers["x-name"] == "caf\u00e9"


BODIES = {
    "truncated body": (_head(b"Content-Length: 10"), b"abc"),
    "bad chunk size": (_head(b"Transfer-Encoding: chunked"), b"zz\r\n" + LEAK),
    "truncated chunk": (_head(b"Transfer-Encoding: chunked"), b"a\r\nabc"),
    "missing last chunk": (_head(b"Transfer-Encoding: chunked"), b"3\r\nabc\r\n"),
    "chunk size line too long": (_head(b"Transfer-Encoding: chunked"), b"1" * 70000 + b"\r\n"),
}


@pytest.mark.parametrize("answer", list(BODIES.values()), ids=list(BODIES))
def test_broken_body_is_a_library_error(answer: Any) -> None:
    head, body = answer
    with RawServer(head, body) as s:
        result, _ = _get(s)
    assert isinstance(result, ConnectionClosedError), result
    assert "http://127.0.0.1:%d/x" % s.port in str(result)
    assert "LEAKED" not in str(result)


def test_head_request_with_content_length_is_not_truncated() -> None:
    with RawServer(_head(b"Content-Length: 10")) as s:
        result = guarded(
            lambda: _http.request("HEAD", s.url + "/x", timeout=(CONNECT, READ)), 3 * DEADLINE
        )[0]
    assert (result.status, result.body) == (200, b"")


# -- through the callers -------------------------------------------------------------

DRIPPING_HEAD = _head(b"Content-Length: 5", PAD.strip() * 2)


def test_imds_provider_is_bounded_by_its_attempts() -> None:
    with RawServer(DRIPPING_HEAD, b"hello", drip_head=DRIP) as s:
        provider = InstanceMetadataProvider(environ={"AWS_EC2_METADATA_SERVICE_ENDPOINT": s.url})
        provider.timeout = CONNECT  # type: ignore[assignment]  # whole seconds from settings
        # The token PUT times out (v1 fallback at once), then one role GET: two deadlines.
        bound = 2 * (provider.timeout * 3)
        result, took = guarded(provider.load, 3 * bound)
        assert s.connections == 2
    assert result is None
    assert took < bound + TOLERANCE


def test_container_provider_is_bounded_by_its_attempts() -> None:
    pauses = []
    with RawServer(DRIPPING_HEAD, b"hello", drip_head=DRIP) as s:
        env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": s.url + "/creds"}
        provider = ContainerProvider(env, sleep=pauses.append, timeout=READ, attempts=2)
        bound = 2 * (READ * 3)
        result, took = guarded(provider.load, 3 * bound)
        assert s.connections == 2
    assert isinstance(result, BedrockTokenError), result
    assert "Read timeout" in str(result)
    assert len(pauses) == 2
    assert took < bound + TOLERANCE


def test_sts_call_is_bounded_by_attempts_times_the_deadline() -> None:
    pauses = []
    with RawServer(DRIPPING_HEAD, b"hello", drip_head=DRIP) as s:
        env: Dict[str, str] = {"AWS_ENDPOINT_URL_STS": s.url, "AWS_MAX_ATTEMPTS": "2"}
        config = ClientConfig(environ=env, full_config={})

        def call() -> Any:
            return call_sts(
                "AssumeRole",
                [("RoleArn", "arn:aws:iam::123456789012:role/r"), ("RoleSessionName", "session")],
                config=config,
                credentials=btl.Credentials("AKIDEXAMPLE", SECRET),
                region="eu-west-1",
                method="assume-role",
                sleep=pauses.append,
                timeout=READ,
            )

        bound = 2 * (READ * 3)
        result, took = guarded(call, 3 * bound)
        assert s.connections == 2
    assert isinstance(result, ReadTimeoutError), result  # retried, and botocore's final class
    assert SECRET not in str(result)
    assert len(pauses) == 1
    assert took < bound + TOLERANCE


# -- the connect phase ----------------------------------------------------------------


def _through_proxy(proxy: RawServer) -> Any:
    # https through an http proxy: CONNECT, whose answer the proxy sends as scripted.
    return guarded(
        lambda: _http.request(
            "GET",
            "https://127.0.0.1:1/x?sig=" + SECRET,
            timeout=(CONNECT, READ),
            proxies={"https": proxy.url},
        ),
        3 * DEADLINE,
    )


def test_proxy_with_a_garbage_connect_answer_is_a_proxy_error() -> None:
    with RawServer(b"\x00" + LEAK + b"\r\n\r\n") as proxy:
        result, _ = _through_proxy(proxy)
    assert isinstance(result, ProxyConnectionError), result
    assert "LEAKED" not in str(result)


def test_proxy_dripping_its_connect_answer_is_bounded() -> None:
    with RawServer(_head(PAD.strip() * 2), drip_head=DRIP) as proxy:
        result, took = _through_proxy(proxy)
    assert isinstance(result, ProxyConnectionError), result
    assert took < DEADLINE + TOLERANCE


def test_host_name_that_cannot_be_encoded_is_an_invalid_url() -> None:
    with pytest.raises(InvalidURLError):
        _http.request("GET", "http://%s.example/x" % ("a" * 64), timeout=0.2)


def test_infinite_timeouts_are_usable(serve) -> None:
    server = serve({("GET", "/x"): [Reply(200, b"ok")]})
    assert _http.request("GET", server.url + "/x", timeout=float("inf")).body == b"ok"


# -- name resolution ----------------------------------------------------------------------------
#
# The resolver cannot be slowed for real without changing the machine's resolver
# configuration, so these replace socket.getaddrinfo for one made-up name: the only
# seam in this file.  Every other name (and every address) resolves for real.

HANGING_NAME = "resolver-hangs.invalid"


@pytest.fixture
def slow_resolver(monkeypatch: pytest.MonkeyPatch) -> Dict[str, int]:
    import socket
    import time

    real = socket.getaddrinfo
    calls = {"slow": 0}

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == HANGING_NAME:
            calls["slow"] += 1
            time.sleep(3)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


def test_a_name_lookup_that_hangs_is_cut_by_the_deadline(slow_resolver: Dict[str, int]) -> None:
    url = "http://%s:9/x?sig=%s" % (HANGING_NAME, SECRET)
    result, took = guarded(lambda: _http.request("GET", url, timeout=(CONNECT, READ)), 2.5)
    assert isinstance(result, ConnectTimeoutError), result
    assert SECRET not in str(result)
    assert slow_resolver["slow"] == 1
    assert took < CONNECT + TOLERANCE


def test_a_name_that_resolves_is_looked_up_as_before(slow_resolver: Dict[str, int]) -> None:
    with RawServer(OK_HEAD, b"hello") as s:
        url = "http://localhost:%d/x" % s.port
        result, _ = guarded(lambda: _http.request("GET", url, timeout=(1, 1)), 5)
    assert not isinstance(result, BaseException), result
    assert result.body == b"hello"
    assert slow_resolver["slow"] == 0
