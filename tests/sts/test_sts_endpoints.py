"""Endpoint, signing-region and client-setting resolution against botocore (spec section 18.6).

botocore runs once, in a fresh subprocess, over the whole matrix: each case gets
its own environment, config file and ``Session``; a ``before-send`` hook records
the URL and the SigV4 scope and stops the request before it leaves the process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any, Dict, List, Optional, Tuple

import pytest
from _support import requires_botocore_143, sample
from sts_harness import base_env, load_full_config

import bedrock_token_lite as btl
from bedrock_token_lite._aws.client import ClientConfig
from bedrock_token_lite._aws.endpoints import sts_endpoint
from bedrock_token_lite._sources.sso import _endpoint

_BOTO_MATRIX = r"""
import json, os, sys
cases = json.loads(sys.stdin.read())
import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.awsrequest import AWSResponse

class Stop(Exception):
    pass

results = []
for case in cases:
    os.environ.clear()
    os.environ.update(case["env"])
    seen = {}
    def hook(request, **kwargs):
        seen["url"] = request.url
        auth = request.headers.get("Authorization")
        if auth is not None:
            auth = auth.decode() if isinstance(auth, bytes) else auth
            seen["scope"] = auth.split("Credential=")[1].split(",")[0].split("/")[2]
        raise Stop()
    try:
        session = botocore.session.Session(profile=case.get("profile"))
        if case["service"] == "sts":
            client = session.create_client(
                "sts", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret"
            )
            client.meta.events.register("before-send", hook)
            client.assume_role(
                RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="session"
            )
        else:
            client = session.create_client(
                case["service"],
                config=Config(signature_version=UNSIGNED, region_name=case["region"]),
            )
            client.meta.events.register("before-send", hook)
            client.get_role_credentials(roleName="R", accountId="1", accessToken="t")
    except Stop:
        results.append({"url": seen["url"], "scope": seen.get("scope")})
    except Exception as exc:
        results.append({"error": type(exc).__name__, "message": str(exc)})
print(json.dumps(results))
"""

# (name, env, config text, profile)
STS_CASES: List[Tuple[str, Dict[str, str], str, Optional[str]]] = []
for region in (
    None,
    "aws-global",
    "us-east-1",
    "eu-west-1",
    "us-west-2",
    "ap-southeast-5",
    "cn-north-1",
    "us-gov-west-1",
    "eusc-de-east-1",
    "us-iso-east-1",
):
    for mode in ("regional", "legacy"):
        env = {"AWS_STS_REGIONAL_ENDPOINTS": mode}
        if region is not None:
            env["AWS_DEFAULT_REGION"] = region
        STS_CASES.append(("%s/%s" % (region, mode), env, "", None))
# Set but empty means regional (botocore's quirk), in the environment and in the profile.
for region in ("us-east-1", "eu-west-1"):
    env = {"AWS_DEFAULT_REGION": region, "AWS_STS_REGIONAL_ENDPOINTS": ""}
    STS_CASES.append(("%s/empty env" % region, env, "", None))
    STS_CASES.append(
        (
            "%s/empty profile" % region,
            {"AWS_DEFAULT_REGION": region},
            "[default]\nsts_regional_endpoints =\n",
            None,
        )
    )
for region in ("us-east-1", "us-gov-west-1", "cn-north-1", "eu-west-1"):
    STS_CASES.append(
        (
            "%s/fips" % region,
            {"AWS_DEFAULT_REGION": region, "AWS_USE_FIPS_ENDPOINT": "true"},
            "",
            None,
        )
    )
    STS_CASES.append(
        (
            "%s/dual" % region,
            {"AWS_DEFAULT_REGION": region, "AWS_USE_DUALSTACK_ENDPOINT": "true"},
            "",
            None,
        )
    )
STS_CASES += [
    (
        "fips and dual",
        {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_USE_FIPS_ENDPOINT": "true",
            "AWS_USE_DUALSTACK_ENDPOINT": "true",
        },
        "",
        None,
    ),
    (
        "legacy fips us-east-1",
        {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_STS_REGIONAL_ENDPOINTS": "legacy",
            "AWS_USE_FIPS_ENDPOINT": "true",
        },
        "",
        None,
    ),
    ("fips from profile", {}, "[default]\nregion = us-west-2\nuse_fips_endpoint = true\n", None),
    (
        "legacy from profile",
        {},
        "[default]\nregion = eu-west-1\nsts_regional_endpoints = legacy\n",
        None,
    ),
    ("region from profile", {}, "[default]\nregion = ap-south-1\n", None),
    ("region from explicit profile", {}, "[profile p]\nregion = ca-central-1\n", "p"),
    (
        "env region beats profile",
        {"AWS_DEFAULT_REGION": "eu-north-1"},
        "[default]\nregion = ap-south-1\n",
        None,
    ),
    ("AWS_REGION is not read", {"AWS_REGION": "eu-west-3"}, "", None),
    (
        "service env endpoint",
        {
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9/sts",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9/global",
        },
        "",
        None,
    ),
    (
        "global env endpoint",
        {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:9/global"},
        "[default]\nendpoint_url = http://127.0.0.1:9/profile\n",
        None,
    ),
    (
        "services section",
        {"AWS_DEFAULT_REGION": "eu-west-1"},
        "[default]\nservices = svc\nendpoint_url = http://127.0.0.1:9/profile\n"
        "[services svc]\nsts =\n  endpoint_url = http://127.0.0.1:9/services\n",
        None,
    ),
    (
        "profile endpoint_url",
        {"AWS_DEFAULT_REGION": "eu-west-1"},
        "[default]\nendpoint_url = http://127.0.0.1:9/profile\n",
        None,
    ),
    (
        "missing services section",
        {"AWS_DEFAULT_REGION": "eu-west-1"},
        "[default]\nservices = nope\n",
        None,
    ),
    (
        "ignore endpoints env",
        {
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9/",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        },
        "",
        None,
    ),
    (
        "ignore endpoints profile",
        {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9/"},
        "[default]\nignore_configured_endpoint_urls = true\n",
        None,
    ),
    ("endpoint without region", {"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9/"}, "", None),
    (
        "empty env endpoint falls through",
        {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ENDPOINT_URL_STS": ""},
        "",
        None,
    ),
    ("invalid region", {"AWS_DEFAULT_REGION": "bad_region!"}, "", None),
    ("empty region", {"AWS_DEFAULT_REGION": ""}, "", None),
    (
        "invalid regional endpoints option",
        {"AWS_DEFAULT_REGION": "eu-west-1", "AWS_STS_REGIONAL_ENDPOINTS": "foo"},
        "",
        None,
    ),
]
STS_CASES = sample(STS_CASES)
SSO_CASES = [
    ("sso", "us-east-1", {}),
    ("sso", "cn-north-1", {}),
    ("sso", "us-gov-west-1", {"AWS_USE_FIPS_ENDPOINT": "true"}),
    ("sso", "eu-west-1", {"AWS_USE_FIPS_ENDPOINT": "true"}),
    ("sso", "eu-west-1", {"AWS_USE_DUALSTACK_ENDPOINT": "true"}),
    ("sso", "eu-west-1", {"AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9/portal"}),
    ("sso", "bad_region!", {}),
]


def _ours_sts(env: Dict[str, str], profile: Optional[str]) -> Dict[str, Any]:
    try:
        config = ClientConfig(environ=env, full_config=load_full_config(env), profile_name=profile)
        url, scope = sts_endpoint(config, config.region, signed=True)
        return {"url": url if url.split("//", 1)[1].count("/") else url + "/", "scope": scope}
    except Exception as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


def _ours_sso(env: Dict[str, str], region: str) -> Dict[str, Any]:
    try:
        config = ClientConfig(environ=env, full_config=load_full_config(env))
        base = _endpoint(config, "sso", "portal.sso", "portal.sso-fips", region).rstrip("/")
        return {"url": base + "/federation/credentials?role_name=R&account_id=1", "scope": None}
    except Exception as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> List[Tuple[Dict[str, Any], Dict[str, Any]]]:
    root = tmp_path_factory.mktemp("endpoints")
    jobs: List[Dict[str, Any]] = []
    ours: List[Dict[str, Any]] = []
    for index, (_name, extra, config, profile) in enumerate(STS_CASES):
        home = root / ("c%d" % index)
        (home / ".aws").mkdir(parents=True)
        (home / ".aws" / "config").write_text(config)
        env = base_env(home, **extra)
        jobs.append({"env": env, "profile": profile, "service": "sts"})
        ours.append(_ours_sts(env, profile))
    for index, (service, region, extra) in enumerate(SSO_CASES):
        home = root / ("sso%d" % index)
        (home / ".aws").mkdir(parents=True)
        env = base_env(home, **extra)
        jobs.append({"env": env, "service": service, "region": region})
        ours.append(_ours_sso(env, region))
    proc = subprocess.run(
        [sys.executable, "-c", _BOTO_MATRIX],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        timeout=120,
        env=base_env(root),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    theirs = json.loads(proc.stdout)
    return list(zip(ours, theirs))


ALIASES = {"ValueError": "InvalidParameterError", "EndpointResolutionError": "InvalidConfigError"}
IDS = [c[0] for c in STS_CASES] + ["%s %s %s" % (s, r, sorted(e)) for s, r, e in SSO_CASES]


@requires_botocore_143
@pytest.mark.parametrize("index", range(len(IDS)), ids=IDS)
def test_endpoint_matches_botocore(
    matrix: List[Tuple[Dict[str, Any], Dict[str, Any]]], index: int
) -> None:
    ours, theirs = matrix[index]
    if "error" in theirs:
        assert ours.get("error") == ALIASES.get(theirs["error"], theirs["error"]), (ours, theirs)
        assert ours["message"].startswith(theirs["message"].rstrip(".")), (ours, theirs)
    else:
        assert ours == theirs


def test_region_validation_and_options() -> None:
    config = ClientConfig(environ={"AWS_STS_REGIONAL_ENDPOINTS": "LEGACY"}, full_config={})
    with pytest.raises(btl.InvalidSTSRegionalEndpointsConfigError, match="LEGACY"):
        sts_endpoint(config, "eu-west-1", signed=True)
    for bad in ("-us", "us-", "123", "a" * 64, "us_east_1"):
        with pytest.raises(btl.InvalidRegionError):
            sts_endpoint(ClientConfig(environ={}, full_config={}), bad, signed=True)
    assert (
        sts_endpoint(ClientConfig(environ={}, full_config={}), "a" * 63, signed=True)[1] == "a" * 63
    )
