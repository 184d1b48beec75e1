from django.core.management.base import BaseCommand

from devtools.simulators.agencies import AgencySimulator, SimulatorConfig, make_server


class Command(BaseCommand):
    help = (
        "Chạy hệ thống mô phỏng các cơ quan liên thông (hộ tịch, cư trú, BHXH, lao động - xã hội) "
        "tại localhost. / Run the agency simulator on localhost."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--latency", type=float, default=0.05, help="giây / seconds per call")
        parser.add_argument("--failure-rate", type=float, default=0.0)
        parser.add_argument("--timeout-rate", type=float, default=0.0)
        parser.add_argument("--timeout-sleep", type=float, default=10.0)
        parser.add_argument("--process-seconds", type=float, default=0.0)
        parser.add_argument(
            "--return-procedure",
            action="append",
            default=[],
            help="mã thủ tục bị trả về một lần mỗi hồ sơ / rejected once per dossier",
        )
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, host, port, **options):
        simulator = AgencySimulator(
            SimulatorConfig(
                latency=options["latency"],
                failure_rate=options["failure_rate"],
                timeout_rate=options["timeout_rate"],
                timeout_sleep=options["timeout_sleep"],
                process_seconds=options["process_seconds"],
                return_procedures=options["return_procedure"],
                seed=options["seed"],
            )
        )
        server = make_server(simulator, host, port)
        self.stdout.write(
            f"Mô phỏng cơ quan liên thông / agency simulator on http://{host}:{port}",
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
