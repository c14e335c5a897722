"""InstanceMetadataProvider against real loopback servers, and differentially against botocore."""

from __future__ import annotations

import configparser
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional

import pytest
from _compare import assert_same, instant, outcome, request_keys
from _loopback import Reply, closed_port, elapsed, silent_port
from _oracle import isolated_env
from _support import QUICK, requires_botocore_143, sample

from bedrock_token_lite._errors import (
    BedrockTokenError,
    CredentialRetrievalError,
    InvalidConfigError,
    InvalidIMDSEndpointError,
    InvalidIMDSEndpointModeError,
)
from bedrock_token_lite._source_errors import MetadataRetrievalError
from bedrock_token_lite._sources.imds import InstanceMetadataProvider

TOKEN_PATH = "/latest/api/token"
ROLES = "/latest/meta-data/iam/security-credentials/"
HEADERS = ("x-aws-ec2-metadata-token-ttl-seconds", "x-aws-ec2-metadata-token", "content-length")
SECRET = "imds-secret-key-do-not-leak"
SESSION = "imds-session-token-do-not-leak"


def stamp(delta: timedelta, fmt: str = "%Y-%m-%dT%H:%M:%SZ") -> str:
    return (datetime.now(timezone.utc) + delta).strftime(fmt)


def creds_doc(expiration: Optional[str] = None, **extra: Any) -> Dict[str, Any]:
    doc = {
        "Code": "Success",
        "LastUpdated": stamp(timedelta(0)),
        "Type": "AWS-HMAC",
        "AccessKeyId": "ASIAIMDS",
        "SecretAccessKey": SECRET,
        "Token": SESSION,
        "Expiration": expiration or stamp(timedelta(hours=2)),
    }
    doc.update(extra)
    return doc


def routes(
    token: Any = None, roles: Any = None, creds: Any = None, role: str = "role", prefix: str = ""
) -> Dict[Any, Any]:
    return {
        ("PUT", prefix + TOKEN_PATH): token or [Reply(200, "tok-v2")],
        ("GET", prefix + ROLES): roles or [Reply(200, role)],
        ("GET", prefix + ROLES + role): creds or [Reply(200, creds_doc())],
    }


def config_loader(home: Path) -> Callable[[], Mapping[str, Any]]:
    """A minimal stand-in for the chain's config loading (test only)."""

    def load() -> Mapping[str, Any]:
        parser = configparser.RawConfigParser()
        parser.read([str(home / ".aws" / "config")])
        profiles = {}
        for section in parser.sections():
            name = section[len("profile ") :] if section.startswith("profile ") else section
            profiles[name] = dict(parser.items(section))
        return {"profiles": profiles}

    return load


def ours(env: Mapping[str, str], home: Path, **kwargs: Any) -> Dict[str, Any]:
    return outcome(
        lambda: InstanceMetadataProvider(
            environ=env,
            load_config=config_loader(home),
            profile_name=env.get("AWS_PROFILE"),
            **kwargs,
        ).load()
    )


def in_extension_window(result: Dict[str, Any]) -> bool:
    expiry = instant(result["result"]["expiry"])
    now = datetime.now(timezone.utc)
    return (
        now + timedelta(minutes=17) - timedelta(seconds=30)
        <= expiry
        <= now + timedelta(minutes=25, seconds=30)
    )


# -- differential scenarios ---------------------------------------------------------------------

EXTENDED = "extended"


def _scenarios() -> List[Any]:
    soon = stamp(timedelta(minutes=5))
    past = stamp(timedelta(hours=-1))
    return [
        # (id, routes, env extra ({URL} = server), config text, message mode)
        ("v2", routes(), {}, "", "equal"),
        ("token-403", routes(token=[Reply(403)]), {}, "", "equal"),
        ("token-404", routes(token=[Reply(404)]), {}, "", "equal"),
        ("token-405", routes(token=[Reply(405)]), {}, "", "equal"),
        ("token-400", routes(token=[Reply(400)]), {}, "", "equal"),
        ("token-500", routes(token=[Reply(500)]), {}, "", "equal"),
        (
            "token-401",
            routes(token=[Reply(401)]),
            {"AWS_METADATA_SERVICE_NUM_ATTEMPTS": "2"},
            "",
            "equal",
        ),
        (
            "role-401",
            routes(roles=[Reply(401)]),
            {"AWS_METADATA_SERVICE_NUM_ATTEMPTS": "2"},
            "",
            "equal",
        ),
        (
            "token-500-x2",
            routes(token=[Reply(500)]),
            {"AWS_METADATA_SERVICE_NUM_ATTEMPTS": "2"},
            "",
            "equal",
        ),
        ("token-empty", routes(token=[Reply(200, "")]), {}, "", "equal"),
        ("token-dropped", routes(token=[Reply(close=True)]), {}, "", "equal"),
        (
            "v1-off-env",
            routes(token=[Reply(404)]),
            {"AWS_EC2_METADATA_V1_DISABLED": "true"},
            "",
            "equal",
        ),
        (
            "v1-off-config",
            routes(token=[Reply(404)]),
            {},
            "[default]\nec2_metadata_v1_disabled = True\n",
            "equal",
        ),
        ("v1-off-v2-ok", routes(), {"AWS_EC2_METADATA_V1_DISABLED": "true"}, "", "equal"),
        ("role-404", routes(roles=[Reply(404)]), {}, "", "equal"),
        ("role-empty", routes(roles=[Reply(200, "")]), {}, "", "equal"),
        ("role-flaky-1", routes(roles=[Reply(500), Reply(200, "role")]), {}, "", "equal"),
        (
            "role-flaky-2",
            routes(roles=[Reply(500), Reply(200, "role")]),
            {"AWS_METADATA_SERVICE_NUM_ATTEMPTS": "2"},
            "",
            "equal",
        ),
        (
            "role-multiline",
            routes(roles=[Reply(200, "role1\nrole2")], role="role1role2"),
            {},
            "",
            "equal",
        ),
        (
            "creds-error-doc",
            routes(creds=[Reply(200, {"Code": "Failed", "Message": "no trust"})]),
            {},
            "",
            "equal",
        ),
        ("creds-bad-json", routes(creds=[Reply(200, "{oops")]), {}, "", "equal"),
        (
            "creds-missing-token",
            routes(
                creds=[
                    Reply(
                        200,
                        {
                            "AccessKeyId": "A",
                            "SecretAccessKey": "S",
                            "Expiration": stamp(timedelta(hours=1)),
                        },
                    )
                ]
            ),
            {},
            "",
            "equal",
        ),
        ("creds-500", routes(creds=[Reply(500, "x")]), {}, "", "equal"),
        (
            "fractional-expiry",
            routes(
                creds=[Reply(200, creds_doc(stamp(timedelta(hours=3), "%Y-%m-%dT%H:%M:%S.123Z")))]
            ),
            {},
            "",
            "equal",
        ),
        ("expiring-soon", routes(creds=[Reply(200, creds_doc(soon))]), {}, "", EXTENDED),
        ("expired", routes(creds=[Reply(200, creds_doc(past))]), {}, "", EXTENDED),
        (
            "expired-fractional",  # not extended (strict format only): still expired
            routes(
                creds=[Reply(200, creds_doc(stamp(timedelta(hours=-1), "%Y-%m-%dT%H:%M:%S.5Z")))]
            ),
            {},
            "",
            "prefix",
        ),
        (
            "text-charset",  # ISO-8859-1 for text/* without a charset, then percent-encoded
            routes(
                roles=[
                    Reply(200, "r\xe9le".encode("latin-1"), headers={"Content-Type": "text/plain"})
                ],
                role="r%C3%A9le",
            ),
            {},
            "",
            "equal",
        ),
        ("endpoint-slash", routes(), {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "{URL}/"}, "", "equal"),
        (
            "endpoint-prefix",
            routes(prefix="/pfx"),
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "{URL}/pfx"},
            "",
            "equal",
        ),
        (
            "endpoint-config",
            routes(),
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT": None},
            "[default]\nec2_metadata_service_endpoint = {URL}\n",
            "equal",
        ),
        (
            "endpoint-profile",
            routes(),
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT": None, "AWS_PROFILE": "p"},
            "[profile p]\nec2_metadata_service_endpoint = {URL}\n",
            "equal",
        ),
        (
            "endpoint-invalid",
            routes(),
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://bad host"},
            "",
            "prefix",
        ),
        (
            "endpoint-mode-bad",
            routes(),
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv5"},
            "",
            "equal",
        ),
        (
            "endpoint-beats-mode",
            routes(),
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv6"},
            "",
            "equal",
        ),
        ("timeout-float", routes(), {"AWS_METADATA_SERVICE_TIMEOUT": "1.5"}, "", "any"),
        ("timeout-0", routes(), {"AWS_METADATA_SERVICE_TIMEOUT": "0"}, "", "prefix"),
        ("timeout-negative", routes(), {"AWS_METADATA_SERVICE_TIMEOUT": "-1"}, "", "prefix"),
        (
            "attempts-config-bad",
            routes(),
            {},
            "[default]\nmetadata_service_num_attempts = two\n",
            "any",
        ),
        ("attempts-0", routes(), {"AWS_METADATA_SERVICE_NUM_ATTEMPTS": "0"}, "", "equal"),
        (
            "attempts-0-v1-off",
            routes(),
            {"AWS_METADATA_SERVICE_NUM_ATTEMPTS": "0", "AWS_EC2_METADATA_V1_DISABLED": "true"},
            "",
            "equal",
        ),
        ("disabled-TRUE", routes(), {"AWS_EC2_METADATA_DISABLED": "TRUE"}, "", "equal"),
        # A charset that names no text encoding: botocore's bare LookupError, ours a
        # library error that is also one (its text is ours, naming the endpoint).
        (
            "role-charset-unknown",
            routes(
                roles=[Reply(200, "role", headers={"Content-Type": "text/plain; charset=nope"})]
            ),
            {},
            "",
            "any",
        ),
        # Credentials that are not UTF-8: retried as invalid JSON, then given up on.
        (
            "creds-not-utf8",
            routes(
                creds=[
                    Reply(200, b'{"Code": "\xff"}', headers={"Content-Type": "application/json"})
                ]
            ),
            {},
            "",
            "equal",
        ),
        (
            "disabled-config-ignored",
            routes(),
            {},
            "[default]\nec2_metadata_disabled = true\n",
            "equal",
        ),
        (
            "disabled-env-bad-timeout",
            routes(),
            {"AWS_EC2_METADATA_DISABLED": "true", "AWS_METADATA_SERVICE_TIMEOUT": "x"},
            "",
            "any",
        ),
    ]


SCENARIOS = sample(_scenarios(), every=5)


@requires_botocore_143
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_matches_botocore(scenario, serve, home: Path, botocore_oracle) -> None:
    _name, script, extra, config, message = scenario
    server = serve(script)
    env_extra = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url}
    for key, value in extra.items():
        if value is None:
            env_extra.pop(key)
        else:
            env_extra[key] = value.format(URL=server.url, PORT=server.port)
    if config:
        (home / ".aws" / "config").write_text(config.format(URL=server.url))
    env = isolated_env(home, env_extra)

    boto = botocore_oracle.run(home, env_extra)
    boto_requests = server.take()
    mine = ours(env, home)
    my_requests = server.take()

    if message == EXTENDED:
        assert "result" in boto, boto
        assert "result" in mine, mine
        assert in_extension_window(boto)
        assert in_extension_window(mine)
        boto["result"]["expiry"] = mine["result"]["expiry"]
    assert_same(mine, boto, message=message)
    assert request_keys(my_requests, *HEADERS) == request_keys(boto_requests, *HEADERS)
    assert all(
        s.headers.get("user-agent", "").startswith("bedrock-token-lite/") for s in my_requests
    )
    if "error" in mine:
        assert SECRET not in mine["message"]
        assert SESSION not in mine["message"]


slow_twin = pytest.mark.skipif(QUICK, reason="waits on real timeouts; the full profile runs it")


@requires_botocore_143
@slow_twin
def test_token_read_timeout_falls_back_to_v1_at_once(serve, home: Path, botocore_oracle) -> None:
    server = serve(routes(token=[Reply(200, "late", delay=1.6)]))
    extra = {
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url,
        "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "3",
    }
    boto = botocore_oracle.run(home, extra)
    boto_requests = request_keys(server.take(), *HEADERS)
    mine, took = elapsed(lambda: ours(isolated_env(home, extra), home))
    assert_same(mine, boto)
    assert request_keys(server.take(), *HEADERS) == boto_requests
    assert [r[0] for r in boto_requests] == ["PUT", "GET", "GET"]  # no token retry, no header
    assert took < 1.8


@requires_botocore_143
@pytest.mark.parametrize("v1_disabled", ["false", "true"])
def test_unreachable_endpoint(home: Path, botocore_oracle, v1_disabled: str) -> None:
    extra = {
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:%d" % closed_port(),
        "AWS_EC2_METADATA_V1_DISABLED": v1_disabled,
    }
    boto = botocore_oracle.run(home, extra)
    mine = ours(isolated_env(home, extra), home)
    assert_same(mine, boto)
    assert ("error" in mine) == (v1_disabled == "true")


@requires_botocore_143
@slow_twin
def test_silent_endpoint_returns_none_within_the_timeout(home: Path, botocore_oracle) -> None:
    # No source configured, IMDS enabled, pointed at a local socket that never answers.
    with silent_port() as port:
        extra = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:%d" % port}
        env = isolated_env(home, extra)
        mine, took = elapsed(lambda: ours(env, home))
        boto = botocore_oracle.run(home, extra)
    assert boto == {"result": None, "pauses": []}
    assert mine == {"result": None}
    # botocore: the token read times out (no retry), then the v1 role request times out.
    assert took < 2 * 1 + 0.8


@requires_botocore_143
def test_unreachable_proxy_escapes_the_chain(home: Path, botocore_oracle) -> None:
    extra = {
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:%d" % closed_port(),
        "HTTP_PROXY": "http://127.0.0.1:%d" % closed_port(),
    }
    boto = botocore_oracle.run(home, extra)
    mine = ours(isolated_env(home, extra), home)
    assert_same(mine, boto)
    assert mine["error"] == "ProxyConnectionError"


@requires_botocore_143
@pytest.mark.parametrize("bypass", [False, True])
def test_proxy_variables_are_honoured(serve, home: Path, botocore_oracle, bypass: bool) -> None:
    direct = "http://127.0.0.1:%d" % closed_port()
    proxy = serve(
        {
            ("PUT", direct + TOKEN_PATH): [Reply(200, "tok")],
            ("GET", direct + ROLES): [Reply(200, "role")],
            ("GET", direct + ROLES + "role"): [Reply(200, creds_doc())],
        }
    )
    extra = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": direct, "HTTP_PROXY": proxy.url}
    if bypass:
        extra["NO_PROXY"] = "127.0.0.1"
    boto = botocore_oracle.run(home, extra)
    boto_requests = request_keys(proxy.take(), *HEADERS)
    mine = ours(isolated_env(home, extra), home)
    assert_same(mine, boto)
    assert request_keys(proxy.take(), *HEADERS) == boto_requests
    assert len(boto_requests) == (0 if bypass else 3)


@requires_botocore_143
def test_size_bound_is_a_deliberate_difference(serve, home: Path, botocore_oracle) -> None:
    padded = b'{"AccessKeyId": "A", "SecretAccessKey": "S", "Token": "T", "Expiration": "%s"%s}' % (
        stamp(timedelta(hours=2)).encode(),
        b" " * 70000,
    )
    server = serve(routes(creds=[Reply(200, padded)]))
    extra = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url}
    boto = botocore_oracle.run(home, extra)
    mine = ours(isolated_env(home, extra), home)
    assert boto["result"]["access_key"] == "A"  # botocore reads any size
    assert (
        mine["error"] == "ResponseTooLargeError"
    )  # we stop at 64 KiB (docs/differences-network.md)


# -- our own behaviour ---------------------------------------------------------------


def provider(server_url: str, **kwargs: Any) -> InstanceMetadataProvider:
    env = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": server_url}
    env.update(kwargs.pop("env", {}))
    return InstanceMetadataProvider(environ=env, **kwargs)


def test_v2_requests_in_detail(serve) -> None:
    server = serve(routes())
    creds = provider(server.url, env={"AWS_EXECUTION_ENV": "AWS_Lambda_python3.11"}).load()
    assert creds is not None
    assert creds.method == "iam-role"
    put, role, doc = server.take()
    assert (put.method, put.path, put.body) == ("PUT", TOKEN_PATH, b"")
    assert put.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600"
    assert "x-aws-ec2-metadata-token" not in put.headers
    assert (
        role.headers["x-aws-ec2-metadata-token"]
        == doc.headers["x-aws-ec2-metadata-token"]
        == "tok-v2"
    )
    assert put.headers["user-agent"].endswith(" exec-env/AWS_Lambda_python3.11")
    assert creds.account_id is None


def test_extension_uses_the_jitter_and_clock(serve, caplog) -> None:
    server = serve(routes(creds=[Reply(200, creds_doc("2030-01-01T00:00:00Z"))]))
    now = datetime(2030, 1, 1, 0, 5, tzinfo=timezone.utc)
    with caplog.at_level("DEBUG"):
        creds = provider(server.url, clock=lambda: now, jitter=lambda: 300).load()
    assert creds is not None
    assert creds.expiry == now + timedelta(seconds=900 + 300)
    assert "20 more minutes" in caplog.text  # logged, without secrets
    assert SECRET not in caplog.text
    assert SESSION not in caplog.text
    assert "tok-v2" not in caplog.text


def test_no_extension_while_far_from_expiry(serve) -> None:
    server = serve(routes(creds=[Reply(200, creds_doc("2030-01-01T00:30:00Z"))]))
    now = datetime(2030, 1, 1, 0, 0, tzinfo=timezone.utc)  # 30 min left > 15 + 5 min
    creds = provider(server.url, clock=lambda: now, jitter=lambda: 300).load()
    assert creds is not None
    assert creds.expiry == datetime(2030, 1, 1, 0, 30, tzinfo=timezone.utc)


def test_failed_refresh_raises_even_in_the_advisory_window(serve) -> None:
    server = serve(routes(creds=[Reply(200, creds_doc("2030-01-01T01:00:00Z"))]))
    now = [datetime(2030, 1, 1, 0, 0, tzinfo=timezone.utc)]
    creds = provider(server.url, clock=lambda: now[0], jitter=lambda: 120).load()
    assert creds is not None
    server.routes[("GET", ROLES)] = [Reply(404)]
    now[0] = datetime(2030, 1, 1, 0, 47, tzinfo=timezone.utc)  # 13 min left: advisory only
    with pytest.raises(CredentialRetrievalError) as info:
        creds.get_frozen_credentials()
    assert str(info.value) == (
        "Error when retrieving credentials from iam-role: Credential refresh failed, "
        "response did not contain: access_key, secret_key, token, expiry_time"
    )


def test_refresh_runs_the_whole_algorithm(serve) -> None:
    server = serve(routes(creds=[Reply(200, creds_doc("2030-01-01T01:00:00Z"))]))
    now = [datetime(2030, 1, 1, 0, 0, tzinfo=timezone.utc)]
    creds = provider(server.url, clock=lambda: now[0], jitter=lambda: 120).load()
    assert creds is not None
    server.take()
    server.routes[("GET", ROLES + "role")] = [
        Reply(200, creds_doc("2030-01-01T03:00:00Z", AccessKeyId="NEW"))
    ]
    now[0] = datetime(2030, 1, 1, 0, 55, tzinfo=timezone.utc)
    assert creds.get_frozen_credentials().access_key == "NEW"
    assert [s.method for s in server.take()] == ["PUT", "GET", "GET"]


def test_disabled_makes_no_request(serve) -> None:
    server = serve(routes())
    assert provider(server.url, env={"AWS_EC2_METADATA_DISABLED": "tRuE"}).load() is None
    assert server.take() == []


@pytest.mark.parametrize(
    ("env", "base"),
    [
        ({}, "http://169.254.169.254/"),
        ({"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"}, "http://[fd00:ec2::254]/"),
        ({"AWS_IMDS_USE_IPV6": "true"}, "http://[fd00:ec2::254]/"),
        (
            {"AWS_IMDS_USE_IPV6": "true", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv4"},
            "http://169.254.169.254/",
        ),
        ({"AWS_EC2_METADATA_SERVICE_ENDPOINT": ""}, "http://169.254.169.254/"),
        ({"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://[::1]:8080"}, "http://[::1]:8080"),
    ],
)
def test_base_url_selection(env: Dict[str, str], base: str) -> None:
    assert InstanceMetadataProvider(environ=env).base_url == base


def test_configuration_errors_name_the_setting() -> None:
    with pytest.raises(InvalidConfigError, match="AWS_METADATA_SERVICE_TIMEOUT") as info:
        InstanceMetadataProvider(environ={"AWS_METADATA_SERVICE_TIMEOUT": "1.5"})
    assert isinstance(info.value, ValueError)
    with pytest.raises(InvalidConfigError, match="metadata_service_num_attempts"):
        InstanceMetadataProvider(
            environ={},
            load_config=lambda: {"profiles": {"default": {"metadata_service_num_attempts": "x"}}},
        )
    with pytest.raises(InvalidIMDSEndpointError, match="AWS_EC2_METADATA_SERVICE_ENDPOINT"):
        InstanceMetadataProvider(environ={"AWS_EC2_METADATA_SERVICE_ENDPOINT": "not a url"})
    with pytest.raises(InvalidIMDSEndpointModeError):
        InstanceMetadataProvider(environ={"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "v6"})


def test_env_wins_over_profile_even_when_empty() -> None:
    config = {"profiles": {"default": {"ec2_metadata_service_endpoint": "http://10.0.0.1/"}}}
    assert (
        InstanceMetadataProvider(environ={}, load_config=lambda: config).base_url
        == "http://10.0.0.1/"
    )
    empty = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": ""}
    assert (
        InstanceMetadataProvider(environ=empty, load_config=lambda: config).base_url
        == "http://169.254.169.254/"
    )


def test_v1_disabled_and_unreachable_raises(serve) -> None:
    port = closed_port()
    with pytest.raises(MetadataRetrievalError, match="IMDSv1 has been disabled"):
        provider("http://127.0.0.1:%d" % port, env={"AWS_EC2_METADATA_V1_DISABLED": "true"}).load()


def test_huge_metadata_body_is_refused(serve) -> None:
    server = serve(routes(roles=[Reply(200, "r" * 100000)]))
    with pytest.raises(Exception, match="larger than") as info:
        provider(server.url).load()
    assert isinstance(info.value, RuntimeError)


def test_garbage_credentials_json_types_return_none(serve) -> None:
    for body in ("[1, 2]", '"AccessKeyId SecretAccessKey Token Expiration"', "null", "3"):
        server = serve(routes(creds=[Reply(200, body)]))
        assert provider(server.url).load() is None


def test_secrets_stay_out_of_reprs(serve) -> None:
    server = serve(routes())
    creds = provider(server.url).load()
    assert creds is not None
    text = repr(creds) + repr(creds.get_frozen_credentials())
    assert SECRET not in text
    assert SESSION not in text


def test_silent_endpoint_never_hangs() -> None:
    # Runs on every Python (the differential twin needs botocore 1.43).
    with silent_port() as port:
        provider_ = InstanceMetadataProvider(
            environ={"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:%d" % port}
        )
        result, took = elapsed(provider_.load)
    assert result is None
    assert took < 2 * provider_.timeout + 0.8  # token read timeout, then the v1 role request


def _chain_texts(exc: BaseException) -> str:
    texts = []
    seen: List[BaseException] = []
    current: Optional[BaseException] = exc
    while current is not None and current not in seen:
        seen.append(current)
        texts.append(str(current) + repr(current))
        current = current.__cause__ or current.__context__
    return "\n".join(texts)


@pytest.mark.parametrize("charset", ["nope", "rot13", "base64", "x\x01y", "utf-8\x00"])
def test_an_unknown_charset_is_a_library_lookup_error(serve, charset: str) -> None:
    # botocore decodes with the Content-Type's charset and lets codecs' LookupError escape.
    server = serve(
        routes(
            roles=[Reply(200, "role", headers={"Content-Type": "text/plain; charset=" + charset})]
        )
    )
    with pytest.raises(BedrockTokenError) as caught:
        provider(server.url).load()
    assert isinstance(caught.value, LookupError)
    assert server.url in str(caught.value)
    assert str(caught.value).isprintable()


@pytest.mark.parametrize("where", ["roles", "creds"])
def test_an_undecodable_body_keeps_no_secret_in_the_error_chain(serve, where: str) -> None:
    body = json.dumps(creds_doc()).encode("utf-8").replace(b'"Success"', b'"\xff\xfe"')
    headers = {"Content-Type": "application/json; charset=utf-8"}
    script = (
        routes(roles=[Reply(200, b"\xff" + SECRET.encode(), headers=headers)])
        if where == "roles"
        else routes(creds=[Reply(200, body, headers=headers)])
    )
    server = serve(script)
    # A role name that cannot be decoded is an error; credentials that cannot be
    # decoded are retried and then given up on (None), as botocore does.
    if where == "creds":
        assert provider(server.url).load() is None
        return
    with pytest.raises(BedrockTokenError) as caught:
        provider(server.url).load()
    assert isinstance(caught.value, ValueError)
    text = _chain_texts(caught.value)
    assert SECRET not in text
    assert SECRET[:12] not in text
