import werkzeug

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk


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


class QualiopiCustomerPortalHelpdesk(CustomerPortalHelpdesk):
    """Most complainants have no time zone (a public user with the link from
    their email, a portal user who never set one): Odoo would print every date
    of their ticket pages in UTC, one or two hours off what the emails said.
    Such a viewer reads them in the organisation's time zone instead."""

    def _qualiopi_viewer_tz(self, ticket=None):
        if not request.env.user.tz:
            tz = ticket._qualiopi_tz() if ticket else request.env.company.sudo()._qualiopi_tz()
            request.update_context(tz=tz)

    @http.route()
    def portal_my_tickets(self, *args, **kwargs):
        self._qualiopi_viewer_tz()
        return super().portal_my_tickets(*args, **kwargs)

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        self._qualiopi_viewer_tz(ticket)
        return super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
