"""The anonymous report's pages: its follow-up code, shown once after the
form is sent, and the public follow-up page where the code shows the status
and the answers posted publicly, and lets the complainant write again.

The code travels in POST bodies only (never in a URL, a log or a referrer).
Every wrong code and every message counts against the public form's rate
limit of the client's address (qualiopi.public.attempt); a wrong code
answers the same page as no code, so nothing is learned from it.
"""

from odoo import http
from odoo.http import request

from ..models.helpdesk_ticket_public import MAX_DESCRIPTION, MIN_DESCRIPTION
from .main import QualiopiPublicForm
from .public_page import page_values

FOLLOWUP_URL = "/qualiopi/reclamation/suivi"


def _no_store(response):
    """Pages that show a follow-up code or a confidential case stay out of
    caches and browser history."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


class QualiopiConfidentialPublicForm(QualiopiPublicForm):
    def _qualiopi_render_followup_code(self, ticket, code, embed=False):
        ticket = ticket.sudo()  # the visitor just filed it; its code is the proof
        tz = ticket._qualiopi_tz()
        values = page_values(ticket.company_id, embed=embed)
        values.update(
            {
                "ticket": ticket,
                "code": code,
                "received": self._qualiopi_format(ticket.received_date, tz),
                "followup_url": FOLLOWUP_URL,
            }
        )
        return _no_store(
            request.render("qualiopi_reclamation.public_reclamation_followup_code", values)
        )

    @http.route(
        FOLLOWUP_URL, type="http", auth="public", methods=["GET"], website=True, sitemap=False
    )
    def qualiopi_followup_form(self, **kwargs):
        self._qualiopi_check_open()
        return self._qualiopi_render_followup(None, "", [])

    @http.route(
        FOLLOWUP_URL,
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        csrf=False,  # checked below, to answer with a readable message
        sitemap=False,
    )
    def qualiopi_followup(self, **post):
        self._qualiopi_check_open()
        env = request.env
        if not request.validate_csrf(post.get("csrf_token")):
            return self._qualiopi_render_followup(
                None,
                "",
                [env._("The page has expired. Reload it and enter your code again.")],
                status=400,
            )
        ip_address = request.httprequest.remote_addr or ""
        Attempt = env["qualiopi.public.attempt"].sudo()
        if Attempt._qualiopi_is_limited(ip_address, ""):
            return self._qualiopi_render_followup(
                None,
                "",
                [env._("Too many attempts from your connection. Please try again in an hour.")],
                status=429,
            )
        code = (post.get("code") or "").strip()[:64]
        ticket = env["helpdesk.ticket"]._qualiopi_from_followup_code(code)
        if not ticket:
            Attempt.create({"ip_address": ip_address})
            return self._qualiopi_render_followup(
                None,
                "",
                [env._("No report matches this code. Check it and try again.")],
                status=404,
            )
        errors, sent = [], False
        message = (post.get("message") or "").strip()
        if "message" in post:
            if len(message) < MIN_DESCRIPTION or len(message) > MAX_DESCRIPTION:
                errors.append(
                    env._(
                        "Write between %(min)s and %(max)s characters.",
                        min=MIN_DESCRIPTION,
                        max=MAX_DESCRIPTION,
                    )
                )
            else:
                Attempt.create({"ip_address": ip_address})
                ticket._qualiopi_post_followup_message(message)
                sent = True
        return self._qualiopi_render_followup(ticket, code, errors, sent=sent)

    def _qualiopi_render_followup(self, ticket, code, errors, sent=False, status=200):
        company = ticket.company_id if ticket else None
        values = page_values(company)
        values.update(
            {
                "ticket": ticket,
                "code": code,
                "errors": errors,
                "sent": sent,
                "followup_url": FOLLOWUP_URL,
            }
        )
        if ticket:
            tz = ticket._qualiopi_tz()
            statuses = dict(ticket._fields["qualiopi_status"]._description_selection(request.env))
            values.update(
                {
                    "status": statuses.get(ticket.qualiopi_status, ""),
                    "received": self._qualiopi_format(ticket.received_date, tz),
                    "ack_deadline": self._qualiopi_format(ticket.ack_deadline, tz, True),
                    "ack_date": self._qualiopi_format(ticket.ack_date, tz),
                    "response_deadline": self._qualiopi_format(ticket.response_deadline, tz, True),
                    "response_date": self._qualiopi_format(ticket.response_date, tz),
                    "messages": [
                        {
                            "date": self._qualiopi_format(message.date, tz),
                            "mine": mine,
                            "body": message.body,
                        }
                        for message, mine in ticket._qualiopi_followup_messages()
                    ],
                }
            )
        response = request.render("qualiopi_reclamation.public_reclamation_followup", values)
        response.status_code = status
        return _no_store(response)
