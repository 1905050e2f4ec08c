from odoo import api, models
from odoo.tools import email_split

# Headers by which mail servers and clients mark automatic messages (RFC 3834,
# RFC 2369/2919 for lists, and the common non-standard ones): such a message
# must never become a Qualiopi record nor be acknowledged, or two
# auto-responders would answer each other forever.
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
LIST_HEADERS = ("List-Id", "List-Unsubscribe")
AUTO_PRECEDENCES = ("bulk", "junk", "list", "auto_reply")
# Senders that are robots by convention (bounces, delivery reports).
AUTO_SENDER_LOCALPARTS = ("mailer-daemon", "postmaster")


def is_auto_reply(message):
    """Whether an email.message.Message was sent by a robot."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    sender = (email_split(message.get("From") or "") or [""])[0]
    content_type = message.get_content_type()
    return bool(
        not auto_submitted.startswith("no")
        or precedence in AUTO_PRECEDENCES
        or any(message.get(header) for header in AUTO_REPLY_HEADERS + LIST_HEADERS)
        or sender.split("@", 1)[0].lower() in AUTO_SENDER_LOCALPARTS
        or content_type == "multipart/report"
    )


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    # Models whose records are Qualiopi evidence set it: on them, a message, a
    # note, an activity or a scheduled message needs write access to the record,
    # whatever `_mail_post_access` and following say, so that a reader (the
    # auditor) only reads.
    _qualiopi_evidence = False

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        if is_auto_reply(message):
            # Filed as a plain ticket (no nature), never acknowledged. Both keys
            # only take something away: none of them grants a right.
            self = self.with_context(qualiopi_no_auto_ack=True, qualiopi_auto_message=True)
        return super()._message_route_process(message, message_dict, routes)

    def _qualiopi_evidence_records(self):
        """The records of ``self`` whose chatter is evidence."""
        return self if self._qualiopi_evidence else self.browse()

    def _qualiopi_check_evidence_write(self):
        """Refuse a chatter change (message, note, activity) on evidence records
        to an internal user who may not write them. Portal users keep their own
        rules (their own records, by token); server flows run as superuser."""
        if self.env.su or self.env.user.share:
            return
        self._qualiopi_evidence_records().check_access("write")

    def _qualiopi_evidence_unwritable(self):
        """The evidence records of ``self`` the (internal) user may not write."""
        if self.env.su or self.env.user.share:
            return self.browse()
        evidence = self._qualiopi_evidence_records()
        return evidence - evidence._filtered_access("write")

    def _thread_to_store(self, store, /, *, fields=None, request_list=None):
        result = super()._thread_to_store(store, fields=fields, request_list=request_list)
        if request_list is not None:
            # The chatter hides its composer on a record that only accepts
            # messages from its editors.
            for thread in self._qualiopi_evidence_unwritable():
                store.add(thread, {"canPostOnReadonly": False}, as_thread=True)
        return result
