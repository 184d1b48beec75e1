"""Dossier codes: ``<unit>-YYMMDD-NNNN``, one daily sequence per receiving unit.

The counter row is incremented with a single upsert inside the creating transaction: the
row stays locked until commit, so concurrent creators queue on it, and a rolled-back
creation rolls its number back too. Codes are therefore unique and without gaps.
"""

from datetime import date

from django.conf import settings
from django.db import connection

from cases.models import DossierCodeSequence

_NEXT_VALUE_SQL = f"""
    INSERT INTO {DossierCodeSequence._meta.db_table} (unit, day, last_value)
    VALUES (%s, %s, 1)
    ON CONFLICT (unit, day)
    DO UPDATE SET last_value = {DossierCodeSequence._meta.db_table}.last_value + 1
    RETURNING last_value
"""


def next_sequence_value(*, unit: str, day: date) -> int:
    """The next number of the ``(unit, day)`` sequence; inside ``transaction.atomic()``."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_VALUE_SQL, [unit, day])
        (number,) = cursor.fetchone()
    return number


def allocate_dossier_code(*, day: date, unit: str | None = None) -> str:
    """Call inside ``transaction.atomic()``: the number belongs to that transaction."""
    unit = unit or settings.UNIT_CODE
    number = next_sequence_value(unit=unit, day=day)
    return f"{unit}-{day:%y%m%d}-{number:04d}"
