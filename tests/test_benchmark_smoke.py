"""Smoke test of benchmarks/bench.py: a --quick run finishes and prints every table.

It checks that the benchmark still runs against the current package and
oracles, not the figures themselves (this machine is shared and noisy), except
for facts that do not depend on speed: the tokens match botocore byte for byte,
importing the package loads none of the heavy modules, and nothing secret is
printed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from _support import ROOT, requires_botocore

BENCH = ROOT / "benchmarks" / "bench.py"

# The fake credentials bench.py signs with: none of them may reach its output.
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN_HEAD = "IQoJb3JpZ2luX2VjE/+"

ROWS = [
    "| bedrock_token_lite.generate_token |",
    "| bedrock_token_lite.generate_token, now=None |",
    "| botocore AWSRequest + SigV4QueryAuth.add_auth + base64 |",
    "| bare primitives (SHA-256 + HMAC-SHA256 + base64) |",
    "| import bedrock_token_lite |",
    "| import botocore.session |",
    "| python -c pass |",
    "| python -m bedrock_token_lite --region us-east-1 |",
    "| bedrock-token-lite |",
    "| botocore |",
    "| ours / bare primitives (per token) |",
    "| botocore / ours (per token) |",
    "| import botocore.session / import ours |",
    "| bedrock_token_lite.provide_token() |",
    "| provide_token from file: official / ours |",
    "| bedrock-token --no-cache, assume-role profile |",
    "| official provide_token() in python -c, assume-role profile |",
    "| STS calls, 3 commands: bedrock-token (role cache) | 1 | 1 | yes |",
    "| STS calls, 3 commands: official provide_token() | 3 |",
]
HEADINGS = [
    "## 1. Per-token cost",
    "## 2. Import time",
    "## 3. CLI cold start",
    "## 4. Installed size",
    "## 5. provide_token() from ~/.aws/credentials",
    "## 6. Assumed role: 3 consecutive commands against a loopback STS",
    "## Ratios and targets",
]


def _has_console_script() -> bool:
    return (Path(sys.executable).parent / "bedrock-token").exists()


@requires_botocore
def test_quick_run_prints_every_table(tmp_path: Path) -> None:
    raw = tmp_path / "figures.json"
    report = tmp_path / "report.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--json", str(raw), "--output", str(report)],
        cwd=str(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout

    assert out.startswith("# bedrock-token-lite benchmark\n")
    assert "- Python: %d.%d." % sys.version_info[:2] in out
    assert "- CPU: " in out
    assert "\n- botocore 1." in out
    for heading in HEADINGS:
        assert heading in out
    expected = list(ROWS)
    if _has_console_script():
        expected.append("| bedrock-token --region us-east-1 |")
    for row in expected:
        assert row in out, "missing table row %r" % row

    # Facts, not speeds.
    assert "Byte-identical to botocore for the same instant: yes" in out
    assert "Heavy modules loaded by `import bedrock_token_lite`" in out
    assert "argparse): none" in out
    assert SECRET_KEY not in out
    assert SESSION_TOKEN_HEAD not in out
    assert "bedrock-api-key-" not in out

    assert report.read_text(encoding="utf-8") == out
    figures = json.loads(raw.read_text(encoding="utf-8"))
    assert figures["meta"]["mode"] == "quick"
    rows = figures["per_token"]["rows"]
    assert rows["bedrock_token_lite.generate_token"]["median_s"] > 0
    assert figures["per_token"]["identical_to_botocore"] is True
    assert figures["imports"]["heavy_loaded_by_import"] == []
    assert figures["size"]["bedrock-token-lite"]["bytes"] > 0
    assert figures["cli"]["wall_s"]["python -c pass"]["median_s"] > 0
    # The role cache: one STS call for all the commands; one per command without it.
    role = figures["role"]["rows"]
    assert role["bedrock-token, assume-role profile (role cache)"]["sts_calls"] == 1
    assert role["bedrock-token --no-cache, assume-role profile"]["sts_calls"] == 3
    assert role["official provide_token() in python -c, assume-role profile"]["sts_calls"] == 3
