"""Fixtures shared by the linkage tests: the simulated portal and civil-status registry."""

from tests.linkage.civil_status_support import registry, registry_rig  # noqa: F401 — fixtures
from tests.linkage.portal_support import portal, portal_rig  # noqa: F401 — fixtures
