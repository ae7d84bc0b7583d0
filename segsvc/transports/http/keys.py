"""Typed application state of the HTTP app (aiohttp ``AppKey``), set once by :func:`create_app`."""

from __future__ import annotations

from aiohttp import web

from segsvc.config.store import ConfigStore
from segsvc.discovery.peers import PeerDirectory
from segsvc.observability.metrics import Metrics
from segsvc.peers import PeerClients
from segsvc.security import Security
from segsvc.service.health import Health
from segsvc.service.segmentation import SegmentationService

SERVICE = web.AppKey("service", SegmentationService)
CONFIG = web.AppKey("config", ConfigStore)
METRICS = web.AppKey("metrics", Metrics)
HEALTH = web.AppKey("health", Health)
OPENAPI = web.AppKey("openapi", bytes)
PEER_DIRECTORY = web.AppKey("peers", PeerDirectory)
SECURITY = web.AppKey("security", Security)
PEER_CLIENTS = web.AppKey("peer_clients", PeerClients)
