"""TLS material from ``security.tls.*`` and ``security.outbound_ca_file``, for both listeners and outbound calls.

HTTP and gRPC serve the same certificate. With ``client_ca_file`` set, client certificates are verified
against it; with ``require_client_cert`` a client without a valid one is refused during the handshake
(mTLS), before any request is read. Outbound calls (peers, Consul, the JWKS URL) trust the system store
plus ``outbound_ca_file``, so a private CA works without turning verification off.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import TYPE_CHECKING

from segsvc.config.settings import SecuritySettings, TlsSettings

if TYPE_CHECKING:
    import grpc


class TlsConfigError(ValueError):
    """A configured certificate, key or CA file cannot be read or does not fit."""


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise TlsConfigError(f"cannot read {what} {path}: {exc.strerror}") from None


def server_ssl_context(tls: TlsSettings) -> ssl.SSLContext | None:
    """The HTTPS context, or None when no certificate is configured (plain HTTP)."""
    if not tls.cert_file or not tls.key_file:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(tls.cert_file, tls.key_file)
        if tls.client_ca_file:
            context.load_verify_locations(cafile=tls.client_ca_file)
            context.verify_mode = ssl.CERT_REQUIRED if tls.require_client_cert else ssl.CERT_OPTIONAL
    except (OSError, ssl.SSLError) as exc:
        raise TlsConfigError(f"TLS certificate, key or client CA unusable: {exc}") from None
    return context


def grpc_server_credentials(tls: TlsSettings) -> grpc.ServerCredentials | None:
    """gRPC's counterpart of :func:`server_ssl_context`, or None for an insecure port."""
    import grpc

    if not tls.cert_file or not tls.key_file:
        return None
    key, chain = _read(tls.key_file, "TLS key"), _read(tls.cert_file, "TLS certificate")
    roots = _read(tls.client_ca_file, "client CA bundle") if tls.client_ca_file else None
    server_ssl_context(tls)  # the same files must also load as a Python context: one place reports bad PEM
    return grpc.ssl_server_credentials([(key, chain)], root_certificates=roots,
                                       require_client_auth=tls.require_client_cert)


def client_ssl_context(security: SecuritySettings) -> ssl.SSLContext | None:
    """Verification for outbound HTTPS: None means the default (system store), else system + the CA bundle."""
    if not security.outbound_ca_file:
        return None
    context = ssl.create_default_context()
    try:
        context.load_verify_locations(cafile=security.outbound_ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise TlsConfigError(f"outbound CA bundle {security.outbound_ca_file} unusable: {exc}") from None
    return context
