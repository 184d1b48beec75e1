import pytest


@pytest.fixture(autouse=True)
def _tasks_in_process(tasks_in_process):
    """Intake's tests see a task's effect at once, also when REDIS_URL is set (the real-worker
    test switches this off for itself)."""


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Uploaded scans land in the test's own folder, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
