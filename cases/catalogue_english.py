"""The English of the catalogue's texts: procedure names, field names, document names, e-form
labels and e-form choices, for pages read in English.

The catalogue is Vietnamese law's own wording, so Vietnamese stays the record everywhere: the
models, the dossiers' copies of document names, the e-form answers (a choice is stored as its
Vietnamese text) and the official forms (PDF), which never pass through this module. English is
a glossary, ``cases/data/catalogue_en.json``, keyed by the Vietnamese text and applied only when
a page is rendered in English (``catalogue_text``, and the ``catalogue_text`` template filter).

Why a glossary rather than ``name_en``/``label_en`` fields on the models: a text added to a
procedure's stored values would make ``load_catalogue`` publish a new version of every procedure
already used by a dossier, for a change no rule depends on; and the Vietnamese texts copied into
dossiers (document names) and answers (choices) would still have no English. Keyed by the text,
one entry serves every version of a procedure and every dossier that copied it. A text with no
entry shows in Vietnamese; ``tests/cases/test_catalogue_english.py`` keeps the glossary complete
for ``cases/data/catalogue.json``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

GLOSSARY = Path(__file__).resolve().parent / "data" / "catalogue_en.json"


@cache
def catalogue_glossary() -> dict[str, str]:
    return json.loads(GLOSSARY.read_text(encoding="utf-8"))


def catalogue_texts(data: dict) -> set[str]:
    """Every text of a catalogue description that a page shows to its reader."""
    texts = {field["name"] for field in data["fields"]}
    for procedure in data["procedures"]:
        texts.add(procedure["name"])
        texts.update(document["name"] for document in procedure.get("documents", []))
        for spec in procedure.get("form_fields", []):
            texts.add(spec.get("label", spec["name"]))
            texts.update(spec.get("choices", []))
    return texts


def catalogue_text(text: str) -> str:
    """``text`` in the active language: its English on an English page, else as it is."""
    if not text or not (get_language() or "").startswith("en"):
        return text
    return catalogue_glossary().get(text, text)
