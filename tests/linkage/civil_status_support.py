"""The simulated civil-status registry on a spare port, for the registry connector's tests."""

from __future__ import annotations

import threading

import pytest

from devtools.simulators.civil_status import CivilStatusConfig, CivilStatusSimulator
from devtools.simulators.server import make_server


class RegistryRig:
    def __init__(self):
        self.registry = CivilStatusSimulator(CivilStatusConfig(seed=7))
        self.server = make_server({"/civil-status": self.registry}, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/civil-status"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self, **config) -> None:
        self.registry.configure(**{**vars(CivilStatusConfig(seed=7)), **config})
        self.registry.reset()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def registry_rig():
    rig = RegistryRig()
    yield rig
    rig.close()


@pytest.fixture
def registry(registry_rig, settings):
    """The simulator, reset, with the product pointed at it."""
    registry_rig.reset()
    settings.CIVIL_STATUS_BASE_URL = registry_rig.url
    return registry_rig
