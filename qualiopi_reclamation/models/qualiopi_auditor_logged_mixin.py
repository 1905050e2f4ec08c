import contextvars

from odoo import api, models

# Set while a logged read runs, so that the reads it makes in turn (the
# display names of related records, the records of a list) are not logged
# again. A context variable, not an Odoo context key: a client chooses the
# context of its calls and must not be able to switch the log off.
_LOGGING = contextvars.ContextVar("qualiopi_auditor_logging", default=False)


def _read_write_cursor(method):
    """Odoo 18 serves methods marked ``@api.readonly`` (read, web_read,
    search_read, web_search_read) on a read-only cursor: the log of what an
    auditor opens is written in the same request, so these run on a
    read/write one."""
    method._readonly = False
    return method


def _logged_call(action, call, records_of):
    """Run ``call`` and log what it returned (``records_of(result)``),
    unless a logged read is already under way."""
    if _LOGGING.get():
        return call()
    token = _LOGGING.set(True)
    try:
        result = call()
    finally:
        _LOGGING.reset(token)
    records = records_of(result)
    if records:
        records.env["qualiopi.auditor.access.log"]._qualiopi_log(action, records)
    return result


class QualiopiAuditorLoggedMixin(models.AbstractModel):
    """Models whose records an auditor opens are logged (who, what, when),
    after the read succeeded (the record rules and access rights applied),
    whether the web client or a raw RPC call asked."""

    _name = "qualiopi.auditor.logged.mixin"
    _description = "Qualiopi: reads logged for auditors"

    @_read_write_cursor
    def read(self, fields=None, load="_classic_read"):
        return _logged_call(
            "open",
            lambda: super(QualiopiAuditorLoggedMixin, self).read(fields, load),
            lambda _r: self,
        )

    @_read_write_cursor
    def web_read(self, specification):
        return _logged_call(
            "open",
            lambda: super(QualiopiAuditorLoggedMixin, self).web_read(specification),
            lambda _r: self,
        )

    @api.model
    @_read_write_cursor
    def search_read(
        self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs
    ):
        return _logged_call(
            "list",
            lambda: super(QualiopiAuditorLoggedMixin, self).search_read(
                domain, fields, offset=offset, limit=limit, order=order, **read_kwargs
            ),
            lambda result: self.browse([values["id"] for values in result]),
        )

    @api.model
    @_read_write_cursor
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        return _logged_call(
            "list",
            lambda: super(QualiopiAuditorLoggedMixin, self).web_search_read(
                domain,
                specification,
                offset=offset,
                limit=limit,
                order=order,
                count_limit=count_limit,
            ),
            lambda result: self.browse([values["id"] for values in result["records"]]),
        )
