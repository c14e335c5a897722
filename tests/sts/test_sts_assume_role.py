"""AssumeRoleProvider against botocore (spec section 6.6), through the fake STS."""

from __future__ import annotations

from typing import Dict, Iterator

import pytest
from _support import requires_botocore_143, sample
from sts_harness import (
    ROLE_ARN,
    SOURCE_AK,
    SOURCE_SK,
    Prepared,
    Scenario,
    close_all,
    prepare_all,
)

STATIC = "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (SOURCE_AK, SOURCE_SK)

# (name, config, credentials, extra env, explicit profile)
SCENARIOS = [
    (
        "basic source_profile",
        "[default]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN,
        "[src]\n" + STATIC,
        {},
        None,
    ),
    (
        "source with session token",
        "[profile p]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN,
        "[src]\n" + STATIC + "aws_session_token = src-session-token\n",
        {},
        "p",
    ),
    (
        "all options",
        "[default]\nrole_arn = %s\nsource_profile = src\nrole_session_name = my-session\n"
        "external_id = ext-1234\nduration_seconds = 1800\n" % ROLE_ARN,
        "[src]\n" + STATIC,
        {},
        None,
    ),
    (
        "duration abc dropped",
        "[default]\nrole_arn = %s\nsource_profile = src\nduration_seconds = abc\n" % ROLE_ARN,
        "[src]\n" + STATIC,
        {},
        None,
    ),
    (
        "duration 100 invalid",
        "[default]\nrole_arn = %s\nsource_profile = src\nduration_seconds = 100\n" % ROLE_ARN,
        "[src]\n" + STATIC,
        {},
        None,
    ),
    (
        "empty session name generated",
        "[default]\nrole_arn = %s\nsource_profile = src\nrole_session_name =\n" % ROLE_ARN,
        "[src]\n" + STATIC,
        {},
        None,
    ),
    (
        "empty external id",
        "[default]\nrole_arn = %s\nsource_profile = src\nexternal_id =\n" % ROLE_ARN,
        "[src]\n" + STATIC,
        {},
        None,
    ),
    (
        "short role arn",
        "[default]\nrole_arn = notanarn\nsource_profile = src\n",
        "[src]\n" + STATIC,
        {},
        None,
    ),
    (
        "both sources",
        "[default]\nrole_arn = %s\nsource_profile = src\ncredential_source = Environment\n"
        % ROLE_ARN,
        "[src]\n" + STATIC,
        {},
        None,
    ),
    ("no source", "[default]\nrole_arn = %s\n" % ROLE_ARN, "", {}, None),
    (
        "missing source profile",
        "[default]\nrole_arn = %s\nsource_profile = nope\n" % ROLE_ARN,
        "",
        {},
        None,
    ),
    (
        "lowercase environment",
        "[default]\nrole_arn = %s\ncredential_source = environment\n" % ROLE_ARN,
        "",
        {},
        None,
    ),
    (
        "credential source Foo",
        "[default]\nrole_arn = %s\ncredential_source = Foo\n" % ROLE_ARN,
        "",
        {},
        None,
    ),
    (
        "credential source env",
        "[default]\nrole_arn = %s\ncredential_source = Environment\n" % ROLE_ARN,
        "",
        {"AWS_ACCESS_KEY_ID": SOURCE_AK, "AWS_SECRET_ACCESS_KEY": SOURCE_SK},
        None,
    ),
    (
        "credential source env missing",
        "[default]\nrole_arn = %s\ncredential_source = Environment\n" % ROLE_ARN,
        "",
        {},
        None,
    ),
    (
        "credential source env explicit profile",
        "[profile p]\nrole_arn = %s\ncredential_source = Environment\n" % ROLE_ARN,
        "",
        {"AWS_ACCESS_KEY_ID": SOURCE_AK, "AWS_SECRET_ACCESS_KEY": SOURCE_SK},
        "p",
    ),
    (
        "self reference with static",
        "[default]\nrole_arn = %s\nsource_profile = default\n" % ROLE_ARN,
        "[default]\n" + STATIC,
        {},
        None,
    ),
    (
        "self reference without static",
        "[default]\nrole_arn = %s\nsource_profile = default\n" % ROLE_ARN,
        "",
        {},
        None,
    ),
    (
        "three cycle",
        "[default]\nrole_arn = %s\nsource_profile = a\n"
        "[profile a]\nrole_arn = %s-a\nsource_profile = b\n"
        "[profile b]\nrole_arn = %s-b\nsource_profile = a\n" % (ROLE_ARN, ROLE_ARN, ROLE_ARN),
        "",
        {},
        None,
    ),
    (
        "two hop chain",
        "[default]\nrole_arn = %s\nsource_profile = mid\n"
        "[profile mid]\nrole_arn = %s-mid\nsource_profile = src\n" % (ROLE_ARN, ROLE_ARN),
        "[src]\n" + STATIC,
        {},
        None,
    ),
    (
        "source has only region",
        "[default]\nrole_arn = %s\nsource_profile = src\n[profile src]\nregion = eu-west-1\n"
        % ROLE_ARN,
        "",
        {},
        None,
    ),
    (
        "source partial keys",
        "[default]\nrole_arn = %s\nsource_profile = src\n" % ROLE_ARN,
        "[src]\naws_access_key_id = %s\n" % SOURCE_AK,
        {},
        None,
    ),
    (
        "source static and role",
        "[default]\nrole_arn = %s\nsource_profile = src\n"
        "[profile src]\nrole_arn = %s-x\nsource_profile = src\n" % (ROLE_ARN, ROLE_ARN),
        "[src]\n" + STATIC,
        {},
        None,
    ),
    (
        "role_arn in credentials file",
        "",
        "[default]\nrole_arn = %s\nsource_profile = src\n[src]\n" % ROLE_ARN + STATIC,
        {},
        None,
    ),
    (
        "role arn plus web identity defers",
        "[default]\nrole_arn = %s\nsource_profile = src\n"
        "web_identity_token_file = /nonexistent/tok\n" % ROLE_ARN,
        "[src]\n" + STATIC,
        {},
        None,
    ),
    (
        "source profile login",
        "[default]\nrole_arn = %s\nsource_profile = src\n[profile src]\nlogin_session = x\n"
        % ROLE_ARN,
        "",
        {},
        None,
    ),
]


CASES = [Scenario(n, c, cr, e, p) for n, c, cr, e, p in SCENARIOS]
CASES += [
    Scenario(
        "credential source container",
        "[default]\nrole_arn = %s\ncredential_source = EcsContainer\n" % ROLE_ARN,
        env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{url}/container/creds"},
    ),
    Scenario(
        "credential source container missing",
        "[default]\nrole_arn = %s\ncredential_source = EcsContainer\n" % ROLE_ARN,
    ),
    Scenario(
        "credential source instance metadata",
        "[default]\nrole_arn = %s\ncredential_source = Ec2InstanceMetadata\n" % ROLE_ARN,
        env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": "{url}/", "AWS_EC2_METADATA_DISABLED": None},
    ),
]


@pytest.fixture(scope="module")
def botocore_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Prepared]]:
    prepared = prepare_all(sample(CASES), tmp_path_factory.mktemp("ar"))
    yield prepared
    close_all(prepared)


@requires_botocore_143
@pytest.mark.parametrize("case", sample(CASES), ids=repr)
def test_assume_role_matches_botocore(botocore_runs: Dict[str, Prepared], case: Scenario) -> None:
    ours, requests = botocore_runs[case.name].check_ours()
    if ours.get("result") and ours["result"]["method"] == "assume-role":
        assert requests, "a successful assume-role must have called STS"
        assert all(r.get("signature_ok") for r in requests)
        assert all(r["scope"] == "eu-west-1/sts/aws4_request" for r in requests)
