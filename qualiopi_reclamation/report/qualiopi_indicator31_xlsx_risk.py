from odoo import api, models


class ReportIndicator31Xlsx(models.AbstractModel):
    """The quality risks' sheet of the audit report's workbook."""

    _inherit = "report.qualiopi_reclamation.report_indicator31_xlsx"

    @api.model
    def _qualiopi_xlsx_sheets(self, wizard):
        """A sheet of the report's risks (the PDF's improvement section)."""
        sheets = super()._qualiopi_xlsx_sheets(wizard)
        Report = self._qualiopi_report()
        # Superuser, as the PDF: the company was checked by the report.
        risks = self.env["qualiopi.risk"].sudo().search(Report._qualiopi_risk_domain(wizard))
        columns = [
            (self.env._("Risk"), "name"),
            (self.env._("Cause"), "cause"),
            (self.env._("Likelihood"), "likelihood"),
            (self.env._("Impact"), "impact"),
            (self.env._("Level"), "level"),
            (self.env._("Level label"), "level_label"),
            (self.env._("Treatment"), "treatment"),
            (self.env._("Owner"), "owner"),
            (self.env._("Next review"), "review_date"),
            (self.env._("State"), "state"),
            (self.env._("Source records"), "records"),
            (self.env._("Improvement actions"), "actions"),
        ]
        sheets.append(
            (
                self.env._("Quality risks"),
                [title for title, _key in columns],
                [[row[key] for _title, key in columns] for row in risks._qualiopi_report_rows()],
            )
        )
        return sheets
