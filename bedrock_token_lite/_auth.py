"""Bearer tokens for one HTTP or AWS client at a time, without environment variables.

* :class:`BearerAuth` is an ``auth=`` object for ``requests`` and ``httpx``
  (neither is imported): it sets ``Authorization: Bearer <token>`` on each
  outgoing request, asking its provider every time so refreshes are picked up.
* :func:`bedrock_client` / :func:`use_bearer_token` make one botocore or boto3
  client send a refreshing token instead of signing with SigV4.  botocore is
  imported only inside them.

How the botocore helper works: botocore >= 1.39 switches *every* Bedrock
client of the process to bearer auth when ``AWS_BEARER_TOKEN_BEDROCK`` is set,
and its per-client bearer signer reads a token fixed when the client is made.
Instead, two handlers go on the client's own event hooks (each client has its
own copy of the session's event system, so no other client sees them):
``choose-signer.<service>`` (first) says "don't SigV4-sign", and
``before-sign.<service>`` (last) sets ``Authorization: Bearer <token>`` from the
provider on each attempt, retries included, after refusing a non-HTTPS
endpoint as botocore's bearer signer does.  The request that goes out is
the one botocore sends with ``AWS_BEARER_TOKEN_BEDROCK`` set (tested).
"""

from __future__ import annotations

from ._errors import InvalidParameterError
from ._source_errors import InvalidEndpointConfigurationError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Iterator, Optional, Union

__all__ = ["BearerAuth", "bedrock_client", "use_bearer_token"]

if TYPE_CHECKING:  # pragma: no cover
    TokenSource = Union[str, Callable[[], str]]
_HANDLER_ID = "bedrock-token-lite-bearer"


def _token_getter(provider_or_token: TokenSource) -> Callable[[], str]:
    if isinstance(provider_or_token, str):
        if not provider_or_token:
            raise InvalidParameterError("the bearer token is empty")
        token = provider_or_token
        return lambda: token
    if callable(provider_or_token):
        return provider_or_token
    raise InvalidParameterError(
        "expected a token (str) or a callable returning one, such as a TokenProvider; got %s"
        % type(provider_or_token).__name__
    )


def _header_value(get: Callable[[], str]) -> str:
    token = get()
    if not isinstance(token, str) or not token or "\r" in token or "\n" in token:
        raise InvalidParameterError(
            "the token provider returned something that is not a usable bearer token"
        )
    return "Bearer " + token


class BearerAuth:
    """``auth=`` for ``requests`` and ``httpx``: ``Authorization: Bearer <token>``.

    ``provider_or_token`` is a token, or a zero-argument callable returning one
    (a :class:`TokenProvider`), called for every request.

    >>> session.get(url, auth=BearerAuth(provider))   # requests  # doctest: +SKIP
    >>> httpx.Client(auth=BearerAuth(provider))                    # doctest: +SKIP

    ``requests`` calls the object with its prepared request; ``httpx`` wraps a
    callable the same way (and :meth:`auth_flow` serves code that drives auth
    flows itself).  Under ``httpx.AsyncClient`` the call is synchronous: a
    due refresh blocks the loop briefly; await ``provider.async_token()``
    beforehand to avoid that.
    """

    __slots__ = ("_get", "_source")

    def __init__(self, provider_or_token: TokenSource) -> None:
        self._get = _token_getter(provider_or_token)
        self._source = provider_or_token

    def __call__(self, request: Any) -> Any:
        """Set the header on ``request`` (a requests or httpx request) and return it."""
        request.headers["Authorization"] = _header_value(self._get)
        return request

    def auth_flow(self, request: Any) -> Iterator[Any]:
        """httpx's auth-flow protocol: set the header, send the request once."""
        request.headers["Authorization"] = _header_value(self._get)
        yield request

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BearerAuth):
            return NotImplemented
        return self._source is other._source or (
            isinstance(self._source, str) and self._source == other._source
        )

    def __hash__(self) -> int:
        return id(self._source) if not isinstance(self._source, str) else hash(self._source)

    def __repr__(self) -> str:
        if isinstance(self._source, str):
            return "BearerAuth(token=<redacted>)"
        return "BearerAuth(provider=%r)" % (self._source,)


def use_bearer_token(client: Any, provider_or_token: TokenSource) -> Any:
    """Make this botocore/boto3 ``client`` send a bearer token; return the client.

    Only this client changes; no environment variable is read or set.  The
    client must be for a service that signs as ``bedrock`` (``bedrock``,
    ``bedrock-runtime``, ...) and use an HTTPS endpoint.  When the provider
    has a ``region``, it must be the client's region (a token works only in
    the region it was made for).
    """
    import botocore  # type: ignore[import-untyped,import-not-found,unused-ignore]

    get = _token_getter(provider_or_token)
    meta = client.meta
    model = meta.service_model
    signing_name = model.signing_name
    if signing_name != "bedrock":
        raise InvalidParameterError(
            "Bedrock bearer tokens work only for services that sign as 'bedrock' "
            "(bedrock, bedrock-runtime, ...); %r signs as %r" % (model.service_name, signing_name)
        )
    token_region = getattr(provider_or_token, "region", None)
    if isinstance(token_region, str) and token_region != meta.region_name:
        raise InvalidParameterError(
            "The token provider makes tokens for %r, but this client is for %r; use a "
            "TokenProvider(region=%r) or create the client with region_name=%r"
            % (token_region, meta.region_name, meta.region_name, token_region)
        )
    service_id = model.service_id.hyphenize()
    unsigned = botocore.UNSIGNED

    def choose_signer(**kwargs: Any) -> Any:
        return unsigned

    def add_bearer(request: Any, **kwargs: Any) -> None:
        url = getattr(request, "url", "") or ""
        if not url.startswith("https://"):
            host = url.split("/")[2] if url.count("/") >= 2 else url
            raise InvalidEndpointConfigurationError(
                "Bearer authorization requires an HTTPS endpoint; this %s client's endpoint "
                "is not HTTPS (host %r). Use an https:// endpoint_url." % (service_id, host)
            )
        headers = request.headers
        if "Authorization" in headers:
            del headers["Authorization"]
        headers["Authorization"] = _header_value(get)

    events = meta.events
    events.unregister("choose-signer." + service_id, unique_id=_HANDLER_ID + "-signer")
    events.unregister("before-sign." + service_id, unique_id=_HANDLER_ID)
    events.register_first(
        "choose-signer." + service_id, choose_signer, unique_id=_HANDLER_ID + "-signer"
    )
    events.register_last("before-sign." + service_id, add_bearer, unique_id=_HANDLER_ID)
    return client


def bedrock_client(
    service: str = "bedrock-runtime",
    *,
    token_provider: TokenSource,
    region: Optional[str] = None,
    session: Any = None,
    **client_kwargs: Any,
) -> Any:
    """A new botocore/boto3 client for ``service`` that sends a refreshing bearer token.

    ``session`` is a boto3 ``Session`` or botocore ``Session`` (default: a new
    botocore session).  ``region`` defaults to the provider's region.  Other
    keyword arguments go to ``create_client`` / ``client`` (``endpoint_url``,
    ``config``, ...).  See :func:`use_bearer_token`.
    """
    if region is None:
        region = client_kwargs.pop("region_name", None) or getattr(token_provider, "region", None)
    if session is None:
        import botocore.session  # type: ignore[import-untyped,import-not-found,unused-ignore]

        session = botocore.session.get_session()
    create = getattr(session, "create_client", None) or session.client
    client = create(service, region_name=region, **client_kwargs)
    return use_bearer_token(client, token_provider)
