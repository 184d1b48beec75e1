"""Dossier codes: ``<unit>-YYMMDD-NNNN``, one daily sequence per receiving unit.

The counter row is incremented with a single upsert inside the creating transaction: the
row stays locked until commit, so concurrent creators queue on it, and a rolled-back
creation rolls its number back too. Codes are therefore unique and without gaps.
"""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import connection

from cases.models import Dossier, DossierCodeSequence

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


_SEQUENCE = DossierCodeSequence._meta.db_table
_DOSSIER = Dossier._meta.db_table
#: The next number and the dossier's code from it in one statement; ``lpad`` to at least four
#: digits, as ``{number:04d}`` (a 10,000th dossier of the day gets five).
_ASSIGN_SQL = f"""
    WITH next AS (
        INSERT INTO {_SEQUENCE} (unit, day, last_value) VALUES (%(unit)s, %(day)s, 1)
        ON CONFLICT (unit, day) DO UPDATE SET last_value = {_SEQUENCE}.last_value + 1
        RETURNING last_value::text AS number
    )
    UPDATE {_DOSSIER}
       SET code = %(prefix)s || lpad(next.number, greatest(4, length(next.number)), '0'){{more}}
      FROM next
     WHERE {_DOSSIER}.id = %(dossier)s
    RETURNING {_DOSSIER}.code
"""


def dossier_code_assign(*, dossier: Dossier, day: date, fields: Iterable[str] = (),
                        unit: str | None = None) -> str:
    """Give a dossier created in this transaction the next code of the day, and write its
    ``fields`` from memory with it (what a receipt at creation changed): one statement on
    PostgreSQL, two on the embedded SQLite (no data-modifying ``WITH`` there).

    The number belongs to that transaction. Call it last: the day's counter row stays locked
    until commit, so taking it at the end keeps concurrent creators from queueing behind the
    whole work.
    """
    unit = unit or settings.UNIT_CODE
    fields = [Dossier._meta.get_field(name) for name in dict.fromkeys(fields)]
    if connection.vendor != "postgresql":
        code = f"{unit}-{day:%y%m%d}-{next_sequence_value(unit=unit, day=day):04d}"
        Dossier.objects.filter(pk=dossier.pk).update(
            code=code, **{field.name: getattr(dossier, field.attname) for field in fields}
        )
        return code
    params = {"unit": unit, "day": day, "prefix": f"{unit}-{day:%y%m%d}-", "dossier": dossier.pk}
    more = []
    for position, field in enumerate(fields):
        more.append(f", {connection.ops.quote_name(field.column)} = %(f{position})s")
        params[f"f{position}"] = field.get_db_prep_save(field.pre_save(dossier, False), connection)
    with connection.cursor() as cursor:
        cursor.execute(_ASSIGN_SQL.format(more="".join(more)), params)
        (code,) = cursor.fetchone()
    return code
