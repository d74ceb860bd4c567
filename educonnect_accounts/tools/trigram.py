"""Trigram (pg_trgm) indexes for the ``ilike`` searches of the lists.

Searching a name in an académie-size database (300,000 accounts) with
``ilike '%term%'`` reads every row without them; a GIN trigram index answers
from the few rows that contain the term. pg_trgm ships with PostgreSQL
(contrib) and is a trusted extension (PostgreSQL 13+): the database owner
may create it. Where it cannot be created, the addon works without the
indexes (a warning is logged) and searches are slower.

GIN indexes collect new entries in a *pending list* that is merged into the
index later (by autovacuum, or by the writer once the list reaches
``gin_pending_list_limit``, 4 MiB by default). Every search reads the whole
list, and the planner knows it: after a bulk write (a SIECLE import,
notifying an establishment), a 4 MiB list on each index made PostgreSQL
prefer a parallel sequential scan of every pupil of the académie (500 ms
instead of 25 ms for a frequent name) until autovacuum passed. The indexes
are therefore made with a small list (``PENDING_LIST_KB``): a bulk write of
100,000 rows costs about 20 % more, and searches keep the index plan.
"""
import logging

import psycopg2
from psycopg2 import sql

_logger = logging.getLogger(__name__)

#: Size (kB) of a trigram index's pending list (PostgreSQL's default: 4096).
PENDING_LIST_KB = 256


def ensure_pg_trgm(cr):
    """Create the extension if needed; True if it is available."""
    cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    if cr.fetchone():
        return True
    try:
        with cr.savepoint():
            cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        return True
    except psycopg2.Error as exc:
        _logger.warning("pg_trgm is not available (%s): the name searches "
                        "will not use trigram indexes.", exc.pgerror or exc)
        return False


def ensure_trigram_indexes(cr, table, columns):
    """A GIN trigram index on each column of ``table`` (if pg_trgm is)."""
    if not ensure_pg_trgm(cr):
        return
    for column in columns:
        index = sql.Identifier("%s_%s_trgm_idx" % (table, column))
        cr.execute(sql.SQL(
            "CREATE INDEX IF NOT EXISTS {} ON {} USING gin ({} gin_trgm_ops) "
            "WITH (gin_pending_list_limit = %s)"
        ).format(index, sql.Identifier(table), sql.Identifier(column)),
            (PENDING_LIST_KB,))
        # Indexes made by an earlier version of the addon.
        cr.execute(sql.SQL("ALTER INDEX {} SET (gin_pending_list_limit = %s)")
                   .format(index), (PENDING_LIST_KB,))
