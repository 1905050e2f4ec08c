from markupsafe import Markup

from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        for composer in self.filtered(lambda c: c._qualiopi_is_response()):
            tickets = self.env["helpdesk.ticket"].browse(composer._evaluate_res_ids())
            tickets._qualiopi_check_mediator_for_answer()
            if composer.composition_batch or len(tickets) != 1:
                # Rendered per record from the template, which prints the notice.
                continue
            ticket = tickets
            mediator = ticket.company_id.sudo().qualiopi_mediator_id
            if not (ticket.qualiopi_mediation_required and mediator):
                continue
            body = composer.body or ""
            if mediator._qualiopi_is_in_message(composer):
                continue
            # The writer removed the mediator's details from an answer that
            # rejects the complaint or leaves it unresolved: put them back.
            lang = ticket.partner_id.lang or self.env.lang
            notice = ticket.with_context(lang=lang).qualiopi_mediation_notice_html
            composer.body = Markup(body) + Markup(notice or "")
        return super()._action_send_mail(auto_commit=auto_commit)
