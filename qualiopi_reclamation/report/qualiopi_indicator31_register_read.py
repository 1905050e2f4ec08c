"""The printed register's rows read from PostgreSQL as UTF-8 bytes: in the
report's transaction, or on a connection of their own in the report's snapshot
while the report gathers its other sections (``PendingRows``)."""

import logging
import threading
from contextlib import closing

from psycopg2.extensions import BYTES, register_type

from odoo import sql_db
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def read_rows(env, query, aside=False):
    """The one text value of ``query`` (the register's rows) as bytes, or,
    with ``aside``, a PendingRows when this transaction has written nothing."""
    env.flush_all()
    if aside:
        pending = PendingRows.start(env, query)
        if pending:
            return pending
    with closing(env.cr._obj.connection.cursor()) as cursor:
        return _fetch_utf8(cursor, query)


def _fetch_utf8(cursor, query):
    """The one text value of ``query``, as the UTF-8 bytes PostgreSQL sent: the
    printed register's rows (3 MB for 10,000 records) go into the printed page
    as they are (see ir.actions.report._render_template), never decoded into a
    Python string. One string, not a row per record: 10,000 rows would make as
    many Python objects, and the garbage collector's passes over the server.
    ``cursor``: a psycopg2 cursor of its own, which alone decodes no text."""
    register_type(BYTES, cursor)
    # One query of many rows but little work each: PostgreSQL's JIT, which
    # its cost estimate would start for a large register, spends longer
    # compiling than the query runs.
    cursor.execute("SET LOCAL jit = off")
    cursor.execute(query.code, query.params)
    [(value,)] = cursor.fetchall()
    cursor.execute("SET LOCAL jit TO DEFAULT")
    return value


class PendingRows:
    """The printed register's rows, read on a connection of their own while
    the report gathers its other sections: PostgreSQL prints the register on
    another core meanwhile, and a register of 10,000 records adds little to
    the report's time. That connection reads in the report's snapshot
    (``pg_export_snapshot``), so it sees what the report sees; hence only for
    a transaction that has written nothing yet (a printed report's; not a
    test's, nor one that just saved a record), whose data all are in that
    snapshot."""

    def __init__(self, cr, snapshot, query):
        self._cr = cr
        self._query = query
        self._outcome = {}
        self._thread = threading.Thread(
            target=self._read, args=(snapshot,), name="qualiopi-register", daemon=True
        )
        self._thread.start()

    @classmethod
    def start(cls, env, query):
        """The rows being read aside, or ``None`` when this transaction wrote."""
        [(snapshot,)] = env.execute_query(
            SQL(
                "SELECT CASE WHEN pg_current_xact_id_if_assigned() IS NULL"
                " THEN pg_export_snapshot() END"
            )
        )
        if not snapshot:
            return None
        _logger.debug("Reading the register aside, in snapshot %s", snapshot)
        return cls(env.cr, snapshot, query)

    def _read(self, snapshot):
        try:
            # On the server of the report's own connection (a read-only
            # replica's snapshot is imported on that replica alone).
            database = sql_db.db_connect(self._cr.dbname, readonly=self._cr.readonly)
            with closing(database.cursor()) as cr:
                # The transaction's first statement, as PostgreSQL requires.
                cr.execute(SQL("SET TRANSACTION SNAPSHOT %s", snapshot))
                self._outcome["rows"] = _fetch_utf8(cr._obj, self._query)
        except Exception as error:  # noqa: BLE001 (the caller's thread reads them again)
            self._outcome["error"] = error

    def result(self):
        """The rows; read again in the report's own transaction if the other
        connection failed (no connection left in the pool, say)."""
        self._thread.join()
        if "rows" in self._outcome:
            return self._outcome["rows"]
        _logger.warning(
            "The register was read again in the report's transaction: %s",
            self._outcome["error"],
        )
        with closing(self._cr._obj.connection.cursor()) as cursor:
            return _fetch_utf8(cursor, self._query)


def rows_bytes(rows):
    """``rows`` (bytes or PendingRows) as bytes."""
    return rows.result() if isinstance(rows, PendingRows) else rows
