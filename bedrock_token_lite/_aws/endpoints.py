"""Where a call goes: partitions, endpoint rules, configured endpoint URLs, region names."""

from __future__ import annotations

from .._errors import InvalidConfigError, InvalidParameterError
from .._source_errors import InvalidRegionError, NoRegionError

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Optional, Tuple

    from .client import ClientConfig

__all__ = [
    "LEGACY_GLOBAL_STS_REGIONS",
    "custom_endpoint",
    "service_endpoint",
    "sts_endpoint",
    "validate_region",
]

LEGACY_GLOBAL_STS_REGIONS = frozenset(
    (
        "ap-northeast-1",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "aws-global",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    )
)

# (name, region regex, explicit extra regions, DNS suffix, dual-stack DNS suffix),
# in the order of botocore's partitions.json.
_PARTITIONS = (
    (
        "aws",
        r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        ("aws-global",),
        "amazonaws.com",
        "api.aws",
    ),
    (
        "aws-cn",
        r"^cn\-\w+\-\d+$",
        ("aws-cn-global",),
        "amazonaws.com.cn",
        "api.amazonwebservices.com.cn",
    ),
    ("aws-eusc", r"^eusc\-(de)\-\w+\-\d+$", (), "amazonaws.eu", "api.amazonwebservices.eu"),
    ("aws-iso", r"^us\-iso\-\w+\-\d+$", ("aws-iso-global",), "c2s.ic.gov", "api.aws.ic.gov"),
    (
        "aws-iso-b",
        r"^us\-isob\-\w+\-\d+$",
        ("aws-iso-b-global",),
        "sc2s.sgov.gov",
        "api.aws.scloud",
    ),
    (
        "aws-iso-e",
        r"^eu\-isoe\-\w+\-\d+$",
        ("aws-iso-e-global",),
        "cloud.adc-e.uk",
        "api.cloud-aws.adc-e.uk",
    ),
    (
        "aws-iso-f",
        r"^us\-isof\-\w+\-\d+$",
        ("aws-iso-f-global",),
        "csp.hci.ic.gov",
        "api.aws.hci.ic.gov",
    ),
    ("aws-us-gov", r"^us\-gov\-\w+\-\d+$", ("aws-us-gov-global",), "amazonaws.com", "api.aws"),
)


def validate_region(region: str) -> str:
    """botocore's ``validate_region_name``: a label of letters, digits and dashes."""
    import re

    if not re.match(r"^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$", region):
        raise InvalidRegionError(region)
    return region


def _partition(region: str) -> Tuple[str, str, str]:
    import re

    for name, _regex, extra, suffix, dual in _PARTITIONS:
        if region in extra:
            return name, suffix, dual
    for name, regex, _extra, suffix, dual in _PARTITIONS:
        if re.match(regex, region):
            return name, suffix, dual
    return _PARTITIONS[0][0], _PARTITIONS[0][3], _PARTITIONS[0][4]


def service_endpoint(
    host_prefix: str,
    fips_prefix: str,
    region: Optional[str],
    *,
    use_fips: bool = False,
    use_dualstack: bool = False,
) -> str:
    """The default URL of an AWS service in ``region`` (botocore's endpoint rule set).

    ``host_prefix`` is the first host label(s): ``sts``, ``portal.sso``, ``oidc``;
    ``fips_prefix`` is their FIPS form: ``sts-fips``, ``portal.sso-fips``, ``oidc-fips``.
    """
    if region is None:
        raise NoRegionError(
            "Set AWS_DEFAULT_REGION, or region in the profile, or configure an endpoint URL."
        )
    partition, suffix, dual = _partition(region)
    if use_fips and use_dualstack:
        url = "https://%s.%s.%s" % (fips_prefix, region, dual)
    elif use_fips:
        if partition == "aws-us-gov":
            url = "https://%s.%s.amazonaws.com" % (host_prefix, region)
        else:
            url = "https://%s.%s.%s" % (fips_prefix, region, suffix)
    elif use_dualstack:
        url = "https://%s.%s.%s" % (host_prefix, region, dual)
    else:
        url = "https://%s.%s.%s" % (host_prefix, region, suffix)
    if not region:
        raise InvalidParameterError(
            "Invalid endpoint: %s (the region is empty: set AWS_DEFAULT_REGION or the "
            "profile's region to a region name such as us-east-1)" % (url,)
        )
    return url


def custom_endpoint(config: ClientConfig, service_id: str) -> Optional[str]:
    """The configured endpoint URL for ``service_id``; FIPS or dual-stack with one is an error."""
    url = config.configured_endpoint(service_id)
    if url is None:
        return None
    if config.use_fips:
        raise InvalidConfigError(
            "Invalid Configuration: FIPS and custom endpoint are not supported "
            "(unset AWS_USE_FIPS_ENDPOINT / use_fips_endpoint or the %s endpoint URL)"
            % (service_id,)
        )
    if config.use_dualstack:
        raise InvalidConfigError(
            "Invalid Configuration: Dualstack and custom endpoint are not supported "
            "(unset AWS_USE_DUALSTACK_ENDPOINT / use_dualstack_endpoint or the %s endpoint URL)"
            % (service_id,)
        )
    return url


def sts_endpoint(config: ClientConfig, region: Optional[str], *, signed: bool) -> Tuple[str, str]:
    """The STS URL and signing region botocore would use (spec section 18.3).

    Raises ``NoRegionError`` for a signed call to a configured endpoint
    without a region, ``InvalidRegionError`` for a malformed region and
    ``InvalidSTSRegionalEndpointsConfigError`` for a bad
    ``sts_regional_endpoints``.
    """
    if region is not None:
        validate_region(region)
    custom = custom_endpoint(config, "sts")
    if custom is not None:
        if region is None:
            if signed:
                raise NoRegionError(
                    "STS AssumeRole is signed and needs a region even with a configured "
                    "endpoint URL: set AWS_DEFAULT_REGION or the profile's region."
                )
            return custom, "us-east-1"
        return custom, region
    mode = config.sts_regional_endpoints
    fips, dual = config.use_fips, config.use_dualstack
    if region is None or region == "aws-global":
        if not fips and not dual:
            return "https://sts.amazonaws.com", "us-east-1"
        if region is None:
            raise NoRegionError("FIPS and dual-stack STS endpoints need a region.")
    elif mode == "legacy" and region in LEGACY_GLOBAL_STS_REGIONS and not fips and not dual:
        return "https://sts.amazonaws.com", "us-east-1"
    return service_endpoint("sts", "sts-fips", region, use_fips=fips, use_dualstack=dual), region
