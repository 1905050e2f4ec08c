from odoo import api, models


def _read_write_cursor(method):
    """Odoo 18 serves methods marked ``@api.readonly`` (web_read,
    web_search_read) on a read-only cursor: the log of what an auditor opens
    is written in the same request, so these run on a read/write one."""
    method._readonly = False
    return method


class QualiopiAuditorLoggedMixin(models.AbstractModel):
    """Models whose pages an auditor opens are logged (who, what, when), after
    the read succeeded (the record rules and access rights applied)."""

    _name = "qualiopi.auditor.logged.mixin"
    _description = "Qualiopi: reads logged for auditors"

    @_read_write_cursor
    def web_read(self, specification):
        result = super().web_read(specification)
        if not self.env.context.get("qualiopi_auditor_listing"):
            self.env["qualiopi.auditor.access.log"]._qualiopi_log("open", self)
        return result

    @api.model
    @_read_write_cursor
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        result = super(
            QualiopiAuditorLoggedMixin, self.with_context(qualiopi_auditor_listing=True)
        ).web_search_read(
            domain,
            specification,
            offset=offset,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )
        records = self.browse([values["id"] for values in result["records"]])
        if records:
            self.env["qualiopi.auditor.access.log"]._qualiopi_log("list", records)
        return result
