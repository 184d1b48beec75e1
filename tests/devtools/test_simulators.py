"""``run_simulators`` serves every simulated outside system on one port, each under its path."""

import json
import threading
import urllib.request

from devtools.simulators.agencies import AgencySimulator, SimulatorConfig, agency_system
from devtools.simulators.portal import PortalConfig, PortalSimulator
from devtools.simulators.server import make_server


def _call(url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {},
                                     method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_agencies_and_the_portal_answer_on_one_port_under_their_paths():
    agencies = AgencySimulator(SimulatorConfig(latency=0))
    portal = PortalSimulator(PortalConfig())
    server = make_server({"/portal": portal, "/agencies": agency_system(agencies)}, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        key = {"Idempotency-Key": "k-1", "Content-Type": "application/json"}
        first = _call(f"{base}/agencies/police/submissions", {"dossier": "TSHT-1"}, key)
        again = _call(f"{base}/agencies/police/submissions", {"dossier": "TSHT-1"}, key)
        assert first[0] == again[0] == 200
        assert first[1]["reference"] == again[1]["reference"]  # one registration per key
        assert _call(f"{base}/agencies/police/submissions", {"dossier": "TSHT-1"})[0] == 400
        stats = _call(f"{base}/agencies/_stats")[1]
        assert stats["registrations"] == 1 and stats["duplicates"] == 0
        assert _call(f"{base}/portal/_stats")[0] == 200
        assert _call(f"{base}/elsewhere/")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_the_land_office_and_the_tax_authority_answer_under_land_and_tax():
    from devtools.simulators.land import LandSimulator
    from devtools.simulators.tax import TaxSimulator

    land, tax = LandSimulator(), TaxSimulator()
    server = make_server({"/land": land, "/tax": tax}, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    json_header = {"Content-Type": "application/json"}
    try:
        refused = _call(f"{base}/land/messages", {"LoaiThongDiep": "ChuyenHoSo"}, json_header)
        assert refused[0] == 422 and refused[1]["TrangThai"] == "TuChoi"
        assert _call(f"{base}/land/_config", {"outage": True}, json_header)[0] == 200
        assert _call(f"{base}/land/replies?after=")[0] == 503
        assert _call(f"{base}/land/_config", {"no_such_knob": 1}, json_header)[0] == 400
        assert _call(f"{base}/tax/_pay", {"MaHoSo": "TSHT-1"}, json_header)[0] == 404
        stats = _call(f"{base}/tax/_stats")[1]
        assert stats["dossiers"] == [] and stats["notices"] == {}
        assert _call(f"{base}/land/_stats")[1]["rejected"] == 1
    finally:
        server.shutdown()
        server.server_close()
