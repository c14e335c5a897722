"""The sdist a downstream packager gets: what it holds, its licence metadata, and its tests run.

Built with the build backend itself (``flit_core.buildapi.build_sdist``, what
``pip`` and ``build`` call), from this tree, into a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parents[1]
buildapi = pytest.importorskip("flit_core.buildapi", reason="flit_core (the build backend)")
pytestmark = pytest.mark.skipif(
    os.environ.get("BTL_QUICK") == "1", reason="builds and unpacks the sdist (full profile only)"
)

#: What the tests need beside the package: every one must be in the sdist.
NEEDED = [
    "LICENSE",
    "README.md",
    "CHANGELOG.md",
    "pyproject.toml",
    "PKG-INFO",
    "bedrock_token_lite/__init__.py",
    "bedrock_token_lite/py.typed",
    "tests/conftest.py",
    "tests/_support.py",
    "tests/test_vectors.py",
    "tests/test_sdist.py",
    "tests/hostile/_check.py",
    "vectors/tokens.json",
    "vectors/js_tokens.json",
    "vectors/README.md",
    "benchmarks/bench.py",  # tests/test_benchmark_smoke.py runs it
    "docs/architecture.md",
]
#: Folders and files of a working tree that no sdist should carry.
JUNK = (
    "__pycache__",
    ".pyc",
    ".hypothesis",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".venv",
    ".ci",
    ".git",
    ".egg-info",
)


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sdist")
    here = os.getcwd()
    os.chdir(str(ROOT))  # the backend builds the project in the current directory
    try:
        name = buildapi.build_sdist(str(out))
    finally:
        os.chdir(here)
    return out / name


def _members(sdist: Path) -> List[str]:
    with tarfile.open(str(sdist)) as archive:
        names = archive.getnames()
    top = {name.split("/", 1)[0] for name in names}
    assert len(top) == 1, top  # one folder, name-version
    return [name.split("/", 1)[1] for name in names if "/" in name]


def test_the_sdist_holds_the_tests_vectors_docs_and_no_junk(sdist: Path) -> None:
    members = _members(sdist)
    missing = [name for name in NEEDED if name not in members]
    assert not missing, missing
    for folder in ("tests/", "tests/hostile/", "tests/chain/", "vectors/", "docs/"):
        assert any(name.startswith(folder) for name in members), folder
    tracked_tests = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("tests/**/*.py"))
    assert tracked_tests, "the glob found no test files"
    assert [t for t in tracked_tests if t not in members] == []
    junk = [name for name in members if any(part in name for part in JUNK)]
    assert junk == [], junk


def test_the_licence_is_in_the_metadata(sdist: Path) -> None:
    with tarfile.open(str(sdist)) as archive:
        info = next(m for m in archive.getmembers() if m.name.endswith("/PKG-INFO"))
        handle = archive.extractfile(info)
        assert handle is not None
        headers = handle.read().decode("utf-8").split("\n\n", 1)[0].splitlines()
    assert "License-Expression: Apache-2.0" in headers
    assert "License-File: LICENSE" in headers
    # PEP 639: with an expression, no legacy License field and no licence classifier
    assert not [h for h in headers if h.startswith(("License:", "Classifier: License"))]
    version = next(h for h in headers if h.startswith("Metadata-Version: "))
    assert tuple(int(n) for n in version.split(": ")[1].split(".")) >= (2, 4)


def test_tests_run_from_the_unpacked_sdist(sdist: Path, tmp_path: Path) -> None:
    with tarfile.open(str(sdist)) as archive:
        archive.extractall(str(tmp_path))  # noqa: S202 - our own archive, just built
    (tree,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)  # the unpacked package, not the one under test here
    env.pop("BTL_SIGV4_SUITE", None)  # the suite beside the project is not in the sdist
    env["BTL_SIGV4_SUITE"] = str(tmp_path / "no-sigv4-suite")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error::pytest.PytestUnknownMarkWarning",
            "tests/test_vectors.py",
            "tests/test_long_term_key.py",
            "tests/test_sigv4_suite.py",
            "-rs",
        ],
        cwd=str(tree),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert "SKIPPED" in result.stdout  # the SigV4 suite: absent, and said so
    assert "sigv4" in result.stdout.lower()
    # the tests ran against the unpacked copy
    probe = subprocess.run(
        [sys.executable, "-c", "import bedrock_token_lite as b; print(b.__file__)"],
        cwd=str(tree),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout.strip().startswith(str(tree))
