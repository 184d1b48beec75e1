"""Serve every simulated outside system on one port, each under its own path."""

from django.core.management.base import BaseCommand

from devtools.simulators.portal import PortalConfig, PortalSimulator
from devtools.simulators.server import make_server


class Command(BaseCommand):
    help = "Serve the simulated outside systems (the national portal under /portal/)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--portal-latency", type=float, default=0.0)
        parser.add_argument("--portal-ack-delay", type=float, default=1.0)
        parser.add_argument("--portal-failure-rate", type=float, default=0.0)
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, **options):
        portal = PortalSimulator(
            PortalConfig(
                latency=options["portal_latency"],
                ack_delay=options["portal_ack_delay"],
                failure_rate=options["portal_failure_rate"],
                seed=options["seed"],
            )
        )
        server = make_server({"/portal": portal}, options["host"], options["port"])
        self.stdout.write(
            f"Simulators on http://{options['host']}:{options['port']}/ — "
            f"portal at /portal/ (GET /portal/_stats, POST /portal/_config)"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
