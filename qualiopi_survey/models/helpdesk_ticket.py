from odoo import api, fields, models


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
        for ticket in self:
            answers = ticket.sudo().qualiopi_survey_input_ids
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
        Answer = self.env["survey.user_input"]
        answers = Answer
        for ticket in self:
            company = ticket.company_id
            survey = company.qualiopi_complaint_survey_id
            partner = ticket.partner_id
            email = partner.email or ticket.partner_email
            if not (company.qualiopi_complaint_survey_on_close and survey and email):
                continue
            if Answer.sudo().search_count(
                [("helpdesk_ticket_id", "=", ticket.id), ("survey_id", "=", survey.id)],
                limit=1,
            ):
                continue
            extra = {"partner_id": partner.id} if partner and not partner.email else {}
            answers |= survey.sudo()._create_answer(
                partner=partner if partner.email else False,
                email=email,
                check_attempts=False,
                helpdesk_ticket_id=ticket.id,
                event_id=ticket.event_id.id,
                company_id=company.id,
                **extra,
            )
        answers._qualiopi_send_invitations()
        return answers

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
