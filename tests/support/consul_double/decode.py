"""Decoding agent registration bodies the way Consul does.

Consul decodes JSON with Go's ``encoding/json`` (field names match case-insensitively: ``Name``,
``name``, ``NAME``) plus explicit snake_case aliases (``deregister_critical_service_after``,
``sidecar_service``, ``local_bind_port`` …). Here a field name matches when it equals the Go name
after lower-casing and dropping underscores. Values of the wrong JSON type are decode errors
(400 "Request decode failed: …"), as in Go; unknown fields are ignored, as in Go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .durations import DurationError, parse_json_duration

_META_KEY = re.compile(r"^[a-zA-Z0-9_-]+$")
VALID_STATUSES = ("passing", "warning", "critical")


class DecodeError(ValueError):
    """A body Consul would answer with 400; ``str()`` is the response text."""


def _canon(name: str) -> str:
    return name.lower().replace("_", "")


def get(body: dict[str, Any], name: str, *aliases: str) -> Any:
    """Value of field ``name`` (or an alias) in ``body`` matched Consul-style, else ``None``."""
    wanted = {_canon(name), *(_canon(a) for a in aliases)}
    for key, value in body.items():
        if _canon(key) in wanted:
            return value
    return None


def _type_error(value: Any, go_type: str, field_name: str) -> DecodeError:
    json_type = {
        bool: "bool",
        int: "number",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(value), "value")
    return DecodeError(
        f"Request decode failed: json: cannot unmarshal {json_type} into Go struct field {field_name} of type {go_type}"
    )


def get_str(body: dict[str, Any], name: str, *aliases: str) -> str:
    value = get(body, name, *aliases)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _type_error(value, "string", name)
    return value


def get_int(body: dict[str, Any], name: str, *aliases: str) -> int:
    value = get(body, name, *aliases)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise _type_error(value, "int", name)
    return int(value)


def get_bool(body: dict[str, Any], name: str, *aliases: str) -> bool:
    value = get(body, name, *aliases)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _type_error(value, "bool", name)
    return value


def get_obj(body: dict[str, Any], name: str, *aliases: str) -> dict[str, Any] | None:
    value = get(body, name, *aliases)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _type_error(value, "struct", name)
    return value


def get_str_list(body: dict[str, Any], name: str, *aliases: str) -> list[str] | None:
    value = get(body, name, *aliases)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _type_error(value, "[]string", name)
    return list(value)


def get_str_map(body: dict[str, Any], name: str, *aliases: str) -> dict[str, str] | None:
    value = get(body, name, *aliases)
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _type_error(value, "map[string]string", name)
    return dict(value)


def get_duration(body: dict[str, Any], name: str, *aliases: str) -> float | None:
    try:
        return parse_json_duration(get(body, name, *aliases), name)
    except DurationError as exc:
        raise DecodeError(f"Request decode failed: {exc}") from exc


# --------------------------------------------------------------------------------------- checks


@dataclass
class CheckType:
    """One check definition from a registration (Consul's ``structs.CheckType``)."""

    check_id: str = ""
    name: str = ""
    notes: str = ""
    status: str = ""
    service_id: str = ""
    ttl: float | None = None
    http: str = ""
    method: str = ""
    header: dict[str, list[str]] = field(default_factory=dict)
    body: str = ""
    tls_skip_verify: bool = False
    tcp: str = ""
    interval: float | None = None
    timeout: float | None = None
    alias_service: str = ""
    alias_node: str = ""
    deregister_after: float | None = None
    unsupported: str = ""

    @property
    def kind(self) -> str:
        """Consul's check ``Type``: ``ttl``, ``http``, ``tcp``, ``alias`` (or the unsupported kind)."""
        if self.unsupported:
            return self.unsupported
        if self.http:
            return "http"
        if self.tcp:
            return "tcp"
        if self.alias_service:
            return "alias"
        return "ttl"

    def validate(self) -> None:
        """Consul's ``CheckType.Validate`` rules, with its messages."""
        interval_kind = bool(self.http or self.tcp or self.unsupported)
        if (self.interval or 0) > 0 and (self.ttl or 0) > 0:
            raise DecodeError("Invalid check: Interval and TTL cannot both be specified")
        if interval_kind and (self.interval or 0) <= 0:
            raise DecodeError(
                "Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or GRPC checks"
            )
        if interval_kind and self.alias_service:
            raise DecodeError("Invalid check: Interval cannot be set for Alias checks")
        if self.alias_service and (self.ttl or 0) > 0:
            raise DecodeError("Invalid check: TTL must be not be set for Alias checks")
        if not interval_kind and not self.alias_service and (self.ttl or 0) <= 0:
            raise DecodeError("Invalid check: TTL must be > 0 for TTL checks")
        if self.status and self.status not in VALID_STATUSES:
            raise DecodeError("Status for checks must 'passing', 'warning', 'critical'")
        if self.unsupported == "script":
            raise DecodeError(
                "Scripts are disabled on this agent; to enable, configure 'enable_script_checks' "
                "or 'enable_local_script_checks' to true"
            )
        if self.unsupported:
            raise DecodeError(f"Invalid check: the Consul double does not run {self.unsupported} checks")


_UNSUPPORTED = (
    ("Args", "script"),
    ("ScriptArgs", "script"),
    ("Script", "script"),
    ("GRPC", "grpc"),
    ("H2PING", "h2ping"),
    ("UDP", "udp"),
    ("DockerContainerID", "docker"),
    ("OSService", "os_service"),
)


def decode_check(body: Any) -> CheckType:
    """Decode one check object (inside ``Check``/``Checks`` or a check registration)."""
    if not isinstance(body, dict):
        raise _type_error(body, "structs.CheckType", "Check")
    header_raw = get(body, "Header")
    header: dict[str, list[str]] = {}
    if header_raw is not None:
        if not isinstance(header_raw, dict) or not all(
            isinstance(v, list) and all(isinstance(i, str) for i in v) for v in header_raw.values()
        ):
            raise _type_error(header_raw, "map[string][]string", "Header")
        header = {k: list(v) for k, v in header_raw.items()}
    check = CheckType(
        check_id=get_str(body, "CheckID", "ID", "check_id"),
        name=get_str(body, "Name"),
        notes=get_str(body, "Notes"),
        status=get_str(body, "Status"),
        service_id=get_str(body, "ServiceID", "service_id"),
        ttl=get_duration(body, "TTL"),
        http=get_str(body, "HTTP"),
        method=get_str(body, "Method"),
        header=header,
        body=get_str(body, "Body"),
        tls_skip_verify=get_bool(body, "TLSSkipVerify", "tls_skip_verify"),
        tcp=get_str(body, "TCP"),
        interval=get_duration(body, "Interval"),
        timeout=get_duration(body, "Timeout"),
        alias_service=get_str(body, "AliasService", "alias_service"),
        alias_node=get_str(body, "AliasNode", "alias_node"),
        deregister_after=get_duration(
            body, "DeregisterCriticalServiceAfter", "deregister_critical_service_after"
        ),
    )
    for name, kind in _UNSUPPORTED:
        if get(body, name) not in (None, "", []):
            check.unsupported = kind
            break
    return check


def _check_is_empty(body: dict[str, Any]) -> bool:
    """Consul skips a ``Check`` object that defines no check at all (``CheckType.Empty``)."""
    return all(value in (None, "", [], {}, False, 0) for value in body.values())


# ------------------------------------------------------------------------------------- services


@dataclass
class ServiceDefinition:
    """A decoded ``/v1/agent/service/register`` body (Consul's ``structs.ServiceDefinition``)."""

    name: str
    id: str
    kind: str = ""
    tags: list[str] | None = None
    address: str = ""
    tagged_addresses: dict[str, Any] | None = None
    meta: dict[str, str] | None = None
    port: int = 0
    weights: dict[str, int] | None = None
    enable_tag_override: bool = False
    proxy: dict[str, Any] | None = None
    connect_native: bool = False
    sidecar: dict[str, Any] | None = None
    checks: list[CheckType] = field(default_factory=list)

    def validate(self, *, nested: bool = False) -> None:
        """Consul's post-decode validation (weights, meta, proxy fields, checks), in its order.

        Runs after the token is resolved, as in Consul, so an unknown token wins over a bad body.
        """
        if self.weights is not None:
            if self.weights["Passing"] < 1:
                raise DecodeError("Invalid Weights: Passing must be greater than 0")
            if self.weights["Warning"] < 0:
                raise DecodeError("Invalid Weights: Warning must be greater or equal than 0")
        validate_meta(self.meta)
        if self.kind not in ("", "connect-proxy"):
            raise DecodeError(
                f"Invalid service kind: the Consul double does not register {self.kind!r} services"
            )
        if self.kind == "connect-proxy" and not nested:
            if not self.proxy or not self.proxy["DestinationServiceName"]:
                raise DecodeError(
                    "Validation failed: Proxy.DestinationServiceName must be non-empty for Connect proxy services"
                )
            if self.port == 0:
                raise DecodeError("Validation failed: Port must be non-zero for a Connect proxy service")
        for check in self.checks:
            check.validate()


def validate_meta(meta: dict[str, str] | None) -> None:
    """Consul's ``ValidateServiceMetadata`` (keys, lengths, reserved prefix)."""
    if not meta:
        return
    if len(meta) > 64:
        raise DecodeError("Invalid Service Meta: Node metadata cannot contain more than 64 key/value pairs")
    for key, value in meta.items():
        if key == "":
            raise DecodeError("Invalid Service Meta: Key cannot be blank")
        if not _META_KEY.match(key):
            raise DecodeError(f"Invalid Service Meta: Key contains invalid characters: {key}")
        if len(key) > 128:
            raise DecodeError(f"Invalid Service Meta: Key is too long (limit: 128 characters): {key}")
        if key.startswith("consul-"):
            raise DecodeError(
                f"Invalid Service Meta: Key prefix 'consul-' is reserved for internal use: {key}"
            )
        if len(value) > 512:
            raise DecodeError(f"Invalid Service Meta: Value is too long (limit: 512 characters): {key}")


def _decode_weights(body: dict[str, Any]) -> dict[str, int] | None:
    raw = get_obj(body, "Weights")
    if raw is None:
        return None
    return {"Passing": get_int(raw, "Passing"), "Warning": get_int(raw, "Warning")}


def _decode_upstream(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _type_error(raw, "structs.Upstream", "Upstreams")
    upstream: dict[str, Any] = {
        "DestinationType": get_str(raw, "DestinationType") or "service",
        "DestinationName": get_str(raw, "DestinationName"),
        "LocalBindPort": get_int(raw, "LocalBindPort"),
    }
    for name in (
        "Datacenter",
        "LocalBindAddress",
        "DestinationNamespace",
        "DestinationPartition",
    ):
        value = get_str(raw, name)
        if value:
            upstream[name] = value
    config = get_obj(raw, "Config")
    if config:
        upstream["Config"] = config
    upstream["MeshGateway"] = get_obj(raw, "MeshGateway") or {}
    if not upstream["DestinationName"]:
        raise DecodeError("Validation failed: upstream destination name cannot be empty")
    if upstream["LocalBindPort"] <= 0:
        raise DecodeError(
            f"Validation failed: upstream {upstream['DestinationName']!r}: LocalBindPort must be > 0"
        )
    return upstream


def decode_proxy(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """Decode a ``Proxy`` block into Consul's JSON shape (``ConnectProxyConfig``)."""
    if raw is None:
        return None
    upstreams_raw = get(raw, "Upstreams")
    if upstreams_raw is not None and not isinstance(upstreams_raw, list):
        raise _type_error(upstreams_raw, "structs.Upstreams", "Upstreams")
    proxy: dict[str, Any] = {
        "DestinationServiceName": get_str(raw, "DestinationServiceName"),
        "DestinationServiceID": get_str(raw, "DestinationServiceID"),
        "LocalServiceAddress": get_str(raw, "LocalServiceAddress"),
        "LocalServicePort": get_int(raw, "LocalServicePort"),
        "Mode": get_str(raw, "Mode"),
        "Upstreams": [_decode_upstream(u) for u in upstreams_raw or []],
        "MeshGateway": get_obj(raw, "MeshGateway") or {},
        "Expose": get_obj(raw, "Expose") or {},
    }
    config = get_obj(raw, "Config")
    if config:
        proxy["Config"] = config
    return proxy


def _decode_checks(body: dict[str, Any]) -> list[CheckType]:
    checks: list[CheckType] = []
    single = get(body, "Check")
    if single is not None:
        if not isinstance(single, dict):
            raise _type_error(single, "structs.CheckType", "Check")
        if not _check_is_empty(single):
            checks.append(decode_check(single))
    many = get(body, "Checks")
    if many is not None:
        if not isinstance(many, list):
            raise _type_error(many, "structs.CheckTypes", "Checks")
        checks.extend(decode_check(item) for item in many)
    return checks


def decode_service(body: Any, *, sidecar: bool = False) -> ServiceDefinition:
    """Decode a service definition; raises :class:`DecodeError` with Consul's text.

    Only what Consul checks before resolving the token happens here (JSON types, name, address);
    call :meth:`ServiceDefinition.validate` for the rest. With ``sidecar=True`` the body is a
    nested ``SidecarService``, whose fields are all optional.
    """
    if not isinstance(body, dict):
        raise DecodeError(
            "Request decode failed: json: cannot unmarshal into Go value of type structs.ServiceDefinition"
        )
    name = get_str(body, "Name")
    if not name and not sidecar:
        raise DecodeError("Missing service name")
    address = get_str(body, "Address")
    if address in ("0.0.0.0", "::", "[::]"):
        raise DecodeError("Invalid service address")
    connect = get_obj(body, "Connect")
    sidecar_raw = get_obj(connect, "SidecarService", "sidecar_service") if connect else None
    return ServiceDefinition(
        name=name,
        id=get_str(body, "ID") or name,
        kind=get_str(body, "Kind"),
        tags=get_str_list(body, "Tags"),
        address=address,
        tagged_addresses=get_obj(body, "TaggedAddresses", "tagged_addresses"),
        meta=get_str_map(body, "Meta"),
        port=get_int(body, "Port"),
        weights=_decode_weights(body),
        enable_tag_override=get_bool(body, "EnableTagOverride", "enable_tag_override"),
        proxy=decode_proxy(get_obj(body, "Proxy")),
        connect_native=get_bool(connect, "Native") if connect else False,
        sidecar=sidecar_raw,
        checks=_decode_checks(body),
    )
