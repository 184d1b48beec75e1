"""The development keys command and the PKCS#12 adapter a deployment uses."""

import pytest
from django.core.management import call_command

from intake.signing import keys
from intake.signing.adapters import signer_for
from tests.factories import UserFactory
from thanhsen.errors import ApplicationError
from thanhsen.roles import Role

pytestmark = pytest.mark.django_db


def test_the_command_creates_a_key_per_staff_account_and_keeps_existing_ones(settings, tmp_path):
    settings.PDF_SIGNING_KEY_DIR = tmp_path
    leader = UserFactory(role=Role.WARD_LEADER)
    resident = UserFactory(role=Role.RESIDENT)

    call_command("signing_dev_keys")
    first = keys.pkcs12_path(leader.username).read_bytes()
    call_command("signing_dev_keys")

    assert (tmp_path / "dev-ca.pem").exists()
    assert keys.pkcs12_path(leader.username).read_bytes() == first
    assert not keys.pkcs12_path(resident.username).exists()
    assert signer_for(leader).signing_cert.issuer.native["common_name"] == keys.CA_NAME


def test_a_long_vietnamese_name_fits_the_certificate(settings, tmp_path):
    """X.509 allows 64 bytes per name attribute; 40 Vietnamese letters can take 75."""
    settings.PDF_SIGNING_KEY_DIR = tmp_path
    settings.UNIT_NAME = "Trung tâm Phục vụ hành chính công phường Thành Sen, tỉnh Hà Tĩnh"
    officer = UserFactory(role=Role.HANDLING_OFFICER, last_name="Nguyễn Thị Phương Thảo",
                          first_name="Hoàng Phương Thùy Dương Nguyễn Thị Ánh Tuyết")

    keys.issue_development_key(officer)

    subject = signer_for(officer).signing_cert.subject.native
    assert subject["common_name"].startswith("Nguyễn Thị Phương Thảo")
    assert len(subject["common_name"].encode()) <= 64
    assert len(subject["organization_name"].encode()) <= 64


def test_a_deployment_without_the_signer_s_pkcs12_refuses_to_sign(settings, tmp_path):
    settings.PDF_SIGNING_BACKEND = "pkcs12"
    settings.PDF_SIGNING_KEY_DIR = tmp_path

    with pytest.raises(ApplicationError) as info:
        signer_for(UserFactory(role=Role.WARD_LEADER, first_name="Lan", last_name="Trần"))

    assert info.value.message == "Chưa cấu hình chứng thư số cho Trần Lan; không ký được văn bản."


def test_the_remote_signing_service_signs_without_the_key_leaving_it(settings, tmp_path, catalogue):
    """A stand-in for the remote service, holding a development key, behind the same adapter."""
    import base64
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.serialization import pkcs12

    from intake.signing.services import sign_pdf
    from intake.signing.verify import _signature_intact

    settings.PDF_SIGNING_KEY_DIR = tmp_path
    leader = UserFactory(role=Role.WARD_LEADER)
    key, cert, chain = pkcs12.load_key_and_certificates(
        keys.issue_development_key(leader).read_bytes(), settings.PDF_SIGNING_PKCS12_PASSPHRASE.encode())

    class Service(BaseHTTPRequestHandler):
        def _answer(self, body):
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            pem = serialization.Encoding.PEM
            self._answer({"certificate": cert.public_bytes(pem).decode(),
                          "chain": [c.public_bytes(pem).decode() for c in chain]})

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert self.headers["Authorization"] == "Bearer the-token"
            signature = key.sign(base64.b64decode(body["data"]), padding.PKCS1v15(), hashes.SHA256())
            self._answer({"signature": base64.b64encode(signature).decode()})

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Service)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PDF_SIGNING_BACKEND = "remote"
    settings.PDF_SIGNING_REMOTE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.PDF_SIGNING_REMOTE_TOKEN = "the-token"
    try:
        from intake.documents.render import form_to_pdf

        signed = sign_pdf(form_to_pdf("<p>Kết quả</p>"), signer=signer_for(leader),
                          field_name="TSMCremote", signer_name=str(leader))
    finally:
        server.shutdown()
    settings.PDF_SIGNING_BACKEND = "development"

    assert _signature_intact(signed)
