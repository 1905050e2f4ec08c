from odoo import api, fields, models


class ReportIndicator31(models.AbstractModel):
    """The version of the national standard the audit report cites: the one in
    force on the audit date, with its indicator numbers (``qualiopi.standard.
    version``), so that the report's title and headings follow a new
    numbering without a change of code."""

    _inherit = "report.qualiopi_reclamation.report_indicator31"

    @api.model
    def _qualiopi_standard_date(self, wizard):
        """The audit date: the day the report is printed, in the company's
        time zone (the auditor audits against the version in force then)."""
        return fields.Date.context_today(self.with_context(tz=self._qualiopi_tz(wizard)))

    @api.model
    def _qualiopi_standard(self, wizard):
        """The version cited, as plain values: ``name``, ``decree``,
        ``date_from``, ``numbers`` ({key: number}), ``names``, ``labels``
        ({key: "indicator 32"}, in the report's language) and ``title``."""
        Version = self.env["qualiopi.standard.version"]
        standard = Version._qualiopi_in_force(self._qualiopi_standard_date(wizard))
        citation = standard._qualiopi_citation()
        citation["labels"] = {
            key: self.env._("indicator %(number)s", number=number)
            for key, number in citation["numbers"].items()
        }
        citation["title"] = self._qualiopi_standard_title(citation["numbers"].get("complaints"))
        return citation

    @api.model
    def _qualiopi_standard_title(self, number):
        if number:
            return self.env._(
                "Qualiopi indicator %(number)s: complaints, difficulties and hazards",
                number=number,
            )
        return self.env._("Qualiopi: complaints, difficulties and hazards")

    @api.model
    def _qualiopi_report_data(self, wizard):
        data = super()._qualiopi_report_data(wizard)
        data["standard"] = self._qualiopi_standard(wizard)
        return data
