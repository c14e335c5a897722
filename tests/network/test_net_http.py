"""The HTTP layer against real loopback servers: bounds, timeouts, redirects, messages."""

from __future__ import annotations

import contextlib
import subprocess
import sys

import pytest
from _loopback import Reply, closed_port, elapsed, silent_port
from _support import self_signed_cert

from bedrock_token_lite._aws import http as _http
from bedrock_token_lite._errors import CredentialsError
from bedrock_token_lite._source_errors import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    HTTPError,
    InvalidURLError,
    ProxyConnectionError,
    ReadTimeoutError,
    ResponseTooLargeError,
    SSLError,
)

SECRET = "wJalrXUtnFEMI-SECRET-do-not-leak"


def test_get_returns_status_headers_and_body(serve) -> None:
    server = serve({("GET", "/a/b"): [Reply(200, b"hello", headers={"X-One": "1"})]})
    response = _http.request("GET", server.url + "/a/b?x=1", headers={"Accept": "text/plain"})
    assert (response.status, response.body) == (200, b"hello")
    assert response.headers["x-one"] == "1"
    (seen,) = server.take()
    assert (seen.method, seen.path) == ("GET", "/a/b?x=1")
    assert seen.headers["accept"] == "text/plain"
    assert seen.headers["accept-encoding"] == "identity"
    assert seen.headers["host"] == "127.0.0.1:%d" % server.port
    assert response.raise_for_status() is response


def test_put_sends_content_length_zero_and_body(serve) -> None:
    server = serve()
    _http.request("PUT", server.url + "/t")
    _http.request("POST", server.url + "/p", body=b"a=1&b=2")
    put, post = server.take()
    assert put.headers["content-length"] == "0"
    assert put.body == b""
    assert post.headers["content-length"] == "7"
    assert post.body == b"a=1&b=2"


def test_non_2xx_is_returned_and_raise_for_status_names_the_endpoint(serve) -> None:
    server = serve({("GET", "/x"): [Reply(503, b"busy")]})
    response = _http.request("GET", server.url + "/x?token=" + SECRET)
    assert response.status == 503
    with pytest.raises(HTTPError) as info:
        response.raise_for_status()
    assert info.value.status == 503
    assert "127.0.0.1:%d/x" % server.port in str(info.value)
    assert SECRET not in str(info.value)
    assert SECRET not in repr(response)


def test_redirects_are_not_followed(serve) -> None:
    other = serve({("GET", "/stolen"): [Reply(200, b"other host")]})
    server = serve({("GET", "/r"): [Reply(302, b"", headers={"Location": other.url + "/stolen"})]})
    response = _http.request("GET", server.url + "/r", headers={"Authorization": SECRET})
    assert response.status == 302
    assert response.headers["location"] == other.url + "/stolen"
    assert other.take() == []  # the token never reached the other host


def test_body_larger_than_bound_is_refused(serve) -> None:
    big = b"x" * 5000
    server = serve(
        {
            ("GET", "/declared"): [Reply(200, big)],
            ("GET", "/undeclared"): [Reply(200, big, length=10)],
            ("GET", "/exact"): [Reply(200, big[:4096])],
        }
    )
    with pytest.raises(ResponseTooLargeError) as info:
        _http.request("GET", server.url + "/declared", max_bytes=4096)
    assert "4096" in str(info.value)
    assert "/declared" in str(info.value)
    # A lying Content-Length cannot make us read more than it says (nor more than the bound).
    assert _http.request("GET", server.url + "/undeclared", max_bytes=4096).body == big[:10]
    assert len(_http.request("GET", server.url + "/exact", max_bytes=4096).body) == 4096


def test_chunked_body_larger_than_bound_is_refused(serve) -> None:
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def answer() -> None:
        conn, _ = listener.accept()
        conn.recv(65536)
        head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        chunk = b"1000\r\n" + b"y" * 4096 + b"\r\n"
        with contextlib.suppress(OSError):
            conn.sendall(head + chunk * 64 + b"0\r\n\r\n")
        conn.close()

    thread = threading.Thread(target=answer)
    thread.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            _http.request("GET", "http://127.0.0.1:%d/c" % port, max_bytes=10000)
    finally:
        thread.join(5)
        listener.close()


def test_read_timeout_on_a_silent_server_is_bounded() -> None:
    with silent_port() as port:
        result, took = elapsed(
            lambda: _http.request(
                "GET", "http://127.0.0.1:%d/x?sig=%s" % (port, SECRET), timeout=(1, 0.3)
            )
        )
    assert isinstance(result, ReadTimeoutError)
    assert isinstance(result, TimeoutError)
    assert took < 1.5
    assert str(result) == 'Read timeout on endpoint URL: "http://127.0.0.1:%d/x"' % port


def test_slow_headers_time_out(serve) -> None:
    server = serve({("GET", "/slow"): [Reply(200, b"late", delay=2)]})
    result, took = elapsed(lambda: _http.request("GET", server.url + "/slow", timeout=0.3))
    assert isinstance(result, ReadTimeoutError)
    assert took < 1.5


def test_trickled_body_is_bounded_in_total(serve) -> None:
    # Each byte arrives well within the read timeout; the whole body would take 4 s.
    server = serve({("GET", "/drip"): [Reply(200, b"x" * 40, trickle=0.1)]})
    result, took = elapsed(lambda: _http.request("GET", server.url + "/drip", timeout=(1, 0.4)))
    assert isinstance(result, ReadTimeoutError)
    assert took < 1.6


def test_closed_port_is_a_connection_error() -> None:
    port = closed_port()
    result, took = elapsed(
        lambda: _http.request("GET", "http://127.0.0.1:%d/p?q=%s" % (port, SECRET))
    )
    assert type(result) is EndpointConnectionError
    assert isinstance(result, ConnectionError)
    assert isinstance(result, CredentialsError)
    assert str(result) == 'Could not connect to the endpoint URL: "http://127.0.0.1:%d/p"' % port
    assert took < 1


def test_connect_timeout_is_its_own_class() -> None:
    # Nothing answers SYNs to a reserved TEST-NET address only when routing drops them;
    # here we only check the class relations, which is what callers rely on.
    assert issubclass(ConnectTimeoutError, EndpointConnectionError)
    assert issubclass(ConnectTimeoutError, TimeoutError)


def test_connection_closed_without_answer(serve) -> None:
    server = serve({("GET", "/drop"): [Reply(close=True)]})
    with pytest.raises(ConnectionClosedError) as info:
        _http.request("GET", server.url + "/drop")
    assert "/drop" in str(info.value)


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/x", "http:///nohost", "http://127.0.0.1:99999/x", "http://[::1/x"],
)
def test_unusable_urls(url: str) -> None:
    with pytest.raises(InvalidURLError) as info:
        _http.request("GET", url)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, HTTPClientError)


@pytest.mark.parametrize("suffix", ["\r\nX: y", "\u20ac"])
def test_unsendable_header_is_refused_without_echo(serve, suffix: str) -> None:
    server = serve()
    with pytest.raises(InvalidURLError) as info:
        _http.request("GET", server.url, headers={"Authorization": SECRET + suffix})
    assert SECRET not in str(info.value)
    assert server.take() == []


def test_path_is_percent_encoded_like_urllib3(serve) -> None:
    server = serve()
    _http.request("GET", server.url + "/a b/%41é")
    (seen,) = server.take()
    assert seen.path == "/a%20b/%41%C3%A9"


def test_text_decoding_follows_botocore() -> None:
    def text(content_type: str, body: bytes) -> str:
        headers = {"content-type": content_type} if content_type else {}
        return _http.Response(200, "OK", headers, body, "http://h/").text()

    assert text("", "é".encode()) == "é"
    assert text("text/plain", "é".encode()) == "Ã©"  # ISO-8859-1 for text without charset
    assert text("text/plain; charset=utf-8", "é".encode()) == "é"
    assert text("application/json", "é".encode()) == "é"


def test_redact_url_drops_query_userinfo_fragment() -> None:
    assert _http.redact_url("https://u:p@Host.example:8443/a/b?X-Amz-Signature=s#f") == (
        "https://host.example:8443/a/b"
    )
    assert _http.redact_url("http://[fd00:ec2::254]/latest") == "http://[fd00:ec2::254]/latest"


@pytest.mark.parametrize(
    ("env", "url", "expected"),
    [
        ({}, "http://127.0.0.1/", {}),
        ({"HTTP_PROXY": "http://p:3128"}, "http://127.0.0.1/", {"http": "http://p:3128"}),
        (
            {"http_proxy": "http://low:1", "HTTP_PROXY": "http://up:2"},
            "http://h/",
            {"http": "http://low:1"},
        ),
        ({"HTTP_PROXY": "http://p:3128", "NO_PROXY": "127.0.0.1"}, "http://127.0.0.1:80/", {}),
        ({"HTTPS_PROXY": "http://p:1", "no_proxy": "*"}, "https://sts.amazonaws.com/", {}),
        ({"HTTP_PROXY": "http://p:1", "NO_PROXY": "example.com"}, "http://a.example.com/", {}),
        ({"HTTP_PROXY": "http://p:1", "REQUEST_METHOD": "GET"}, "http://h/", {}),
    ],
)
def test_environ_proxies(env, url, expected) -> None:
    got = _http.environ_proxies(url, env)
    got.pop("no", None)
    assert got == expected


def test_requests_go_through_an_http_proxy(serve) -> None:
    proxy = serve({("GET", "http://169.254.169.254/latest/x"): [Reply(200, b"via proxy")]})
    response = _http.request(
        "GET", "http://169.254.169.254/latest/x", proxies={"http": proxy.url}, timeout=1
    )
    assert response.body == b"via proxy"
    (seen,) = proxy.take()
    assert seen.path == "http://169.254.169.254/latest/x"  # absolute URI to the proxy


def test_unreachable_proxy_names_the_proxy_without_credentials() -> None:
    port = closed_port()
    with pytest.raises(ProxyConnectionError) as info:
        _http.request(
            "GET",
            "http://127.0.0.1:1/x",
            proxies={"http": "http://user:%s@127.0.0.1:%d" % (SECRET, port)},
        )
    assert "127.0.0.1:%d" % port in str(info.value)
    assert SECRET not in str(info.value)


def test_https_verification_failure_is_an_ssl_error(serve) -> None:
    # A plain-http server cannot complete a TLS handshake: verification never silently passes.
    server = serve()
    with pytest.raises(HTTPClientError) as info:
        _http.request("GET", "https://127.0.0.1:%d/x" % server.port, timeout=1)
    assert "127.0.0.1:%d/x" % server.port in str(info.value)


def test_missing_ca_bundle_is_reported(serve) -> None:
    with pytest.raises(HTTPClientError) as info:
        _http.request("GET", "https://127.0.0.1:1/x", ca_bundle="/nonexistent/ca.pem", timeout=1)
    assert "/nonexistent/ca.pem" in str(info.value)
    assert "AWS_CA_BUNDLE" in str(info.value)
    assert _http.ca_bundle_from_env({"AWS_CA_BUNDLE": "/x.pem"}) == "/x.pem"
    assert _http.ca_bundle_from_env({"AWS_CA_BUNDLE": ""}) is None


def test_importing_the_network_modules_loads_nothing_heavy() -> None:
    # Compared with a bare package import: some interpreters' typing imports re itself.
    code = (
        "import sys, bedrock_token_lite\n"
        "before = set(sys.modules)\n"
        "import bedrock_token_lite._aws.http, bedrock_token_lite._sources.imds\n"
        "import bedrock_token_lite._sources.container\n"
        "heavy = {'json','configparser','subprocess','argparse','urllib.request','http.client',"
        "'xml','email','re','threading','socket','ssl','random','ipaddress','platform'}\n"
        "print(sorted(heavy & (set(sys.modules) - before)), sorted(heavy - {'re'} & before))"
    )
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, check=True)
    assert out.stdout.decode().strip() == "[] []"


@pytest.fixture(scope="module")
def tls_pair(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


def test_https_verifies_against_aws_ca_bundle(serve, tls_pair) -> None:
    import ssl

    cert, key = tls_pair
    server = serve({("GET", "/tls"): [Reply(200, b"secure")]})
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server._httpd.socket = context.wrap_socket(server._httpd.socket, server_side=True)
    url = "https://127.0.0.1:%d/tls" % server.port
    # Not in the system store: refused.
    with pytest.raises(SSLError) as info:
        _http.request("GET", url, timeout=2, environ={})
    assert "127.0.0.1:%d/tls" % server.port in str(info.value)
    # AWS_CA_BUNDLE (from the injected environment) makes it trusted.
    response = _http.request("GET", url, timeout=2, environ={"AWS_CA_BUNDLE": str(cert)})
    assert response.body == b"secure"
    assert _http.request("GET", url, timeout=2, ca_bundle=str(cert), environ={}).status == 200


@pytest.mark.parametrize("timeout", [0, -1, (1, 0)])
def test_non_positive_timeouts_are_refused_before_connecting(serve, timeout) -> None:
    server = serve()
    with pytest.raises(HTTPClientError, match="less than or equal to 0"):
        _http.request("GET", server.url + "/x", timeout=timeout)
    assert server.take() == []
