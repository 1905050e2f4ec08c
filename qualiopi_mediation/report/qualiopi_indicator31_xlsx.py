from odoo import api, models


class ReportIndicator31Xlsx(models.AbstractModel):
    """The mediation sheet of the indicator-31 audit report's workbook."""

    _inherit = "report.qualiopi_reclamation.report_indicator31_xlsx"

    @api.model
    def _qualiopi_xlsx_sheets(self, wizard):
        """A sheet of the report's mediation referrals, when there are any."""
        sheets = super()._qualiopi_xlsx_sheets(wizard)
        Report = self._qualiopi_report()
        Referral = Report._qualiopi_referrals_env()
        referrals = Referral.search(
            Report._qualiopi_referral_domain(wizard), order="referral_date, id"
        )
        if not referrals:
            return sheets
        states = dict(Referral._fields["state"]._description_selection(self.env))
        requesters = dict(Referral._fields["requested_by"]._description_selection(self.env))
        rows = [
            [
                referral.name,
                referral.ticket_id.number or "",
                referral.ticket_id.event_id.name or "",
                referral.mediator_id.name,
                referral.mediator_reference or "",
                requesters.get(referral.requested_by, ""),
                referral.ticket_id.received_date,
                referral.ticket_id.mediation_informed_date,
                referral.referral_date,
                referral.outcome_deadline,
                states.get(referral.state, ""),
                referral.outcome_date,
                referral.admissibility_warning or "",
            ]
            for referral in referrals
        ]
        sheets.append(
            (
                self.env._("Mediation"),
                [
                    self.env._("Reference"),
                    self.env._("Complaint"),
                    self.env._("Session"),
                    self.env._("Mediator"),
                    self.env._("Mediator's file reference"),
                    self.env._("Requested by"),
                    self.env._("Complaint received on"),
                    self.env._("Mediation information sent on"),
                    self.env._("Referred on"),
                    self.env._("Outcome due by"),
                    self.env._("State"),
                    self.env._("Outcome on"),
                    self.env._("Admissibility"),
                ],
                rows,
            )
        )
        return sheets
