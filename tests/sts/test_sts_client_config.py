"""The client settings of the AWS calls read the one settings table."""

from __future__ import annotations

from typing import Any, Callable, Dict, Tuple

import pytest

from bedrock_token_lite._aws.client import ClientConfig
from bedrock_token_lite._config import session

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
    _env, _key, default, convert = session.CONFIG_VARIABLES[name]
    renamed = (("BTL_RENAMED_SETTING",), "btl_renamed_setting", default, convert)
    monkeypatch.setitem(session.CONFIG_VARIABLES, name, renamed)
    base = {"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9/"}
    by_env = ClientConfig(environ=dict(base, BTL_RENAMED_SETTING=value), full_config={})
    assert getter(by_env) == expected
    by_profile = ClientConfig(
        environ=base, full_config={"profiles": {"default": {"btl_renamed_setting": value}}}
    )
    assert getter(by_profile) == expected
