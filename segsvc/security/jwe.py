"""Archived documents as JWE (RFC 7516 compact): ``dir`` + A256GCM, or RSA-OAEP-256 + A256GCM.

``dir`` uses one shared 256-bit key for every document (small, fast, both sides hold the key).
RSA-OAEP-256 wraps a fresh content key per document with the recipient's public key, so the service can
encrypt without being able to decrypt; only the holder of the private key (an operator running
``segsvc decrypt``) reads the archive. Decryption checks the header's ``alg`` and ``enc`` against the
configuration before any key is used, so a token cannot choose how its own key is interpreted.

Keys come from ``security.encryption.key_file`` or the inline ``security.encryption.key`` (e.g. from the
environment); a ``dir`` key may be raw 32 bytes, base64, base64url or hex.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jose import jwe
from jose.exceptions import JOSEError

from segsvc.config.settings import EncryptionSettings

ENCRYPTION = "A256GCM"
ALGORITHMS = ("dir", "RSA-OAEP-256")


class JweKeyError(ValueError):
    """The configured key is missing, unreadable or of the wrong kind."""


class JweDecryptError(ValueError):
    """A token that is not a JWE this configuration can open (wrong alg/enc, wrong key, tampered)."""


@dataclass(frozen=True)
class JweKey:
    """Resolved key material. ``encrypt_key``/``decrypt_key`` are None when this side does not hold them."""

    algorithm: str
    encrypt_key: bytes | None
    decrypt_key: bytes | None


def _dir_key(material: bytes) -> bytes:
    if len(material) == 32:
        return material
    text = material.strip()
    for decode in (lambda t: base64.urlsafe_b64decode(t + b"=" * (-len(t) % 4)), base64.b64decode,
                   binascii.unhexlify):
        try:
            key = decode(text)
        except (binascii.Error, ValueError):
            continue
        if len(key) == 32:
            return key
    raise JweKeyError("a dir key must be 32 bytes (raw, base64, base64url or hex)")


def _rsa_keys(material: bytes) -> tuple[bytes, bytes | None]:
    """``(public PEM, private PEM or None)`` from a PEM holding either."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        private = serialization.load_pem_private_key(material, password=None)
    except (ValueError, TypeError):
        private = None
    if private is not None:
        if not isinstance(private, rsa.RSAPrivateKey):
            raise JweKeyError("RSA-OAEP-256 needs an RSA key")
        public = private.public_key()
        return (public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
                material)
    try:
        public_key = serialization.load_pem_public_key(material)
    except (ValueError, TypeError):
        raise JweKeyError("RSA-OAEP-256 needs a PEM public or private key") from None
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise JweKeyError("RSA-OAEP-256 needs an RSA key")
    return material, None


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise JweKeyError(f"cannot read key file {path}: {exc.strerror}") from None


_loaded: dict[tuple[Any, ...], JweKey] = {}


def load_key(config: EncryptionSettings) -> JweKey:
    """Resolve the configured key (cached per file modification time, so a rotated file is picked up)."""
    if not config.configured and not config.private_key_file:
        raise JweKeyError("no encryption key configured (security.encryption.key_file or .key)")
    stamp = tuple(os.stat(p).st_mtime_ns if os.path.exists(p) else None
                  for p in (config.key_file, config.private_key_file) if p)
    inline = config.key.get_secret_value() if config.key else None
    cache_key = (config.algorithm, config.key_file, config.private_key_file, inline, stamp)
    found = _loaded.get(cache_key)
    if found is None:
        found = _resolve(config, inline)
        _loaded.clear()  # one configuration at a time: no pile-up of old keys in memory
        _loaded[cache_key] = found
    return found


def _resolve(config: EncryptionSettings, inline: str | None) -> JweKey:
    material = _read(config.key_file) if config.key_file else inline.encode() if inline is not None else None
    if config.algorithm == "dir":
        if material is None:
            raise JweKeyError("dir needs security.encryption.key_file or .key")
        key = _dir_key(material)
        return JweKey("dir", key, key)
    public: bytes | None = None
    private: bytes | None = None
    if material is not None:
        public, private = _rsa_keys(material)
    if config.private_key_file:
        public_of_private, private = _rsa_keys(_read(config.private_key_file))
        if private is None:
            raise JweKeyError("security.encryption.private_key_file holds no private key")
        public = public or public_of_private
    return JweKey("RSA-OAEP-256", public, private)


def _key(key_config: EncryptionSettings | JweKey) -> JweKey:
    return key_config if isinstance(key_config, JweKey) else load_key(key_config)


def encrypt_document(doc: dict[str, Any], key_config: EncryptionSettings | JweKey) -> str:
    """``doc`` as a compact JWE string (UTF-8 JSON inside, ``cty: application/json``)."""
    key = _key(key_config)
    if key.encrypt_key is None:
        raise JweKeyError("no key to encrypt with")
    plaintext = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    token = jwe.encrypt(plaintext, key.encrypt_key, encryption=ENCRYPTION, algorithm=key.algorithm,
                        cty="application/json")
    return token.decode("ascii") if isinstance(token, bytes) else str(token)


def decrypt_document(token: str, key_config: EncryptionSettings | JweKey) -> dict[str, Any]:
    """The document inside ``token``; raises :class:`JweDecryptError` for anything it cannot vouch for."""
    key = _key(key_config)
    if key.decrypt_key is None:
        raise JweKeyError("no key to decrypt with (RSA-OAEP-256 needs the private key: "
                          "security.encryption.private_key_file)")
    token = token.strip()
    try:
        header = jwe.get_unverified_header(token)
    except JOSEError:
        raise JweDecryptError("not a JWE compact serialization") from None
    if header.get("alg") != key.algorithm or header.get("enc") != ENCRYPTION:
        raise JweDecryptError(f"JWE uses alg={header.get('alg')!r} enc={header.get('enc')!r}; this configuration "
                              f"opens alg={key.algorithm!r} enc={ENCRYPTION!r}")
    try:
        plaintext = jwe.decrypt(token, key.decrypt_key)
    except JOSEError:
        raise JweDecryptError("JWE cannot be decrypted with this key (wrong key or tampered)") from None
    if plaintext is None:
        raise JweDecryptError("JWE cannot be decrypted with this key (wrong key or tampered)")
    try:
        doc = json.loads(plaintext)
    except ValueError:
        raise JweDecryptError("the decrypted content is not JSON") from None
    if not isinstance(doc, dict):
        raise JweDecryptError("the decrypted content is not a JSON object")
    return doc
