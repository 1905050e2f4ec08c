from odoo import api, fields, models

from . import qualiopi_indicator31_register as register_mod


class ReportIndicator31(models.AbstractModel):
    """The report's sampled sessions: each session's records, whatever their
    date, with everything an auditor checks per record (deadlines, dates,
    on-time marks and their proof, the handling, who was told of a hazard)."""

    _inherit = "report.qualiopi_reclamation.report_indicator31"

    @api.model
    def _qualiopi_milestone_proof(self, ticket, milestone, fmt):
        """What proves a milestone: the message sent (its number and date),
        else the recording (how, by whom, when, and the letter's scan).
        (No f-string here: the translation export's parser stops at one.)"""
        message = ticket[milestone + "_message_id"]
        if message:
            return self.env._("message #%(id)s of %(date)s", id=message.id, date=fmt(message.date))
        if not ticket[milestone + "_date"]:
            return ""
        methods = dict(ticket._fields[milestone + "_method"]._description_selection(self.env))
        proof = self.env._(
            "recorded (%(method)s) by %(user)s",
            method=methods.get(ticket[milestone + "_method"], "—"),
            user=ticket[milestone + "_user_id"].name or "—",
        )
        letter = milestone == "response" and ticket.response_attachment_id
        if letter:
            proof += ", " + self.env._("scan %(name)s", name=letter.name)
        return proof

    @api.model
    def _qualiopi_session_record(self, ticket, business_days, texts, fmt, now):
        """One record of a sampled session, everything an auditor checks:
        each milestone's deadline, date, on-time mark and proof; the handling;
        for a hazard, who was informed and when."""
        record = {"ticket": ticket, "notes": []}
        for milestone in ("ack", "response"):
            date, deadline = ticket[milestone + "_date"], ticket[milestone + "_deadline"]
            late_days = business_days.late(ticket.team_id.id, deadline, date or now)
            record[milestone] = {
                "cell": register_mod.milestone_cell(
                    texts, fmt(date), fmt(deadline), bool(date), late_days
                ),
                "late": bool(late_days),
                "late_days": late_days,
                "proof": self._qualiopi_milestone_proof(ticket, milestone, fmt),
            }
        informed = ""
        if ticket.qualiopi_nature == "hazard":
            labels = (
                ("qualiopi_hazard_informed_trainees", self.env._("trainees")),
                ("qualiopi_hazard_informed_client", self.env._("client company")),
                ("qualiopi_hazard_informed_funder", self.env._("funder")),
            )
            whom = [label for flag, label in labels if ticket[flag]]
            if whom and ticket.qualiopi_hazard_informed_date:
                informed = self.env._(
                    "%(whom)s, on %(date)s",
                    whom=", ".join(whom),
                    date=fmt(ticket.qualiopi_hazard_informed_date),
                )
            elif whom:
                informed = self.env._("%(whom)s (date not recorded)", whom=", ".join(whom))
            else:
                informed = self.env._("nobody recorded")
        evidence = []
        if ticket.qualiopi_transcribed_by_id:
            evidence.append(
                self.env._("transcribed by %(user)s", user=ticket.qualiopi_transcribed_by_id.name)
            )
        record.update(
            {
                "handling": ticket.qualiopi_hazard_measure
                or ticket.qualiopi_difficulty_handling
                or ticket.qualiopi_corrective_note
                or "",
                "informed": informed,
                "evidence": "; ".join(evidence),
            }
        )
        return record

    @api.model
    def _qualiopi_session_data(self, wizard, event):
        """One sampled session: its records (whatever their date) with their
        handling and evidence. Other addons add keys (surveys, mediations), and
        lines to a record's ``notes``."""
        Ticket = self._qualiopi_tickets_env()
        domain = [
            ("qualiopi_nature", "!=", False),
            ("company_id", "=", wizard.company_id.id),
            ("event_id", "=", event.id),
        ]
        tickets = Ticket.search(domain, order="received_date, id")
        fmt = self._qualiopi_dt_formatter(wizard)
        business_days = self._qualiopi_business_days(
            wizard, date_from=min(tickets.mapped("received_date"), default=None)
        )
        texts = register_mod.milestone_texts(self.env)
        now = fields.Datetime.now()
        return {
            "event": event.sudo(),  # a sampled session (company checked first)
            "records": [
                self._qualiopi_session_record(ticket, business_days, texts, fmt, now)
                for ticket in tickets
            ],
            "counts": dict(Ticket._read_group(domain, ["qualiopi_nature"], ["__count"])),
            "actions": self._qualiopi_actions_env().search([("event_ids", "in", event.ids)]),
        }
