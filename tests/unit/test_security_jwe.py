"""Archived documents as JWE: dir + A256GCM and RSA-OAEP-256 + A256GCM, and ``segsvc decrypt`` for operators."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from segsvc.config.settings import EncryptionSettings
from segsvc.security.jwe import JweDecryptError, JweKeyError, decrypt_document, encrypt_document, load_key
from tests.conftest import ROOT, base_env
from tests.support.security import SigningKey

DOC = {"id": "alt_1", "command": "Takvimi aç", "segments": [{"content": "Takvimi aç", "task_type": "open"}]}


def dir_config(tmp_path: Path, key: bytes | None = None) -> EncryptionSettings:
    path = tmp_path / "archive.key"
    path.write_bytes(key if key is not None else os.urandom(32))
    return EncryptionSettings(algorithm="dir", key_file=str(path))


def test_dir_round_trip_and_compact_form(tmp_path: Path) -> None:
    config = dir_config(tmp_path)
    token = encrypt_document(DOC, config)
    assert token.count(".") == 4 and "Takvimi" not in token
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "dir", "enc": "A256GCM", "cty": "application/json"}
    assert decrypt_document(token, config) == DOC
    assert encrypt_document(DOC, config) != token  # a fresh IV every time


def test_dir_key_spellings(tmp_path: Path) -> None:
    raw = os.urandom(32)
    token = encrypt_document(DOC, dir_config(tmp_path, raw))
    for spelling in (base64.urlsafe_b64encode(raw).rstrip(b"=") + b"\n", base64.b64encode(raw), raw.hex().encode()):
        assert decrypt_document(token, dir_config(tmp_path, spelling)) == DOC
    inline = EncryptionSettings(algorithm="dir", key=base64.urlsafe_b64encode(raw).decode())
    assert decrypt_document(token, inline) == DOC
    with pytest.raises(JweKeyError):
        load_key(dir_config(tmp_path, b"too short"))


def test_wrong_key_tampering_and_algorithm_swaps_are_refused(tmp_path: Path) -> None:
    config = dir_config(tmp_path)
    token = encrypt_document(DOC, config)
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(JweDecryptError):
        decrypt_document(token, dir_config(other))
    parts = token.split(".")
    parts[3] = parts[3][:-2] + ("AA" if parts[3][-2:] != "AA" else "BB")
    with pytest.raises(JweDecryptError):
        decrypt_document(".".join(parts), config)
    rsa_key = SigningKey.rsa("archive")
    pem = tmp_path / "archive.pem"
    pem.write_bytes(rsa_key.private_pem)
    with pytest.raises(JweDecryptError, match="alg"):  # a dir token offered to an RSA configuration
        decrypt_document(token, EncryptionSettings(algorithm="RSA-OAEP-256", private_key_file=str(pem)))
    with pytest.raises(JweDecryptError):
        decrypt_document("not a jwe", config)


def test_rsa_oaep_256_encrypts_with_the_public_key_only(tmp_path: Path) -> None:
    key = SigningKey.rsa("archive")
    public, private = tmp_path / "pub.pem", tmp_path / "priv.pem"
    public.write_bytes(key.public_pem)
    private.write_bytes(key.private_pem)
    service_side = EncryptionSettings(algorithm="RSA-OAEP-256", key_file=str(public))
    token = encrypt_document(DOC, service_side)
    assert json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["alg"] == "RSA-OAEP-256"
    with pytest.raises(JweKeyError, match="private"):
        decrypt_document(token, service_side)  # the service cannot read its own archive
    operator = EncryptionSettings(algorithm="RSA-OAEP-256", private_key_file=str(private))
    assert decrypt_document(token, operator) == DOC
    assert decrypt_document(encrypt_document(DOC, operator), operator) == DOC  # a private key encrypts too


def _cli(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segsvc", "decrypt", *args], env=base_env(**env), cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=60)


def test_segsvc_decrypt_reads_a_file_or_stdin(tmp_path: Path) -> None:
    raw = os.urandom(32)
    token = encrypt_document(DOC, dir_config(tmp_path, raw))
    (tmp_path / "record.jwe").write_text(token + "\n")
    inline = base64.urlsafe_b64encode(raw).decode()
    out = _cli(str(tmp_path / "record.jwe"), SEGSVC_SECURITY__ENCRYPTION__KEY=inline)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == DOC
    out = _cli("--key-file", str(tmp_path / "archive.key"), stdin=token)
    assert out.returncode == 0 and json.loads(out.stdout) == DOC
    wrong = _cli(stdin=token, SEGSVC_SECURITY__ENCRYPTION__KEY=base64.urlsafe_b64encode(os.urandom(32)).decode())
    assert wrong.returncode == 1 and "cannot be decrypted" in wrong.stderr and wrong.stdout == ""
    assert inline not in wrong.stderr
