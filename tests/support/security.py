"""Test material made on the spot: signing keys, JWKS documents, signed (and forged) tokens, certificates.

Nothing here is a fixture file: every key and certificate is generated in the test run, so no secret
lives in the repository and every test signs for real.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from jose import jwk, jwt

ISSUER = "alt-las-api"
AUDIENCE = "alt-las-client"
SECRET = "test-shared-secret-of-at-least-32-bytes!"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _pem_private(key: Any) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _pem_public(key: Any) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@dataclass
class SigningKey:
    """One asymmetric key with its ``kid``; ``public_jwk`` goes into the JWKS."""

    kid: str
    alg: str
    private_pem: bytes
    public_pem: bytes

    @classmethod
    def rsa(cls, kid: str) -> SigningKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(kid, "RS256", _pem_private(key), _pem_public(key))

    @classmethod
    def ec(cls, kid: str) -> SigningKey:
        key = ec.generate_private_key(ec.SECP256R1())
        return cls(kid, "ES256", _pem_private(key), _pem_public(key))

    @property
    def public_jwk(self) -> dict[str, Any]:
        entry = {k: (v.decode() if isinstance(v, bytes) else v)
                 for k, v in jwk.construct(self.public_pem, self.alg).to_dict().items()}
        return {**entry, "kid": self.kid, "use": "sig"}


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid claims for a user allowed to segment and read jobs, expiring in 10 minutes."""
    now = int(time.time())
    base: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-1", "iat": now, "exp": now + 600,
                            "scope": "segment:write jobs:read"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def hs256(secret: str = SECRET, **overrides: Any) -> str:
    return jwt.encode(claims(**overrides), secret, algorithm="HS256")


def signed(key: SigningKey, *, kid: str | None = "", **overrides: Any) -> str:
    """A token signed by ``key``; ``kid`` defaults to the key's own (None leaves it out)."""
    headers = {} if kid is None else {"kid": kid or key.kid}
    return jwt.encode(claims(**overrides), key.private_pem.decode(), algorithm=key.alg, headers=headers)


def unsigned(**overrides: Any) -> str:
    """``alg: none``: a token anyone can write."""
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(claims(**overrides)).encode())}."


def hmac_with_public_key(key: SigningKey, **overrides: Any) -> str:
    """Key confusion: HS256 keyed with the RSA *public* key, which an attacker has."""
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key.kid}).encode())
    payload = b64url(json.dumps(claims(**overrides)).encode())
    signature = hmac.new(key.public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


def resigned(token: str, other: SigningKey) -> str:
    """``token``'s header and payload with a signature by ``other`` (a bad signature for the named kid)."""
    header, payload, _ = token.split(".")
    forged = jwt.encode(json.loads(base64.urlsafe_b64decode(payload + "==")), other.private_pem.decode(),
                        algorithm=other.alg)
    return f"{header}.{payload}.{forged.split('.')[2]}"


@dataclass
class Jwks:
    """A mutable key set served by a test aiohttp server; ``fetches`` counts the GETs."""

    keys: list[SigningKey] = field(default_factory=list)
    fetches: int = 0

    def document(self) -> dict[str, Any]:
        self.fetches += 1
        return {"keys": [k.public_jwk for k in self.keys]}


BAD_TOKEN_CASES = ("expired", "not yet valid", "wrong iss", "wrong aud", "bad signature", "HS256 bad signature",
                   "alg none", "key confusion", "unknown kid", "missing exp", "malformed", "malformed segments",
                   "not bearer", "missing")


def bad_tokens(keys: dict[str, SigningKey]) -> dict[str, tuple[str | None, str]]:
    """name → (Authorization value or None, words the refusal must contain). ``keys``: rsa, rsa2 (unpublished),
    ec, other (a forger's key under rsa's kid)."""
    now = int(time.time())
    rsa = keys["rsa"]
    return {
        "expired": (f"Bearer {signed(rsa, exp=now - 120)}", "expired"),
        "not yet valid": (f"Bearer {signed(rsa, nbf=now + 600)}", "not yet valid"),
        "wrong iss": (f"Bearer {signed(rsa, iss='someone-else')}", "issuer"),
        "wrong aud": (f"Bearer {signed(rsa, aud='another-client')}", "audience"),
        "bad signature": (f"Bearer {resigned(signed(rsa), keys['other'])}", "signature"),
        "HS256 bad signature": (f"Bearer {hs256('not-the-secret-but-long-enough-1234567')}", "signature"),
        "alg none": (f"Bearer {unsigned()}", "algorithm"),
        "key confusion": (f"Bearer {hmac_with_public_key(rsa)}", "signature"),
        "unknown kid": (f"Bearer {signed(keys['rsa2'])}", "kid"),
        "missing exp": (f"Bearer {signed(rsa, exp=None)}", "exp"),
        "malformed": ("Bearer not-a-jwt", "compact"),
        "malformed segments": ("Bearer a.b.c", "decoded"),
        "not bearer": ("Basic dXNlcjpwYXNz", "Bearer"),
        "missing": (None, "bearer token"),
    }


# -- fixtures (registered for the whole suite by tests/conftest.py) --------------------------------------

@pytest.fixture(scope="module")
def signing_keys() -> dict[str, SigningKey]:
    """rsa and ec are published; rsa2 is not (yet); other is a forger's key under rsa's kid."""
    return {"rsa": SigningKey.rsa("rsa-1"), "rsa2": SigningKey.rsa("rsa-2"), "ec": SigningKey.ec("ec-1"),
            "other": SigningKey.rsa("rsa-1")}


@pytest.fixture
async def jwks_server(aiohttp_server: Any,
                      signing_keys: dict[str, SigningKey]) -> AsyncIterator[tuple[Jwks, Any]]:
    """A JWKS endpoint at ``/jwks`` publishing rsa and ec; tests add keys or close the server."""
    jwks = Jwks([signing_keys["rsa"], signing_keys["ec"]])

    async def serve(request: web.Request) -> web.Response:
        return web.json_response(jwks.document())

    app = web.Application()
    app.router.add_get("/jwks", serve)
    server = await aiohttp_server(app)
    yield jwks, server


# -- certificates -------------------------------------------------------------------------------------------

@dataclass
class Pki:
    """A CA, a server certificate for 127.0.0.1/localhost, and client certificates; all as files in ``root``."""

    root: Path
    ca_cert: Path = field(init=False)
    server_cert: Path = field(init=False)
    server_key: Path = field(init=False)
    client_cert: Path = field(init=False)
    client_key: Path = field(init=False)
    rogue_cert: Path = field(init=False)
    rogue_key: Path = field(init=False)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "segsvc test CA")])
        ca = self._cert(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
        self.ca_cert = self._write("ca.pem", ca.public_bytes(serialization.Encoding.PEM))
        server_key = ec.generate_private_key(ec.SECP256R1())
        server = self._cert(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]), ca_name,
                            server_key.public_key(), ca_key,
                            san=[x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
        self.server_cert = self._write("server.pem", server.public_bytes(serialization.Encoding.PEM))
        self.server_key = self._write("server.key", _pem_private(server_key))
        client_key = ec.generate_private_key(ec.SECP256R1())
        client = self._cert(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gateway")]), ca_name,
                            client_key.public_key(), ca_key, client=True)
        self.client_cert = self._write("client.pem", client.public_bytes(serialization.Encoding.PEM))
        self.client_key = self._write("client.key", _pem_private(client_key))
        rogue_key = ec.generate_private_key(ec.SECP256R1())
        rogue_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rogue")])
        rogue = self._cert(rogue_name, rogue_name, rogue_key.public_key(), rogue_key, client=True)
        self.rogue_cert = self._write("rogue.pem", rogue.public_bytes(serialization.Encoding.PEM))
        self.rogue_key = self._write("rogue.key", _pem_private(rogue_key))

    def _write(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.write_bytes(data)
        return path

    @staticmethod
    def _cert(subject: x509.Name, issuer: x509.Name, public_key: Any, signer: Any, *, ca: bool = False,
              client: bool = False, san: list[x509.GeneralName] | None = None) -> x509.Certificate:
        now = datetime.datetime.now(datetime.UTC)
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        if not ca:
            usage = x509.ExtendedKeyUsageOID.CLIENT_AUTH if client else x509.ExtendedKeyUsageOID.SERVER_AUTH
            builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        return builder.sign(signer, hashes.SHA256())
