"""The AWS client modules: one settings table, and no private names across modules."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

from bedrock_token_lite._aws.client import ClientConfig
from bedrock_token_lite._config import settings

PACKAGE = Path(__file__).resolve().parents[2] / "bedrock_token_lite"

# setting -> (environment value, how a ClientConfig answers, the answer expected)
GETTERS: Dict[str, Tuple[str, Callable[[ClientConfig], Any], Any]] = {
    "region": ("eu-west-3", lambda c: c.region, "eu-west-3"),
    "use_fips_endpoint": ("true", lambda c: c.use_fips, True),
    "use_dualstack_endpoint": ("true", lambda c: c.use_dualstack, True),
    "sts_regional_endpoints": ("legacy", lambda c: c.sts_regional_endpoints, "legacy"),
    "max_attempts": ("7", lambda c: c.max_attempts, 7),
    "retry_mode": ("legacy", lambda c: c.retry_mode, "legacy"),
    "ca_bundle": ("/bundle.pem", lambda c: c.ca_bundle, "/bundle.pem"),
    "ignore_configured_endpoint_urls": (
        "true",
        lambda c: c.configured_endpoint("sts"),
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(GETTERS))
def test_client_settings_come_from_the_one_table(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rename a setting's variable and key in CONFIG_VARIABLES: the getter follows."""
    value, getter, expected = GETTERS[name]
    _env, _key, default, convert = settings.CONFIG_VARIABLES[name]
    renamed = (("BTL_RENAMED_SETTING",), "btl_renamed_setting", default, convert)
    monkeypatch.setitem(settings.CONFIG_VARIABLES, name, renamed)
    base = {"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9/"}
    by_env = ClientConfig(environ=dict(base, BTL_RENAMED_SETTING=value), full_config={})
    assert getter(by_env) == expected
    by_profile = ClientConfig(
        environ=base, full_config={"profiles": {"default": {"btl_renamed_setting": value}}}
    )
    assert getter(by_profile) == expected


def _private_imports(path: Path) -> List[str]:
    """``from .module import _name`` lines of ``path`` that name an attribute, not a module."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = path.parent
        for _ in range(node.level - 1):
            base = base.parent
        source = base.joinpath(*(node.module or "").split(".")) if node.module else base
        for alias in node.names:
            if not alias.name.startswith("_") or alias.name.startswith("__"):
                continue
            if (source / (alias.name + ".py")).exists() or (source / alias.name).is_dir():
                continue  # a private module, not a private name
            if "_aws" in source.parts[len(PACKAGE.parts) - 1 :] or "_aws" in path.parts:
                found.append("%s: from %s import %s" % (path.name, node.module, alias.name))
    return found


def test_no_private_names_cross_the_aws_modules() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert any(path.parent.name == "_aws" for path in files)
    problems = [line for path in files for line in _private_imports(path)]
    assert problems == []


def test_variable_reads_through_the_settings_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """ClientConfig has no lookup loop of its own: it asks ``settings.lookup``."""
    from bedrock_token_lite._aws import client

    seen: List[Tuple[str, bool]] = []
    real = settings.lookup

    def spy(name: str, environ: Any, profile: Any, *, convert: bool = False, **kw: Any) -> Any:
        seen.append((name, convert))
        return real(name, environ, profile, convert=convert, **kw)

    monkeypatch.setattr(client, "lookup", spy, raising=False)
    config = ClientConfig(
        environ={"AWS_USE_FIPS_ENDPOINT": "true"},
        full_config={"profiles": {"default": {"region": "eu-west-3"}}},
    )
    assert (config.region, config.use_fips) == ("eu-west-3", True)
    assert seen == [("region", False), ("use_fips_endpoint", True)]


def test_for_session_reads_the_session_and_its_profile(tmp_path: Path) -> None:
    """The nested clients read the session's environment, files and profile."""
    from bedrock_token_lite._config.session import SessionConfig

    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text(
        "[profile outer]\nregion = eu-west-3\nmax_attempts = 4\n"
        "[profile inner]\nregion = ap-south-1\n"
    )
    env = {"HOME": str(tmp_path), "AWS_RETRY_MODE": "adaptive"}
    session = SessionConfig("outer", environ=env, home=str(tmp_path))
    config = ClientConfig.for_session(session)
    assert config.environ is env
    assert (config.profile_name, config.region, config.max_attempts) == ("outer", "eu-west-3", 4)
    assert config.retry_mode == "adaptive"
    assert ClientConfig.for_session(session, region="us-west-2").region == "us-west-2"
    assert ClientConfig.for_session(session, profile_name="inner").region == "ap-south-1"
    # A provider's own session (botocore keyword arguments): the last load_config() result.
    loaded = {"profiles": {"default": {"region": "sa-east-1"}}}
    injected = SessionConfig.for_provider(lambda: loaded, environ={})
    assert injected.load_config() is loaded
    assert ClientConfig.for_session(injected).region == "sa-east-1"
