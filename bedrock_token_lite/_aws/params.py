"""Client-side parameter validation: the length and range limits of the STS model."""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs milliseconds to import
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, List, Tuple

__all__ = ["set_param", "validate_lengths"]

#: name -> (minimum, maximum) length, or for DurationSeconds the value range.
_LIMITS: Dict[str, Tuple[int, int]] = {
    "RoleArn": (20, 2048),
    "RoleSessionName": (2, 64),
    "ExternalId": (2, 1224),
    "SerialNumber": (9, 256),
    "TokenCode": (6, 6),
    "WebIdentityToken": (4, 20000),
    "DurationSeconds": (900, 43200),
}


def validate_lengths(params: List[Tuple[str, Any]]) -> None:
    """Raise ``ParamValidationError`` like botocore's model validation (lengths only)."""
    problems = []
    for name, value in params:
        limits = _LIMITS.get(name)
        if limits is None:
            continue
        low, high = limits
        # DurationSeconds has a value range; the other parameters a length range.
        kind, size = ("value", value) if name == "DurationSeconds" else ("length", len(value))
        if size < low:
            bound, limit = "min", low
        elif size > high:
            bound, limit = "max", high
        else:
            continue
        problems.append(
            "Invalid %s for parameter %s, value: %s, valid %s %s: %s"
            % (kind, name, size, bound, kind, limit)
        )
    if problems:
        from .._source_errors import ParamValidationError

        raise ParamValidationError("\n".join(problems))


def set_param(params: List[Tuple[str, Any]], name: str, value: Any) -> List[Tuple[str, Any]]:
    """``params`` with ``name`` set, keeping its position (a dict assignment), or appended."""
    if any(key == name for key, _ in params):
        return [(key, value if key == name else old) for key, old in params]
    return [*params, (name, value)]
