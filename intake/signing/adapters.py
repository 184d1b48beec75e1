"""One adapter between the application and whatever holds the signers' keys.

``signer_for(user)`` returns a pyHanko signer: from the user's PKCS#12 file (development and
``pkcs12``), or a ``RemoteSigner`` that sends the digest to the remote signing service and
gets the signature back (the way officers sign with a token or a remote signing provider:
the key never leaves it). Everything else (layout, registry, verification) is the same.

The remote service's contract, kept small so a provincial signing gateway can be wrapped:
``GET <url>/certificates/<username>`` answers ``{"certificate": PEM, "chain": [PEM, ...]}``;
``POST <url>/sign`` with ``{"username", "digest_algorithm", "data": base64}`` answers
``{"signature": base64}`` (PKCS#1 v1.5 over ``data``); both with ``Authorization: Bearer``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import urllib.request

from asn1crypto import algos, pem, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from intake.signing import keys
from thanhsen.errors import ApplicationError, ErrorKind

_cache: dict = {}
_lock = threading.Lock()
REMOTE_TIMEOUT_SECONDS = 20


def _certificate(data: bytes) -> x509.Certificate:
    if pem.detect(data):
        _type, _headers, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def _pkcs12_signer(user) -> signers.Signer:
    path = keys.pkcs12_path(user.username)
    if not path.exists():
        if settings.PDF_SIGNING_BACKEND != "development":
            raise ApplicationError(
                _("Chưa cấu hình chứng thư số cho %(name)s; không ký được văn bản.")
                % {"name": user}, kind=ErrorKind.CONFLICT)
        keys.issue_development_key(user)
    stamp = (str(path), path.stat().st_mtime_ns)
    with _lock:
        if _cache.get(user.username, (None,))[0] == stamp:
            return _cache[user.username][1]
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(
            path.read_bytes(), settings.PDF_SIGNING_PKCS12_PASSPHRASE.encode())
    except ValueError as exc:
        raise ApplicationError(_("Không mở được chứng thư số của %(name)s.") % {"name": user},
                               kind=ErrorKind.CONFLICT) from exc
    der = serialization.Encoding.DER
    signer = KeySigner(key=key, certificate=x509.Certificate.load(certificate.public_bytes(der)),
                       chain=[x509.Certificate.load(c.public_bytes(der)) for c in chain or ()])
    with _lock:
        _cache[user.username] = (stamp, signer)
    return signer


class KeySigner(signers.Signer):
    """A signer holding an opened RSA key.

    pyHanko's ``SimpleSigner`` parses the private key again for every signature (and twice per
    PDF: once to size the signature), which costs a tenth of a second each; the key is opened
    once per process here instead.
    """

    def __init__(self, *, key, certificate, chain):
        self._key = key
        super().__init__(
            signing_cert=certificate, cert_registry=SimpleCertificateStore.from_certs(chain),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
        )

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if dry_run:
            return bytes(self._key.key_size // 8)
        return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())


class RemoteSigner(signers.Signer):
    """A signer whose key stays in the remote signing service."""

    def __init__(self, *, username: str, certificate, chain):
        self.username = username
        super().__init__(
            signing_cert=certificate, cert_registry=SimpleCertificateStore.from_certs(chain),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
        )

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if dry_run:
            return bytes(self.signing_cert.public_key.byte_size)
        body = {"username": self.username, "digest_algorithm": digest_algorithm,
                "data": base64.b64encode(data).decode()}
        answer = await asyncio.to_thread(_remote_call, "/sign", body)
        return base64.b64decode(answer["signature"])


def _remote_call(path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        settings.PDF_SIGNING_REMOTE_URL.rstrip("/") + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {settings.PDF_SIGNING_REMOTE_TOKEN}",
                 "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT_SECONDS) as response:
            return json.loads(response.read())
    except (OSError, ValueError) as exc:
        raise ApplicationError(_("Dịch vụ ký số từ xa không trả lời; vui lòng thử lại."),
                               kind=ErrorKind.CONFLICT) from exc


def _remote_signer(user) -> signers.Signer:
    answer = _remote_call(f"/certificates/{user.username}")
    return RemoteSigner(
        username=user.username, certificate=_certificate(answer["certificate"].encode()),
        chain=[_certificate(c.encode()) for c in answer.get("chain", [])],
    )


def signer_for(user) -> signers.Signer:
    if settings.PDF_SIGNING_BACKEND == "remote":
        return _remote_signer(user)
    return _pkcs12_signer(user)


def timestamper():
    """The trusted timestamp authority (RFC 3161), when one is configured."""
    if not settings.PDF_SIGNING_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.PDF_SIGNING_TSA_URL)


def trust_roots() -> list[x509.Certificate]:
    return [_certificate(data) for data in keys.trust_root_pems()]
