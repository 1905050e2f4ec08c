import datetime
from collections import defaultdict

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

# What tells invitations apart, by their first link: a registration, a
# complaint, a funder's year, else a contact of a session.
INVITATION_KEYS = (
    ("event_registration_id",),
    ("helpdesk_ticket_id",),
    ("qualiopi_year", "company_id", "partner_id"),
    ("event_id", "partner_id"),
)


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    # Links
    event_id = fields.Many2one(
        comodel_name="event.event",
        string="Training session",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    event_registration_id = fields.Many2one(
        comodel_name="event.registration",
        string="Registration",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    helpdesk_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Complaint",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The complaint whose handling this answer appraises.",
    )
    qualiopi_purpose = fields.Selection(
        related="survey_id.qualiopi_purpose",
        store=True,
        string="Qualiopi purpose",
    )
    event_type_id = fields.Many2one(related="event_id.event_type_id", store=True, string="Course")
    qualiopi_trainer_partner_id = fields.Many2one(
        related="event_id.qualiopi_trainer_partner_id", store=True, string="Trainer"
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        index="btree_not_null",
    )
    qualiopi_year = fields.Integer(
        string="Period (year)",
        help="For a yearly survey (funders): the year whose sessions it appraises.",
        readonly=True,
    )
    # Invitations and reminders
    qualiopi_invitation_date = fields.Datetime(string="Invited on", readonly=True, copy=False)
    qualiopi_reminder_count = fields.Integer(string="Reminders sent", readonly=True, copy=False)
    qualiopi_last_reminder_date = fields.Datetime(string="Last reminder", readonly=True, copy=False)
    qualiopi_next_reminder_date = fields.Datetime(
        string="Next reminder", readonly=True, copy=False, index="btree_not_null"
    )
    # Score
    qualiopi_satisfaction = fields.Float(
        string="Satisfaction (/100)",
        compute="_compute_qualiopi_satisfaction",
        store=True,
        compute_sudo=True,
        digits=(5, 1),
        aggregator="avg",
        help="Average of the answers to the satisfaction questions, each brought "
        "to 0-100: a scale from its minimum to its maximum, a choice by its points "
        "against the best answer. Computed once the survey is completed.",
    )
    qualiopi_is_scored = fields.Boolean(
        string="Scored",
        compute="_compute_qualiopi_satisfaction",
        store=True,
        compute_sudo=True,
    )
    qualiopi_is_low = fields.Boolean(
        string="Low satisfaction",
        compute="_compute_qualiopi_is_low",
        store=True,
        compute_sudo=True,
    )
    # Alerts
    qualiopi_difficulty_ids = fields.One2many(
        comodel_name="helpdesk.ticket",
        inverse_name="qualiopi_user_input_id",
        string="Difficulties opened",
    )
    qualiopi_difficulty_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Difficulty",
        compute="_compute_qualiopi_difficulty_id",
    )

    _sql_constraints = [
        (
            "qualiopi_registration_survey_uniq",
            "UNIQUE(event_registration_id, survey_id)",
            "A registration is invited once to each survey.",
        ),
        (
            "qualiopi_ticket_survey_uniq",
            "UNIQUE(helpdesk_ticket_id, survey_id)",
            "A complainant is invited once to each survey about the same complaint.",
        ),
    ]

    def init(self):
        super().init()
        # Invitations without a registration: client companies and trainers of
        # a session, funders of a year. One each, whatever the cron does.
        self.env.cr.execute(
            SQL(
                """
                CREATE UNIQUE INDEX IF NOT EXISTS
                    survey_user_input_qualiopi_event_partner_uniq
                ON survey_user_input (event_id, survey_id, partner_id)
                WHERE event_id IS NOT NULL AND event_registration_id IS NULL;
                CREATE UNIQUE INDEX IF NOT EXISTS
                    survey_user_input_qualiopi_year_partner_uniq
                ON survey_user_input (company_id, survey_id, partner_id, qualiopi_year)
                WHERE qualiopi_year IS NOT NULL AND qualiopi_year != 0;
                """
            )
        )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("event_id.company_id", "helpdesk_ticket_id.company_id")
    def _compute_company_id(self):
        for answer in self:
            company = answer.event_id.company_id or answer.helpdesk_ticket_id.company_id
            if company or not answer.company_id:
                answer.company_id = company

    @api.depends(
        "state",
        "user_input_line_ids.skipped",
        "user_input_line_ids.value_scale",
        "user_input_line_ids.suggested_answer_id",
        "user_input_line_ids.question_id.is_qualiopi_satisfaction",
    )
    def _compute_qualiopi_satisfaction(self):
        for answer in self:
            scores = []
            if answer.state == "done":
                lines = answer.user_input_line_ids.filtered("question_id.is_qualiopi_satisfaction")
                for question in lines.question_id:
                    score = question._qualiopi_score(
                        lines.filtered(lambda line, q=question: line.question_id == q)
                    )
                    if score is not None:
                        scores.append(score)
            answer.qualiopi_is_scored = bool(scores)
            answer.qualiopi_satisfaction = round(sum(scores) / len(scores), 1) if scores else 0.0

    @api.depends(
        "qualiopi_is_scored",
        "qualiopi_satisfaction",
        "company_id.qualiopi_alert_threshold",
    )
    def _compute_qualiopi_is_low(self):
        for answer in self:
            company = answer.company_id or self.env.company
            answer.qualiopi_is_low = bool(
                answer.qualiopi_is_scored
                and answer.qualiopi_satisfaction < company.qualiopi_alert_threshold
            )

    @api.depends("qualiopi_difficulty_ids")
    def _compute_qualiopi_difficulty_id(self):
        for answer in self:
            answer.qualiopi_difficulty_id = answer.qualiopi_difficulty_ids[:1]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Each invitation gets its own token: the survey's attempt limit
        # counts per token, so the invitation is answered once, and a trainee
        # invited to the same survey for two sessions answers each.
        for vals in vals_list:
            if not vals.get("invite_token") and self._qualiopi_invitation_vals(vals):
                vals["invite_token"] = self._generate_invite_token()
        return super().create(vals_list)

    @api.model
    def _qualiopi_invitation_vals(self, vals):
        return any(vals.get(name) for name in ("event_id", "helpdesk_ticket_id", "qualiopi_year"))

    def _qualiopi_is_invitation(self):
        """Whether our code invited this answer (an attendee or contact of a
        session, a complainant, a funder of a year); never an answer a visitor
        started from the survey's public link, nor Odoo's retry of an answer."""
        self.ensure_one()
        return bool(self.event_id or self.helpdesk_ticket_id or self.qualiopi_year)

    def _save_lines(self, question, answer, comment=None, overwrite_existing=True):
        # The answer to an invitation is evidence once completed: nobody
        # rewrites it afterwards, whatever the route.
        if self.qualiopi_purpose and self.state == "done" and not self.test_entry:
            raise UserError(self.env._("This survey has already been answered."))
        return super()._save_lines(
            question, answer, comment=comment, overwrite_existing=overwrite_existing
        )

    # ------------------------------------------------------------------
    # Completion
    # ------------------------------------------------------------------

    def _mark_done(self):
        result = super()._mark_done()
        self.filtered("qualiopi_purpose").write({"qualiopi_next_reminder_date": False})
        self._qualiopi_check_alerts()
        return result

    def _qualiopi_check_alerts(self):
        """Open one difficulty per invitation answered below the company
        threshold. An answer nobody invited (the survey's public link) opens
        none: anyone could send it, as often as they like."""
        low = self.filtered(
            lambda a: (
                a.qualiopi_purpose
                and not a.test_entry
                and a.state == "done"
                and a.qualiopi_is_low
                and a._qualiopi_is_invitation()
                and not a._qualiopi_invitation_difficulties()
            )
        )
        for answer in low:
            company = answer.company_id or self.env.company
            answer = answer._qualiopi_in_register_lang()
            answer._qualiopi_open_difficulty(
                answer.env._(
                    "Satisfaction %(score)s/100, below the alert threshold of %(threshold)s/100.",
                    score=tools.float_repr(answer.qualiopi_satisfaction, 1),
                    threshold=company.qualiopi_alert_threshold,
                )
            )
        return low

    def _qualiopi_invitation_difficulties(self):
        """The difficulties already opened by this answer or by another
        answer to the same invitation (same token)."""
        self.ensure_one()
        domain = [("qualiopi_user_input_id", "=", self.id)]
        if self.invite_token:
            domain = [
                "|",
                *domain,
                "&",
                ("qualiopi_user_input_id.survey_id", "=", self.survey_id.id),
                ("qualiopi_user_input_id.invite_token", "=", self.invite_token),
            ]
        # sudo: the respondent completing the survey cannot read the
        # register; only whether this invitation already opened one is known.
        return self.env["helpdesk.ticket"].sudo().with_context(active_test=False).search(domain)

    def _qualiopi_in_register_lang(self):
        """In the language of the organisation whose staff read the register."""
        company = self.company_id or self.env.company
        return self.with_context(lang=company.partner_id.lang or self.env.lang)

    def _qualiopi_open_difficulty(self, reason):
        """The difficulty this answer opened (once, in the register's language).
        A second alert on the same answer (a low score, then a flagged comment)
        is posted on the existing difficulty instead of opening another one.
        """
        self.ensure_one()
        answer = self._qualiopi_in_register_lang()
        # sudo: the respondent completing the survey (a visitor, a portal
        # user) opens it, or a Qualiopi user flagging the answer (checked by
        # the actions); its links come from the invitation, not from the
        # respondent, and what they wrote is escaped into the description.
        Ticket = answer.env["helpdesk.ticket"].sudo()
        existing = Ticket.search([("qualiopi_user_input_id", "=", answer.id)], limit=1)
        if existing:
            existing.message_post(body=reason, subtype_xmlid="mail.mt_note")
            return existing
        answer = answer.sudo()
        ticket = Ticket.with_context(qualiopi_no_auto_ack=True).create(
            Ticket._qualiopi_difficulty_values(answer, reason)
        )
        answer.message_post(
            body=answer.env._(
                "Difficulty %(ticket)s opened in the Qualiopi register.",
                ticket=ticket.display_name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return ticket

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_qualiopi_open_difficulty(self):
        """Flag this answer as worrying: it opens (or shows) its difficulty."""
        self.ensure_one()
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_user"):
            raise UserError(
                self.env._("Only a Qualiopi user can open a difficulty from an answer.")
            )
        ticket = self._qualiopi_open_difficulty(
            self.env._("Answer flagged as worrying by %(user)s.", user=self.env.user.name)
        )
        return self._qualiopi_action_ticket(ticket)

    def action_view_qualiopi_difficulty(self):
        self.ensure_one()
        return self._qualiopi_action_ticket(self.qualiopi_difficulty_id)

    def _qualiopi_action_ticket(self, ticket):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Difficulty"),
            "res_model": "helpdesk.ticket",
            "res_id": ticket.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("qualiopi_reclamation.helpdesk_ticket_view_form_qualiopi").id,
                    "form",
                )
            ],
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Invitations and reminders
    # ------------------------------------------------------------------

    def _qualiopi_reminder_days(self):
        """Days after the invitation of each reminder: the session's settings,
        else the company's (complainants, funders)."""
        self.ensure_one()
        settings = self.event_id or self.company_id or self.env.company
        return settings._qualiopi_reminder_days()

    def _qualiopi_next_reminder(self, count, invitation_date):
        days = self._qualiopi_reminder_days()
        if count >= len(days) or not invitation_date:
            return False
        return invitation_date + datetime.timedelta(days=days[count])

    def _qualiopi_send(self, template_xmlid):
        """Email the answers in one batch through Odoo's mass-mail composer.

        Each email is logged on the answer's chatter (the evidence of the
        invitation or reminder, with its date and recipient).
        """
        if not self:
            return self.env["mail.mail"]
        template = self.env.ref(template_xmlid)
        # sudo: the sending was allowed before (a Qualiopi user's button, the
        # closing of a complaint, the cron); posting the email on each answer
        # needs rights on answers that the one who triggered it may not hold.
        return self.sudo().message_mail_with_source(
            template,
            email_layout_xmlid="mail.mail_notification_light",
        )

    @api.model
    def _qualiopi_invitation_key(self, row):
        """What tells one invitation from another (``row``: its values, ids),
        as the unique constraints and indexes of init() do."""
        for names in INVITATION_KEYS:
            if row.get(names[0]):
                return (row["survey_id"], *(row.get(name) or False for name in names))
        return None

    @api.model
    def _qualiopi_invite_once(self, invitations):
        """Create and send the invitations not sent yet, for every path (end of
        session, follow-up, contacts of a session, funders, complainants): one
        search finds those already sent, for all the sessions at once.

        ``invitations``: dicts of ``survey`` and ``partner`` (records), ``email``
        (when the partner has none) and the answer's links (ids).
        """
        rows = [
            {
                **{k: v for k, v in invitation.items() if k not in ("survey", "partner", "email")},
                "survey_id": invitation["survey"].id,
                "partner_id": invitation["partner"].id,
            }
            for invitation in invitations
        ]
        if not rows:
            return self.browse()
        link_domains = [
            [(names[0], "in", list({row[names[0]] for row in rows if row.get(names[0])}))]
            for names in INVITATION_KEYS
            if any(row.get(names[0]) for row in rows)
        ]
        # sudo: whoever sends (a Qualiopi user, the cron) must see every
        # invitation already sent to skip it, even those they cannot read;
        # only their links are read.
        existing = self.sudo().search(
            expression.AND(
                [
                    [("survey_id", "in", list({row["survey_id"] for row in rows}))],
                    expression.OR(link_domains),
                ]
            )
        )
        link_fields = ["survey_id", *{name for names in INVITATION_KEYS for name in names}]
        done = {self._qualiopi_invitation_key(row) for row in existing.read(link_fields, load=None)}
        answers = self.browse()
        for invitation, row in zip(invitations, rows, strict=True):
            key = self._qualiopi_invitation_key(row)
            if key in done:
                continue
            done.add(key)
            partner = invitation["partner"]
            links = {k: v for k, v in row.items() if k != "survey_id" and v}
            if partner.email:
                links.pop("partner_id")
            # A contact without email keeps the answer, the email goes to the
            # address given for them (a registration's, a complaint's).
            answers |= invitation["survey"]._create_answer(
                partner=partner if partner.email else False,
                email=invitation.get("email") or partner.email,
                check_attempts=False,
                **links,
            )
        answers._qualiopi_send_invitations()
        return answers

    def _qualiopi_send_invitations(self):
        """Send the invitation of new answers, schedule their reminders."""
        to_send = self.filtered(lambda a: a.email or a.partner_id.email)
        to_send._qualiopi_send("qualiopi_survey.mail_template_survey_invitation")
        now = fields.Datetime.now()
        # One write per reminder date (per session settings), not per answer.
        by_next = defaultdict(lambda: self.browse())
        for answer in to_send:
            by_next[answer._qualiopi_next_reminder(0, now)] |= answer
        for next_date, answers in by_next.items():
            answers.write(
                {"qualiopi_invitation_date": now, "qualiopi_next_reminder_date": next_date}
            )
        return to_send

    def _qualiopi_send_reminders(self):
        """Remind those who have not answered; at most the configured number."""
        to_remind = self.filtered(
            lambda a: (
                a.state != "done"
                and a.qualiopi_invitation_date
                and a.qualiopi_reminder_count < len(a._qualiopi_reminder_days())
                and (not a.deadline or a.deadline > fields.Datetime.now())
            )
        )
        (self - to_remind).write({"qualiopi_next_reminder_date": False})
        to_remind._qualiopi_send("qualiopi_survey.mail_template_survey_reminder")
        now = fields.Datetime.now()
        for answer in to_remind:
            count = answer.qualiopi_reminder_count + 1
            answer.write(
                {
                    "qualiopi_reminder_count": count,
                    "qualiopi_last_reminder_date": now,
                    "qualiopi_next_reminder_date": answer._qualiopi_next_reminder(
                        count, answer.qualiopi_invitation_date
                    ),
                }
            )
        return to_remind

    @api.model
    def _qualiopi_cron_reminders(self, limit=None):
        due = self.search(
            [
                ("qualiopi_next_reminder_date", "<=", fields.Datetime.now()),
                ("state", "!=", "done"),
            ],
            limit=limit,
        )
        return due._qualiopi_send_reminders()
