"""Trigram (pg_trgm) indexes for the ``ilike`` searches of the lists.

Searching a name in an académie-size database (300,000 accounts) with
``ilike '%term%'`` reads every row without them; a GIN trigram index answers
from the few rows that contain the term. pg_trgm ships with PostgreSQL
(contrib) and is a trusted extension (PostgreSQL 13+): the database owner
may create it. Where it cannot be created, the addon works without the
indexes (a warning is logged) and searches are slower.
"""
import logging

import psycopg2
from psycopg2 import sql

_logger = logging.getLogger(__name__)


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
        cr.execute(sql.SQL(
            "CREATE INDEX IF NOT EXISTS {} ON {} USING gin ({} gin_trgm_ops)"
        ).format(sql.Identifier("%s_%s_trgm_idx" % (table, column)),
                 sql.Identifier(table), sql.Identifier(column)))
