"""The typed settings tree.

Field names are a contract (DESIGN §5): operators set them as ``SEGSVC_HTTP__PORT``, as YAML keys, or as
Consul KV keys ``config/segmentation-service/http/port``. Every value is validated here, so a bad value is
rejected at the layer that brought it, whichever layer that is.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, model_validator

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
    timeout: Duration = 5.0
    max_concurrency: int = Field(32, ge=1)


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


class LlmSettings(_Section):
    model: str = "alt-las-segmenter"
    allowed_models: StrList = Field(default_factory=list)
    confidence_threshold: float = Field(0.6, ge=0.0, le=1.0)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(1024, ge=1)


class EngineSettings(_Section):
    default: Literal["auto", "rules", "llm"] = "auto"
    llm: LlmSettings = Field(default_factory=LlmSettings)


class AuthSettings(_Section):
    enabled: bool | None = Field(None, description="defaults to true in the production profile, false elsewhere")


class JwtSettings(_Section):
    algorithms: StrList = Field(default_factory=lambda: ["HS256", "RS256", "ES256"])
    secret: SecretStr | None = None
    jwks_url: str | None = None
    issuer: str = "alt-las-api"
    audience: str = "alt-las-client"
    leeway: Duration = 30.0


class SecuritySettings(_Section):
    auth: AuthSettings = Field(default_factory=AuthSettings)
    jwt: JwtSettings = Field(default_factory=JwtSettings)


class LimitsSettings(_Section):
    max_body_bytes: int = Field(65536, ge=256)
    max_command_chars: int = Field(10000, ge=1)
    max_batch: int = Field(100, ge=1)


class ShutdownSettings(_Section):
    drain_seconds: Duration = 5.0
    grace_seconds: Duration = Field(10.0, description="how long in-flight requests may take after draining")


class ArchiveSettings(_Section):
    outbox_dir: str = "./var/outbox"


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
DYNAMIC_PREFIXES = ("log_level", "engine.", "breakers.", "limits.", "http.access_log", "shutdown.",
                    "security.jwt.leeway")
DYNAMIC_PEER_KEYS = ("url", "timeout", "max_concurrency")


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
