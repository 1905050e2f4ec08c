import logging

from psycopg2.errors import LockNotAvailable
from psycopg2.extensions import TransactionRollbackError

from odoo import fields, models

_logger = logging.getLogger(__name__)

# Errors that say another transaction got there first: the whole cron must be
# retried (Odoo does it), not the record blamed for them.
CONCURRENCY_ERRORS = (TransactionRollbackError, LockNotAvailable)


class QualiopiCronMixin(models.AbstractModel):
    """Records a cron processes one by one, so that one bad record never stops
    the cron for the others: its error is kept on it and shown to staff."""

    _name = "qualiopi.cron.mixin"
    _description = "Qualiopi record processed by a cron"

    qualiopi_cron_error = fields.Text(
        string="Automatic processing error",
        readonly=True,
        copy=False,
        help="Why the last automatic processing (deadline reminders) failed on "
        "this record; cleared once it succeeds.",
    )

    def _qualiopi_process_isolated(self, process):
        """Call ``process(records)`` on ``self`` in one savepoint; if it fails,
        again record by record, each in its own savepoint. A record that still
        fails keeps the error in ``qualiopi_cron_error`` and the others go on.
        Return the records processed."""
        if not self:
            return self
        try:
            with self.env.cr.savepoint():
                process(self)
        except CONCURRENCY_ERRORS:
            raise
        except Exception:  # noqa: BLE001 - any error of one record, retried one by one
            _logger.info("%s: batch failed, retried record by record", self._name)
        else:
            # A read-only field the cron writes, whoever runs it.
            self.filtered("qualiopi_cron_error").sudo().qualiopi_cron_error = False
            return self
        done = self.browse()
        for record in self.with_prefetch():
            try:
                with self.env.cr.savepoint():
                    process(record)
            except CONCURRENCY_ERRORS:
                raise
            except Exception as error:  # noqa: BLE001 - kept on the record, shown to staff
                _logger.warning(
                    "%s %s: automatic processing failed", self._name, record.id, exc_info=True
                )
                with self.env.cr.savepoint():
                    # A read-only field the cron writes, whoever runs it.
                    record.sudo().qualiopi_cron_error = f"{fields.Datetime.now()}: {error}"
            else:
                if record.qualiopi_cron_error:
                    record.sudo().qualiopi_cron_error = False
                done |= record
        return done
