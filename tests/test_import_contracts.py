"""The layers between the apps hold: the import-linter contracts in ``pyproject.toml``
(the base imports no app, the core no other app, nothing imports the read side or the
development tools, no import cycle inside an app), and the models' relations follow the same
layers."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command;"
         " sys.exit(lint_imports_command())", "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


#: What each app may not depend on, as the contracts say; a model relation is a dependency
#: the import linter cannot see (it names its model by a string).
FORBIDDEN = {
    "thanhsen": {"cases", "intake", "linkage", "reports", "devtools"},
    "cases": {"intake", "linkage", "reports", "devtools"},
    "intake": {"reports", "devtools"},
    "linkage": {"reports", "devtools"},
    "reports": {"devtools"},
}


def test_model_relations_follow_the_layers():
    from django.apps import apps

    wrong = [
        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
        for model in apps.get_models()
        for field in model._meta.get_fields(include_hidden=True)
        if field.is_relation and field.concrete and field.related_model is not None
        and field.related_model._meta.app_label
        in FORBIDDEN.get(model._meta.app_label, set())
    ]
    assert not wrong, wrong
