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
        columns = [
            (self.env._("Reference"), lambda referral: referral.name),
            (self.env._("Complaint"), lambda referral: referral.ticket_id.number or ""),
            (self.env._("Session"), lambda referral: referral.ticket_id.event_id.name or ""),
            (self.env._("Mediator"), lambda referral: referral.mediator_id.name),
            (
                self.env._("Mediator's file reference"),
                lambda referral: referral.mediator_reference or "",
            ),
            (
                self.env._("Requested by"),
                lambda referral: requesters.get(referral.requested_by, ""),
            ),
            (
                self.env._("Complaint received on"),
                lambda referral: referral.ticket_id.received_date,
            ),
            (
                self.env._("Mediation information sent on"),
                lambda referral: referral.ticket_id.mediation_informed_date,
            ),
            (self.env._("Referred on"), lambda referral: referral.referral_date),
            (self.env._("Outcome due by"), lambda referral: referral.outcome_deadline),
            (self.env._("State"), lambda referral: states.get(referral.state, "")),
            (self.env._("Outcome on"), lambda referral: referral.outcome_date),
            (self.env._("Admissibility"), lambda referral: referral.admissibility_warning or ""),
        ]
        sheets.append(self._qualiopi_records_sheet(self.env._("Mediation"), columns, referrals))
        return sheets
