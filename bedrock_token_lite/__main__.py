"""``python -m bedrock_token_lite``: the ``bedrock-token`` command."""

from __future__ import annotations

import sys

from ._cli import run

if __name__ == "__main__":
    sys.exit(run())
