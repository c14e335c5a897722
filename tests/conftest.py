"""Shared test settings: hypothesis profiles, oracle availability, data locations."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
