"""Signing keys: the development CA and one PKCS#12 file per signing user.

A deployment gives each signer a PKCS#12 file issued by a licensed CA (``<username>.p12`` in
``PDF_SIGNING_KEY_DIR``, one passphrase from the environment) or uses the remote signing
service (``adapters.RemoteSigner``). In development (``PDF_SIGNING_BACKEND=development``) the
same layout is filled by a CA of our own: ``manage.py signing_dev_keys`` creates it and a key
for every signing user, and a user without a key gets one the first time they sign. The
development CA's certificate says it is not a real one; nothing outside trusts it.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

CA_NAME = "Thành Sen Một Cửa — CA phát triển"
CA_UNIT = "Không có giá trị pháp lý"
#: X.509 limits these name attributes to 64 (the library counts UTF-8 bytes, and a
#: Vietnamese letter with its marks takes two or three).
NAME_LIMIT = 64


def _fit(value: str) -> str:
    """``value`` cut to ``NAME_LIMIT`` bytes of UTF-8 without splitting a character."""
    return value.encode()[:NAME_LIMIT].decode(errors="ignore")
KEY_SIZE = 2048


def _name(common_name: str, organisation: str = "", unit: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)))
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _fit(unit)))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)))
    return x509.Name(parts)


def key_dir() -> Path:
    return Path(settings.PDF_SIGNING_KEY_DIR)


def pkcs12_path(username: str) -> Path:
    return key_dir() / f"{username}.p12"


def development_ca() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """The development CA, created on first use under ``PDF_SIGNING_KEY_DIR``."""
    directory = key_dir()
    cert_path, key_path = directory / "dev-ca.pem", directory / "dev-ca.key"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return cert, key
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    now = datetime.now(UTC)
    name = _name(CA_NAME, unit=CA_UNIT)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def issue_development_key(user) -> Path:
    """A key and certificate for ``user`` from the development CA, as a PKCS#12 file."""
    ca_cert, ca_key = development_ca()
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(str(user) or user.username, settings.UNIT_NAME))
        .issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1095))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    path = pkcs12_path(user.username)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        name=user.username.encode(), key=key, cert=cert, cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(
            settings.PDF_SIGNING_PKCS12_PASSPHRASE.encode()),
    ))
    path.chmod(0o600)
    return path


def trust_root_pems() -> list[bytes]:
    """The CA certificates a signature must chain to: the configured ones, plus the
    development CA when the development backend is on."""
    pems = [Path(p).read_bytes() for p in settings.PDF_SIGNING_TRUST_ROOTS]
    if settings.PDF_SIGNING_BACKEND == "development":
        pems.append(development_ca()[0].public_bytes(serialization.Encoding.PEM))
    return pems
