"""Generated INI files and environments, compared with botocore (spec sections 2-4, 9, 12-14, 19).

Each example is a small batch of scenarios (so the two oracle workers stay
busy); 60 examples with the full profile, 15 with BTL_QUICK=1.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from _support import QUICK, requires_botocore_143
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare, run_pairs

pytestmark = requires_botocore_143

SECTION_NAMES = [
    "default",
    "default",
    "profile p",
    "p",
    "p",
    "default",
    "profile p",
    "profile q",
    "p",
    "q",
    "DEFAULT",
    "profile default",
    "profile  p",
    'profile "p"',
    "Default",
    "Credentials",
    "sso-session s",
    "profile p x",
    "services s",
]
KEYS = [
    "aws_access_key_id",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_secret_access_key",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "aws_account_id",
    "region",
    "AWS_ACCESS_KEY_ID",
    "Aws_Secret_Access_Key",
    "ec2_metadata_service_endpoint_mode",
]
VALUES = [
    "AKIDH1",
    "AKIDH2",
    "SECRETh0001",
    "SECRETh0002",
    "TOKENh00001",
    "",
    "us-west-2",
    "1",
    "abc",
    "ipv6",
    "IPv4",
    "111122223333",
    "  padded  ",
    "x # not a comment",
]
GOOD = "aws_access_key_id = AKIDG%d\naws_secret_access_key = SECRETg%d\n"
PROFILES = ["p", "p", "p", "q", "default", "default", "nope", "", "profile p"]

SECRET_VALUES = ["SECRETh0001", "SECRETh0002", "TOKENh00001", "", "  SECRETpad1  "]
PLAIN_VALUES = [v for v in VALUES if "SECRET" not in v and "TOKEN" not in v]


def _value_for(key: str) -> Any:
    secret = key.lower() in ("aws_secret_access_key", "aws_session_token", "aws_security_token")
    return st.sampled_from(SECRET_VALUES if secret else PLAIN_VALUES)


option = st.sampled_from(KEYS).flatmap(
    lambda key: st.tuples(st.just(key), st.sampled_from(["=", " = ", ":", " : "]), _value_for(key))
)
#: Harmless extras, then (rarely) lines that break the file.
noise = st.sampled_from(["", "# comment", "; comment", "   # indented", "  continued"])
breakage = st.sampled_from(["garbage", "s3 =\n  no equals", "aws_access_key_id = dup"])


@st.composite
def section(draw: Any) -> str:
    name = draw(st.sampled_from(SECTION_NAMES))
    options = draw(st.lists(option, min_size=1, max_size=4, unique_by=lambda t: t[0].lower()))
    lines = ["%s%s%s" % t for t in options]
    if draw(st.integers(0, 3)) == 0:
        lines.insert(draw(st.integers(1, len(lines))), draw(noise))  # not first: see 3.3
    if draw(st.integers(0, 30)) == 0:
        lines.append(draw(breakage))
    return "[%s]\n%s" % (name, "".join(x + "\n" for x in lines))


@st.composite
def ini_files(draw: Any) -> Optional[str]:
    if draw(st.integers(0, 4)) == 0:
        return None
    sections = draw(
        st.lists(section(), min_size=1, max_size=3, unique_by=lambda s: s.split("]")[0])
    )
    good = draw(st.sampled_from([None, "default", "p", "profile p"]))
    if good and not any(x.startswith("[%s]" % good) for x in sections):
        tag = draw(st.integers(1, 9))
        sections.insert(0, "[%s]\n%s" % (good, GOOD % (tag, tag)))
    if sections and draw(st.integers(0, 30)) == 0:
        sections.append(sections[0])  # a duplicate section
    text = "".join(sections)
    if draw(st.integers(0, 3)) == 0:
        text = text.replace("\n", "\r\n")
    return text


@st.composite
def environments(draw: Any) -> Dict[str, str]:
    env: Dict[str, str] = {}
    choices = {
        "AWS_PROFILE": st.sampled_from(PROFILES),
        "AWS_CREDENTIAL_FILE": st.sampled_from(["~/.aws/credentials", "~/none"]),
        "AWS_DEFAULT_PROFILE": st.sampled_from(PROFILES),
        "AWS_ACCESS_KEY_ID": st.sampled_from(["AKIDENV", ""]),
        "AWS_SECRET_ACCESS_KEY": st.sampled_from(["SECRETenv01", ""]),
        "AWS_SESSION_TOKEN": st.sampled_from(["TOKENenv001", ""]),
        "AWS_DEFAULT_REGION": st.sampled_from(["eu-west-1", ""]),
        "AWS_REGION": st.sampled_from(["ap-east-1", ""]),
        "AWS_METADATA_SERVICE_TIMEOUT": st.sampled_from(["2", "2", "x"]),
        "BOTO_CONFIG": st.sampled_from(["~/.boto", "~/none"]),
    }
    for name, values in choices.items():
        if draw(st.integers(0, 4)) == 0:
            env[name] = draw(values)
    return env


@st.composite
def scenarios(draw: Any) -> Dict[str, Any]:
    files = {}
    for rel in (".aws/config", ".aws/credentials", ".boto"):
        text = draw(ini_files())
        if text is not None:
            files[rel] = text
    profile = draw(st.one_of(st.none(), st.none(), st.none(), st.sampled_from(PROFILES)))
    return {"files": files, "env": draw(environments()), "profile": profile, "region": True}


@settings(max_examples=15 if QUICK else 60, deadline=None)
@given(st.lists(scenarios(), min_size=2, max_size=4))
def test_generated_scenarios_match_botocore(batch: List[Dict[str, Any]]) -> None:
    for scenario, (boto, ours) in zip(batch, run_pairs(batch)):
        compare(scenario, boto, ours)
