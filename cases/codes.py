"""Dossier codes: ``<unit>-YYMMDD-NNNN``, one daily sequence per receiving unit.

The counter row is incremented with a single upsert inside the creating transaction: the
row stays locked until commit, so concurrent creators queue on it, and a rolled-back
creation rolls its number back too. Codes are therefore unique and without gaps.
"""

import functools
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
#: The next number and the dossier coded with it in one statement; ``lpad`` to at least four
#: digits, as ``{number:04d}`` (a 10,000th dossier of the day gets five).
_INSERT_SQL = f"""
    WITH next AS (
        INSERT INTO {_SEQUENCE} (unit, day, last_value) VALUES (%s, %s, 1)
        ON CONFLICT (unit, day) DO UPDATE SET last_value = {_SEQUENCE}.last_value + 1
        RETURNING last_value::text AS number
    )
    INSERT INTO {_DOSSIER} (code, {{columns}})
    VALUES ((SELECT %s || lpad(number, greatest(4, length(number)), '0') FROM next), {{values}})
    RETURNING code
"""


@functools.cache
def _insert_sql() -> tuple[str, list]:
    fields = [f for f in Dossier._meta.concrete_fields if f.attname != "code"]
    sql = _INSERT_SQL.format(
        columns=", ".join(connection.ops.quote_name(f.column) for f in fields),
        values=", ".join(["%s"] * len(fields)),
    )
    return sql, fields


def dossier_code_assign(*, dossier: Dossier, day: date, fields: Iterable[str] = (),
                        unit: str | None = None) -> str:
    """Give a dossier created in this transaction the next code of the day and write it.

    On PostgreSQL the dossier (its id reserved from the table's sequence) is not stored yet:
    it is inserted here, coded, in one statement, after its papers and history (foreign keys
    are checked at commit). Elsewhere it was saved when created, and the code is written with
    its ``fields`` (what a receipt at creation changed) in one update.

    The number belongs to that transaction. Call it last: the day's counter row stays locked
    until commit, so taking it at the end keeps concurrent creators from queueing behind the
    whole work.
    """
    unit = unit or settings.UNIT_CODE
    if not dossier._state.adding:
        code = f"{unit}-{day:%y%m%d}-{next_sequence_value(unit=unit, day=day):04d}"
        fields = [Dossier._meta.get_field(name) for name in dict.fromkeys(fields)]
        Dossier.objects.filter(pk=dossier.pk).update(
            code=code, **{field.name: getattr(dossier, field.attname) for field in fields}
        )
        return code
    dossier.fill_derived_fields()
    sql, columns = _insert_sql()
    params = [unit, day, f"{unit}-{day:%y%m%d}-"]
    params += [f.get_db_prep_save(f.pre_save(dossier, True), connection) for f in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (code,) = cursor.fetchone()
    dossier._state.adding, dossier._state.db = False, connection.alias
    return code
