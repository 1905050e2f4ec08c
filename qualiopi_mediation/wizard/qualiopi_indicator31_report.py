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
