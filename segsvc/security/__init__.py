"""Security adapters (DESIGN §9): JWT bearer auth, permissions, rate limits, gateway headers, TLS, JWE.

Transports call :class:`Security` and read :data:`principal_var`; the service layer asks
:func:`effective_limits` for the caller's limits; the archive calls :func:`encrypt_document`.
"""

from segsvc.security.errors import Forbidden, RateLimited, Unauthenticated
from segsvc.security.guard import Security, bearer_token
from segsvc.security.jwe import decrypt_document, encrypt_document
from segsvc.security.limits import effective_limits
from segsvc.security.principal import Principal, principal_var

__all__ = ["Forbidden", "Principal", "RateLimited", "Security", "Unauthenticated", "bearer_token",
           "decrypt_document", "effective_limits", "encrypt_document", "principal_var"]
