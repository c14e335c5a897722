"""The differential tests compare against the botocore they were meant to.

A resolver that quietly installs another botocore (a stale virtual
environment, a dependency that caps it) would make every differential test
compare against the wrong oracle and still pass.  On Pythons where the test
extra pins botocore, the installed one must be the pinned one; CI's run
against the oldest botocore the official generator allows sets
``BTL_EXPECT_BOTOCORE`` to the release it installed.
"""

from __future__ import annotations

import os
import re
import sys

import pytest
from _support import ROOT

botocore = pytest.importorskip("botocore")


def _pinned() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pins = set(re.findall(r'"botocore==([0-9.]+); python_version >= \'3\.10\'"', text))
    boto3 = set(re.findall(r'"boto3==([0-9.]+); python_version >= \'3\.10\'"', text))
    assert len(pins) == 1, "pyproject.toml should pin botocore exactly once for Python >= 3.10"
    assert pins == boto3, "botocore and boto3 should be pinned to the same release"
    return pins.pop()


@pytest.mark.signing_oracle
def test_installed_botocore_is_the_expected_oracle() -> None:
    expected = os.environ.get("BTL_EXPECT_BOTOCORE")
    if expected is None:
        if sys.version_info < (3, 10):
            pytest.skip("the test extra does not pin botocore below Python 3.10")
        expected = _pinned()
    assert botocore.__version__ == expected


def test_the_pin_is_the_release_the_spec_targets() -> None:
    spec = ROOT.parent / "shared" / "docs" / "credential-chain.md"
    if not spec.is_file():
        pytest.skip("the credential-chain spec is not beside the project (../shared/docs)")
    target = re.search(r"\*\*Target:\*\* botocore \*\*([0-9.]+)\*\*", spec.read_text("utf-8"))
    assert target is not None, "the spec's first lines no longer name its target release"
    assert _pinned() == target.group(1)
