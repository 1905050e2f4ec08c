from odoo import models


class QualiopiIndicator31Report(models.TransientModel):
    _inherit = "qualiopi.indicator31.report"

    def _qualiopi_referral_domain(self):
        """Referrals of the report: those of the period's complaints, and those
        made during the period (unless a sample or a stakeholder type narrows
        the report to its records)."""
        self.ensure_one()
        from_tickets = [("ticket_id", "any", self._qualiopi_ticket_domain())]
        if self.event_ids or self.stakeholder_type:
            return [("company_id", "=", self.company_id.id), *from_tickets]
        return [
            ("company_id", "=", self.company_id.id),
            "|",
            *from_tickets,
            "&",
            ("referral_date", ">=", self.date_from),
            ("referral_date", "<=", self.date_to),
        ]

    def _qualiopi_figures(self):
        figures = super()._qualiopi_figures()
        Referral = self.env["qualiopi.mediation.referral"].sudo()
        Ticket = self._qualiopi_tickets_env()
        complaint_domain = [
            *self._qualiopi_ticket_domain(),
            ("qualiopi_nature", "=", "complaint"),
        ]
        states = dict(Referral._fields["state"]._description_selection(self.env))
        by_state = Referral._read_group(
            self._qualiopi_referral_domain(), ["state"], ["__count"], order="state"
        )
        figures["mediation"] = {
            "mediator": self.company_id.sudo().qualiopi_mediator_id.name or "",
            "informed": Ticket.search_count(
                [*complaint_domain, ("mediation_informed_date", "!=", False)]
            ),
            "referrals": sum(count for _state, count in by_state),
            "by_state": [
                {"key": state, "label": states.get(state, state), "count": count}
                for state, count in by_state
            ],
            "late": Referral.search_count(
                [*self._qualiopi_referral_domain(), ("is_outcome_late", "=", True)]
            ),
        }
        return figures

    def _qualiopi_session_data(self, event):
        data = super()._qualiopi_session_data(event)
        data["mediations"] = (
            self.env["qualiopi.mediation.referral"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("ticket_id.event_id", "=", event.id),
                ],
                order="referral_date, id",
            )
        )
        return data

    def _qualiopi_xlsx_sheets(self):
        """A sheet of the report's mediation referrals, when there are any."""
        sheets = super()._qualiopi_xlsx_sheets()
        Referral = self.env["qualiopi.mediation.referral"].sudo()
        referrals = Referral.search(self._qualiopi_referral_domain(), order="referral_date, id")
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
