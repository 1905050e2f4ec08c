from odoo import api, models
from odoo.osv import expression


class ReportIndicator31(models.AbstractModel):
    """The quality risks in the report's improvement section (indicator 32 of
    the 2026 standard) and in the annual review's figures."""

    _inherit = "report.qualiopi_reclamation.report_indicator31"

    @api.model
    def _qualiopi_risk_domain(self, wizard):
        """The risks of the report: those of the period's records, and those
        open at some time in the period unless a sample or a stakeholder type
        narrows the report to its records."""
        start, stop = self._qualiopi_bounds(wizard)
        in_period = expression.AND(
            [
                [("create_date", "<", stop)],
                ["|", ("closed_date", "=", False), ("closed_date", ">=", wizard.date_from)],
            ]
        )
        return self._qualiopi_linked_domain(wizard, "ticket_ids", in_period)

    @api.model
    def _qualiopi_figures(self, wizard):
        """The assessed risks in a table; those the register proposed and
        nobody assessed yet only counted and named: their likelihood and
        impact are the defaults, which a table would print as a level."""
        figures = super()._qualiopi_figures(wizard)
        # Superuser, as the improvement actions: the company was checked first.
        risks = (
            self.env["qualiopi.risk"]
            .sudo()
            .search_fetch(self._qualiopi_risk_domain(wizard), ["state", "name"])
        )
        proposed = risks.filtered(lambda risk: risk.state == "proposed")
        figures["risks"] = (risks - proposed)._qualiopi_report_rows()
        figures["risk_proposals"] = proposed._qualiopi_proposals_summary()
        return figures

    @api.model
    def _qualiopi_sections(self, wizard):
        sections = super()._qualiopi_sections(wizard)
        sections.setdefault("improvement", []).append(
            {"name": "risks", "template": "qualiopi_reclamation.indicator31_section_risks"}
        )
        return sections
