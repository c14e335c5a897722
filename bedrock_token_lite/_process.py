"""STUB ``credential_process`` provider (placeholder for the envproc branch).

This minimal stand-in exists so the chain on the chainfiles branch has the
interface it calls (``ProcessProvider(profile_name=, load_config=, environ=)``).
It handles static output only; the integrator replaces this file with the
full provider from the envproc branch.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Mapping, Optional

from ._credentials import Credentials
from ._errors import CredentialRetrievalError

__all__ = ["ProcessProvider"]


class ProcessProvider:
    """``credential_process`` from the merged profile (stub: no expiry support)."""

    METHOD = "custom-process"

    def __init__(
        self,
        profile_name: str,
        load_config: Callable[[], Dict[str, Any]],
        environ: Optional[Mapping[str, str]] = None,
    ) -> None:
        self._profile_name = profile_name
        self._load_config = load_config
        self._environ = os.environ if environ is None else environ

    @property
    def source(self) -> str:
        """Where this provider looks, for error messages."""
        return "credential_process of profile %s" % (self._profile_name,)

    def load(self) -> Optional[Credentials]:
        profile = self._load_config().get("profiles", {}).get(self._profile_name, {})
        command = profile.get("credential_process")
        if command is None:
            return None
        import json
        import shlex
        import subprocess

        proc = subprocess.run(
            shlex.split(command),
            capture_output=True,
            env=dict(self._environ),
            check=False,
        )
        if proc.returncode != 0:
            raise CredentialRetrievalError(self.METHOD, proc.stderr.decode("utf-8"))
        parsed = json.loads(proc.stdout.decode("utf-8"))
        if parsed.get("Version", "<Version key not provided>") != 1 or "Expiration" in parsed:
            raise CredentialRetrievalError(self.METHOD, "unsupported output (stub provider)")
        return Credentials(
            parsed["AccessKeyId"],
            parsed["SecretAccessKey"],
            parsed.get("SessionToken"),
            account_id=parsed.get("AccountId") or profile.get("aws_account_id"),
            method=self.METHOD,
        )
