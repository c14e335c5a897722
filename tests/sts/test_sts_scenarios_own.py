"""Every differential scenario, ours only: runs on each Python, with or without botocore 1.43.

The differential tests skip where botocore 1.43 cannot be installed (Python 3.7); this
keeps our side of every scenario exercised there, and checks the few outcomes that do
not need the oracle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import pytest
from _support import sample
from sts_harness import FakeAWS, Prepared, Scenario, run_ours
from test_sts_assume_role import CASES as ASSUME_ROLE
from test_sts_client import CASES as CLIENT
from test_sts_sso import CASES as SSO
from test_sts_web_identity import CASES as WEB_IDENTITY

import bedrock_token_lite as btl

ALL: List[Scenario] = [*ASSUME_ROLE, *WEB_IDENTITY, *SSO, *CLIENT]
EXPECTED: Dict[str, str] = {
    "basic source_profile": "assume-role",
    "two hop chain": "assume-role",
    "env only": "assume-role-with-web-identity",
    "legacy good token": "sso",
    "session expiring refreshes": "sso",
    "duration 100 invalid": "ParamValidationError",
    "three cycle": "InfiniteLoopConfigError",
    "legacy expired token": "UnauthorizedSSOTokenError",
    # botocore leaks a bare KeyError / FileNotFoundError; ours are library leaves that are too
    "legacy invalid json": "SSOTokenCacheError",
    "missing token file": "TokenFileNotFoundError",
    "500 retried to the limit": "ClientError",
}


@pytest.mark.parametrize("case", sample(ALL), ids=repr)
def test_scenario_outcome_kind(case: Scenario, tmp_path: Path) -> None:
    with FakeAWS() as server:
        prepared = Prepared(case, server, tmp_path / "home")
        code = case.mfa_code
        outcome = run_ours(
            prepared.env, case.profile, mfa_prompter=None if code is None else (lambda p: code)
        )
    if "error" in outcome:
        exc = outcome["exception"]
        assert isinstance(exc, (btl.BedrockTokenError, FileNotFoundError, KeyError, TypeError)), exc
        kind = outcome["error"]
    else:
        kind = outcome["result"]["method"] if outcome["result"] else "none"
    if case.name in EXPECTED:
        assert kind == EXPECTED[case.name]
