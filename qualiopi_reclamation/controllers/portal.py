import logging

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController
from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk

_logger = logging.getLogger(__name__)


class QualiopiHelpdeskTicketController(HelpdeskTicketController):
    # POST only, with Odoo's CSRF check (csrf=True is the default of type http):
    # helpdesk_mgmt's route also answers a GET, which any page could trigger.
    @http.route("/ticket/close", type="http", auth="user", methods=["POST"])
    def support_ticket_close(self, **kw):
        """helpdesk_mgmt closes the ticket in sudo, whoever asks. Here only its
        owner may close it from the portal (the portal user's contact or its
        commercial entity); an internal user needs the right to write it; a
        Qualiopi record closes only once the register allows it (answer sent)."""
        try:
            ticket_id = int(kw.get("ticket_id") or 0)
            stage_id = int(kw.get("stage_id") or 0)
        except ValueError:
            return request.redirect("/my")
        # Read as superuser to find its owner; nothing is done before
        # _qualiopi_may_close has checked the user's right on it. The stage is
        # then written as superuser: a portal user cannot write tickets.
        ticket = request.env["helpdesk.ticket"].sudo().browse(ticket_id).exists()
        if not ticket or not self._qualiopi_may_close(ticket):
            return request.redirect("/my")
        stage = ticket.team_id._get_applicable_stages().filtered(
            lambda s: s.id == stage_id and s.close_from_portal
        )
        if not stage:
            return request.redirect(f"/my/ticket/{ticket.id}")
        if ticket.qualiopi_nature and ticket._qualiopi_missing_for_closing():
            return request.redirect(f"/my/ticket/{ticket.id}")
        try:
            with request.env.cr.savepoint():
                ticket.stage_id = stage
        except UserError as error:
            _logger.info("Portal close of %s refused: %s", ticket.display_name, error)
        return request.redirect(f"/my/ticket/{ticket.id}")

    def _qualiopi_may_close(self, ticket):
        user = request.env.user
        if user.share:
            partner = user.partner_id
            return ticket.partner_id and ticket.partner_id in (
                partner | partner.commercial_partner_id
            )
        try:
            ticket.with_user(user).check_access("write")
        except AccessError:
            return False
        return True


class QualiopiCustomerPortalHelpdesk(CustomerPortalHelpdesk):
    """Most complainants have no time zone (a public user with the link from
    their email, a portal user who never set one): Odoo would print every date
    of their ticket pages in UTC, one or two hours off what the emails said.
    Such a viewer reads them in the organisation's time zone instead."""

    def _qualiopi_viewer_tz(self, ticket=None):
        if not request.env.user.tz:
            # The company's time zone is published (it dates the emails): read
            # as superuser, since a portal user cannot read companies.
            tz = ticket._qualiopi_tz() if ticket else request.env.company.sudo()._qualiopi_tz()
            request.update_context(tz=tz)

    @staticmethod
    def _qualiopi_portal_attachments(ticket):
        """The files of a ticket its customer may open: those filed with it (in
        the transaction that created it: the public or helpdesk form) and those
        of the messages sent to them; never a file staff attached to the record
        afterwards or to an internal note (helpdesk_mgmt lists them all, each
        with a download token)."""
        ticket = ticket.sudo()
        public_messages = ticket.message_ids.filtered(
            lambda m: (
                m.message_type in ("comment", "email")
                and not m.is_internal
                and not m.subtype_id.internal
            )
        )
        sent = public_messages.attachment_ids
        return ticket.attachment_ids.filtered(
            lambda a: a in sent or (a.create_date == ticket.create_date and not a.res_field)
        )

    @http.route()
    def portal_my_tickets(self, *args, **kwargs):
        self._qualiopi_viewer_tz()
        return super().portal_my_tickets(*args, **kwargs)

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        self._qualiopi_viewer_tz(ticket)
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        # A partner organisation's contact reads a session's record shared with
        # them: no close button, no link token (it would outlive the sharing),
        # no composer, no files listed, no contact details of the complainant.
        shared_view = bool(ticket.with_env(request.env)._qualiopi_shared_only())
        values["qualiopi_shared_view"] = shared_view
        values["qualiopi_portal_attachments"] = self._qualiopi_portal_attachments(ticket)
        if shared_view:
            values["closed_stages"] = ticket.stage_id.browse()
        return values
