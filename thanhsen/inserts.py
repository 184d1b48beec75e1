"""Inserting the rows of the busiest writes without the ORM's planning on every call.

``bulk_create`` and ``save`` plan their statement each time they run: which fields, which
batches, how ids come back, then the SQL itself. For the few rows a counter step writes (a
dossier's papers, its events) that planning cost the web worker more than the database's
work did. ``rows_insert`` builds the statement once per model and row count and only
prepares the values each time, as the ORM does: each field's ``pre_save`` (defaults, upload
of a new file) and ``get_db_prep_save``.
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import Field, Model


@functools.cache
def _insert_sql(model: type[Model], count: int, vendor: str) -> tuple[str, list[Field]]:
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([row] * count)} RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields


def rows_insert(objs: list[Model]) -> None:
    """Insert unsaved ``objs`` of one model (ids from the database) in one statement, in
    order; each gets its id and counts as saved. Model ``save`` methods and signals do not
    run, as with ``bulk_create``."""
    if not objs:
        return
    sql, fields = _insert_sql(type(objs[0]), len(objs), connection.vendor)
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
