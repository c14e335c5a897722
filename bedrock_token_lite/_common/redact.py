"""The one redaction step for text from outside: a server's error message, a helper's stderr.

Such text enters an exception message or a log record only through
:func:`foreign_text`: on one line, bounded in length, and with every secret the
request carried removed, together with any run of :data:`FRAGMENT` or more of
its characters (a server that echoes a truncated or re-encoded header still
leaks nothing usable). Callers keep the full original text in an attribute
for programs that need it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Iterable, List, Optional, Set, Tuple

__all__ = [
    "FRAGMENT",
    "LIMIT",
    "MASK",
    "MIN_SECRET",
    "answer_secrets",
    "foreign_text",
    "redact",
    "request_secrets",
    "secret_variants",
]

#: A run of this many characters of a secret is removed wherever it appears.
FRAGMENT = 12
#: The longest foreign text a message quotes.
LIMIT = 500
MASK = "<redacted>"
#: Shorter values are not treated as secrets (masking "s" everywhere hides nothing).
MIN_SECRET = 4
#: How much of a long text is looked at (the message quotes at most LIMIT of it).
_SCAN = 4 * LIMIT


def secret_variants(secrets: Iterable[Optional[str]]) -> List[str]:
    """Each secret as sent and as a server may echo it (percent- or form-encoded)."""
    from urllib.parse import quote, quote_plus

    found: List[str] = []
    for secret in secrets:
        if not secret or len(secret) < MIN_SECRET:
            continue
        # surrogatepass: a secret may hold lone surrogates (a JSON "\udcff" escape, an
        # undecodable environment byte); encoding it strictly would raise here.
        encoded = secret.encode("utf-8", "surrogatepass")
        for variant in (secret, quote(encoded, safe=""), quote_plus(encoded, safe="")):
            if variant not in found:
                found.append(variant)
    return found


def foreign_text(text: object, secrets: Iterable[Optional[str]] = (), limit: int = LIMIT) -> str:
    """``text`` fit for a message: secrets and their fragments removed, one line, bounded."""
    value = text if isinstance(text, str) else repr(text)
    value = value[: max(_SCAN, limit)]
    value = _remove(value, secret_variants(secrets))
    value = " ".join(value.split())  # one line, whitespace runs folded
    if not value.isprintable():
        value = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    if len(value) > limit:
        value = value[: limit - 3] + "..."
    return value


def _remove(text: str, secrets: List[str]) -> str:
    grams: Set[str] = set()
    short: List[str] = []
    for secret in secrets:
        if len(secret) < FRAGMENT:
            short.append(secret)
        else:
            grams.update(secret[i : i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1))
    for secret in sorted(short, key=len, reverse=True):
        text = text.replace(secret, MASK)
    if not grams:
        return text
    covered = [False] * len(text)
    for i in range(len(text) - FRAGMENT + 1):
        if text[i : i + FRAGMENT] in grams:
            for j in range(i, i + FRAGMENT):
                covered[j] = True
    out: List[str] = []
    masking = False
    for char, hidden in zip(text, covered):
        if hidden:
            if not masking:
                out.append(MASK)
            masking = True
        else:
            out.append(char)
            masking = False
    return "".join(out)


#: Request headers whose values are secrets (compared in lower case).
SECRET_HEADERS = frozenset(("authorization", "x-amz-security-token", "x-amz-sso_bearer_token"))
#: Request body fields whose values are secrets (STS form fields, SSO-OIDC JSON fields).
SECRET_FIELDS = frozenset(
    (
        "WebIdentityToken",
        "TokenCode",
        "ExternalId",
        "clientSecret",
        "refreshToken",
        "accessToken",
        "code",
        "codeVerifier",
        "deviceCode",
    )
)


def request_secrets(headers: Iterable[Tuple[str, str]], body: Optional[bytes]) -> List[str]:
    """The secrets one request carries: secret header values (and a signature) and body fields."""
    found: List[str] = []
    for name, value in headers:
        if name.lower() in SECRET_HEADERS and isinstance(value, str):
            found.append(value)
            signature = value.rpartition("Signature=")[2]
            if signature and signature != value:
                found.append(signature)
    if body:
        found.extend(_body_secrets(body))
    return found


def _body_secrets(body: bytes) -> List[str]:
    text = body.decode("utf-8", "replace")
    found: List[str] = []
    if text.lstrip().startswith("{"):
        import json

        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            for name, value in data.items():
                if name in SECRET_FIELDS and isinstance(value, str):
                    found.append(value)
        return found
    from urllib.parse import parse_qsl

    for name, value in parse_qsl(text, keep_blank_values=True):
        if name in SECRET_FIELDS:
            found.append(value)
    return found


#: Fields of an answer whose values are secrets (credential documents of every source).
ANSWER_FIELDS = frozenset(
    (
        "secretaccesskey",
        "token",
        "sessiontoken",
        "accesstoken",
        "refreshtoken",
        "clientsecret",
    )
)


def answer_secrets(text: str) -> List[str]:
    """The secrets an answer carries: the values of its credential fields.

    An endpoint that sends a credentials document with an error status, or one
    that is cut short or otherwise unusable, must not see it quoted: the values
    of ``"SecretAccessKey": "..."``-like JSON members and ``<SessionToken>...``
    -like XML elements are found by pattern, so a truncated document (the
    value cut, the closing quote or tag missing) is covered too.
    """
    import re

    found: List[str] = []
    scanned = text[:_SCAN]
    for pattern in (r'"([A-Za-z]+)"\s*:\s*"((?:[^"\\]|\\.)*)', r"<([A-Za-z]+)>([^<]*)"):
        for match in re.finditer(pattern, scanned):
            if match.group(1).lower() in ANSWER_FIELDS:
                found.append(match.group(2))
    return found


def redact(text: str, secrets: Iterable[Optional[str]]) -> str:
    """``text`` with every secret (as sent or encoded) and any long fragment of one masked."""
    return _remove(text, secret_variants(secrets))
