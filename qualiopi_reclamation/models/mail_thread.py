from odoo import api, models

# Headers by which mail servers and clients mark automatic messages (RFC 3834 and
# the common non-standard ones): such a message must never be acknowledged, or two
# auto-responders would answer each other forever.
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
AUTO_PRECEDENCES = ("bulk", "junk", "list", "auto_reply")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_parse(self, message, save_original=False):
        msg_dict = super().message_parse(message, save_original=save_original)
        auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
        precedence = (message.get("Precedence") or "").strip().lower()
        msg_dict["qualiopi_is_auto_reply"] = bool(
            auto_submitted != "no"
            or precedence in AUTO_PRECEDENCES
            or any(message.get(header) for header in AUTO_REPLY_HEADERS)
        )
        return msg_dict
