"""The simulated portal on a spare port, for the portal sync tests."""

from __future__ import annotations

import threading

import pytest

from devtools.simulators.portal import PortalConfig, PortalSimulator
from devtools.simulators.server import make_server


class PortalRig:
    def __init__(self):
        self.portal = PortalSimulator(PortalConfig(seed=13))
        self.server = make_server({"/portal": self.portal}, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/portal"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self, **config) -> None:
        self.portal.configure(**{**vars(PortalConfig(seed=13)), **config})
        self.portal.reset()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def portal_rig():
    rig = PortalRig()
    yield rig
    rig.close()


@pytest.fixture
def portal(portal_rig, settings):
    """The simulator, reset, with the product pointed at it."""
    portal_rig.reset()
    settings.PORTAL_BASE_URL = portal_rig.url
    settings.PORTAL_TOKEN_URL = ""
    return portal_rig
