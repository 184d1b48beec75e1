"""A connector's contract: the JSON Schemas of its messages, versioned in the repository.

Messages we send are checked before they leave and messages we receive on arrival, with the
same files, so the simulator and the adapter cannot drift apart from what the contract says.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource


class ContractError(ValueError):
    """A message does not conform; ``reason`` says where and why, for the staff queue."""

    def __init__(self, schema: str, reason: str):
        super().__init__(f"{schema}: {reason}")
        self.schema = schema
        self.reason = reason


class Contract:
    def __init__(self, directory: Path, *, version: str):
        self.directory = directory
        self.version = version

    @cached_property
    def _schemas(self) -> dict[str, dict]:
        return {
            path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(self.directory.glob("*.json"))
        }

    @cached_property
    def _registry(self) -> Registry:
        return Registry().with_resources(
            (f"{name}.json", Resource.from_contents(schema))
            for name, schema in self._schemas.items()
        )

    @cached_property
    def _validators(self) -> dict[str, Draft202012Validator]:
        return {
            name: Draft202012Validator(schema, registry=self._registry)
            for name, schema in self._schemas.items()
            if name != "defs"
        }

    def names(self) -> list[str]:
        return sorted(self._validators)

    def errors(self, name: str, message: object) -> list[str]:
        """Every violation as ``path: what``, the most useful first; empty when it conforms."""
        validator = self._validators.get(name)
        if validator is None:
            return [f"không có lược đồ “{name}” trong hợp đồng phiên bản {self.version}"]
        found = sorted(validator.iter_errors(message), key=lambda e: (len(e.path), list(e.path)))
        return [f"{'/'.join(str(p) for p in e.absolute_path) or '(gốc)'}: {e.message}" for e in found]

    def check(self, name: str, message: object) -> None:
        errors = self.errors(name, message)
        if errors:
            raise ContractError(name, "; ".join(errors[:5]))
