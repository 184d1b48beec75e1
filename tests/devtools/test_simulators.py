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
