"""A Consul test double: a real HTTP server that behaves like Consul's API for what segsvc uses.

Usage::

    double = ConsulDouble(acl_enabled=True, min_deregister_after=0)
    await double.start()
    double.add_token("segsvc-token", Path("consul/segsvc-policy.hcl").read_text())
    ...  # point CONSUL_HTTP_ADDR at double.address
    await double.stop()

See ``server.ConsulDouble`` for the levers (``restart_agent``, ``outage``/``recover``,
``register_external``, ``set_check_status``, ``kv_put`` …) and ``request_log``.
"""

from .acl import RulesError, parse_rules
from .durations import format_duration, parse_duration
from .server import ConsulDouble, RequestRecord

__all__ = [
    "ConsulDouble",
    "RequestRecord",
    "RulesError",
    "format_duration",
    "parse_duration",
    "parse_rules",
]
