"""The development tools exist only where the settings say so, and nothing else needs them.

Installing an app and mounting its URLs happen when the settings load, so each case runs
``manage.py`` in a process of its own with the environment a deployment would set.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("cases", "intake", "linkage", "reports")

#: What a process sees: DEBUG, whether devtools is installed, what the simulator's address
#: answers, and the payment provider in use. No database: a 404 page needs none.
PROBE = """
import json
from django.apps import apps
from django.conf import settings
from django.test import Client
response = Client().get("/cong-thanh-toan-mo-phong/TT2612020000000001/")
print(json.dumps({"debug": settings.DEBUG, "installed": apps.is_installed("devtools"),
                  "simulator": response.status_code, "provider": settings.PAYMENT_PROVIDER}))
"""


def _environment(**environment) -> dict:
    """The deployment's variables only: the suite's own (``DEVTOOLS``, ``SECRET_KEY``, the
    settings module) are left out unless given."""
    inherited = {
        key: value for key, value in os.environ.items()
        if key not in {"DEBUG", "DEVTOOLS", "SECRET_KEY", "PAYMENT_PROVIDER",
                       "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    return {**inherited, "DJANGO_SETTINGS_MODULE": "thanhsen.settings", **environment}


def _manage(*args, **environment) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=_environment(**environment),
        cwd=ROOT, capture_output=True, text=True, check=False,
    )


def _python(code: str, **environment) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], env=_environment(**environment),
        cwd=ROOT, capture_output=True, text=True, check=False,
    )


def _probe(**environment) -> dict:
    result = _manage("shell", "-v0", "-c", PROBE, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_have_no_devtools_no_simulator_and_no_online_payment():
    assert _probe(SECRET_KEY="deployment-key") == {
        "debug": False, "installed": False, "simulator": 404, "provider": "",
    }


def test_without_devtools_the_demo_and_simulator_commands_do_not_exist():
    for command in ("seed_demo", "seed_history", "run_simulators"):
        result = _manage(command, SECRET_KEY="deployment-key")
        assert result.returncode != 0
        assert f"Unknown command: '{command}'" in result.stderr


def test_debug_brings_the_devtools_and_the_simulated_gateway():
    assert _probe(DEBUG="1") == {
        "debug": True, "installed": True, "simulator": 302, "provider": "simulated",
    }


def test_devtools_can_be_switched_on_without_debug():
    assert _probe(DEVTOOLS="1", SECRET_KEY="deployment-key") == {
        "debug": False, "installed": True, "simulator": 302, "provider": "simulated",
    }


def test_a_missing_secret_key_with_debug_off_stops_serving_with_a_clear_message():
    assert _manage("check").returncode == 0  # reading the code needs no key
    deploy = _manage("check", "--deploy")
    assert deploy.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in deploy.stderr
    for server in ("thanhsen.wsgi", "thanhsen.asgi"):
        started = _python(f"import {server}")
        assert started.returncode != 0, server
        assert "SECRET_KEY must be set when DEBUG is off" in started.stderr, server
    assert _python("import thanhsen.wsgi", SECRET_KEY="deployment-key").returncode == 0


def test_the_simulated_provider_without_devtools_stops_start_up():
    result = _manage("check", SECRET_KEY="deployment-key", PAYMENT_PROVIDER="simulated")
    assert result.returncode != 0
    assert "intake.E001" in result.stderr and "needs DEVTOOLS=1" in result.stderr


def _imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def _imports_of(packages, imported) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {name}"
        for package in packages for path in sorted((ROOT / package).rglob("*.py"))
        for name in _imported_modules(path) if name.split(".")[0] in imported
    ]


def test_no_production_app_imports_the_devtools():
    assert _imports_of(("thanhsen", *APPS), {"devtools"}) == []


def test_the_project_package_imports_no_app():
    assert _imports_of(("thanhsen",), {"devtools", *APPS}) == []
