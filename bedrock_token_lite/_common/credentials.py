"""The immutable credentials value type."""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Optional


if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

__all__ = ["Credentials"]


class Credentials:
    """AWS credentials: an access key id, a secret key, maybe a session token.

    Immutable.  ``repr`` shows the access key id and hides the secret key and
    the session token.  ``expiry`` is a timezone-aware datetime when the source
    said when the credentials stop working, else ``None``.  ``method`` names the
    provider that produced them (botocore's names: ``env``,
    ``shared-credentials-file``, ...), ``"explicit"`` when built by hand.

    It has ``get_frozen_credentials()`` (returning itself) so it can stand in
    wherever botocore credentials are expected.
    """

    __slots__ = ("access_key", "secret_key", "token", "expiry", "account_id", "method")

    access_key: str
    secret_key: str
    token: Optional[str]
    expiry: Optional[datetime]
    account_id: Optional[str]
    method: str

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        token: Optional[str] = None,
        expiry: Optional[datetime] = None,
        *,
        account_id: Optional[str] = None,
        method: str = "explicit",
    ) -> None:
        from .._errors import InvalidParameterError

        if not isinstance(access_key, str) or not isinstance(secret_key, str):
            raise InvalidParameterError("access_key and secret_key must be str")
        if token is not None and not isinstance(token, str):
            raise InvalidParameterError("token must be a str or None")
        if expiry is not None and getattr(expiry, "utcoffset", lambda: None)() is None:
            raise InvalidParameterError(
                "expiry must be a timezone-aware datetime (for example with tzinfo=timezone.utc)"
            )
        set_ = object.__setattr__
        set_(self, "access_key", access_key)
        set_(self, "secret_key", secret_key)
        set_(self, "token", token)
        set_(self, "expiry", expiry)
        set_(self, "account_id", account_id)
        set_(self, "method", method)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Credentials are immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Credentials are immutable")

    def get_frozen_credentials(self) -> Credentials:
        """Return ``self``: these credentials never change (botocore compatibility)."""
        return self

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Credentials):
            return NotImplemented
        return (
            self.access_key == other.access_key
            and self.secret_key == other.secret_key
            and self.token == other.token
            and self.expiry == other.expiry
            and self.account_id == other.account_id
        )

    def __hash__(self) -> int:
        return hash((self.access_key, self.secret_key, self.token, self.expiry))

    def __reduce__(self) -> Any:
        return (
            _rebuild,
            (
                self.access_key,
                self.secret_key,
                self.token,
                self.expiry,
                self.account_id,
                self.method,
            ),
        )

    def __repr__(self) -> str:
        parts = ["access_key=%r" % (self.access_key,), "secret_key=<redacted>"]
        if self.token is not None:
            parts.append("token=<redacted>")
        if self.expiry is not None:
            parts.append("expiry=%s" % (self.expiry.isoformat(),))
        if self.method != "explicit":
            parts.append("method=%r" % (self.method,))
        return "Credentials(%s)" % ", ".join(parts)


def _rebuild(*args: Any) -> Credentials:
    access_key, secret_key, token, expiry, account_id, method = args
    return Credentials(access_key, secret_key, token, expiry, account_id=account_id, method=method)
