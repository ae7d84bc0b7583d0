"""Consul: registration, live configuration from KV, and peer discovery."""

from segsvc.discovery.consul_client import ConsulClient, ConsulError, ConsulForbidden, ConsulUnavailable
from segsvc.discovery.kv_config import KvConfigWatch
from segsvc.discovery.peers import Instance, NoInstance, PeerDirectory
from segsvc.discovery.registration import Registration
from segsvc.discovery.watch import WatchPlan

__all__ = ["ConsulClient", "ConsulError", "ConsulForbidden", "ConsulUnavailable", "Instance", "KvConfigWatch",
           "NoInstance", "PeerDirectory", "Registration", "WatchPlan"]
