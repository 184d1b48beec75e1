"""Who may write an event time in the past: the database decides, not the caller.

On PostgreSQL a trigger (migration ``0008``) stamps every new ``DossierEvent`` with the
moment the row is written unless its ``at`` is within a few minutes of that moment, so an
``INSERT`` with an old timestamp cannot back-date the history. A past ``at`` is kept only
when both hold:

- the transaction asked for it (``SET LOCAL thanhsen.backfill = 'on'``, which
  ``keep_given_event_time`` issues), and
- the role writing is the table's owner (or a member of it).

In production the application connects with a role that does not own the tables (the owner
runs the migrations, see docker-compose.yml), so the request is ignored there and every event
carries the database's time. The owner role (``make run``, tests, ``seed_history``, an
operator back-filling paper records) keeps the moments it gives: demo data, seeded history
and the tests' fixed dates go through the same services as the counter. SQLite has no
trigger: there the ORM's append-only guard is all there is.

TRUNCATE is refused the same way: a ``BEFORE TRUNCATE`` trigger raises unless the owner's
session sets ``thanhsen.allow_truncate = 'on'`` (the test suite does, to empty its tables
between tests that commit).
"""

from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

#: How far an event time may lie from the database's clock and still be taken as "now"
#: (the service reads the clock before its transaction starts). Mirrored in the trigger.
CLOCK_TOLERANCE = timedelta(minutes=5)


def keep_given_event_time(at: datetime | None = None) -> None:
    """Inside a transaction: ask PostgreSQL to keep the event times given (``at``, or any).

    Does nothing for a moment within ``CLOCK_TOLERANCE`` of now (the usual case: no extra
    statement), or on another database.
    """
    if connection.vendor != "postgresql":
        return
    if at is not None and abs(at - timezone.now()) <= CLOCK_TOLERANCE:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL thanhsen.backfill = 'on'")
