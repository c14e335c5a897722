"""The STS query protocol: form body, signing, XML answers and errors, ``call_sts``.

:func:`call_sts` sends a query-protocol request (``Action=...&Version=...``),
signed with :mod:`.sigv4` or unsigned, through :func:`.retries.send_with_retries`
(botocore 1.44's standard mode by default, or its legacy mode) and parses the
XML answer into :class:`Credentials` (spec section 18).
"""

from __future__ import annotations

from .. import sigv4
from .._common.clock import utc_now
from .._common.credentials import Credentials
from .._common.dates import parse_timestamp
from .._common.dt import datetime
from .._errors import NaiveExpiryError
from .._source_errors import ResponseParserError
from .endpoints import sts_endpoint, validate_region
from .params import validate_lengths
from .retries import DEFAULT_TIMEOUT, send_with_retries

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Optional, Tuple

if TYPE_CHECKING:  # pragma: no cover
    from xml.etree.ElementTree import Element

    from .client import ClientConfig
    from .http import Response
    from .retries import Request, Sleep, Transport

__all__ = ["account_id_from_arn", "call_sts", "call_sts_response", "parse_timestamp"]

STS_VERSION = "2011-06-15"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"

if TYPE_CHECKING:  # pragma: no cover
    Clock = Callable[[], datetime]


def account_id_from_arn(arn: Optional[str]) -> Optional[str]:
    """botocore's ``ArnParser``: the account of an ARN, or ``None`` when it is not one."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return None
    return parts[4]


def _parse_xml(body: bytes) -> Element:
    from xml.etree import ElementTree

    lowered = body.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        # No DTDs at all: no entity expansion, no external entities.
        raise ValueError("XML with a DOCTYPE or ENTITY declaration is not accepted")
    return ElementTree.fromstring(body)  # noqa: S314 (DTDs rejected above)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Optional[Element], name: str) -> Optional[Element]:
    if element is None:
        return None
    for item in element:
        if _local(item.tag) == name:
            return item
    return None


def _find_text(element: Optional[Element], *path: str) -> Optional[str]:
    for name in path:
        element = _child(element, name)
    if element is None:
        return None
    return element.text or ""


def _parse_failure(body: bytes, exc: Exception, *, show_body: bool) -> ResponseParserError:
    if show_body:
        shown: object = body[:200] + (b"..." if len(body) > 200 else b"")
    else:  # a success answer may hold credentials: never quote it
        shown = "<%d bytes, not shown>" % len(body)
    return ResponseParserError(
        "Unable to parse response (%s), invalid XML received. Further retries may succeed:\n%s"
        % (exc, shown if isinstance(shown, str) else repr(shown))
    )


def _sts_error(response: Response) -> Tuple[str, str]:
    try:  # an empty 4xx body does not parse either: ResponseParserError, as botocore
        root = _parse_xml(response.body)
    except Exception as exc:
        raise _parse_failure(response.body, exc, show_body=True) from None
    error = root if _local(root.tag) == "Error" else _child(root, "Error")
    code = _find_text(error, "Code")
    message = _find_text(error, "Message")
    if code is None:
        return str(response.status), response.reason or "Unknown"
    return code, message if message is not None else "Unknown"


def call_sts(
    operation: str, params: List[Tuple[str, Any]], *, method: str, **options: Any
) -> Credentials:
    """:func:`call_sts_response` (same keyword arguments), as :class:`Credentials`."""
    answer = call_sts_response(operation, params, method=method, **options)
    values = answer["Credentials"]
    return Credentials(
        values["AccessKeyId"],
        values["SecretAccessKey"],
        values["SessionToken"],
        values["Expiration"],
        account_id=values.get("AccountId"),
        method=method,
    )


def call_sts_response(
    operation: str,
    params: List[Tuple[str, Any]],
    *,
    config: ClientConfig,
    credentials: Any = None,
    region: Optional[str] = None,
    method: str,
    clock: Optional[Clock] = None,
    transport: Optional[Transport] = None,
    sleep: Optional[Sleep] = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Dict[str, Any]:
    """Call STS ``operation`` (``AssumeRole``, ``AssumeRoleWithWebIdentity``); botocore's answer.

    ``params`` are the request parameters in botocore's order; they are
    checked against the model's limits first.  ``credentials`` signs the
    request (SigV4, service ``sts``); ``None`` sends it unsigned.  ``region``
    is the client region (default: the config's).  The answer is the dict
    botocore's client returns and caches: ``Credentials`` (``Expiration`` a
    ``datetime``; ``AccountId`` from ``AssumedRoleUser/Arn``, as botocore's
    fetchers add it), ``AssumedRoleUser``, the operation's other fields and
    ``ResponseMetadata``.  A missing or unreadable credential field raises
    ``CredentialRetrievalError`` naming ``method``.
    """
    from urllib.parse import urlencode

    frozen = None
    if credentials is not None:
        # botocore freezes (and so refreshes) the source before creating the client.
        getter = getattr(credentials, "get_frozen_credentials", None)
        frozen = getter() if getter is not None else credentials
    if region is None:
        region = config.region
    if region is not None:
        validate_region(region)
    config.check_client()  # botocore creates the client here
    endpoint, signing_region = sts_endpoint(config, region, signed=credentials is not None)
    validate_lengths(params)
    form = [("Action", operation), ("Version", STS_VERSION)]
    form.extend((name, str(value)) for name, value in params)
    body = urlencode(form).encode("utf-8")
    url = endpoint if _has_path(endpoint) else endpoint + "/"
    now_of = clock or utc_now

    def build() -> Request:
        headers = [("Content-Type", FORM_CONTENT_TYPE)]
        if frozen is None:
            return "POST", url, headers, body
        signed = sigv4.sign(
            "POST",
            url,
            headers=headers,
            body=body,
            credentials=frozen,
            region=signing_region,
            service="sts",
            now=now_of(),
        )
        return "POST", url, list(signed.headers), body

    response = send_with_retries(
        config,
        "sts",
        build,
        _sts_error,
        operation,
        transport=transport,
        sleep=sleep,
        timeout=timeout,
    )
    return _sts_answer(response, operation, method)


def _has_path(url: str) -> bool:
    from urllib.parse import urlsplit

    return bool(urlsplit(url).path)


#: The scalar fields of the AssumeRole / AssumeRoleWithWebIdentity results botocore returns.
_RESULT_FIELDS = ("SourceIdentity", "SubjectFromWebIdentityToken", "Provider", "Audience")


def _sts_answer(response: Response, operation: str, method: str) -> Dict[str, Any]:
    from .._errors import CredentialRetrievalError

    try:
        root = _parse_xml(response.body)
    except Exception as exc:
        raise _parse_failure(response.body, exc, show_body=False) from None
    result = _child(root, operation + "Result")
    creds = _child(result, "Credentials")
    values: Dict[str, Any] = {
        name: _find_text(creds, name)
        for name in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")
    }
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise CredentialRetrievalError(
            method,
            "the STS %s answer has no %s" % (operation, ", ".join(missing)),
        )
    expiration_text = values["Expiration"] or ""
    try:
        expiry = parse_timestamp(expiration_text)
    except ValueError:
        raise CredentialRetrievalError(
            method, "the STS %s answer has an unreadable Expiration" % (operation,)
        ) from None
    if expiry.tzinfo is None:
        raise NaiveExpiryError(  # botocore: a bare TypeError, on first use
            "can't subtract offset-naive and offset-aware datetimes (the STS %s Expiration "
            "has no timezone)" % (operation,),
            source="STS %s" % (operation,),
        )
    values["Expiration"] = expiry
    answer: Dict[str, Any] = {"Credentials": values}
    user = _child(result, "AssumedRoleUser")
    if user is not None:
        answer["AssumedRoleUser"] = {
            name: text
            for name in ("AssumedRoleId", "Arn")
            for text in (_find_text(user, name),)
            if text is not None
        }
    size = _find_text(result, "PackedPolicySize")
    if size is not None and size.isdigit():
        answer["PackedPolicySize"] = int(size)
    for name in _RESULT_FIELDS:
        text = _find_text(result, name)
        if text is not None:
            answer[name] = text
    account_id = account_id_from_arn(_find_text(result, "AssumedRoleUser", "Arn"))
    if account_id is not None:
        values["AccountId"] = account_id
    metadata: Dict[str, Any] = {}
    request_id = _find_text(root, "ResponseMetadata", "RequestId")
    if request_id is not None:
        metadata["RequestId"] = request_id
    metadata["HTTPStatusCode"] = response.status
    metadata["HTTPHeaders"] = dict(response.headers)
    answer["ResponseMetadata"] = metadata
    return answer
