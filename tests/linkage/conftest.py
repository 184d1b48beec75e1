"""Fixtures shared by the linkage tests: the simulated portal, civil-status registry, land office
and tax authority."""

from tests.linkage.civil_status_support import registry, registry_rig  # noqa: F401 — fixtures
from tests.linkage.land_support import land_rig, land_systems  # noqa: F401 — fixtures
from tests.linkage.portal_support import portal, portal_rig  # noqa: F401 — fixtures
