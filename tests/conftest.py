"""Shared test settings: hypothesis profiles, oracle availability, data locations."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))  # makes tests/_support.py importable everywhere

try:
    from hypothesis import HealthCheck, settings

    # "full" on the main CI Python and for developers; "quick" (BTL_QUICK=1) on the
    # other CPython versions CI runs, so seven interpreters stay within the CI budget.
    settings.register_profile(
        "full",
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "quick",
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile("quick" if os.environ.get("BTL_QUICK") == "1" else "full")
except ImportError:  # pragma: no cover - hypothesis is a test extra
    pass


@pytest.fixture(autouse=True, scope="session")
def _without_the_developers_aws_setup(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Run every test as on a fresh machine, whatever the developer has configured.

    An ``AWS_PROFILE``, ``AWS_REGION`` or key variable, or a ``~/.aws/config``
    with a region, would otherwise decide what tests of the default region and
    credential chain see.  ``AWS_*`` and ``BOTO_CONFIG`` are removed and
    ``HOME`` is an empty directory for the session; tests set what they need.
    """
    patch = pytest.MonkeyPatch()
    for name in list(os.environ):
        if name.startswith("AWS_") or name == "BOTO_CONFIG":
            patch.delenv(name)
    patch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    yield
    patch.undo()


def pytest_report_header(config: pytest.Config) -> str:
    """Name the oracle in every run's header, so a log says what was compared against."""
    try:
        import botocore
    except ImportError:
        return "oracle: botocore not installed (differential tests skip)"
    return "oracle: botocore %s" % botocore.__version__
