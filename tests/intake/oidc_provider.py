"""A small OpenID Connect provider on 127.0.0.1 standing in for VNeID in the tests.

It serves discovery, authorize (no login page: it answers at once for the identity the test
set, as VNeID does after the resident confirms in the app), token (an RS256-signed ID token
with the request's nonce), userinfo and the JWKS. The key is generated when it starts.
``sign_with_another_key`` makes it sign with a key its JWKS does not publish.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class LocalProvider:
    def __init__(self, *, client_id: str, client_secret: str, claims: dict):
        self.client_id, self.client_secret, self.claims = client_id, client_secret, claims
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.sign_with_another_key = False
        self._codes: dict[str, str] = {}  # code → nonce
        self._tokens: set[str] = set()
        self._server = make_server("127.0.0.1", 0, self._app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    # --- endpoints --------------------------------------------------------------------------
    def _app(self, environ, start_response):
        path = environ["PATH_INFO"]
        routes = {
            "/.well-known/openid-configuration": self._discovery,
            "/authorize": self._authorize,
            "/token": self._token,
            "/userinfo": self._userinfo,
            "/jwks": self._jwks,
        }
        handler = routes.get(path)
        if handler is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        status, headers, body = handler(environ)
        start_response(status, headers)
        return [body]

    @staticmethod
    def _json(payload, status="200 OK"):
        return status, [("Content-Type", "application/json")], json.dumps(payload).encode()

    def _discovery(self, environ):
        return self._json({
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })

    def _authorize(self, environ):
        query = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return self._json({"error": "unauthorized_client"}, "400 Bad Request")
        code = secrets.token_urlsafe(16)
        self._codes[code] = query.get("nonce", "")
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        return "302 Found", [("Location", target)], b""

    def _token(self, environ):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        nonce = self._codes.pop(form.get("code", ""), None)
        if (nonce is None or form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret):
            return self._json({"error": "invalid_grant"}, "400 Bad Request")
        now = int(time.time())
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) \
            if self.sign_with_another_key else self.key
        id_token = jwt.encode(
            {"iss": self.url, "sub": self.claims["sub"], "aud": self.client_id, "iat": now,
             "exp": now + 300, "nonce": nonce},
            key, algorithm="RS256", headers={"kid": self.kid},
        )
        access = secrets.token_urlsafe(16)
        self._tokens.add(access)
        return self._json({"access_token": access, "token_type": "Bearer", "id_token": id_token,
                           "expires_in": 300})

    def _userinfo(self, environ):
        token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
        if token not in self._tokens:
            return self._json({"error": "invalid_token"}, "401 Unauthorized")
        return self._json(self.claims)

    def _jwks(self, environ):
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return self._json({"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]})
