"""Serve every simulated outside system on one port, each under its own path."""

from django.core.management.base import BaseCommand

from devtools.simulators.agencies import AgencySimulator, SimulatorConfig, agency_system
from devtools.simulators.civil_status import CivilStatusConfig, CivilStatusSimulator
from devtools.simulators.land import LandConfig, LandSimulator
from devtools.simulators.portal import PortalConfig, PortalSimulator
from devtools.simulators.sector import SectorConfig
from devtools.simulators.server import make_server
from devtools.simulators.tax import TaxSimulator


class Command(BaseCommand):
    help = (
        "Chạy các hệ thống mô phỏng bên ngoài trên một cổng: Cổng DVCQG tại /portal/, các cơ "
        "quan liên thông tại /agencies/, Cơ sở dữ liệu hộ tịch tại /civil-status/, Văn phòng Đăng "
        "ký đất đai tại /land/, cơ quan thuế tại /tax/. / Serve the simulated outside systems on "
        "one port."
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
        parser.add_argument("--civil-status-result-delay", type=float, default=2.0,
                            help="giây đến khi có trích lục / seconds until the extract")
        parser.add_argument(
            "--civil-status-return-code", action="append", default=[],
            help="mã hồ sơ bị trả về để sửa một lần / dossier code returned once for correction",
        )
        parser.add_argument("--land-reply-delay", type=float, default=2.0,
                            help="giây trước khi Văn phòng trả lời / seconds before land replies")
        parser.add_argument("--land-failure-rate", type=float, default=0.0)
        parser.add_argument("--tax-reply-delay", type=float, default=2.0)
        parser.add_argument("--tax-failure-rate", type=float, default=0.0)
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
        civil_status = CivilStatusSimulator(
            CivilStatusConfig(
                ack_delay=min(1.0, options["civil_status_result_delay"]),
                result_delay=options["civil_status_result_delay"],
                return_codes=options["civil_status_return_code"],
                seed=options["seed"],
            )
        )
        land = LandSimulator(LandConfig(reply_delay=options["land_reply_delay"],
                                        failure_rate=options["land_failure_rate"],
                                        seed=options["seed"]))
        tax = TaxSimulator(SectorConfig(reply_delay=options["tax_reply_delay"],
                                        failure_rate=options["tax_failure_rate"],
                                        seed=options["seed"]))
        host, port = options["host"], options["port"]
        server = make_server(
            {"/portal": portal, "/agencies": agency_system(agencies),
             "/civil-status": civil_status, "/land": land, "/tax": tax},
            host, port,
        )
        self.stdout.write(
            f"Simulators on http://{host}:{port}/ — portal at /portal/ (GET /portal/_stats, "
            f"POST /portal/_config), agencies at /agencies/ (GET /agencies/_stats, "
            f"POST /agencies/_config), civil-status registry at /civil-status/, "
            f"land office at /land/ and tax authority at /tax/ (GET "
            f"/land/_stats, POST /tax/_pay {{\"MaHoSo\": …}} pays a notice)"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
