"""Fixtures shared by the Consul double's unit tests; each of those modules defines its own ``double``."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator

import aiohttp
import consul.aio
import pytest

from tests.support.consul_double import ConsulDouble


@pytest.fixture
def consul_token() -> str | None:
    """The token the py-consul ``client`` carries; none unless a module says otherwise."""
    return None


@pytest.fixture
async def http(double: ConsulDouble) -> AsyncIterator[aiohttp.ClientSession]:
    """Raw requests to the double."""
    async with aiohttp.ClientSession(base_url=double.url) as session:
        yield session


@pytest.fixture
async def client(double: ConsulDouble, consul_token: str | None,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[consul.aio.Consul]:
    """py-consul's asyncio client, as segsvc uses it, pointed at the double."""
    monkeypatch.delenv("CONSUL_HTTP_TOKEN", raising=False)
    with warnings.catch_warnings():  # py-consul passes aiohttp's deprecated verify_ssl
        warnings.simplefilter("ignore", DeprecationWarning)
        c = consul.aio.Consul(host="127.0.0.1", port=double.port, token=consul_token)
    yield c
    await c.close()
