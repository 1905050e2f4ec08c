from odoo import fields, models


class QualiopiProcedureVersion(models.Model):
    """A superseded version of a company's procedure, kept as evidence."""

    _name = "qualiopi.procedure.version"
    _description = "Qualiopi Procedure Version"
    _order = "procedure_id, version desc"
    _log_access = True

    procedure_id = fields.Many2one(
        comodel_name="qualiopi.procedure",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="procedure_id.company_id", store=True)
    version = fields.Integer(required=True, readonly=True)
    version_date = fields.Date(string="Version date", readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Author", readonly=True)
    introduction = fields.Html(readonly=True)
    public_note = fields.Html(string="Note to stakeholders", readonly=True)
    change_note = fields.Char(string="What changed", readonly=True)

    def _qualiopi_procedure_data(self):
        """The procedure's data with this version's texts, for printing a
        superseded version (the evidence pack prints every version in force
        in its period) with the procedure's own template."""
        self.ensure_one()
        data = self.procedure_id._qualiopi_procedure_data()
        data["procedure"] = self
        return data
