"""Whether a profile asks for IAM Identity Center (SSO) credentials.

botocore's ``SSOProvider`` first checks for one of these keys and returns
``None`` without one.  The test lives apart from :mod:`.sso` so that the chain
can make it (for every profile that reaches the SSO provider) without
importing the SSO and STS clients.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Mapping

__all__ = ["PROFILE_KEYS", "has_sso_keys"]

#: A profile with either key is an SSO profile (complete or not).
PROFILE_KEYS = ("sso_role_name", "sso_account_id")


def has_sso_keys(profile: Mapping[str, Any]) -> bool:
    """True when ``profile`` (one profile's keys) has one of :data:`PROFILE_KEYS`."""
    return any(key in profile for key in PROFILE_KEYS)
