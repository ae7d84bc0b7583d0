"""The composition root: builds every part once, starts them in order and stops them in reverse.

Nothing is built at import time. Tests construct a :class:`Runtime` from a configuration snapshot (and
may swap parts before :meth:`start`); the CLI does the same from the environment.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from collections.abc import Awaitable
from dataclasses import dataclass, field

from aiohttp import web

from segsvc import __version__
from segsvc.archive.delivery import ArchiveDelivery
from segsvc.archive.records import jwe_encryptor
from segsvc.archive.sender import ArchiveSender
from segsvc.config.loader import ConfigSnapshot
from segsvc.config.settings import Settings
from segsvc.config.store import ConfigStore
from segsvc.discovery import ConsulClient, KvConfigWatch, PeerDirectory, Registration
from segsvc.dispatch import ProgressRelay, ProgressSubscriber, RunnerDispatch, callback_base_url
from segsvc.engines.llm import LlmEngine
from segsvc.jobs.assembly import JobsParts, build_jobs
from segsvc.lifecycle import START_ORDER, STOP_ORDER, Component, Stage
from segsvc.observability.logging import configure_logging, set_level
from segsvc.observability.metrics import Metrics
from segsvc.observability.tracing import setup_tracing, shutdown_tracing
from segsvc.peers import PeerClients
from segsvc.security import Security
from segsvc.security.jwe import JweKeyError, load_key
from segsvc.security.tls import TlsConfigError, client_ssl_context, server_ssl_context
from segsvc.service.health import Health
from segsvc.service.segmentation import Identity, SegmentationService
from segsvc.transports.grpc.server import GrpcServer
from segsvc.transports.http import create_app

log = logging.getLogger("segsvc")


# A component gets this long to announce its drain, and its grace period plus this long to stop; one that hangs
# past that is logged and left behind, so that the rest still stops and the instance deregisters.
STEP_MARGIN = 5.0

class StartupError(RuntimeError):
    """The configuration cannot be served safely; the process exits non-zero with this message."""


def make_instance_id(service_name: str, port: int) -> str:
    return f"{service_name}-{socket.gethostname()}-{port}"


class HttpServer:
    """The aiohttp listener as a component: stopping closes the listener, then waits for in-flight handlers."""

    name = "http"
    stage: Stage = "server"

    def __init__(self, app: web.Application, config: ConfigStore) -> None:
        self.app = app
        self.config = config
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        settings = self.config.settings
        self._runner = web.AppRunner(self.app, handle_signals=False, access_log=None,
                                     shutdown_timeout=settings.shutdown.grace_seconds)
        await self._runner.setup()
        ssl_context = server_ssl_context(settings.security.tls)  # HTTPS when a certificate is configured
        site = web.TCPSite(self._runner, settings.http.host, settings.http.port, ssl_context=ssl_context)
        await site.start()
        log.info("serving HTTP", extra={"address": [str(a) for a in self._runner.addresses],
                                        "tls": ssl_context is not None,
                                        "client_cert": settings.security.tls.require_client_cert})

    @property
    def port(self) -> int:
        assert self._runner is not None, "start() first"
        return int(self._runner.addresses[0][1])

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@dataclass
class Runtime:
    """Owns every part of one instance; tests may replace components before :meth:`start`."""

    snapshot: ConfigSnapshot
    config: ConfigStore = field(init=False)
    metrics: Metrics = field(init=False)
    health: Health = field(init=False)
    service: SegmentationService = field(init=False)
    security: Security = field(init=False)
    app: web.Application = field(init=False)
    http: HttpServer = field(init=False)
    jobs: JobsParts = field(init=False)
    grpc: GrpcServer = field(init=False)
    consul: ConsulClient | None = field(init=False)
    peers: PeerDirectory = field(init=False)
    outbound: PeerClients = field(init=False)
    llm: LlmEngine = field(init=False)
    archive: ArchiveSender = field(init=False)
    progress: ProgressRelay = field(init=False)
    dispatch: RunnerDispatch = field(init=False)
    registration: Registration | None = field(default=None, init=False)
    components: list[Component] = field(init=False)
    _started: list[Component] = field(default_factory=list, init=False)
    _stop: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _signals: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        settings = self.snapshot.settings
        self.config = ConfigStore(self.snapshot)
        identity = Identity(settings.consul.service_name, __version__,
                            make_instance_id(settings.consul.service_name, settings.http.port))
        self.metrics = Metrics(identity.version, identity.instance_id)
        self.health = Health()
        self.service = SegmentationService(self.config, self.metrics, identity)
        self.consul = self._consul_client(settings)
        self.peers = PeerDirectory(self.config, self.health, self.consul)
        self.jobs = build_jobs(self.config, self.service, self.metrics, self.health)
        # Peers (DESIGN §7): one outbound client each; the LLM engine and the archive hand-off behind the service.
        self.outbound = PeerClients.build(self.config, self.peers, self.metrics, self.health)
        self.llm = self.service.llm = LlmEngine(self.config, self.outbound.orchestrator, self.metrics)
        self.archive = ArchiveSender(self.config, ArchiveDelivery(self.config, self.outbound.archive, self.jobs.nats),
                                     self.metrics, self.health, instance_id=identity.instance_id,
                                     service_version=identity.version, encrypt=jwe_encryptor(self.config))
        self.service.archive = self.archive.submit
        # Runner dispatch: the job worker hands dispatch jobs over; progress returns over NATS or HTTP.
        self.progress = ProgressRelay(self.jobs.service, self.metrics)
        self.dispatch = RunnerDispatch(self.jobs.service, self.outbound.runner, self.config, self.metrics,
                                       nats_client=self.jobs.nats,
                                       callback_base=lambda: callback_base_url(self.config.settings, self.http.port))
        self.jobs.worker.dispatcher = self.dispatch.dispatch
        self.security = Security(self.config, self.metrics)
        self.app = create_app(self.service, self.config, self.metrics, self.health, peers=self.peers,
                              jobs=self.jobs.service, security=self.security,
                              outbound=self.outbound, runner=self.progress)
        self.http = HttpServer(self.app, self.config)
        self.grpc = GrpcServer(self.service, self.jobs.service, self.config, self.metrics, self.health,
                               security=self.security)
        self.components = self._build_components()
        self.config.subscribe(self._on_config_change)

    @staticmethod
    def _consul_client(settings: Settings) -> ConsulClient | None:
        """A client when a Consul address is configured, or a Consul-based mode asks for the default agent."""
        address = settings.consul.address
        if address is None and settings.discovery.mode in ("consul", "sidecar"):
            address = "http://127.0.0.1:8500"  # the agent's default, as Consul's own CLI assumes
        if address is None:
            return None
        token = settings.consul.token.get_secret_value() if settings.consul.token else None
        return ConsulClient(address, token=token, cacert=settings.consul.cacert or settings.security.outbound_ca_file)

    def _build_components(self) -> list[Component]:
        """Every component of this instance; the runtime orders them by stage."""
        components: list[Component] = [self.security, self.peers, self.http]
        components += [self.grpc, *self.jobs.components()]  # gRPC (server), NATS (client), job workers (background)
        components += [*self.outbound.components(), self.llm, self.archive]  # peer sessions (client), LLM, archive
        components += [self.dispatch] + ([ProgressSubscriber(self.jobs.nats, self.progress)] if self.jobs.nats else [])
        if self.consul is not None:
            self.registration = Registration(self.consul, lambda: self.config.settings, self.health,
                                             version=self.identity.version, http_port=lambda: self.http.port,
                                             grpc_port=lambda: self.grpc_port)
            components += [self.consul, KvConfigWatch(self.consul, self.config, self.metrics, self.health),
                           self.registration]
        return components

    @property
    def identity(self) -> Identity:
        return self.service.identity

    def _on_config_change(self, old: ConfigSnapshot, new: ConfigSnapshot) -> None:
        if old.settings.log_level != new.settings.log_level:
            set_level(new.settings.log_level)
            log.info("log level changed", extra={"log_level": new.settings.log_level})

    def _check_safety(self) -> None:
        """Refuse configurations that would serve unsafely, or not at all, rather than fail on the first request."""
        settings = self.config.settings
        security = settings.security
        jwt = security.jwt
        if settings.auth_enabled:
            verifiable = [a for a in jwt.algorithms if (jwt.secret if a.startswith("HS") else jwt.jwks_url)]
            if not verifiable:
                raise StartupError(
                    f"security.auth.enabled is true (profile {settings.profile}) but no allowed algorithm "
                    f"({', '.join(jwt.algorithms)}) has a key: set security.jwt.secret (HS*) or security.jwt.jwks_url "
                    "(RS*/ES*); refusing to start, since every request would be refused")
            if jwt.secret is not None and "-----BEGIN" in jwt.secret.get_secret_value():
                raise StartupError("security.jwt.secret holds a PEM key; an asymmetric key is never an HMAC secret "
                                   "(put RS*/ES* keys behind security.jwt.jwks_url); refusing to start")
            if jwt.secret is not None and len(jwt.secret.get_secret_value().encode()) < 32:
                log.warning("security.jwt.secret is shorter than 32 bytes: HS256 tokens are only as strong as it")
        elif settings.profile == "production":
            raise StartupError("the production profile needs authentication, but security.auth.enabled is false; "
                               "refusing to serve unauthenticated traffic")
        try:
            server_ssl_context(security.tls)
            client_ssl_context(security)
        except TlsConfigError as exc:
            raise StartupError(str(exc)) from None
        if security.encryption.configured:
            try:
                load_key(security.encryption)
            except JweKeyError as exc:
                raise StartupError(f"security.encryption: {exc}") from None

    async def start(self) -> None:
        settings = self.config.settings
        configure_logging(settings.log_level, service=self.identity.name, instance_id=self.identity.instance_id)
        self._check_safety()
        setup_tracing(self.identity.name, self.identity.version, self.identity.instance_id)
        if settings.auth_enabled:
            jwt = settings.security.jwt
            log.info("authentication enabled", extra={"algorithms": jwt.algorithms, "issuer": jwt.issuer,
                                                      "audience": jwt.audience, "jwks_url": jwt.jwks_url,
                                                      "shared_secret": jwt.secret is not None})
        else:
            log.warning("authentication is DISABLED (profile %s): every request is accepted", settings.profile)
        self.health.report("config", "ok", f"profile {settings.profile}", critical=True)
        self.health.report("engine", "ok", "rules engine loaded", critical=True)
        if self.consul is None:
            log.info("no Consul address (CONSUL_HTTP_ADDR): static peers, no registration, no live KV configuration")
        log.info("discovery mode: %s", settings.discovery_mode)
        for stage in START_ORDER:
            for component in self.components:
                if component.stage == stage:
                    await component.start()
                    self._started.append(component)
        self.health.started = True
        self.metrics.ready.set(1)
        log.info("started", extra={"version": self.identity.version, "instance_id": self.identity.instance_id,
                                   "components": [c.name for c in self._started]})

    @property
    def http_port(self) -> int:
        """The bound HTTP port (useful when configured as 0)."""
        return self.http.port

    @property
    def grpc_port(self) -> int:
        """The bound gRPC port (useful when configured as 0)."""
        return self.grpc.port

    def request_stop(self) -> None:
        """First signal: drain then stop. A second one cuts the drain wait short."""
        self._signals += 1
        self._stop.set()
        if self._signals > 1:
            log.warning("second stop signal: skipping the rest of the drain period")

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop)

    async def wait_stopped(self) -> None:
        await self._stop.wait()

    async def stop(self) -> None:
        """Drain (not ready, still serving), then stop components in :data:`STOP_ORDER`."""
        self.health.draining = True
        self.metrics.ready.set(0)
        drain = self.config.settings.shutdown.drain_seconds
        grace = self.config.settings.shutdown.grace_seconds
        log.info("draining", extra={"drain_seconds": drain})
        for component in self._started:
            await _quietly(component.name, component.drain(), STEP_MARGIN)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + drain
        while loop.time() < deadline and self._signals < 2:
            await asyncio.sleep(min(0.05, max(0.0, deadline - loop.time())))
        for stage in STOP_ORDER:  # the parts of one stage stop together: their grace periods overlap
            await asyncio.gather(*(_quietly(c.name, c.stop(), grace + STEP_MARGIN)
                                   for c in self._started if c.stage == stage))
        self._started.clear()
        shutdown_tracing()
        log.info("stopped")


async def _quietly(name: str, step: Awaitable[None], limit: float) -> None:
    """Shutdown goes on when one part fails to stop or hangs past ``limit`` seconds; either is logged."""
    try:
        async with asyncio.timeout(limit):
            await step
    except TimeoutError:
        log.error("component did not stop in time; going on without it", extra={"component": name, "limit": limit})
    except Exception:
        log.exception("component failed while stopping", extra={"component": name})


async def serve(snapshot: ConfigSnapshot) -> None:
    runtime = Runtime(snapshot)
    runtime.install_signal_handlers()
    await runtime.start()
    try:
        await runtime.wait_stopped()
    finally:
        await runtime.stop()
