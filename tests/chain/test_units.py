"""Our own guarantees around the chain: import cost, messages, secrets, API wiring, hooks."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any, Dict, List

import pytest
from _support import QUICK, requires_botocore

import bedrock_token_lite as btl
from bedrock_token_lite._config.session import SessionConfig
from bedrock_token_lite._config.settings import ensure_boolean
from bedrock_token_lite._sources import chain as _chain

ROOT = Path(__file__).resolve().parents[2]
HEAVY = [
    "json",
    "configparser",
    "shlex",
    "subprocess",
    "argparse",
    "urllib.request",
    "http.client",
    "xml",
    "email",
    "re",
    "threading",
    "socket",
    "ssl",
]


def _write(home: Path, files: Dict[str, str]) -> None:
    for rel, text in files.items():
        path = home / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


KEYS = "aws_access_key_id = AKIDUNIT\naws_secret_access_key = SECRETunit01\n"


def test_import_stays_cheap() -> None:
    code = (
        "import sys, json; base = set(sys.modules); import typing; t = set(sys.modules);"
        "import bedrock_token_lite; after = set(sys.modules);"
        "print(json.dumps([sorted(after - base), sorted(t - base)]))"
    )
    # json is imported by the probe itself: check it separately below.
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, cwd=str(ROOT)
    )
    new, by_typing = json.loads(out.stdout)
    loaded = [m for m in HEAVY if m in new and m not in by_typing]
    assert loaded == [], "import bedrock_token_lite imported %s" % loaded
    probe = "import sys, bedrock_token_lite; print(sorted(m for m in %r if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe % (["json", "configparser", "shlex", "subprocess"],)],
        capture_output=True,
        check=True,
        cwd=str(ROOT),
    )
    assert out.stdout.strip() == b"[]"


def test_resolving_from_files_keeps_subprocess_and_json_unloaded(tmp_path: Path) -> None:
    _write(tmp_path, {".aws/credentials": "[default]\n" + KEYS})
    code = (
        "import sys, bedrock_token_lite as b;"
        "c = b.resolve_credentials(environ={'HOME': %r});"
        "print(c.method, 'subprocess' in sys.modules, 'json' in sys.modules)" % str(tmp_path)
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, cwd=str(ROOT)
    )
    assert out.stdout.split() == [b"shared-credentials-file", b"False", b"False"]


def test_no_credentials_names_every_source(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "AWS_ACCESS_KEY_ID": ""}
    with pytest.raises(btl.NoCredentialsError) as info:
        btl.resolve_credentials(environ=env)
    message = str(info.value)
    for fragment in (
        "shared credentials file ~/.aws/credentials",
        "config file ~/.aws/config",
        "AWS_CREDENTIAL_FILE",
        "boto2 config",
        "environment variables AWS_ACCESS_KEY_ID",
    ):
        assert fragment in message
    assert len(info.value.tried) >= 5
    assert isinstance(info.value, RuntimeError)


def test_chain_order(tmp_path: Path) -> None:
    """botocore's order; every provider but the environment's is built when reached."""
    env = {"HOME": str(tmp_path)}
    providers = _chain.create_credential_resolver(environ=env).providers
    assert [p.METHOD for p in providers] == [
        "env",
        "assume-role",
        "assume-role-with-web-identity",
        "sso",
        "shared-credentials-file",
        "login",
        "custom-process",
        "config-file",
        "ec2-credentials-file",
        "boto-config",
        "container-role",
        "iam-role",
    ]
    eager = [type(p).__name__ for p in providers if not isinstance(p, _chain._Deferred)]
    assert eager == ["EnvProvider"]
    built = [type(p.provider).__name__ for p in providers if isinstance(p, _chain._Deferred)]
    assert built[3:4] + built[6:9] == [
        "SharedCredentialProvider",
        "ConfigProvider",
        "OriginalEC2Provider",
        "BotoProvider",
    ]
    _write(tmp_path, {".aws/config": "[profile p]\n"})
    explicit = _chain.create_credential_resolver("p", environ=env).providers
    assert "env" not in [p.METHOD for p in explicit]


class _ContainerProvider:
    METHOD = "container-role"

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx

    @classmethod
    def from_context(cls, ctx: Any) -> _ContainerProvider:
        return cls(ctx)

    def load(self) -> btl.Credentials:
        return btl.Credentials("AKIDCONT", "SECRETcont1", method=self.METHOD)


def test_network_module_is_one_line_to_wire(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("bedrock_token_lite._sources.container")
    module.ContainerProvider = _ContainerProvider  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bedrock_token_lite._sources.container", module)
    _write(tmp_path, {".aws/config": "[profile p]\n"})
    env = {"HOME": str(tmp_path)}
    resolver = _chain.create_credential_resolver("p", environ=env)
    # Network providers are built when the chain reaches them.
    (deferred,) = [p for p in resolver.providers if p.METHOD == "container-role"]
    provider = deferred.provider
    assert isinstance(provider, _ContainerProvider)
    # It gets the one context: the session's profile, explicit flag, environment, config.
    config = provider.ctx.config
    assert config.profile_name == "p"
    assert config.explicit_profile is True
    assert config.environ is env
    assert callable(config.load_config)
    assert btl.resolve_credentials("p", environ=env).method == "container-role"


def test_broken_source_module_is_not_silently_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The chain imports each source plainly when it reaches it: a module whose import
    # fails surfaces as that error instead of the source being skipped as "absent".
    monkeypatch.setitem(sys.modules, "bedrock_token_lite._sources.container", None)
    env = {"HOME": str(tmp_path)}
    with pytest.raises(ImportError, match="container"):
        btl.resolve_credentials(environ=env)


def test_boto_etc_path_is_injectable(tmp_path: Path) -> None:
    etc = tmp_path / "etc-boto.cfg"
    etc.write_text(
        "[Credentials]\naws_access_key_id = AKIDETC\naws_secret_access_key = SECRETe01\n"
    )
    _write(tmp_path, {".boto": "[Credentials]\n" + KEYS})
    provider = btl.BotoProvider({}, home=str(tmp_path), etc_path=str(etc))
    creds = provider.load()
    assert creds is not None
    assert (creds.access_key, creds.method) == ("AKIDETC", "boto-config")
    etc.unlink()
    creds = provider.load()
    assert creds is not None
    assert creds.access_key == "AKIDUNIT"


def test_providers_default_to_environment_profile(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".aws/credentials": "[p]\n" + KEYS + "aws_session_token = TOKENunit001\n",
            ".aws/config": "[profile p]\n" + KEYS.replace("UNIT", "CFG"),
        },
    )
    env = {"HOME": str(tmp_path), "AWS_PROFILE": "p"}
    creds = btl.SharedCredentialProvider(environ=env).load()
    assert creds is not None
    assert creds.token == "TOKENunit001"
    cfg = btl.ConfigProvider(environ=env).load()
    assert cfg is not None
    assert cfg.access_key == "AKIDCFG"
    assert "SECRET" not in repr(creds)
    assert "TOKEN" not in repr(creds)


def test_partial_messages_name_the_place_not_the_secret(tmp_path: Path) -> None:
    _write(tmp_path, {".aws/credentials": "[default]\naws_access_key_id = AKIDP\n"})
    with pytest.raises(btl.PartialCredentialsError) as info:
        btl.resolve_credentials(environ={"HOME": str(tmp_path)})
    assert "section [default] of ~/.aws/credentials" in str(info.value)
    assert "aws_secret_access_key" in str(info.value)
    ec2 = tmp_path / "ec2"
    ec2.write_text("AWSAccessKeyId=AKIDE\n")
    with pytest.raises(KeyError) as kinfo:
        btl.OriginalEC2Provider({"AWS_CREDENTIAL_FILE": str(ec2)}).load()
    assert isinstance(kinfo.value, btl.PartialCredentialsError)
    assert "AWSSecretKey" in str(kinfo.value)


def test_nested_block_credential_is_refused(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".aws/credentials": "[default]\naws_access_key_id = AK\n"
            "aws_secret_access_key =\n  SECRETn = 1\n"
        },
    )
    with pytest.raises(btl.InvalidConfigError) as info:
        btl.resolve_credentials(environ={"HOME": str(tmp_path)})
    assert "SECRETn" not in str(info.value)
    assert "aws_secret_access_key" in str(info.value)


def test_profile_not_found_message_and_types(tmp_path: Path) -> None:
    with pytest.raises(KeyError) as info:
        btl.resolve_credentials("ghost", environ={"HOME": str(tmp_path)})
    error = info.value
    assert isinstance(error, btl.ProfileNotFound)
    assert str(error).startswith("The config profile (ghost) could not be found. ")
    assert "[profile ghost]" in str(error)
    assert error.profile == "ghost"
    with pytest.raises(btl.ProfileNotFound) as info:
        btl.resolve_region(environ={"HOME": str(tmp_path), "AWS_PROFILE": "ghost"})
    assert "AWS_PROFILE" in str(info.value)


def test_region_rule(tmp_path: Path) -> None:
    _write(tmp_path, {".aws/config": "[default]\nregion = r-file\n"})
    home = str(tmp_path)
    assert btl.resolve_region(environ={"HOME": home}) == "r-file"
    assert btl.resolve_region(environ={"HOME": home, "AWS_DEFAULT_REGION": "r-d"}) == "r-d"
    env = {"HOME": home, "AWS_DEFAULT_REGION": "r-d", "AWS_REGION": "r-a"}
    assert btl.resolve_region(environ=env) == "r-a"
    assert btl.resolve_region(environ={"HOME": home, "AWS_REGION": ""}) == "r-file"
    assert btl.resolve_region(environ={"HOME": home + "/none"}) is None


def test_session_config(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".aws/config": "[default]\nimds_use_ipv6 = TRUE\n[sso-session s]\nsso_region = r\n"
            "[services dev]\ns3 =\n  endpoint_url = http://127.0.0.1\n[preview]\nx = 1\n",
            ".aws/credentials": "[default]\nregion = r-c\n",
        },
    )
    cfg = SessionConfig(environ={"HOME": str(tmp_path)})
    full = cfg.full_config
    assert full["sso_sessions"] == {"s": {"sso_region": "r"}}
    assert full["services"] == {"dev": {"s3": {"endpoint_url": "http://127.0.0.1"}}}
    assert full["preview"] == {"x": "1"}
    assert full["profiles"]["default"] == {"imds_use_ipv6": "TRUE", "region": "r-c"}
    assert cfg.get_config_variable("imds_use_ipv6") is True
    assert cfg.get_config_variable("metadata_service_timeout") == 1
    assert cfg.get_config_variable("retry_mode") == "standard"  # botocore 1.44's default
    assert cfg.profile is None
    assert cfg.profile_name == "default"
    assert not cfg.explicit_profile
    assert cfg.load_config() == full
    assert cfg.load_config() is not full
    assert ensure_boolean(True)
    assert not ensure_boolean(1)
    assert ensure_boolean("tRuE")


def test_parse_failure_is_not_cached(tmp_path: Path) -> None:
    _write(tmp_path, {".aws/config": "garbage\n"})
    cfg = SessionConfig(environ={"HOME": str(tmp_path)})
    with pytest.raises(btl.ConfigParseError):
        cfg.full_config  # noqa: B018
    _write(tmp_path, {".aws/config": "[default]\nregion = r\n"})
    assert cfg.get_config_variable("region") == "r"


def test_bad_imds_timeout_is_invalid_config(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "AWS_METADATA_SERVICE_TIMEOUT": "SECRETish"}
    with pytest.raises(ValueError, match="metadata_service_timeout") as info:
        btl.resolve_credentials(environ=env)
    assert isinstance(info.value, btl.InvalidConfigError)


def test_provide_token_uses_the_chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("AWS_", "BOTO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    _write(
        tmp_path,
        {
            ".aws/credentials": "[p]\n" + KEYS,
            ".aws/config": "[profile p]\nregion = eu-north-1\n",
        },
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENVUNIT")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "SECRETenvu1")
    token = btl.provide_token(profile="p")
    url = base64.b64decode(token[len("bedrock-api-key-") :]).decode()
    assert "AKIDUNIT%2F" in url  # the explicit profile, not the environment
    assert "%2Feu-north-1%2Fbedrock%2F" in url  # region from the profile
    monkeypatch.setenv("AWS_PROFILE", "p")
    url = base64.b64decode(btl.provide_token()[len("bedrock-api-key-") :]).decode()
    assert "AKIDENVUNIT%2F" in url  # AWS_PROFILE does not disable the environment
    with pytest.raises(btl.ProfileNotFound):
        btl.provide_token(profile="ghost")


IMDS_ENDPOINTS = [
    "http://169.254.169.254/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1%25eth0]/",
    "http://[fe80::1%eth0]",
    "not a url",
    "",
    "http://",
    "http://-bad.com",
    "http://a..b",
    "http://a.b.",
    "http://127.0.0.1:1/",
    "http://exa mple.com",
    "http://[::1]",
    "http://[1:2:3:4:5:6:7:8]",
    "http://[1:2:3:4:5:6:7:8:9]",
    "http://[::ffff:1.2.3.4]",
    "http://[1::2::3]",
    "http://a\nb.com",
    "http://" + "a" * 64 + ".com",
    "http://[v1.x]",
    "https://x_y.com",
]


def _validity(fn: object, url: str) -> object:
    try:
        return bool(fn(url))  # type: ignore[operator]
    except ValueError:
        return "ValueError"


@requires_botocore
def test_imds_endpoint_validation_like_botocore() -> None:
    from botocore.utils import is_valid_uri as theirs

    from bedrock_token_lite._config.settings import is_valid_uri as ours

    pieces = ["1", "ab", "::", ":", "ffff", "1.2.3.4", "%25e", "0", "g"]
    urls = list(IMDS_ENDPOINTS)
    for i in range(400 if not QUICK else 80):  # deterministic mixtures of IPv6 pieces
        n = 1 + i % 9
        urls.append(
            "http://[%s]/" % "".join(pieces[(i * 7 + k * 3) % len(pieces)] for k in range(n))
        )
    for url in urls:
        assert _validity(ours, url) == _validity(theirs, url), url


#: Where the two copies of the rule used to disagree (the IMDS provider refused the
#: IPvFuture literal and swallowed urlsplit's ValueError), plus neighbours.
DISPUTED_IMDS_ENDPOINTS = [
    "http://[v1.fe]",
    "http://[v1.fe]:8080/",
    "http://[v1.]/",
    "http://[::1]",
    "http://[::1]:80/",
    "http://[fe80::1%eth0]",
    "http://[fe80::1%25eth0]/",
    "http://[::1%]/",
    "http://[::ffff:1.2.3.4]/",
    "http://[1.2.3.4]/",
    "http://[zz]/",
    "http://[]/",
    "http://[bad",
    "http://bad]/",
    "http://localhost/",
    "http://169.254.169.254/",
    "http://my-host.example:1234/",
    "http://-bad-/",
    "http://a..b/",
    "http://foo\n/",
    "not a url",
]


@requires_botocore
@pytest.mark.parametrize("url", DISPUTED_IMDS_ENDPOINTS)
def test_imds_provider_accepts_the_endpoints_botocore_accepts(url: str) -> None:
    """The provider, the session check and botocore's fetcher agree on every endpoint."""
    from botocore.exceptions import InvalidIMDSEndpointError as TheirError
    from botocore.utils import InstanceMetadataFetcher

    from bedrock_token_lite._sources.imds import InstanceMetadataProvider

    try:
        InstanceMetadataFetcher(config={"ec2_metadata_service_endpoint": url}, env={})
        theirs = "accepted"
    except (TheirError, ValueError):  # ValueError: urlsplit's, which botocore lets escape
        theirs = "invalid"
    env = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": url}
    outcomes = []
    for build in (
        lambda: InstanceMetadataProvider(environ=env),
        lambda: SessionConfig(environ=env).imds_settings(),
    ):
        try:
            build()
            outcomes.append("accepted")
        except btl.InvalidIMDSEndpointError:
            outcomes.append("invalid")
    assert outcomes == [theirs, theirs], url
    assert issubclass(btl.InvalidIMDSEndpointError, ValueError)


PROFILE_CASES = [
    ({}, None),
    ({"AWS_PROFILE": ""}, None),
    ({"AWS_PROFILE": "dev"}, None),
    ({"AWS_DEFAULT_PROFILE": ""}, None),
    ({"AWS_DEFAULT_PROFILE": "", "AWS_PROFILE": "dev"}, None),  # set-but-empty hides AWS_PROFILE
    ({"AWS_DEFAULT_PROFILE": "ops", "AWS_PROFILE": "dev"}, None),
    ({"AWS_PROFILE": "dev"}, ""),
    ({}, ""),
    ({"AWS_PROFILE": "dev"}, "ops"),
]


@requires_botocore
@pytest.mark.parametrize(("env", "profile"), PROFILE_CASES)
def test_profile_name_empty_string_rules_like_botocore(
    env: Dict[str, str], profile: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every place that picks the providers' profile picks botocore's chain's one."""
    import botocore.session

    from bedrock_token_lite._sources.files import ConfigProvider, SharedCredentialProvider
    from bedrock_token_lite._sources.process import ProcessProvider

    for name in ("AWS_DEFAULT_PROFILE", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    session = botocore.session.Session(profile=profile)  # type: ignore[arg-type]
    theirs = session.get_config_variable("profile") or "default"  # create_credential_resolver
    assert SessionConfig(profile, environ=env).profile_name == theirs  # type: ignore[arg-type]
    if profile is None:  # the standalone providers pick the profile the environment selects
        # ProcessProvider's own documented default (botocore's has none) skips an empty
        # AWS_DEFAULT_PROFILE; elsewhere a set-but-empty variable hides AWS_PROFILE.
        skips = env.get("AWS_DEFAULT_PROFILE") == "" and env.get("AWS_PROFILE")
        expected = env["AWS_PROFILE"] if skips else theirs
        assert ProcessProvider(environ=env).profile_name == expected
        assert SharedCredentialProvider(environ=env).source.endswith("section [%s]" % theirs)
        assert ConfigProvider(environ=env).source.endswith("profile %s" % theirs)


def test_the_chains_sso_gate_is_the_providers_own_first_test(tmp_path: Path) -> None:
    """The chain skips building SSOProvider on exactly the test the provider starts with."""
    from bedrock_token_lite._sources import sso as _sso
    from bedrock_token_lite._sources import sso_profile as _sso_profile

    assert _sso.has_sso_keys is _sso_profile.has_sso_keys  # one test, imported by both
    _write(
        tmp_path,
        {".aws/config": "[profile plain]\nregion = r\n[profile half]\nsso_account_id = 1\n"},
    )
    env = {"HOME": str(tmp_path)}
    for profile, expect_built in (("plain", False), ("half", True)):
        resolver = _chain.create_credential_resolver(profile, environ=env)
        (sso,) = [p for p in resolver.providers if p.METHOD == "sso"]
        if expect_built:
            with pytest.raises(btl.InvalidConfigError, match="missing required configuration"):
                sso.load()
        else:
            assert sso.load() is None
        assert (sso._provider is not None) is expect_built


def test_every_source_gets_the_one_context(tmp_path: Path) -> None:
    """The chain hands each source the resolution's configuration object, not its parts."""
    from bedrock_token_lite._sources.context import SourceContext

    _write(tmp_path, {".aws/config": "[profile p]\n" + KEYS})
    env = {"HOME": str(tmp_path)}
    config = SessionConfig("p", environ=env, home=str(tmp_path))
    resolver = _chain.build_resolver(config)
    built = {p.METHOD: p.provider for p in resolver.providers if isinstance(p, _chain._Deferred)}
    for method in (
        "assume-role",
        "assume-role-with-web-identity",
        "sso",
        "login",
        "custom-process",
        "container-role",
        "iam-role",
    ):
        assert built[method]._config is config, method
    # A source-profile sub-chain: the session's configuration, the source profile's keys,
    # and (web identity) never the environment's settings.
    ctx = SourceContext(config)
    web = _chain._web_identity(ctx, "src")
    sso = _chain._sso(ctx, "src")
    assert web._config is config
    assert sso._config is config
    assert (web._profile_name, sso._profile_name, web._disable_env) == ("src", "src", True)
    assert _chain._process(ctx, "src").profile_name == "src"


def test_public_constructors_build_one_session_config_lazily() -> None:
    """botocore's keyword arguments become one SessionConfig; load_config stays lazy."""
    calls: List[int] = []
    full = {"profiles": {"outer": {"region": "eu-west-3"}, "inner": {}}}

    def load_config() -> Dict[str, Any]:
        calls.append(1)
        return full

    env = {"AWS_PROFILE": "ignored"}
    role = btl.AssumeRoleProvider(load_config=load_config, profile_name="outer", environ=env)
    web = btl.AssumeRoleWithWebIdentityProvider(
        load_config=load_config, profile_name="inner", session_profile_name="outer", environ=env
    )
    sso = btl.SSOProvider(load_config=load_config, environ=env, home="/nowhere")
    assert calls == []
    assert isinstance(role._config, SessionConfig)
    assert (role._config.profile_name, role._config.environ) == ("outer", env)
    assert (web._config.profile_name, web._profile_name) == ("outer", "inner")
    assert (sso._config.profile_name, sso._config.home) == ("default", "/nowhere")
    assert [role.load(), web.load(), sso.load()] == [None, None, None]
    assert calls == [1, 1, 1]  # one load_config() per load, as botocore
    assert web._config.full_config is full
