"""Fixtures shared by the linkage tests: the simulated portal."""

from tests.linkage.portal_support import portal, portal_rig  # noqa: F401 — fixtures
