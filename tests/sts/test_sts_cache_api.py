"""The Python API's ``cache=``: providers, resolve_credentials, provide_token, TokenProvider.

A loopback STS counts the calls; the cache is a JSONFileCache in a temporary
HOME (or botocore's own JSONFileCache, which our providers accept as is).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
from _support import requires_botocore_143
from sts_harness import ROLE_ARN, SOURCE_AK, SOURCE_SK, FakeAWS, base_env, write_home

import bedrock_token_lite as btl

MFA = "arn:aws:iam::123456789012:mfa/me"
CONFIG = "[profile dev]\nrole_arn = %s\nsource_profile = src\nmfa_serial = %s\n" % (ROLE_ARN, MFA)
CREDENTIALS = "[src]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (
    SOURCE_AK,
    SOURCE_SK,
)


def calls(aws: FakeAWS) -> int:
    return sum(1 for r in aws.requests if r.action == "AssumeRole")


@pytest.fixture
def env(aws: FakeAWS, home: Path) -> Dict[str, str]:
    write_home(home, CONFIG, CREDENTIALS)
    return base_env(home, AWS_ENDPOINT_URL_STS=aws.url, AWS_DEFAULT_REGION="us-east-1")


def provider(env: Dict[str, str], cache: Any, prompts: List[str]) -> btl.AssumeRoleProvider:
    from bedrock_token_lite._config.session import SessionConfig

    config = SessionConfig("dev", environ=env)

    def prompt(text: str) -> str:
        prompts.append(text)
        return "123456"

    return btl.AssumeRoleProvider(
        load_config=config.load_config,
        profile_name="dev",
        environ=env,
        cache=cache,
        mfa_prompter=prompt,
    )


def test_provider_with_a_file_cache_asks_for_the_mfa_code_once(
    aws: FakeAWS, env: Dict[str, str], home: Path
) -> None:
    cache = btl.JSONFileCache(str(home / ".aws" / "cli" / "cache"))
    prompts: List[str] = []
    first = provider(env, cache, prompts).load().get_frozen_credentials()
    assert prompts == ["Enter MFA code for %s: " % MFA]
    again = provider(env, btl.JSONFileCache(cache.working_dir), prompts).load()
    assert again.get_frozen_credentials() == first
    assert len(prompts) == 1  # a cache hit does not prompt
    assert calls(aws) == 1


@requires_botocore_143
def test_provider_accepts_botocores_json_file_cache(
    aws: FakeAWS, env: Dict[str, str], home: Path
) -> None:
    from botocore.utils import JSONFileCache

    cache = JSONFileCache(str(home / "botocore-cache"))
    prompts: List[str] = []
    first = provider(env, cache, prompts).load().get_frozen_credentials()
    second = provider(env, btl.JSONFileCache(str(home / "botocore-cache")), prompts).load()
    assert second.get_frozen_credentials() == first
    assert calls(aws) == 1


def test_resolve_provide_and_token_provider_share_the_cache(
    aws: FakeAWS, env: Dict[str, str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_home(home, CONFIG.replace("mfa_serial = %s\n" % MFA, ""), CREDENTIALS)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cache = btl.JSONFileCache(str(home / ".aws" / "cli" / "cache"))
    key = btl.resolve_credentials("dev", environ=env, cache=cache).get_frozen_credentials()
    assert calls(aws) == 1
    token = btl.provide_token(profile="dev", cache=cache)
    assert btl.decode_token(token).access_key_id == key.access_key
    tp = btl.TokenProvider(profile="dev", cache=cache)
    assert btl.decode_token(tp()).access_key_id == key.access_key
    assert calls(aws) == 1
    # without cache= nothing is shared: each resolution assumes the role again
    btl.provide_token(profile="dev")
    btl.resolve_credentials("dev", environ=env).get_frozen_credentials()
    assert calls(aws) == 3


def test_token_provider_refetches_a_cached_role_shorter_than_refresh_before(
    aws: FakeAWS, env: Dict[str, str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from sts_harness import utc_now

    write_home(home, CONFIG.replace("mfa_serial = %s\n" % MFA, ""), CREDENTIALS)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cache = btl.JSONFileCache(str(home / ".aws" / "cli" / "cache"))
    aws.expiration = (utc_now() + timedelta(minutes=50)).replace(microsecond=0)
    btl.resolve_credentials("dev", environ=env, cache=cache).get_frozen_credentials()
    aws.expiration = (utc_now() + timedelta(hours=3)).replace(microsecond=0)
    btl.TokenProvider(profile="dev", cache=cache, refresh_before=timedelta(minutes=30))()
    assert calls(aws) == 1  # 50 minutes cover 30 (and botocore's 15)
    btl.TokenProvider(profile="dev", cache=cache, refresh_before=timedelta(hours=1))()
    assert calls(aws) == 2
