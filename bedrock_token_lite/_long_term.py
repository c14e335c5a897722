"""Long-term Bedrock API keys (``ABSK...``): what they show of themselves, never their secret.

A long-term key is made in the Bedrock console or with IAM's
``CreateServiceSpecificCredential`` for ``bedrock.amazonaws.com``.  It is
``ABSK`` followed by the base64 of ``<alias>:<secret>``, where the alias (IAM's
``ServiceCredentialAlias``, the public part) is the IAM user's name, ``-at-``
and the 12-digit account id (``BedrockAPIKey-ab12-at-123456789012`` for the
users the console makes).  Unlike a short-term token it is not a signed URL: it
carries no region, no issue time and no expiry (it lasts until it is deleted,
or until the expiry chosen when it was made, which only IAM knows).

Reading one is lenient where real keys may vary (missing base64 padding, an
alias without an account) and strict where a message could otherwise echo the
input: nothing here quotes the secret, and the alias is shown only when it is
made of the characters IAM allows in one.
"""

from __future__ import annotations

from ._errors import InvalidTokenError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Optional, Tuple

__all__ = ["LONG_TERM_KEY_PREFIX", "LongTermKeyInfo", "decode_long_term_key"]

#: What every long-term Bedrock API key starts with.
LONG_TERM_KEY_PREFIX = "ABSK"

_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
#: The characters of an IAM user name ([\w+=,.@-]), which an alias is made of.
_ALIAS_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-")
#: IAM's limit on ServiceCredentialAlias.
_ALIAS_LIMIT = 200
_DIGITS = frozenset("0123456789")
_AT = "-at-"


class LongTermKeyInfo:
    """What a long-term Bedrock API key says about itself: its public part only.

    Immutable.  ``key_id`` is the key's alias (IAM's ``ServiceCredentialAlias``,
    e.g. ``BedrockAPIKey-ab12-at-123456789012``); ``user_name`` and
    ``account_id`` are its two halves, or ``None`` when the alias does not end
    in ``-at-`` and 12 digits.  The secret is neither kept nor shown.
    """

    __slots__ = ("key_id", "user_name", "account_id")

    key_id: str
    user_name: Optional[str]
    account_id: Optional[str]

    def __init__(self, key_id: str, user_name: Optional[str], account_id: Optional[str]) -> None:
        object.__setattr__(self, "key_id", key_id)
        object.__setattr__(self, "user_name", user_name)
        object.__setattr__(self, "account_id", account_id)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("LongTermKeyInfo is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("LongTermKeyInfo is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LongTermKeyInfo):
            return NotImplemented
        return (self.key_id, self.user_name, self.account_id) == (
            other.key_id,
            other.user_name,
            other.account_id,
        )

    def __hash__(self) -> int:
        return hash((self.key_id, self.user_name, self.account_id))

    def __repr__(self) -> str:
        return "LongTermKeyInfo(key_id=%r, user_name=%r, account_id=%r)" % (
            self.key_id,
            self.user_name,
            self.account_id,
        )


def _bad(check: str, message: str) -> InvalidTokenError:
    return InvalidTokenError(check, "Invalid long-term Bedrock API key: " + message)


def _split_alias(alias: str) -> Tuple[Optional[str], Optional[str]]:
    """(user name, account id) from ``<user>-at-<12 digits>``; (None, None) otherwise."""
    cut = len(alias) - 12 - len(_AT)
    account = alias[-12:]
    if cut > 0 and alias[cut:-12] == _AT and _DIGITS.issuperset(account):
        return alias[:cut], account
    return None, None


def decode_long_term_key(key: str) -> LongTermKeyInfo:
    """Read a long-term Bedrock API key (``ABSK...``): its key id and account, never its secret.

    Raises :class:`InvalidTokenError` (a ``ValueError``) when ``key`` is not
    one: ``check`` is ``type``, ``prefix`` (no ``ABSK``), ``base64``,
    ``encoding`` (not ASCII once decoded), ``key-id`` (no ``:``, or an alias IAM
    would not write) or ``secret`` (nothing after the ``:``).  No message
    quotes any part of the key.
    """
    if not isinstance(key, str):
        raise _bad("type", "expected a str, got %s" % type(key).__name__)
    if not key.startswith(LONG_TERM_KEY_PREFIX):
        raise _bad("prefix", "it does not start with %r" % LONG_TERM_KEY_PREFIX)
    body = key[len(LONG_TERM_KEY_PREFIX) :]
    data = body.rstrip("=")
    if (
        not data
        or len(body) - len(data) > 2
        or len(data) % 4 == 1
        or not _B64.issuperset(data)
        or (len(body) != len(data) and len(body) % 4)
    ):
        raise _bad(
            "base64",
            "the text after %r is not base64 (A-Z a-z 0-9 + / and at most two '=' "
            "at the end; %d characters, not shown)" % (LONG_TERM_KEY_PREFIX, len(body)),
        )
    from binascii import Error, a2b_base64

    try:
        raw: Optional[bytes] = a2b_base64(data + "=" * (-len(data) % 4))
    except Error:  # not reached after the checks above; kept so nothing else escapes
        raw = None
    if raw is None:
        raise _bad("base64", "the text after %r is not valid base64" % LONG_TERM_KEY_PREFIX)
    if not raw.isascii():
        raise _bad("encoding", "the decoded key is not ASCII text")
    alias, colon, secret = raw.decode("ascii").partition(":")
    if not colon:
        raise _bad(
            "key-id", "the decoded key has no ':' between its key id and its secret (not shown)"
        )
    if not secret:
        raise _bad("secret", "the decoded key has nothing after the ':' where its secret belongs")
    if not alias or len(alias) > _ALIAS_LIMIT or not _ALIAS_CHARS.issuperset(alias):
        raise _bad(
            "key-id",
            "the part before the ':' (%d characters, not shown) is not a key id "
            "(1 to %d of A-Z a-z 0-9 _ + = , . @ -)" % (len(alias), _ALIAS_LIMIT),
        )
    user_name, account_id = _split_alias(alias)
    return LongTermKeyInfo(alias, user_name, account_id)
