"""The login provider (spec section 10), the chain's constructor keywords, and import cost."""

from __future__ import annotations

import ast
import subprocess
import sys
from typing import Dict, Iterator

import pytest
from _support import ROOT, requires_botocore_143
from sts_harness import SOURCE_AK, SOURCE_SK, Prepared, Scenario, close_all, prepare_all

import bedrock_token_lite as btl

CASES = [
    Scenario("login session raises", "[default]\nlogin_session = arn:aws:signin:::session/x\n"),
    Scenario(
        "static credentials file beats login",
        "[default]\nlogin_session = x\n",
        "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (SOURCE_AK, SOURCE_SK),
    ),
    Scenario("explicit profile with login", "[profile p]\nlogin_session = x\n", profile="p"),
]


@pytest.fixture(scope="module")
def botocore_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Prepared]]:
    prepared = prepare_all(CASES, tmp_path_factory.mktemp("login"))
    yield prepared
    close_all(prepared)


@requires_botocore_143
@pytest.mark.parametrize("case", CASES, ids=repr)
def test_login_matches_botocore(botocore_runs: Dict[str, Prepared], case: Scenario) -> None:
    ours, _ = botocore_runs[case.name].check_ours()
    if "error" in ours:
        assert isinstance(ours["exception"], btl.MissingDependencyError)
        assert "standard library" in ours["message"]


def test_login_provider_passes_without_login_session() -> None:
    provider = btl.LoginProvider(load_config=lambda: {"profiles": {"default": {}}})
    assert provider.load() is None


def test_providers_accept_the_chain_keywords() -> None:
    common = {
        "profile_name": "p",
        "load_config": lambda: {"profiles": {"p": {}}},
        "environ": {},
        "home": "/nonexistent",
        "explicit_profile": True,
    }
    assert (
        btl.AssumeRoleProvider(
            **common, source_chain=lambda name: None, credential_sourcer=lambda name: None
        ).load()
        is None
    )  # type: ignore[arg-type]
    assert btl.AssumeRoleWithWebIdentityProvider(**common).load() is None  # type: ignore[arg-type]
    assert btl.SSOProvider(**common).load() is None  # type: ignore[arg-type]
    assert btl.LoginProvider(**common).load() is None  # type: ignore[arg-type]


HEAVY = (
    "json",
    "configparser",
    "subprocess",
    "argparse",
    "urllib.request",
    "http.client",
    "xml",
    "xml.etree.ElementTree",
    "email",
    "re",
    "threading",
    "socket",
    "ssl",
    "hashlib",
    "getpass",
    "tempfile",
)


def test_importing_the_package_stays_light() -> None:
    code = (
        "import sys\n"
        "import datetime, typing, os, binascii, hmac\n"  # what the core already needs
        "before = set(sys.modules)\n"
        "import bedrock_token_lite, bedrock_token_lite._aws.sts, bedrock_token_lite._sources.sso\n"
        "import bedrock_token_lite._aws.client, bedrock_token_lite._aws.rest_json\n"
        "import bedrock_token_lite._sources.assume_role, bedrock_token_lite._sources.web_identity\n"
        "import bedrock_token_lite._sources.login\n"
        "print(repr(sorted(set(sys.modules) - before)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=60,
        check=True,
    )
    added = set(ast.literal_eval(proc.stdout))
    assert any(name.startswith("bedrock_token_lite") for name in added)
    assert not added & set(HEAVY), sorted(added & set(HEAVY))
