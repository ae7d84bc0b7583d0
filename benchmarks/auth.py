"""RS256 bearer auth for ``benchmarks.run --auth``: a key made here, its JWKS served from this process.

The service fetches the JWKS once and then verifies the one long-lived token once; every later request is a
verified-token cache hit, which is what the comparison with auth off measures (DESIGN §9).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt

KID = "bench-rs256"


class AuthBench:
    """Context manager: a JWKS endpoint on loopback, the service's environment, and a token for the load."""

    def __init__(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()).decode()
        public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
        entry = jwk.construct(public, "RS256").to_dict()
        body = json.dumps({"keys": [{**{k: (v.decode() if isinstance(v, bytes) else v) for k, v in entry.items()},
                                     "kid": KID, "use": "sig"}]}).encode()

        class Jwks(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> AuthBench:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def env(self) -> dict[str, str]:
        port = self._server.server_address[1]
        return {"SEGSVC_SECURITY__AUTH__ENABLED": "true", "SEGSVC_SECURITY__JWT__ALGORITHMS": "RS256",
                "SEGSVC_SECURITY__JWT__JWKS_URL": f"http://127.0.0.1:{port}/jwks"}

    @property
    def headers(self) -> dict[str, str]:
        now = int(time.time())
        token = jwt.encode({"iss": "alt-las-api", "aud": "alt-las-client", "sub": "bench", "iat": now,
                            "exp": now + 3600, "scope": "segment:write"}, self._private, algorithm="RS256",
                           headers={"kid": KID})
        return {"Authorization": f"Bearer {token}"}
