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

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        if is_auto_reply(message):
            # Filed as a plain ticket (no nature), never acknowledged. Both keys
            # only take something away: none of them grants a right.
            self = self.with_context(qualiopi_no_auto_ack=True, qualiopi_auto_message=True)
        return super()._message_route_process(message, message_dict, routes)
