"""Confidential cases: harassment, sexual or gender-based violence,
discrimination, whistleblowing.

A confidential record is read only by the confidential referents
(``group_qualiopi_confidential``) and its complainant: the record rules of
``security/qualiopi_confidential_security.xml`` hide it from everybody else,
and the report, its XLSX and the evidence pack, which read the register as
superuser, print it only as an anonymised line. Only a referent sets or
unsets the flag. Its deadlines are those of the whistleblowing procedure:
acknowledgement within 7 business days, feedback within 3 months (each
configurable per company).
"""

import hashlib
import secrets

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .helpdesk_ticket_public import _text_html

CONFIDENTIAL_GROUP = "qualiopi_reclamation.group_qualiopi_confidential"
CONFIDENTIAL_REASONS = [
    ("harassment", "Moral or sexual harassment"),
    ("violence", "Sexual or gender-based violence"),
    ("discrimination", "Discrimination"),
    ("whistleblowing", "Whistleblowing"),
    ("other", "Other confidential matter"),
]
# The follow-up code of an anonymous report: 20 characters of an alphabet
# without look-alikes (0/O, 1/I/L), about 98 bits, shown once in groups of 5.
FOLLOWUP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
FOLLOWUP_LENGTH = 20


def followup_hash(code):
    """The stored form of a follow-up code: its SHA-256, case and separators
    ignored. The code is random and long, so its hash cannot be reversed."""
    normalised = "".join(char for char in (code or "").upper() if char.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest() if normalised else False


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    qualiopi_confidential = fields.Boolean(
        string="Confidential",
        tracking=True,
        index=True,
        help="Harassment, sexual or gender-based violence, discrimination or "
        "whistleblowing: only the confidential referents and the complainant see "
        "the record; reports show it as an anonymised line. Only a referent sets "
        "or unsets it.",
    )
    qualiopi_confidential_reason = fields.Selection(
        selection=CONFIDENTIAL_REASONS,
        string="Confidential matter",
        tracking=True,
    )
    qualiopi_anonymous = fields.Boolean(
        string="Anonymous report",
        readonly=True,
        copy=False,
        help="Filed through the public form without name nor email: the "
        "complainant follows it with a code, on the public follow-up page.",
    )
    # Read by nobody but the system: the follow-up page looks the hash up.
    qualiopi_followup_hash = fields.Char(
        string="Follow-up code (hashed)",
        copy=False,
        index="btree_not_null",
        groups="base.group_system",
    )

    # ------------------------------------------------------------------
    # Deadlines of the whistleblowing procedure
    # ------------------------------------------------------------------

    @api.depends(
        "qualiopi_confidential",
        "company_id.qualiopi_confidential_ack_days",
        "company_id.qualiopi_confidential_response_months",
    )
    def _compute_qualiopi_deadlines(self):
        result = super()._compute_qualiopi_deadlines()
        confidential = self.filtered(
            lambda t: t.qualiopi_confidential and t.qualiopi_nature and t.received_date
        )
        by_calendar = {}
        for ticket in confidential:
            by_calendar.setdefault(ticket._qualiopi_calendar(), []).append(ticket)
        for calendar, tickets in by_calendar.items():
            days = calendar._qualiopi_business_days(
                [(t.received_date, t.company_id.qualiopi_confidential_ack_days) for t in tickets]
            )
            for ticket, (start, stop) in zip(tickets, days, strict=True):
                ticket.ack_deadline, ticket.ack_reminder_date = stop, start
                months = ticket.company_id.qualiopi_confidential_response_months
                deadline = ticket.received_date + relativedelta(months=months)
                ticket.response_deadline = deadline
                # A reminder a week before the feedback is due.
                ticket.response_reminder_date = deadline - relativedelta(days=7)
        return result

    def _qualiopi_responsible_candidates(self):
        """A confidential case's activities go to a referent only: a deadline
        note names the record."""
        candidates = super()._qualiopi_responsible_candidates()
        if not self.qualiopi_confidential:
            return candidates
        referents = self._qualiopi_confidential_referents()
        return [user for user in candidates if user in referents] + list(referents)

    def _qualiopi_escalation_user(self):
        """A confidential case escalates to another referent, else stays with
        its own: never to a team leader or manager outside the group."""
        if not self.qualiopi_confidential:
            return super()._qualiopi_escalation_user()
        responsible = self._qualiopi_responsible_user()
        return (self._qualiopi_confidential_referents() - responsible)[:1] or responsible

    # ------------------------------------------------------------------
    # CRUD: only a referent sets or unsets the flag
    # ------------------------------------------------------------------

    @api.model
    def _qualiopi_is_confidential_referent(self):
        return self.env.su or self.env.user.has_group(CONFIDENTIAL_GROUP)

    @api.model_create_multi
    def create(self, vals_list):
        if not self._qualiopi_is_confidential_referent():
            for vals in vals_list:
                if vals.get("qualiopi_confidential"):
                    raise AccessError(
                        self.env._("Only a confidential referent can record a confidential case.")
                    )
                vals.pop("qualiopi_anonymous", None)
        for vals in vals_list:
            if vals.get("qualiopi_anonymous"):
                vals["qualiopi_confidential"] = True
        tickets = super().create(vals_list)
        tickets.filtered("qualiopi_confidential")._qualiopi_confidential_followers(notify=True)
        return tickets

    def write(self, vals):
        if not self.env.su:
            if "qualiopi_anonymous" in vals and any(
                t.qualiopi_anonymous != bool(vals["qualiopi_anonymous"]) for t in self
            ):
                raise AccessError(self.env._("Whether a report is anonymous cannot be changed."))
            if "qualiopi_confidential" in vals:
                changed = self.filtered(
                    lambda t: t.qualiopi_confidential != bool(vals["qualiopi_confidential"])
                )
                if changed and not self._qualiopi_is_confidential_referent():
                    raise AccessError(
                        self.env._(
                            "Only a confidential referent can mark a record confidential "
                            "or lift its confidentiality."
                        )
                    )
                if not vals["qualiopi_confidential"] and changed.filtered("qualiopi_anonymous"):
                    raise AccessError(self.env._("An anonymous report stays confidential."))
        result = super().write(vals)
        if vals.get("qualiopi_confidential"):
            self._qualiopi_confidential_followers()
        return result

    @api.model
    def _qualiopi_default_owner(self, vals):
        """A confidential case is owned by a referent from its creation: the
        owner's assignment notice names the record."""
        super()._qualiopi_default_owner(vals)
        if not (vals.get("qualiopi_confidential") or vals.get("qualiopi_anonymous")):
            return
        company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        referents = self.browse()._qualiopi_company_referents(company)
        if vals.get("user_id") not in referents.ids:
            vals["user_id"] = referents[:1].id

    @api.model
    def _qualiopi_company_referents(self, company):
        # As the system: users may not read groups.
        return (
            self.env.ref(CONFIDENTIAL_GROUP)
            .sudo()
            .users.filtered(lambda u: u.active and company in u.company_ids)
        )

    def _qualiopi_confidential_referents(self):
        """The referents of this record's company (as the system: users may
        not read groups)."""
        self.ensure_one()
        return self._qualiopi_company_referents(self.company_id)

    def _qualiopi_confidential_followers(self, notify=False):
        """A confidential case is followed by its complainant and the
        company's referents only: anyone else would go on receiving its
        messages, and a non-referent's open activities on it go to a
        referent. With ``notify``, the referents are told of the new case."""
        all_referents = self.env.ref(CONFIDENTIAL_GROUP).sudo().users
        for ticket in self.sudo():
            referents = ticket._qualiopi_confidential_referents()
            others = ticket.message_partner_ids - all_referents.partner_id - ticket.partner_id
            if others:
                ticket.message_unsubscribe(partner_ids=others.ids)
            if not referents:
                continue
            ticket.message_subscribe(partner_ids=referents.partner_id.ids)
            if ticket.user_id not in all_referents:
                ticket.user_id = referents[:1]
            ticket.activity_ids.filtered(lambda a: a.user_id not in all_referents).write(
                {"user_id": ticket._qualiopi_responsible_user().id}
            )
            if notify:
                ticket.message_post(
                    body=self.env._("New confidential case to handle: %(ref)s.", ref=ticket.number),
                    subtype_xmlid="mail.mt_note",
                    partner_ids=referents.partner_id.ids,
                )

    # ------------------------------------------------------------------
    # Acknowledgement and answer of an anonymous report
    # ------------------------------------------------------------------

    def action_qualiopi_acknowledge(self):
        """An anonymous report has no address: its acknowledgement is the
        template posted as a public message, which the follow-up page shows;
        that message is the evidence."""
        anonymous = self.filtered(
            lambda t: t.qualiopi_anonymous and t.qualiopi_nature and not t.ack_date
        )
        if anonymous:
            anonymous.check_access("write")
            template = self.env.ref("qualiopi_reclamation.mail_template_acknowledgement")
            messages = anonymous._qualiopi_post_template(template)
            note = self.env._("Posted on the follow-up page of the anonymous report.")
            # Write access checked above; the evidence is recorded by the
            # application, from the message it posted (as for an email).
            for ticket in anonymous.sudo():
                ticket.write(
                    {
                        "ack_date": messages[ticket.id].date,
                        "ack_method": "follow_up_page",
                        "ack_note": note,
                        "ack_user_id": self.env.user.id,
                        "ack_message_id": messages[ticket.id].id,
                    }
                )
        return super(HelpdeskTicket, self - anonymous).action_qualiopi_acknowledge()

    def action_qualiopi_send_response(self):
        """An anonymous report's answer is written in the composer and posted
        as a public message, shown on the follow-up page (no email)."""
        if not (len(self) == 1 and self.qualiopi_anonymous):
            return super().action_qualiopi_send_response()
        self.check_access("write")
        return self._qualiopi_response_composer(default_subtype_xmlid="mail.mt_comment")

    # ------------------------------------------------------------------
    # Anonymous follow-up
    # ------------------------------------------------------------------

    def _qualiopi_new_followup_code(self):
        """Give this anonymous report a new follow-up code, and return it: it
        is stored hashed, so that this is the only time it can be shown."""
        self.ensure_one()
        code = "".join(secrets.choice(FOLLOWUP_ALPHABET) for _i in range(FOLLOWUP_LENGTH))
        self.sudo().qualiopi_followup_hash = followup_hash(code)
        return "-".join(code[i : i + 5] for i in range(0, FOLLOWUP_LENGTH, 5))

    @api.model
    def _qualiopi_from_followup_code(self, code):
        """The anonymous report of this code (as superuser), or an empty
        recordset. The caller limits the number of tries."""
        digest = followup_hash(code)
        if not digest or len(digest) != 64:
            return self.browse()
        Ticket = self.sudo().with_context(active_test=False)
        return Ticket.search(
            [("qualiopi_followup_hash", "=", digest), ("qualiopi_anonymous", "=", True)], limit=1
        )

    def _qualiopi_post_followup_message(self, text):
        """Post what the anonymous complainant wrote on the follow-up page: a
        public message in the name of the public user (no contact of theirs
        exists), escaped text, notified to the record's followers."""
        self.ensure_one()
        public_partner = self.env.ref("base.public_partner")
        return (
            self.sudo()
            .with_context(mail_create_nosubscribe=True, mail_post_autofollow=False)
            .message_post(
                body=_text_html(text),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=public_partner.id,
            )
        )

    def _qualiopi_followup_messages(self):
        """[(message, written by the complainant)]: the record's public
        messages (not internal notes, not tracking), oldest first, for the
        follow-up page."""
        self.ensure_one()
        comment = self.env.ref("mail.mt_comment")
        public_partner = self.env.ref("base.public_partner")
        messages = (
            self.sudo()
            .message_ids.filtered(
                lambda m: (
                    m.message_type in ("comment", "email") and m.subtype_id == comment and m.body
                )
            )
            .sorted(lambda m: (m.date, m.id))
        )
        return [(message, message.author_id == public_partner) for message in messages]
