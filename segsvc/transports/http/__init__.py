"""The HTTP API (aiohttp)."""

from segsvc.transports.http.app import create_app

__all__ = ["create_app"]
