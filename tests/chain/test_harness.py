"""The harness itself: it sees real botocore, and it notices a difference."""

from __future__ import annotations

import pytest
import scenarios as S
from _support import requires_botocore_143, sample
from oracle import compare, run_botocore, run_ours

BASIC = S.sc({S.CREDS: "[default]\n" + S.keys("H")}, region=True)


@requires_botocore_143
def test_botocore_really_reads_the_scenario() -> None:
    outcome = run_botocore(BASIC)["credentials"]
    assert outcome["method"] == "shared-credentials-file"
    assert outcome["access_key"] == "AKIDH"
    assert outcome["secret_key"] == "SECRETH01"


@requires_botocore_143
def test_zygote_child_matches_a_fresh_interpreter() -> None:
    picked = S.ladder_table()[:3] + S.eager_table()[:2] + S.location_table()[:2]
    for _, scenario in sample(picked, every=3):
        assert run_botocore(scenario) == run_botocore(scenario, fresh_interpreter=True)


@requires_botocore_143
def test_ours_in_process_matches_ours_in_a_subprocess() -> None:
    for _, scenario in S.ladder_table()[:3] + S.eager_table()[:2]:
        assert run_ours(scenario) == run_ours(scenario, isolate=True)


@requires_botocore_143
def test_no_inherited_aws_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLEAK")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "SECRETleak1")
    scenario = S.sc({})
    boto = run_botocore(scenario, fresh_interpreter=True)
    assert boto["credentials"] == {"result": None}
    assert run_ours(scenario, isolate=True)["credentials"]["error"] == "NoCredentialsError"


def _creds(**fields: object) -> dict:
    base = {
        "result": "credentials",
        "method": "env",
        "access_key": "AK",
        "secret_key": "SECRETs0001",
        "token": None,
        "account_id": None,
        "expiry": None,
    }
    base.update(fields)
    return {"credentials": base}


@pytest.mark.parametrize(
    ("boto", "ours"),
    [
        (_creds(), _creds(method="config-file")),
        (_creds(), _creds(access_key="AK2")),
        (_creds(), _creds(token="TOKENx00001")),
        (_creds(), _creds(account_id="1")),
        (_creds(), {"credentials": {"error": "NoCredentialsError", "message": ""}}),
        ({"credentials": {"result": None}}, _creds()),
        (
            {"credentials": {"error": "ProfileNotFound", "message": "The config profile (a)"}},
            {"credentials": {"error": "ProfileNotFound", "message": "The config profile (b)"}},
        ),
        (
            {"credentials": {"error": "ValueError", "message": "x"}},
            {"credentials": {"error": "ConfigParseError", "message": "x"}},
        ),
        (
            {"credentials": {"error": "ValueError", "message": "x"}},
            {"credentials": {"error": "ValueError", "message": "leaks SECRETs0001"}},
        ),
    ],
)
def test_compare_notices_differences(boto: dict, ours: dict) -> None:
    scenario = S.sc(env={"AWS_SECRET_ACCESS_KEY": "SECRETs0001"})
    with pytest.raises(AssertionError):
        compare(scenario, boto, ours)


def test_compare_accepts_equal_outcomes() -> None:
    compare(S.sc(), _creds(), _creds())
    compare(
        S.sc(),
        {"credentials": {"result": None}},
        {"credentials": {"error": "NoCredentialsError", "message": "No AWS credentials"}},
    )


def test_compare_checks_region() -> None:
    scenario = S.sc(region=True)
    boto = dict(_creds(), region={"region": "a"})
    with pytest.raises(AssertionError):
        compare(scenario, boto, dict(_creds(), region={"region": "b"}))
    compare(scenario, boto, dict(_creds(), region={"region": "a"}))
