import werkzeug

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController


class QualiopiHelpdeskTicketController(HelpdeskTicketController):
    @http.route("/ticket/close", type="http", auth="user")
    def support_ticket_close(self, **kw):
        """helpdesk_mgmt closes the ticket in sudo, whoever asks: a Qualiopi
        record may only be closed from the portal by someone who can read it,
        and only once the register allows it (answer sent...)."""
        try:
            ticket_id = int(kw.get("ticket_id") or 0)
        except ValueError:
            return request.redirect("/my")
        ticket = request.env["helpdesk.ticket"].sudo().browse(ticket_id).exists()
        if ticket.qualiopi_nature:
            try:
                ticket.with_user(request.env.user).check_access("read")
            except AccessError:
                return request.redirect("/my")
            if ticket._qualiopi_missing_for_closing():
                return werkzeug.utils.redirect(f"/my/ticket/{ticket.id}")
            try:
                with request.env.cr.savepoint():
                    return super().support_ticket_close(**kw)
            except UserError:
                return werkzeug.utils.redirect(f"/my/ticket/{ticket.id}")
        return super().support_ticket_close(**kw)
