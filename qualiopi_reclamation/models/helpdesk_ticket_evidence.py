import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .helpdesk_ticket import ACK_METHODS, FUTURE_TOLERANCE, RESPONSE_METHODS

# Evidence that only the application records (the acknowledgement and answer
# flows, run as superuser after the user's write access was checked) and that a
# manager corrects through the correction wizard: never written by a user.
RECORDED_EVIDENCE_FIELDS = (
    "ack_date",
    "ack_method",
    "ack_user_id",
    "ack_note",
    "ack_message_id",
    "response_date",
    "response_method",
    "response_user_id",
    "response_note",
    "response_message_id",
    "response_attachment_id",
)
# Evidence typed by the user when the record is entered, then set once.
SET_ONCE_EVIDENCE_FIELDS = (
    "received_date",
    "qualiopi_transcription_date",
    "qualiopi_transcribed_by_id",
)


class HelpdeskTicket(models.Model):
    """The acknowledgement and the answer: evidence recorded by the application,
    proven by the message sent, corrected only by a manager."""

    _inherit = "helpdesk.ticket"

    ack_date = fields.Datetime(string="Acknowledged on", tracking=True, copy=False, index=True)
    ack_method = fields.Selection(
        selection=ACK_METHODS, string="Acknowledged by", tracking=True, copy=False
    )
    ack_user_id = fields.Many2one(
        comodel_name="res.users", string="Acknowledged by user", copy=False
    )
    ack_note = fields.Text(string="Acknowledgement note", copy=False)
    qualiopi_ack_queued = fields.Boolean(
        string="Acknowledgement being sent",
        readonly=True,
        copy=False,
        index=True,
        help="The acknowledgement email of this complaint is queued: a job started "
        "at its creation sends it within seconds.",
    )
    ack_message_id = fields.Many2one(
        comodel_name="mail.message", string="Acknowledgement message", copy=False
    )
    response_date = fields.Datetime(string="Answered on", tracking=True, copy=False, index=True)
    response_user_id = fields.Many2one(comodel_name="res.users", string="Answered by", copy=False)
    response_method = fields.Selection(
        selection=RESPONSE_METHODS, string="Answered how", tracking=True, copy=False
    )
    response_note = fields.Text(string="Answer note", copy=False)
    response_message_id = fields.Many2one(
        comodel_name="mail.message", string="Answer message", copy=False
    )
    response_attachment_id = fields.Many2one(
        comodel_name="ir.attachment",
        string="Answer letter",
        copy=False,
        help="The scan of the answer sent by letter.",
    )
    qualiopi_imported = fields.Boolean(
        string="Imported evidence",
        readonly=True,
        copy=False,
        tracking=True,
        help="The acknowledgement or answer dates were given when the record was "
        "created (import of the register kept before Odoo): they are evidence "
        "recorded as given, not messages sent from Odoo.",
    )
    # ------------------------------------------------------------------
    # Evidence rules
    # ------------------------------------------------------------------

    @api.constrains("ack_date", "response_date", "received_date")
    def _check_milestone_dates(self):
        limit = fields.Datetime.now() + FUTURE_TOLERANCE
        for ticket in self:
            for date, label in (
                (ticket.ack_date, self.env._("acknowledgement")),
                (ticket.response_date, self.env._("answer")),
            ):
                if not date:
                    continue
                if date > limit:
                    raise ValidationError(
                        self.env._(
                            "The %(milestone)s date of %(ticket)s is in the future.",
                            milestone=label,
                            ticket=ticket.display_name,
                        )
                    )
                if ticket.received_date and date < ticket.received_date:
                    raise ValidationError(
                        self.env._(
                            "The %(milestone)s date of %(ticket)s is before the date "
                            "the matter was received.",
                            milestone=label,
                            ticket=ticket.display_name,
                        )
                    )

    @api.constrains("stage_id", "qualiopi_nature")
    def _check_qualiopi_closing(self):
        for ticket in self:
            if not ticket.qualiopi_nature or not ticket.stage_id.closed:
                continue
            missing = ticket._qualiopi_missing_for_closing()
            if missing:
                raise ValidationError(
                    self.env._(
                        "%(ticket)s cannot be closed yet: %(missing)s",
                        ticket=ticket.display_name,
                        missing=missing,
                    )
                )

    def _qualiopi_missing_for_closing(self):
        """What must be recorded before the record may close, or an empty string."""
        self.ensure_one()
        if self.qualiopi_nature == "complaint" and not self._qualiopi_has_answer_evidence():
            return self.env._(
                "a complaint needs a written answer sent to the complainant (button 'Send "
                "answer', or 'Record answer' for a letter with its scan)."
            )
        if self.qualiopi_nature == "hazard" and not (
            self.qualiopi_hazard_measure
            and (
                self.qualiopi_hazard_informed_trainees
                or self.qualiopi_hazard_informed_client
                or self.qualiopi_hazard_informed_funder
            )
        ):
            return self.env._(
                "a hazard needs its immediate measure and who was informed "
                "(trainees, client company or funder)."
            )
        if self.qualiopi_nature == "difficulty" and not self.qualiopi_difficulty_handling:
            return self.env._("a difficulty needs a description of how it was handled.")
        return ""

    def _qualiopi_has_answer_evidence(self):
        """Whether the answer is proven: the message sent through the answer
        composer, or a letter with its scan. A typed date alone proves nothing."""
        self.ensure_one()
        # The evidence (message, scan) may be unreadable to the user whose
        # closing is checked: the check is the application's.
        ticket = self.sudo()
        if not ticket.response_date:
            return False
        if ticket.qualiopi_imported:
            # A row of the register kept before Odoo: its answer was recorded
            # there (how, when), and the record shows it was imported (only a
            # record received before the day it was entered can be one: create).
            return bool(ticket.response_method)
        # The evidence must belong to this record (a link given on creation could
        # point to another record's message or file).
        if ticket.response_method == "email":
            message = ticket.response_message_id
            return bool(
                message
                and message.model == ticket._name
                and message.res_id == ticket.id
                and (not ticket.partner_id or ticket.partner_id in message.partner_ids)
            )
        if ticket.response_method == "letter":
            attachment = ticket.response_attachment_id
            return bool(
                attachment
                and attachment.res_model == ticket._name
                and attachment.res_id == ticket.id
            )
        return False

    def _qualiopi_evidence_records(self):
        # Which records are evidence, whoever asks: the nature, not a right.
        return self.sudo().filtered("qualiopi_nature").with_env(self.env)

    def _qualiopi_check_evidence_write_values(self, vals):
        """Refuse a user's write of evidence: recorded evidence is written by
        the application only, typed evidence once (the correction wizard, for
        managers, writes as superuser)."""
        recorded = [fname for fname in RECORDED_EVIDENCE_FIELDS if fname in vals]
        if recorded:
            raise AccessError(
                self.env._(
                    "%(fields)s: evidence recorded by the application (acknowledgement "
                    "and answer buttons) cannot be typed in. A Qualiopi manager corrects "
                    "it with 'Correct evidence', giving a reason.",
                    fields=", ".join(self._qualiopi_field_label(fname) for fname in recorded),
                )
            )
        for fname in SET_ONCE_EVIDENCE_FIELDS:
            if fname not in vals:
                continue
            field = self._fields[fname]
            for ticket in self:
                old = ticket[fname]
                new = field.convert_to_record(field.convert_to_cache(vals[fname], ticket), ticket)
                if ticket.qualiopi_nature and old and old != new:
                    raise AccessError(
                        self.env._(
                            "The %(field)s of %(ticket)s is evidence for the audit: it is "
                            "set once. A Qualiopi manager corrects it with 'Correct "
                            "evidence', giving a reason.",
                            field=self._qualiopi_field_label(fname),
                            ticket=ticket.display_name,
                        )
                    )

    @api.model
    def _qualiopi_field_label(self, fname):
        return self._fields[fname].get_description(self.env)["string"]

    def _qualiopi_write_evidence(self, vals):
        """Write evidence on behalf of a flow that checked the user's right."""
        self.check_access("write")
        return self.sudo().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_acknowledged(self):
        for ticket in self:
            if ticket.qualiopi_nature and ticket.ack_date:
                raise UserError(
                    self.env._(
                        "%(ticket)s has been acknowledged: it is evidence for the "
                        "Qualiopi audit and cannot be deleted. Archive it instead.",
                        ticket=ticket.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _qualiopi_received_before_entry(self):
        """Whether this record was received before the day it is entered in Odoo
        (the record's time zone): a backdated letter or a row of the register
        kept before Odoo, whose acknowledgement is not Odoo's to send."""
        self.ensure_one()
        if not self.received_date:
            return False
        tz = pytz.timezone(self._qualiopi_tz() or "UTC")
        entered = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        start_of_day = tz.localize(datetime.datetime.combine(entered.date(), datetime.time.min))
        return self.received_date < start_of_day.astimezone(pytz.utc).replace(tzinfo=None)

    def _qualiopi_auto_acknowledge(self):
        """Queue the acknowledgement of the complaints received today: a job
        triggered now (``_cron_qualiopi_acknowledge``) renders and sends them in
        batches within seconds, so that filing a complaint (the public form, an
        email, a busy desk) waits for no email rendering. One received earlier
        (imported, backdated) is acknowledged by hand or recorded."""
        to_ack = self.filtered(
            lambda t: (
                t.qualiopi_nature == "complaint"
                and not t.ack_date
                and t.company_id.qualiopi_auto_ack
                and (t.partner_id.email or t.partner_email)
                and not t._qualiopi_received_before_entry()
            )
        )
        if to_ack:
            # A flag only the application sets, whoever files the record; the
            # job's trigger likewise (ir.cron is the administrator's).
            to_ack.sudo().qualiopi_ack_queued = True
            self.env.ref("qualiopi_reclamation.ir_cron_qualiopi_acknowledge").sudo()._trigger()

    @api.model
    def _cron_qualiopi_acknowledge(self, batch_size=200):
        """Send the queued acknowledgements, a batch at a time (one rendering
        of the template per batch and language), each as the user who filed the
        record, as if sent at its creation. A record that can no longer be
        acknowledged by email (answered by hand meanwhile, address removed) leaves
        the queue; one that fails keeps its error and the others go on."""
        queued = self.sudo().search([("qualiopi_ack_queued", "=", True)], order="id")
        batch = queued[:batch_size]
        for (user, company), tickets in batch.grouped(
            lambda t: (t.create_uid, t.company_id)
        ).items():
            tickets = tickets.with_user(user).with_company(company).sudo()
            sendable = tickets.filtered(
                lambda t: not t.ack_date and (t.partner_id.email or t.partner_email)
            )
            sent = sendable._qualiopi_process_isolated(
                lambda records: records._qualiopi_send_acknowledgement()
            )
            # Out of the queue too: what failed (its error shown on it, the
            # deadline's reminder to come), so that it is not retried forever.
            (tickets - sent).qualiopi_ack_queued = False
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(queued) - len(batch))

    def action_qualiopi_acknowledge(self):
        """Email the acknowledgement of receipt through the chatter.

        Records already acknowledged are skipped, so that acknowledging twice
        sends nothing.
        """
        self.check_access("write")
        to_ack = self.filtered(lambda t: t.qualiopi_nature and not t.ack_date)
        missing_email = to_ack.filtered(lambda t: not (t.partner_id.email or t.partner_email))
        if missing_email:
            raise UserError(
                self.env._(
                    "%(tickets)s: the complainant has no email address. Record how "
                    "the acknowledgement was given instead (button 'Record "
                    "acknowledgement').",
                    tickets=", ".join(missing_email.mapped("display_name")),
                )
            )
        to_ack._qualiopi_send_acknowledgement()
        return True

    def _qualiopi_send_acknowledgement(self):
        """Post the acknowledgement on each record and record it, from the
        message sent, as sent by the current user."""
        if not self:
            return
        template = self.env.ref("qualiopi_reclamation.mail_template_acknowledgement")
        messages = self._qualiopi_post_template(template)
        # The user's write access was checked by the caller: the application
        # records the evidence (a field no user may type), from the message sent.
        for ticket in self.sudo():
            ticket.write(
                {
                    "ack_date": messages[ticket.id].date,
                    "ack_method": "email",
                    "ack_user_id": self.env.user.id,
                    "ack_message_id": messages[ticket.id].id,
                    "qualiopi_ack_queued": False,
                }
            )

    def _qualiopi_post_template(self, template):
        """Post ``template`` on each record through the chatter, as a message to
        its recipients, as the composer does: rendered once for all the records
        (one pass per field and language), the emails queued for the mail cron
        rather than sent one by one. Returns {record id: message}."""
        rendered = template._generate_template(
            self.ids,
            (
                "subject",
                "body_html",
                "email_from",
                "reply_to",
                "email_to",
                "partner_to",
                "email_cc",
            ),
            # The typed address gets a recipient contact of its own, as in the
            # composer; the record itself stays unlinked.
            find_or_create_partners=True,
        )
        langs = template._render_lang(self.ids)
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        messages = {}
        for record in self:
            values = rendered[record.id]
            messages[record.id] = record.message_post(
                body=values.get("body_html") or "",
                subject=values.get("subject"),
                email_from=values.get("email_from"),
                reply_to=values.get("reply_to"),
                partner_ids=values.get("partner_ids", []),
                message_type="comment",
                subtype_id=subtype_id,
                # The email's title: the reference, not the subject typed by the sender.
                record_name=record.number,
                email_layout_xmlid=template.email_layout_xmlid,
                email_add_signature=False,
                force_email_lang=langs[record.id],
                mail_auto_delete=template.auto_delete,
                force_send=False,
            )
        return messages

    def action_qualiopi_record_acknowledgement(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record acknowledgement"),
            "res_model": "qualiopi.acknowledge.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_qualiopi_send_response(self):
        """Open the composer preset with the answer template."""
        self.ensure_one()
        self.check_access("write")
        if not self.qualiopi_nature:
            raise UserError(self.env._("This ticket is not a Qualiopi record."))
        if not (self.partner_id.email or self.partner_email):
            raise UserError(
                self.env._(
                    "%(ticket)s: the complainant has no email address; record their "
                    "contact details before sending the answer.",
                    ticket=self.display_name,
                )
            )
        return self._qualiopi_response_composer(
            default_email_layout_xmlid="mail.mail_notification_light", force_email=True
        )

    def _qualiopi_response_composer(self, **context):
        """The composer preset with the answer template on these records, which
        records the answer once posted (``qualiopi_response``); ``context``
        says how it is delivered."""
        template = self.env.ref("qualiopi_reclamation.mail_template_response")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send answer"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "qualiopi_response": True,
                **context,
            },
        }

    def _qualiopi_record_response(self, messages):
        """Called by the composer once the answer is posted: the message sent to
        the complainant is the evidence of the answer."""
        self.check_access("write")
        now = fields.Datetime.now()
        for ticket in self:
            message = messages.filtered(lambda m, t=ticket: m.res_id == t.id)[:1]
            if not message or (ticket.partner_id and ticket.partner_id not in message.partner_ids):
                raise UserError(
                    self.env._(
                        "%(ticket)s: the answer must be sent to the complainant (%(partner)s).",
                        ticket=ticket.display_name,
                        partner=ticket.partner_id.display_name or ticket.partner_email or "",
                    )
                )
            if ticket.response_date:
                # A second answer is kept in the chatter; the first stays the
                # evidence of the deadline being met.
                continue
            ticket._qualiopi_write_evidence(
                {
                    # The evidence's date is the message's.
                    "response_date": message.date or now,
                    # An anonymous report's answer is read on its follow-up page.
                    "response_method": "follow_up_page" if ticket.qualiopi_anonymous else "email",
                    "response_user_id": self.env.user.id,
                    "response_message_id": message.id,
                }
            )

    def action_qualiopi_record_response(self):
        """Record an answer given by letter (with its scan), phone or in person."""
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record answer"),
            "res_model": "qualiopi.response.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def action_qualiopi_correct_evidence(self):
        self.ensure_one()
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_manager"):
            raise AccessError(self.env._("Only a Qualiopi manager can correct evidence."))
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct evidence"),
            "res_model": "qualiopi.evidence.correction.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }
