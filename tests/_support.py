"""Helpers shared by the test modules (imported as ``_support``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import List, Sequence, Tuple, TypeVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The public AWS SigV4 test data lives beside the project root, never inside it.
SIGV4_SUITE = Path(os.environ.get("BTL_SIGV4_SUITE", ROOT.parent / "shared" / "sigv4-test-suite"))
QUICK = os.environ.get("BTL_QUICK") == "1"

try:
    import botocore

    BOTOCORE_VERSION = tuple(int(p) for p in botocore.__version__.split(".")[:2])
except ImportError:  # pragma: no cover
    BOTOCORE_VERSION = None

#: Differential tests of signing and tokens: any botocore will do.
requires_botocore = pytest.mark.skipif(
    BOTOCORE_VERSION is None, reason="botocore (the test oracle) is not installed"
)
#: Differential tests of the credential chain: the spec targets botocore 1.44.8, and
#: 1.44.0 changed the default retry mode, so older releases are not the oracle.
#: (The name is historical; a rename would touch every chain test file.)
requires_botocore_143 = pytest.mark.skipif(
    BOTOCORE_VERSION is None or BOTOCORE_VERSION < (1, 44),
    reason="credential-chain differential tests need botocore >= 1.44 "
    "(this Python cannot install it, or it is missing)",
)

T = TypeVar("T")


def sample(scenarios: Sequence[T], every: int = 5) -> List[T]:
    """All scenarios normally; every ``every``-th one under BTL_QUICK=1 (secondary Pythons)."""
    return list(scenarios) if not QUICK else list(scenarios)[::every]


def self_signed_cert(directory: Path, name: str = "cert") -> Tuple[Path, Path]:
    """(certificate, key) PEM files for 127.0.0.1, made by the openssl command (check it exists)."""
    cert, key = directory / (name + ".pem"), directory / (name + ".key")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key
