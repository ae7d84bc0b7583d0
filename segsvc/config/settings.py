"""The typed settings tree.

Field names are a contract (DESIGN §5): operators set them as ``SEGSVC_HTTP__PORT``, as YAML keys, or as
Consul KV keys ``config/segmentation-service/http/port``. Every value is validated here, so a bad value is
rejected at the layer that brought it, whichever layer that is.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, field_validator, model_validator

from segsvc.config.durations import Duration

PEERS = ("ai_orchestrator", "runner", "archive")


def _split_list(value: Any) -> Any:
    """Accept ``a,b`` from environment variables and KV as well as real lists."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


StrList = Annotated[list[str], BeforeValidator(_split_list)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class HttpSettings(_Section):
    host: str = "0.0.0.0"
    port: int = Field(8080, ge=0, le=65535)
    access_log: bool = Field(True, description="log one line per request at INFO")


class GrpcSettings(_Section):
    host: str = "0.0.0.0"
    port: int = Field(9090, ge=0, le=65535)


class ConsulSettings(_Section):
    address: str | None = Field(None, description="Consul HTTP address; CONSUL_HTTP_ADDR")
    token: SecretStr | None = Field(None, description="ACL token; CONSUL_HTTP_TOKEN")
    cacert: str | None = Field(None, description="CA bundle for https; CONSUL_CACERT")
    service_name: str = "segmentation-service"
    ttl: Duration = 10.0
    deregister_after: Duration = 60.0
    advertise_address: str | None = None


class DiscoverySettings(_Section):
    mode: Literal["static", "consul", "sidecar"] | None = Field(
        None, description="static when unset and no Consul address is configured, consul otherwise")


class PeerSettings(_Section):
    url: str | None = Field(None, description="base URL in static discovery mode")
    service: str = Field(description="Consul service name in consul and sidecar modes")
    local_bind_port: int = Field(description="sidecar mode: the Envoy upstream's local port", ge=1, le=65535)
    timeout: Duration = Field(5.0, description="how long one attempt (one HTTP exchange) may take")
    max_concurrency: int = Field(32, ge=1, description="calls in flight to this peer from one instance")
    max_tries: int = Field(3, ge=1, description="attempts of one call; repeats only where repeating is safe "
                                                "(connection refused, 502/503/504, 429)")
    backoff_base: Duration = Field(0.1, description="upper bound of the first (full-jitter) retry delay")
    backoff_max: Duration = Field(2.0, description="upper bound of any retry delay; a longer Retry-After gives up")


PEER_DEFAULTS = {"ai_orchestrator": {"service": "ai-orchestrator", "local_bind_port": 19001},
                 "runner": {"service": "runner-service", "local_bind_port": 19002},
                 "archive": {"service": "archive-service", "local_bind_port": 19003}}


def _peer(name: str) -> Any:
    return Field(default_factory=lambda: PeerSettings(**PEER_DEFAULTS[name]))


class PeersSettings(_Section):
    ai_orchestrator: PeerSettings = _peer("ai_orchestrator")
    runner: PeerSettings = _peer("runner")
    archive: PeerSettings = _peer("archive")

    @model_validator(mode="before")
    @classmethod
    def _peer_defaults(cls, data: Any) -> Any:
        """A layer that sets one key of a peer keeps that peer's other defaults."""
        if isinstance(data, dict):
            data = {name: ({**PEER_DEFAULTS[name], **value} if name in PEER_DEFAULTS and isinstance(value, dict)
                           else value) for name, value in data.items()}
        return data


class BreakerSettings(_Section):
    fail_max: int = Field(5, ge=1)
    reset_timeout: Duration = 30.0


class BreakersSettings(_Section):
    ai_orchestrator: BreakerSettings = Field(default_factory=BreakerSettings)
    runner: BreakerSettings = Field(default_factory=BreakerSettings)
    archive: BreakerSettings = Field(default_factory=BreakerSettings)


class SamplingSettings(_Section):
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    max_tokens: int | None = Field(None, ge=1)


class LlmSettings(_Section):
    model: str = "alt-las-segmenter"
    allowed_models: StrList = Field(default_factory=list)
    confidence_threshold: float = Field(0.6, ge=0.0, le=1.0)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(1024, ge=1)
    confidence: float = Field(0.9, ge=0.0, le=1.0, description="confidence given to segments the LLM produced")
    max_segments: int = Field(50, ge=1, description="an answer with more segments is invalid (falls back)")
    cache_size: int = Field(1024, ge=0, description="LLM answers kept (command, model, mode, persona); 0 disables")
    cache_ttl: Duration = Field(3600.0, description="how long a cached LLM answer is reused")
    models_ttl: Duration = Field(60.0, description="how long the orchestrator's GET /v1/models answer is cached")
    modes: dict[Literal["Normal", "Dream", "Explore", "Chaos"], SamplingSettings] = Field(
        default_factory=dict, description='temperature and/or max_tokens per mode instead of the two above, e.g. '
                                          '{"Dream": {"temperature": 0.8}}; per configuration profile through '
                                          'config/segmentation-service,<profile>/engine/llm/...')


class EngineSettings(_Section):
    default: Literal["auto", "rules", "llm"] = "auto"
    rules_cache_size: int = Field(4096, ge=0, description="rules-engine answers kept for repeated commands "
                                                         "(the engine is deterministic); 0 turns the cache off")
    llm: LlmSettings = Field(default_factory=LlmSettings)


class AuthSettings(_Section):
    enabled: bool | None = Field(None, description="defaults to true in the production profile, false elsewhere")


# Signature algorithms a token may name. "none" is never among them, whatever the configuration says.
JWT_ALGORITHMS = ("HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
PERMISSIONS = ("segment:write", "jobs:read", "admin")
# What a route or gRPC method needs: nothing, any valid token, or one permission.
POLICY_VALUES = ("public", "authenticated", *PERMISSIONS)
ALWAYS_PUBLIC = ("GET /health/live", "GET /health/ready", "/grpc.health.v1.Health/*")
DEFAULT_ROUTE_POLICY = {
    "POST /api/v1/segment": "segment:write",
    "POST /api/v1/segment/batch": "segment:write",
    "POST /api/v1/jobs": "segment:write",
    "GET /api/v1/jobs/{job_id}": "jobs:read",
    "GET /api/v1/jobs/{job_id}/events": "jobs:read",
    "DELETE /api/v1/jobs/{job_id}": "segment:write",
    "POST /api/v1/runner/callbacks/{job_id}": "authenticated",  # the Runner Service's own token
    "GET /api/v1/info": "authenticated",
    "GET /api/v1/admin/config": "admin",
    "GET /api/v1/admin/peers": "admin",
    "GET /api/v1/openapi.json": "public",
    "GET /docs": "public",
    "GET /health/live": "public",
    "GET /health/ready": "public",
    "GET /metrics": "public",
    "/segsvc.v1.Segmentation/Segment": "segment:write",
    "/segsvc.v1.Segmentation/SegmentBatch": "segment:write",
    "/segsvc.v1.Segmentation/SegmentStream": "segment:write",
    "/segsvc.v1.Segmentation/SubmitJob": "segment:write",
    "/segsvc.v1.Segmentation/GetJob": "jobs:read",
    "/segsvc.v1.Segmentation/WatchJob": "jobs:read",
    "/segsvc.v1.Segmentation/CancelJob": "segment:write",
    "/grpc.health.v1.Health/*": "public",
    "/grpc.reflection.v1alpha.ServerReflection/*": "public",
    "/grpc.reflection.v1.ServerReflection/*": "public",
}


class JwtSettings(_Section):
    algorithms: StrList = Field(default_factory=lambda: ["HS256", "RS256", "ES256"],
                                description="allowlist of token signature algorithms (HS*, RS*, ES*; never none)")
    secret: SecretStr | None = Field(None, description="shared secret of HS* tokens")
    jwks_url: str | None = Field(None, description="JWKS endpoint with the RS*/ES* public keys")
    issuer: str = "alt-las-api"
    audience: str = "alt-las-client"
    leeway: Duration = 30.0
    jwks_cache_seconds: Duration = Field(300.0, description="how long fetched keys count as fresh; stale keys "
                                                            "keep serving while the endpoint is down")
    jwks_min_refresh_seconds: Duration = Field(10.0, description="at most one JWKS fetch per this period, whatever "
                                                                 "the number of unknown kids presented")
    jwks_timeout: Duration = Field(3.0, description="timeout of one JWKS fetch")
    token_cache_seconds: Duration = Field(300.0, description="a verified token is trusted from the cache for at "
                                                             "most this long (and never past its exp)")
    token_cache_size: int = Field(10000, ge=0, description="verified tokens kept by digest; 0 turns caching off")

    @field_validator("algorithms")
    @classmethod
    def _known_algorithms(cls, value: list[str]) -> list[str]:
        """An unsigned (none) or unknown algorithm in the allowlist is a configuration error, not a warning."""
        bad = [a for a in value if a not in JWT_ALGORITHMS]
        if bad:
            raise ValueError(f"unsupported JWT algorithms {bad}; allowed: {', '.join(JWT_ALGORITHMS)}")
        if not value:
            raise ValueError("at least one algorithm is needed")
        return value


class PolicySettings(_Section):
    routes: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_ROUTE_POLICY),
        description="'METHOD /route' (HTTP) or '/package.Service/Method' (gRPC; 'Service/*' for all its methods) "
                    "-> public | authenticated | a permission; merged over the built-in policy")
    default: str = Field("authenticated", description="what a route missing from the policy needs")

    @field_validator("routes", mode="before")
    @classmethod
    def _merge_defaults(cls, value: Any) -> Any:
        """A partial policy from KV changes only the routes it names: an omitted admin route stays closed."""
        if isinstance(value, dict):
            return {**DEFAULT_ROUTE_POLICY, **value}
        return value

    @field_validator("routes")
    @classmethod
    def _valid_routes(cls, value: dict[str, str]) -> dict[str, str]:
        for key, need in value.items():
            if need not in POLICY_VALUES:
                raise ValueError(f"{key}: {need!r} is not one of {', '.join(POLICY_VALUES)}")
            if not (key.startswith("/") or key.split(" ", 1)[0] in ("GET", "POST", "PUT", "PATCH", "DELETE")):
                raise ValueError(f"{key!r}: use 'METHOD /path' or '/package.Service/Method'")
            if key in ALWAYS_PUBLIC and need != "public":
                raise ValueError(f"{key}: health checks stay open (probes carry no token)")
        return value

    @field_validator("default")
    @classmethod
    def _valid_default(cls, value: str) -> str:
        if value not in POLICY_VALUES:
            raise ValueError(f"{value!r} is not one of {', '.join(POLICY_VALUES)}")
        return value


class RateLimitSettings(_Section):
    enabled: bool = Field(False, description="per-subject token buckets (subject: the token's sub, or the client "
                                             "address when auth is off)")
    requests_per_second: float = Field(20.0, gt=0, description="refill rate of one subject's bucket")
    burst: int = Field(40, ge=1, description="bucket size: requests a subject may make at once")
    max_subjects: int = Field(100000, ge=1, description="buckets kept; the oldest are dropped beyond it")


class RoleLimitSettings(_Section):
    """Caps for one role, applied below the global ``limits.*`` (unset: the global value or rate applies)."""

    requests_per_second: float | None = Field(None, gt=0)
    burst: int | None = Field(None, ge=1)
    max_body_bytes: int | None = Field(None, ge=256)
    max_command_chars: int | None = Field(None, ge=1)


class RoleLimitsSettings(_Section):
    admin: RoleLimitSettings = Field(default_factory=RoleLimitSettings)
    user: RoleLimitSettings = Field(default_factory=RoleLimitSettings)
    anonymous: RoleLimitSettings = Field(default_factory=RoleLimitSettings,
                                         description="requests served while authentication is off")


class CorsSettings(_Section):
    allowed_origins: StrList = Field(default_factory=list, description="CORS is off while this is empty; '*' "
                                                                      "allows any origin (without credentials)")
    allowed_methods: StrList = Field(default_factory=lambda: ["GET", "POST", "DELETE"])
    allowed_headers: StrList = Field(default_factory=lambda: ["Authorization", "Content-Type", "X-Request-ID",
                                                              "Idempotency-Key", "Last-Event-ID"])
    expose_headers: StrList = Field(default_factory=lambda: ["X-Request-ID", "Location", "Retry-After",
                                                             "WWW-Authenticate"])
    allow_credentials: bool = False
    max_age: Duration = 600.0

    @model_validator(mode="after")
    def _no_wildcard_with_credentials(self) -> CorsSettings:
        """Reflecting any origin with credentials would let every site call the API as the user."""
        if self.allow_credentials and "*" in self.allowed_origins:
            raise ValueError("security.cors.allow_credentials cannot be combined with the '*' origin")
        return self


class TlsSettings(_Section):
    cert_file: str | None = Field(None, description="PEM certificate chain; HTTPS and gRPC over TLS when set")
    key_file: str | None = Field(None, description="PEM private key of cert_file")
    client_ca_file: str | None = Field(None, description="CA bundle that client certificates must chain to")
    require_client_cert: bool = Field(False, description="mTLS: refuse clients without a valid certificate")

    @model_validator(mode="after")
    def _complete(self) -> TlsSettings:
        if bool(self.cert_file) != bool(self.key_file):
            raise ValueError("security.tls.cert_file and security.tls.key_file go together")
        if self.require_client_cert and not (self.client_ca_file and self.cert_file):
            raise ValueError("require_client_cert needs client_ca_file and a server certificate")
        return self


class EncryptionSettings(_Section):
    algorithm: Literal["dir", "RSA-OAEP-256"] = Field(
        "dir", description="JWE key management: dir (a shared 256-bit key) or RSA-OAEP-256; content A256GCM")
    key_file: str | None = Field(None, description="dir: a file with the 32-byte key (raw, base64 or base64url); "
                                                   "RSA-OAEP-256: the recipient's PEM public (or private) key")
    key: SecretStr | None = Field(None, description="the same key inline (base64url for dir, PEM for RSA), e.g. "
                                                    "from SEGSVC_SECURITY__ENCRYPTION__KEY")
    private_key_file: str | None = Field(None, description="RSA-OAEP-256: the PEM private key `segsvc decrypt` uses")

    @property
    def configured(self) -> bool:
        return bool(self.key_file or self.key)


class SecuritySettings(_Section):
    auth: AuthSettings = Field(default_factory=AuthSettings)
    jwt: JwtSettings = Field(default_factory=JwtSettings)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    metrics_require_auth: bool = Field(False, description="GET /metrics needs a valid token (unless the policy "
                                                          "names another requirement for it)")
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    limits: RoleLimitsSettings = Field(default_factory=RoleLimitsSettings)
    trusted_proxies: StrList = Field(default_factory=list, description="addresses or CIDRs whose X-Forwarded-* "
                                                                       "headers are believed")
    cors: CorsSettings = Field(default_factory=CorsSettings)
    tls: TlsSettings = Field(default_factory=TlsSettings)
    outbound_ca_file: str | None = Field(None, description="CA bundle for calls to peers, Consul and the JWKS URL")
    encryption: EncryptionSettings = Field(default_factory=EncryptionSettings)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or CIDR") from None
        return value


class LimitsSettings(_Section):
    max_body_bytes: int = Field(65536, ge=256)
    max_command_chars: int = Field(10000, ge=1)
    max_batch: int = Field(100, ge=1)


class ShutdownSettings(_Section):
    drain_seconds: Duration = 5.0
    grace_seconds: Duration = Field(10.0, description="how long in-flight requests may take after draining")


class ArchiveSettings(_Section):
    enabled: bool | None = Field(None, description="send a record of every segmentation; when unset, on as soon "
                                                   "as NATS, Consul discovery or peers.archive.url is configured")
    outbox_dir: str = Field("./var/outbox", description="records that could not be delivered wait here, in order")
    outbox_max_records: int = Field(100000, ge=1, description="outbox cap; records beyond it are dropped, counted")
    queue_size: int = Field(10000, ge=1, description="in-memory hand-off queue; when full, records spill to disk")
    batch_size: int = Field(64, ge=1, description="records delivered concurrently from the in-memory queue")
    retry_max: Duration = Field(10.0, description="longest pause between outbox delivery attempts")
    stream: str = Field("ARCHIVE_SEGMENTATION", description="JetStream stream created for the archive subjects "
                                                            "when no stream captures them yet")
    metrics_interval: Duration = Field(60.0, description="period of summaries on archive.segmentation.metrics")


class RunnerSettings(_Section):
    callback_base_url: str | None = Field(
        None, description="base URL the Runner Service uses for POST /api/v1/runner/callbacks/{job_id}; "
                          "http://<advertised address>:<http port> when unset")
    retry_delay: Duration = Field(2.0, description="first pause before a dispatch is tried again; doubles, capped")
    retry_max_delay: Duration = Field(30.0, description="longest pause between dispatch attempts")
    give_up_after: Duration = Field(3600.0, description="a job the Runner Service could not take for this long fails")


class CallbackSettings(_Section):
    secret: SecretStr | None = Field(
        None, description="HMAC-SHA256 key of the X-Segsvc-Signature header on job callbacks; unsigned when unset")
    timeout: Duration = Field(5.0, description="how long one callback POST may take")
    max_attempts: int = Field(5, ge=1, description="POSTs of one callback before it is recorded as failed")
    backoff: Duration = Field(1.0, description="delay before the first retry; doubles per attempt, jittered")


class JobsSettings(_Section):
    max_in_flight: int = Field(16, ge=1, description="jobs one instance works on at once; the rest wait queued")
    max_queued: int = Field(100000, ge=1, description="jobs waiting in the queue; submissions beyond it get 503")
    max_deliveries: int = Field(5, ge=1, description="deliveries of one job before it fails with the reason")
    ack_wait: Duration = Field(30.0, description="how long a delivered job may stay unacknowledged before it is "
                                                 "redelivered to any instance (crash recovery)")
    retry_delay: Duration = Field(1.0, description="delay before a job whose attempt failed is delivered again")
    ttl: Duration = Field(86400.0, description="how long job state (and idempotency keys) are kept")
    callbacks: CallbackSettings = Field(default_factory=CallbackSettings)


class NatsSettings(_Section):
    url: str | None = Field(None, description="NATS_URL; in-process queue and store when unset")
    connect_timeout: Duration = Field(2.0, description="timeout of one connection attempt")
    reconnect_wait: Duration = Field(0.5, description="pause between reconnection attempts (they never stop)")
    request_timeout: Duration = Field(5.0, description="timeout of one JetStream API call or KV operation")
    replicas: int = Field(1, ge=1, le=5, description="replicas of the streams and the KV bucket in a NATS cluster")


class Settings(_Section):
    """The whole effective configuration of one instance."""

    profile: str = "local"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    http: HttpSettings = Field(default_factory=HttpSettings)
    grpc: GrpcSettings = Field(default_factory=GrpcSettings)
    consul: ConsulSettings = Field(default_factory=ConsulSettings)
    discovery: DiscoverySettings = Field(default_factory=DiscoverySettings)
    peers: PeersSettings = Field(default_factory=PeersSettings)
    breakers: BreakersSettings = Field(default_factory=BreakersSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    limits: LimitsSettings = Field(default_factory=LimitsSettings)
    shutdown: ShutdownSettings = Field(default_factory=ShutdownSettings)
    archive: ArchiveSettings = Field(default_factory=ArchiveSettings)
    nats: NatsSettings = Field(default_factory=NatsSettings)
    jobs: JobsSettings = Field(default_factory=JobsSettings)
    runner: RunnerSettings = Field(default_factory=RunnerSettings)

    @model_validator(mode="before")
    @classmethod
    def _upper_log_level(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("log_level"), str):
            data = {**data, "log_level": data["log_level"].strip().upper()}
        return data

    @property
    def auth_enabled(self) -> bool:
        enabled = self.security.auth.enabled
        return self.profile == "production" if enabled is None else enabled

    @property
    def discovery_mode(self) -> str:
        return self.discovery.mode or ("consul" if self.consul.address else "static")


# Settings an instance can take live from Consul KV; everything else is read at start-up only and a KV
# change to it is reported as needing a restart.
DYNAMIC_PREFIXES: tuple[str, ...] = ("log_level", "engine.", "breakers.", "limits.", "http.access_log", "shutdown.",
                    "security.jwt.leeway", "security.policy.", "security.rate_limit.", "security.limits.",
                    "security.cors.", "security.trusted_proxies", "security.metrics_require_auth")
# Outbound calls, archive delivery and runner dispatch retries (peers, DESIGN §7) tune live as well.
DYNAMIC_PREFIXES += ("archive.retry_max", "archive.metrics_interval", "archive.batch_size",
                     "runner.retry_delay", "runner.retry_max_delay", "runner.give_up_after")
DYNAMIC_PEER_KEYS = ("url", "timeout", "max_concurrency", "max_tries", "backoff_base", "backoff_max")


def is_dynamic(path: str) -> bool:
    if path.startswith("peers."):
        return path.rsplit(".", 1)[-1] in DYNAMIC_PEER_KEYS
    return any(path == p or path.startswith(p) for p in DYNAMIC_PREFIXES)


def setting_paths(model: type[BaseModel] = Settings, prefix: str = "") -> list[str]:
    """Every leaf setting as a dotted path, in declaration order."""
    out: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out.extend(setting_paths(annotation, f"{prefix}{name}."))
        else:
            out.append(f"{prefix}{name}")
    return out


SETTING_PATHS = frozenset(setting_paths())
