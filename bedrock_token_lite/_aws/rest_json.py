"""The REST/JSON calls of SSO and SSO-OIDC: error parsing and ``call_json``."""

from __future__ import annotations

from .._source_errors import ClientError
from .retries import DEFAULT_TIMEOUT, send_with_retries

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, List, Optional, Tuple

    from .client import ClientConfig
    from .http import Response
    from .retries import Request, Sleep, Transport

__all__ = ["call_json"]


def _json_error(response: Response) -> Tuple[str, str]:
    import json

    code = response.headers.get("x-amzn-errortype", "")
    message = ""
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        data = None
        if response.body:  # botocore quotes a body that is not JSON as the message
            message = response.body.decode("utf-8", "replace")
    if isinstance(data, dict):
        code = code or str(data.get("__type") or data.get("code") or data.get("error") or "")
        message = str(
            data.get("message") or data.get("Message") or data.get("error_description") or ""
        )
    code = code.split(":", 1)[0].rsplit("#", 1)[-1]
    return code or str(response.status), message


def call_json(
    operation: str,
    method: str,
    url: str,
    *,
    config: ClientConfig,
    service: str,
    headers: List[Tuple[str, str]],
    body: Optional[bytes] = None,
    transport: Optional[Transport] = None,
    sleep: Optional[Sleep] = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Dict[str, Any]:
    """Send an unsigned REST/JSON request with retries; return the decoded JSON object."""
    import json

    def build() -> Request:
        return method, url, list(headers), body

    response = send_with_retries(
        config,
        service,
        build,
        _json_error,
        operation,
        transport=transport,
        sleep=sleep,
        timeout=timeout,
    )
    try:
        data = json.loads(response.body.decode("utf-8"))
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        data = None
    if not isinstance(data, dict):
        raise ClientError(
            "InvalidResponse",
            "the %s answer is not a JSON object" % (operation,),
            operation,
            status=response.status,
            endpoint=url.split("?", 1)[0],
        )
    return data
