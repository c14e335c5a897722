"""Credentials from environment variables, with botocore's exact rules."""

from __future__ import annotations

import os
from typing import Mapping, Optional

from ._credentials import Credentials
from ._errors import PartialCredentialsError

__all__ = ["EnvProvider"]


class EnvProvider:
    """botocore's ``EnvProvider``: ``AWS_ACCESS_KEY_ID`` and friends.

    * no (or empty) ``AWS_ACCESS_KEY_ID``: not configured, ``load()`` returns ``None``;
    * an access key without a non-empty ``AWS_SECRET_ACCESS_KEY``: ``PartialCredentialsError``;
    * the token is the first non-empty of ``AWS_SECURITY_TOKEN``, ``AWS_SESSION_TOKEN``;
    * ``AWS_ACCOUNT_ID`` when non-empty; values are not stripped.
    """

    METHOD = "env"
    CANONICAL_NAME = "Environment"

    def __init__(self, environ: Optional[Mapping[str, str]] = None) -> None:
        self._environ = environ

    def load(self) -> Optional[Credentials]:
        env = os.environ if self._environ is None else self._environ
        access_key = env.get("AWS_ACCESS_KEY_ID")
        if not access_key:
            return None
        secret_key = env.get("AWS_SECRET_ACCESS_KEY")
        if not secret_key:
            raise PartialCredentialsError(
                "env",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_ACCESS_KEY_ID is set; set AWS_SECRET_ACCESS_KEY too, or unset both",
            )
        token = env.get("AWS_SECURITY_TOKEN") or env.get("AWS_SESSION_TOKEN") or None
        account_id = env.get("AWS_ACCOUNT_ID") or None
        return Credentials(access_key, secret_key, token, account_id=account_id, method=self.METHOD)
