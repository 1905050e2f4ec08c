import logging

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from .helpdesk_ticket import QUALIOPI_NATURES

_logger = logging.getLogger(__name__)

# Personal data of a record, emptied by the anonymisation: contacts, what the
# complainant typed, what staff wrote about the matter. The register line
# (reference, dates, nature, stakeholder type, session, outcome, deadlines,
# cause category) stays for the statistics and the audit.
ANONYMISED_FIELDS = (
    "partner_id",
    "partner_name",
    "partner_email",
    "partner_phone",
    "email_cc",
    "qualiopi_client_partner_id",
    "qualiopi_funder_partner_id",
    "event_registration_id",
    "description",
    "notes",
    "qualiopi_root_cause",
    "qualiopi_corrective_note",
    "qualiopi_hazard_measure",
    "qualiopi_difficulty_handling",
    "qualiopi_health_details",
    "qualiopi_cron_error",
    "ack_note",
    "response_note",
    "response_attachment_id",
    "access_token",
    # Fields of other parts of the register, erased when they exist: the hashed
    # follow-up code of an anonymous report (its page would show nothing left).
    "qualiopi_followup_hash",
)
# Records anonymised per cron batch.
RETENTION_BATCH = 200


class HelpdeskTicket(models.Model):
    """Retention of personal data: a closed record keeps them for the years set
    by its company (per nature), then is anonymised, by the daily cron or at
    the request of the person (right of erasure)."""

    _inherit = "helpdesk.ticket"

    qualiopi_anonymised_date = fields.Datetime(
        string="Anonymised on",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the personal data of this record were erased; its line in the "
        "register and the statistics remain.",
    )

    # ------------------------------------------------------------------
    # Evidence of an anonymised record
    # ------------------------------------------------------------------

    def _qualiopi_has_answer_evidence(self):
        """The letter or message that proved the answer held personal data and
        is gone: the answer was proven before, as its recorded date and way say."""
        self.ensure_one()
        if self.sudo().qualiopi_anonymised_date:
            return bool(self.sudo().response_date and self.sudo().response_method)
        return super()._qualiopi_has_answer_evidence()

    # ------------------------------------------------------------------
    # Which records
    # ------------------------------------------------------------------

    @api.model
    def _qualiopi_retention_domain(self, now=None):
        """Closed Qualiopi records not anonymised whose retention has run out,
        company by company and nature by nature."""
        now = now or fields.Datetime.now()
        branches = []
        for company in self.env["res.company"].sudo().search([]):
            for nature, __ in QUALIOPI_NATURES:
                limit = now - relativedelta(years=company._qualiopi_retention_years_for(nature))
                branches.append(
                    [
                        ("company_id", "=", company.id),
                        ("qualiopi_nature", "=", nature),
                        "|",
                        ("closed_date", "<=", limit),
                        "&",
                        ("closed_date", "=", False),
                        ("last_stage_update", "<=", limit),
                    ]
                )
        return expression.AND(
            [
                [
                    ("qualiopi_nature", "!=", False),
                    ("qualiopi_anonymised_date", "=", False),
                    ("stage_id.closed", "=", True),
                ],
                expression.OR(branches) if branches else expression.FALSE_DOMAIN,
            ]
        )

    def _qualiopi_retention_blocked(self):
        """The records that must keep their personal data whatever their age:
        not closed. Extension point: the mediation addon adds the records under
        mediation."""
        return self.filtered(lambda t: not t.qualiopi_nature or not t.stage_id.closed)

    def _qualiopi_retention_blocked_reason(self):
        """Why this record cannot be anonymised now (translated), for the person
        asking; overridden with the blocking hook."""
        self.ensure_one()
        if not self.qualiopi_nature:
            return self.env._("it is not a Qualiopi record")
        if not self.stage_id.closed:
            return self.env._("it is not closed yet")
        return self.env._("it is still needed")

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_qualiopi_retention(self):
        """Anonymise the closed records whose retention has run out; records
        still needed (open, under mediation) are skipped. Idempotent: an
        anonymised record is never found again."""
        # All companies' records, whoever runs the cron: the retention is a
        # duty of the register, not a user's access.
        Ticket = self.sudo().with_context(active_test=False)
        candidates = Ticket.search(self._qualiopi_retention_domain(), order="closed_date, id")
        todo = candidates - candidates._qualiopi_retention_blocked()
        batch = todo[:RETENTION_BATCH]
        done = batch._qualiopi_process_isolated(
            lambda records: records._qualiopi_anonymise_records("retention")
        )
        if done:
            done._qualiopi_log_anonymisation("retention")
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=max(len(todo) - len(batch), 0)
        )
        return done

    # ------------------------------------------------------------------
    # Anonymisation
    # ------------------------------------------------------------------

    def _qualiopi_check_can_anonymise(self):
        """A manager (or the cron) anonymises; a record still needed is refused
        with the reason."""
        if not (
            self.env.su or self.env.user.has_group("qualiopi_reclamation.group_qualiopi_manager")
        ):
            raise AccessError(self.env._("Only a Qualiopi manager can anonymise records."))
        blocked = self.sudo()._qualiopi_retention_blocked()
        if blocked:
            raise UserError(
                self.env._(
                    "These records cannot be anonymised: %(records)s.",
                    records="; ".join(
                        f"{ticket.display_name} ({ticket._qualiopi_retention_blocked_reason()})"
                        for ticket in blocked
                    ),
                )
            )

    def _qualiopi_anonymise(self, reason="request"):
        """Anonymise these records at once (right of erasure): the caller's
        right is checked, then the application erases as superuser."""
        self._qualiopi_check_can_anonymise()
        todo = self.sudo().filtered(lambda t: not t.qualiopi_anonymised_date)
        todo._qualiopi_anonymise_records(reason)
        todo._qualiopi_log_anonymisation(reason)
        return todo

    def _qualiopi_anonymise_values(self):
        """The values that erase the personal data of the record itself."""
        self.ensure_one()
        values = {fname: False for fname in ANONYMISED_FIELDS if fname in self._fields}
        # In the language of the organisation whose staff read the register.
        env = self.with_context(lang=self.company_id.partner_id.lang or self.env.lang).env
        values["name"] = env._("Anonymised record %(number)s", number=self.number or self.id)
        # The description is required by the helpdesk.
        values["description"] = Markup("<p>%s</p>") % env._("Anonymised")
        values["qualiopi_anonymised_date"] = fields.Datetime.now()
        return values

    def _qualiopi_anonymise_records(self, reason):
        """Erase the personal data of these records (superuser, once the
        caller's right was checked): the fields, the chatter's messages (bodies,
        recipients, tracked values of erased fields, emails), the attachments,
        followers who are not staff, the activities. The evidence guards are
        passed deliberately: this is the only writer of erased evidence."""
        tickets = self.sudo().with_context(tracking_disable=True, mail_notrack=True)
        if not tickets:
            return tickets
        if not self.env.su:
            raise AccessError(self.env._("Only the application anonymises records."))
        messages = self._qualiopi_erase_messages(tickets)
        erased_fields = (
            self.env["ir.model.fields"]
            .sudo()
            .search([("model", "=", self._name), ("name", "in", [*ANONYMISED_FIELDS, "name"])])
        )
        messages.tracking_value_ids.filtered(lambda v: v.field_id in erased_fields).unlink()
        messages.notification_ids.unlink()
        messages.link_preview_ids.unlink()
        # The record's title may name the person: its reference only, as the
        # messages' record name.
        for ticket in tickets:
            messages.filtered(lambda m, t=ticket: m.res_id == t.id).write(
                {"record_name": ticket.number or False}
            )
        messages.filtered(lambda m: m.author_id and not m.author_id._qualiopi_is_staff()).write(
            {"author_id": False}
        )
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", tickets.ids)]
        ).unlink()
        self.env["mail.followers"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", tickets.ids)]
        ).filtered(lambda f: not f.partner_id._qualiopi_is_staff()).unlink()
        tickets.activity_ids.unlink()
        for ticket in tickets:
            ticket.write(ticket._qualiopi_anonymise_values())
        tickets._qualiopi_anonymise_related()
        for ticket in tickets:
            ticket.message_post(body=ticket._qualiopi_anonymisation_note(reason))
        return tickets

    @api.model
    def _qualiopi_erase_messages(self, records):
        """Erase the chatter of ``records`` (of any model; as superuser, once
        the caller was checked): the emails sent, the messages' bodies,
        subjects, addresses, recipients and files. The messages stay, dated,
        as the trace that something was said. Returns them."""
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", records._name), ("res_id", "in", records.ids)])
        )
        # Flagged as notifications so that deleting the emails keeps their
        # message (a mail.mail deletes its message otherwise).
        mails = messages.mail_ids
        mails.write({"is_notification": True})
        mails.unlink()
        attachments = messages.attachment_ids
        messages.write(
            {
                "body": "",
                "subject": False,
                "email_from": False,
                "reply_to": False,
                "partner_ids": [fields.Command.clear()],
                "attachment_ids": [fields.Command.clear()],
            }
        )
        attachments.unlink()
        return messages

    def _qualiopi_anonymise_related(self):
        """Extension point: erase the personal data other addons hold about
        these records (called as superuser)."""
        return True

    def _qualiopi_personal_data_extra(self):
        """Extension point: what other addons hold about the person of this
        record, for the export of the right of access (a JSON-ready dict merged
        into the record's entry)."""
        self.ensure_one()
        return {}

    def _qualiopi_anonymisation_note(self, reason):
        """The chatter note that says what was done, with no personal data."""
        self.ensure_one()
        lang = self.company_id.partner_id.lang or self.env.lang
        ticket = self.with_context(lang=lang)
        if reason == "retention":
            why = ticket.env._(
                "the retention period (%(years)s years after closure) has run out",
                years=self.company_id._qualiopi_retention_years_for(self.qualiopi_nature),
            )
        else:
            why = ticket.env._("at the request of the person concerned (right of erasure)")
        return ticket.env._(
            "Personal data anonymised, %(why)s: contacts, names, email addresses, phone "
            "numbers, free texts, message contents and attachments were erased. The "
            "register line (reference, dates, nature, outcome, deadlines) is kept.",
            why=why,
        )

    def _qualiopi_log_anonymisation(self, reason):
        """A line in the server log and in ir.logging: the references only."""
        if not self:
            return
        numbers = ", ".join(self.sudo().mapped(lambda t: t.number or str(t.id)))
        message = f"Qualiopi {reason}: anonymised {len(self)} record(s): {numbers}"
        _logger.info(message)
        self.env["ir.logging"].sudo().create(
            {
                "name": "qualiopi_reclamation.retention",
                "type": "server",
                "dbname": self.env.cr.dbname,
                "level": "INFO",
                "message": message,
                "path": __name__,
                "func": "_qualiopi_anonymise_records",
                "line": "0",
            }
        )
