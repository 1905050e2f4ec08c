from markupsafe import Markup

from odoo import api, fields, models

from .survey_survey import PURPOSE_STAKEHOLDER


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    qualiopi_user_input_id = fields.Many2one(
        comodel_name="survey.user_input",
        string="Survey answer",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
        help="The survey answer (low score or flagged comment) that opened this difficulty.",
    )
    qualiopi_survey_input_ids = fields.One2many(
        comodel_name="survey.user_input",
        inverse_name="helpdesk_ticket_id",
        string="Complaint-handling surveys",
    )
    qualiopi_handling_satisfaction = fields.Float(
        string="Satisfaction with the handling (/100)",
        compute="_compute_qualiopi_handling_satisfaction",
        store=True,
        digits=(5, 1),
        aggregator="avg",
    )
    qualiopi_handling_survey_state = fields.Selection(
        selection=[
            ("invited", "Invited"),
            ("answered", "Answered"),
        ],
        string="Complaint-handling survey",
        compute="_compute_qualiopi_handling_satisfaction",
        store=True,
    )

    _sql_constraints = [
        (
            "qualiopi_user_input_uniq",
            "UNIQUE(qualiopi_user_input_id)",
            "A survey answer opens at most one difficulty.",
        ),
    ]

    @api.depends(
        "qualiopi_survey_input_ids.state",
        "qualiopi_survey_input_ids.qualiopi_satisfaction",
    )
    def _compute_qualiopi_handling_satisfaction(self):
        # Stored, so computed as superuser: the score shows to whoever reads
        # the ticket, though only survey officers read the answers.
        for ticket in self:
            answers = ticket.qualiopi_survey_input_ids
            done = answers.filtered(lambda a: a.state == "done" and a.qualiopi_is_scored)
            ticket.qualiopi_handling_satisfaction = done[:1].qualiopi_satisfaction
            ticket.qualiopi_handling_survey_state = (
                "answered"
                if answers.filtered(lambda a: a.state == "done")
                else "invited"
                if answers
                else False
            )

    def write(self, vals):
        closing = self.browse()
        if "stage_id" in vals:
            closing = self.filtered(
                lambda t: t.qualiopi_nature == "complaint" and not t.stage_id.closed
            )
        result = super().write(vals)
        closed = closing.filtered(lambda t: t.stage_id.closed)
        if closed:
            closed._qualiopi_invite_complaint_survey()
        return result

    def _qualiopi_invite_complaint_survey(self):
        """Invite the complainants of closed complaints to appraise the handling,
        once per complaint (company setting)."""
        # sudo: the invitation follows the closing, which the ticket's rules
        # allowed (write), whatever the closer's survey rights.
        return self.env["survey.user_input"]._qualiopi_invite_once(
            [
                {
                    "survey": ticket.company_id.qualiopi_complaint_survey_id.sudo(),
                    "partner": ticket.partner_id,
                    "email": ticket.partner_id.email or ticket.partner_email,
                    "helpdesk_ticket_id": ticket.id,
                    "event_id": ticket.event_id.id,
                    "company_id": ticket.company_id.id,
                }
                for ticket in self
                if ticket.company_id.qualiopi_complaint_survey_on_close
                and ticket.company_id.qualiopi_complaint_survey_id
                and (ticket.partner_id.email or ticket.partner_email)
            ]
        )

    @api.model
    def _qualiopi_difficulty_values(self, answer, reason):
        """The values of the difficulty that a survey answer opens: its
        respondent, session and registration, the reason and the free text."""
        partner = answer.partner_id
        body = Markup("<p>%s</p>") % reason
        texts = [
            (line.question_id.title, line.value_text_box or line.value_char_box)
            for line in answer.user_input_line_ids
            if line.answer_type in ("text_box", "char_box")
            and (line.value_text_box or line.value_char_box)
        ]
        if texts:
            body += Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li><b>%s</b> %s</li>") % (title, text) for title, text in texts
            )
        values = {
            "name": answer.env._(
                "Satisfaction alert: %(survey)s - %(respondent)s",
                survey=answer.survey_id.title,
                respondent=partner.name or answer.email or answer.nickname or "?",
            ),
            "description": body,
            "qualiopi_nature": "difficulty",
            "stakeholder_type": PURPOSE_STAKEHOLDER.get(answer.qualiopi_purpose) or "other",
            "partner_id": partner.id,
            "event_id": answer.event_id.id,
            "event_registration_id": answer.event_registration_id.id,
            "qualiopi_user_input_id": answer.id,
            "received_date": fields.Datetime.now(),
            "user_id": (answer.event_id.user_id or answer.helpdesk_ticket_id.user_id).id,
        }
        if answer.company_id:
            values["company_id"] = answer.company_id.id
        if not partner:
            values.update(partner_email=answer.email, partner_name=answer.nickname)
        return values

    def action_view_qualiopi_survey_input(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "qualiopi_survey.action_qualiopi_survey_user_input"
        )
        action["domain"] = [
            "|",
            ("helpdesk_ticket_id", "=", self.id),
            ("id", "=", self.qualiopi_user_input_id.id),
        ]
        action["context"] = {}
        return action
