import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts without another test's cached values."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Scans, results and certified copies written by tests go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def browser_context_args(browser_context_args):
    """The officers' browsers ask for Vietnamese; the tests read what they are shown."""
    return {**browser_context_args, "locale": "vi-VN"}
