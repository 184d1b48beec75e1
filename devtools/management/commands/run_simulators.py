"""Serve every simulated outside system on one port, each under its own path."""

from django.core.management.base import BaseCommand

from devtools.simulators.agencies import AgencySimulator, SimulatorConfig, agency_system
from devtools.simulators.portal import PortalConfig, PortalSimulator
from devtools.simulators.server import make_server


class Command(BaseCommand):
    help = (
        "Chạy các hệ thống mô phỏng bên ngoài trên một cổng: Cổng DVCQG tại /portal/, các cơ "
        "quan liên thông tại /agencies/. / Serve the simulated outside systems on one port."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--portal-latency", type=float, default=0.0)
        parser.add_argument("--portal-ack-delay", type=float, default=1.0)
        parser.add_argument("--portal-failure-rate", type=float, default=0.0)
        parser.add_argument("--agency-latency", type=float, default=0.05,
                            help="giây / seconds per agency call")
        parser.add_argument("--agency-failure-rate", type=float, default=0.0)
        parser.add_argument("--agency-timeout-rate", type=float, default=0.0)
        parser.add_argument("--agency-process-seconds", type=float, default=0.0)
        parser.add_argument(
            "--agency-return-procedure", action="append", default=[],
            help="mã thủ tục bị trả về một lần mỗi hồ sơ / rejected once per dossier",
        )
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, **options):
        agencies = AgencySimulator(
            SimulatorConfig(
                latency=options["agency_latency"],
                failure_rate=options["agency_failure_rate"],
                timeout_rate=options["agency_timeout_rate"],
                process_seconds=options["agency_process_seconds"],
                return_procedures=options["agency_return_procedure"],
                seed=options["seed"],
            )
        )
        # Bundles on the portal's coordination system reach the same agencies (Decree 301/2026).
        portal = PortalSimulator(
            PortalConfig(
                latency=options["portal_latency"],
                ack_delay=options["portal_ack_delay"],
                failure_rate=options["portal_failure_rate"],
                seed=options["seed"],
            ),
            agencies=agencies,
        )
        host, port = options["host"], options["port"]
        server = make_server({"/portal": portal, "/agencies": agency_system(agencies)}, host, port)
        self.stdout.write(
            f"Simulators on http://{host}:{port}/ — portal at /portal/ (GET /portal/_stats, "
            f"POST /portal/_config), agencies at /agencies/ (GET /agencies/_stats, "
            f"POST /agencies/_config)"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
