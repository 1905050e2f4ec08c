from odoo import api, models

from odoo.addons.qualiopi_reclamation.report.qualiopi_indicator31_columns import RegisterColumn


class ReportIndicator31(models.AbstractModel):
    """The mediation sections of the indicator-31 audit report: the mediator,
    the information given to complainants and the referrals."""

    _inherit = "report.qualiopi_reclamation.report_indicator31"

    @api.model
    def _qualiopi_referrals_env(self):
        # Superuser: the referrals of the report's company, after
        # _qualiopi_check_access checked the user's access to it.
        return self.env["qualiopi.mediation.referral"].sudo()

    @api.model
    def _qualiopi_referral_domain(self, wizard):
        """Referrals of the report: those of the period's complaints, and those
        made during the period (unless a sample or a stakeholder type narrows
        the report to its records)."""
        return self._qualiopi_linked_domain(
            wizard,
            "ticket_id",
            [("referral_date", ">=", wizard.date_from), ("referral_date", "<=", wizard.date_to)],
        )

    @api.model
    def _qualiopi_sections(self, wizard):
        sections = super()._qualiopi_sections(wizard)
        for place in ("procedure", "figures", "session"):
            sections[place].append(
                {
                    "name": "mediation",
                    "template": f"qualiopi_mediation.indicator31_section_{place}",
                }
            )
        return sections

    @api.model
    def _qualiopi_register_columns(self):
        """The register's workbook says when each complainant was told about
        the mediator (after the answer's columns)."""
        columns = super()._qualiopi_register_columns()
        keys = [column.key for column in columns]
        index = keys.index("response_late_days") + 1 if "response_late_days" in keys else len(keys)
        columns.insert(
            index,
            RegisterColumn("mediation_informed_date", self.env._("Told about the mediator on")),
        )
        return columns

    @api.model
    def _qualiopi_register_lines(self, wizard, domain=None):
        lines = super()._qualiopi_register_lines(wizard, domain=domain)
        tickets = self._qualiopi_tickets_env().browse([line["id"] for line in lines])
        tickets.fetch(["mediation_informed_date"])
        for line, ticket in zip(lines, tickets, strict=True):
            line["mediation_informed_date"] = ticket.mediation_informed_date or None
        return lines

    @api.model
    def _qualiopi_counted_domains(self):
        return {
            **super()._qualiopi_counted_domains(),
            "mediation_informed": [
                ("qualiopi_nature", "=", "complaint"),
                ("mediation_informed_date", "!=", False),
            ],
        }

    @api.model
    def _qualiopi_figures(self, wizard):
        figures = super()._qualiopi_figures(wizard)
        Referral = self._qualiopi_referrals_env()
        states = dict(Referral._fields["state"]._description_selection(self.env))
        # One read of the referrals for their states and the late ones.
        by_state = {}
        late = 0
        for state, is_late, count in Referral._read_group(
            self._qualiopi_referral_domain(wizard),
            ["state", "is_outcome_late"],
            ["__count"],
            order="state",
        ):
            by_state[state] = by_state.get(state, 0) + count
            late += count if is_late else 0
        figures["mediation"] = {
            # Superuser: the company's mediator, a configuration record.
            "mediator": wizard.company_id.sudo().qualiopi_mediator_id.name or "",
            "informed": figures["counted"]["mediation_informed"],
            "referrals": sum(by_state.values()),
            "by_state": [
                {"key": state, "label": states.get(state, state), "count": count}
                for state, count in by_state.items()
            ],
            "late": late,
        }
        return figures

    @api.model
    def _qualiopi_session_data(self, wizard, event):
        data = super()._qualiopi_session_data(wizard, event)
        fmt = self._qualiopi_dt_formatter(wizard)
        for record in data["records"]:
            ticket = record["ticket"]
            if ticket.qualiopi_nature != "complaint":
                continue
            if ticket.mediation_informed_date:
                message = ticket.mediation_informed_message_id
                note = self.env._(
                    "Told about the mediator on %(date)s",
                    date=fmt(ticket.mediation_informed_date),
                )
                if message:
                    note += " " + self.env._("(message #%(id)s)", id=message.id)
            else:
                note = self.env._("Not told about the mediator yet")
            record["notes"].append(note)
        data["mediations"] = self._qualiopi_referrals_env().search(
            [
                ("company_id", "=", wizard.company_id.id),
                ("ticket_id.event_id", "=", event.id),
            ],
            order="referral_date, id",
        )
        return data
