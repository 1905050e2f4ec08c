from odoo import api, models

# Headers by which mail servers and clients mark automatic messages (RFC 3834 and
# the common non-standard ones): such a message must never be acknowledged, or two
# auto-responders would answer each other forever.
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
AUTO_PRECEDENCES = ("bulk", "junk", "list", "auto_reply")


def is_auto_reply(message):
    """Whether an email.message.Message was sent by a robot."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return bool(
        auto_submitted != "no"
        or precedence in AUTO_PRECEDENCES
        or any(message.get(header) for header in AUTO_REPLY_HEADERS)
    )


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        if is_auto_reply(message):
            self = self.with_context(qualiopi_no_auto_ack=True)
        return super()._message_route_process(message, message_dict, routes)
