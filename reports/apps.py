from django.apps import AppConfig

#: How often beat brings the daily rollup up to date (seconds).
ROLLUP_REFRESH_SECONDS = 300


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        """Schedule the incremental rollup refresh beside whatever other apps schedule."""
        from thanhsen.celery import app

        app.conf.beat_schedule = {
            **(app.conf.beat_schedule or {}),
            "reports-rollup-refresh": {
                "task": "reports.tasks.rollup_refresh",
                "schedule": ROLLUP_REFRESH_SECONDS,
            },
        }
