import logging
import re
import secrets
import time

import pytz
from werkzeug.exceptions import NotFound

from odoo import http, tools
from odoo.http import request
from odoo.tools.misc import hmac

from ..models.helpdesk_ticket_public import (
    ALLOWED_FILES,
    PUBLIC_FIELDS,
    PUBLIC_NATURES,
    PUBLIC_STAKEHOLDER_TYPES,
    QualiopiPublicRefusal,
)
from .public_page import frame_headers, lang_prefix, page_values, public_company

_logger = logging.getLogger(__name__)

# The honeypot: a field hidden from people, which robots fill in.
HONEYPOT_FIELD = "website_url"
# The embedded form (?embed=1) is shown in an iframe of the organisation's own
# website, where the browser does not send Odoo's session cookie (SameSite=Lax):
# it carries a signed, timestamped token instead of the session's CSRF token.
EMBED_TOKEN_SCOPE = "qualiopi_reclamation.embed_form"
EMBED_TOKEN_MAX_AGE = 2 * 60 * 60
EMBED_TOKEN_CLOCK_SKEW = 5 * 60


class QualiopiPublicForm(http.Controller):
    """The public complaint form and its confirmation.

    Everything here works for visitors without a login and without the website
    app: pages are rendered with the frontend layout of ``web``/``portal``. The
    request is checked here (the form's switch, CSRF or embed token, honeypot);
    what is sent is checked and recorded by
    ``helpdesk.ticket._qualiopi_create_from_public``.
    """

    @http.route(
        "/qualiopi/reclamation",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def qualiopi_reclamation_form(self, **kwargs):
        self._qualiopi_check_open()
        # ?anonymous=1: the confidential report without name nor email
        # (controllers/confidential.py).
        values = {"anonymous": "1"} if kwargs.get("anonymous") else {}
        return self._qualiopi_render_form(values, [], embed=kwargs.get("embed"))

    @http.route(
        "/qualiopi/reclamation",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        csrf=False,  # checked in _qualiopi_submit, to answer with a readable message
        sitemap=False,
    )
    def qualiopi_reclamation_submit(self, **post):
        self._qualiopi_check_open()
        embed = post.get("embed")
        values = {key: (post.get(key) or "").strip() for key in PUBLIC_FIELDS}
        try:
            ticket = self._qualiopi_submit(values, post)
        except QualiopiPublicRefusal as refusal:
            errors, status = refusal.errors, 429 if refusal.too_many else 400
        except Exception:
            _logger.exception("Public complaint form: the record could not be created")
            errors = [
                request.env._(
                    "Your message could not be recorded because of a technical "
                    "problem. Nothing was saved: please try again later or "
                    "write to us by email."
                )
            ]
            status = 500
        else:
            code = ticket.env.context.get("qualiopi_followup_code")
            if code:
                # An anonymous report: its follow-up code is shown on this
                # page, once, and never put in a URL.
                return self._qualiopi_render_followup_code(ticket, code, embed)
            query = f"access_token={ticket.access_token}" + ("&embed=1" if embed else "")
            return request.redirect(
                f"{lang_prefix(embed)}/qualiopi/reclamation/confirmation/{ticket.id}?{query}"
            )
        return self._qualiopi_render_form(values, errors, embed=embed, status=status)

    @http.route(
        "/qualiopi/reclamation/confirmation/<int:ticket_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def qualiopi_reclamation_confirmation(self, ticket_id, access_token=None, **kwargs):
        # The visitor's right on the record is its access token, which only
        # the record holds: read as superuser, shown only when the token matches.
        ticket = request.env["helpdesk.ticket"].sudo().browse(ticket_id).exists()
        if (
            not ticket
            or not access_token
            or not ticket.access_token
            or not tools.consteq(ticket.access_token, access_token)
        ):
            raise NotFound()
        self._qualiopi_check_open(ticket.company_id)
        tz = ticket._qualiopi_tz()
        values = page_values(ticket.company_id, embed=kwargs.get("embed"))
        values.update(
            {
                "ticket": ticket,
                "received": self._qualiopi_format(ticket.received_date, tz),
                "response_deadline": self._qualiopi_format(
                    ticket.response_deadline, tz, date_only=True
                ),
                "ack_sent": bool(ticket.ack_date or ticket.qualiopi_ack_queued),
                "follow_url": f"/my/ticket/{ticket.id}?access_token={access_token}",
            }
        )
        response = request.render("qualiopi_reclamation.public_reclamation_confirmation", values)
        return frame_headers(response, kwargs.get("embed"))

    # ------------------------------------------------------------------
    # The request
    # ------------------------------------------------------------------

    def _qualiopi_check_open(self, company=None):
        """The form's pages exist only while the company keeps the form on."""
        if not public_company(company).qualiopi_public_form_enabled:
            raise NotFound()

    def _qualiopi_submit(self, values, post):
        """Check the request, then file what it carries.

        :raise QualiopiPublicRefusal: when the request or its content is refused
        """
        embed_nonce = False
        if post.get("embed") and post.get("embed_token"):
            embed_nonce = self._qualiopi_check_embed_token(post["embed_token"])
            if not embed_nonce:
                raise QualiopiPublicRefusal(
                    [
                        request.env._(
                            "The embedded form has expired (it stays valid for two hours) "
                            "or its security token is not valid. Reload the page and "
                            "submit it again: what you typed is kept below."
                        )
                    ]
                )
        elif not request.validate_csrf(post.get("csrf_token")):
            raise QualiopiPublicRefusal(
                [
                    request.env._(
                        "The form has expired or was not sent from this site. "
                        "Reload the page and submit it again."
                    )
                ]
            )
        if post.get(HONEYPOT_FIELD):
            _logger.info("Public complaint form: honeypot filled, submission refused")
            raise QualiopiPublicRefusal(
                [
                    request.env._(
                        "The submission was refused as automated: the field "
                        "reserved for spam robots must stay empty."
                    )
                ]
            )
        # The client's address as Odoo knows it: behind a reverse proxy, Odoo
        # takes it from X-Forwarded-For only when proxy_mode is on (readme).
        return request.env["helpdesk.ticket"]._qualiopi_create_from_public(
            values,
            self._qualiopi_read_files(),
            ip_address=request.httprequest.remote_addr or "",
            embed_nonce=embed_nonce,
        )

    def _qualiopi_read_files(self):
        """The uploaded files as (name, bytes): one more file and one more
        byte than allowed at most, enough for the model to refuse them."""
        Attempt = request.env["qualiopi.public.attempt"]
        max_files = Attempt._qualiopi_limit("qualiopi_reclamation.public_max_files")
        max_bytes = Attempt._qualiopi_limit("qualiopi_reclamation.public_max_file_mb") * 1024**2
        uploads = [
            upload
            for upload in request.httprequest.files.getlist("attachments")
            if upload and upload.filename
        ]
        return [
            (upload.filename, upload.read(max_bytes + 1)) for upload in uploads[: max_files + 1]
        ]

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    def _qualiopi_render_form(self, values, errors, embed=False, status=200):
        """The form, empty or as it was sent with the reasons it was refused."""
        env = request.env
        Ticket = env["helpdesk.ticket"]
        natures = dict(Ticket._fields["qualiopi_nature"]._description_selection(env))
        stakeholders = dict(Ticket._fields["stakeholder_type"]._description_selection(env))
        Attempt = env["qualiopi.public.attempt"]
        render_values = page_values(env.company, embed=embed)
        render_values.update(
            {
                "values": values,
                "errors": errors,
                "natures": [(key, natures[key]) for key in PUBLIC_NATURES],
                "stakeholder_types": [(key, stakeholders[key]) for key in PUBLIC_STAKEHOLDER_TYPES],
                "honeypot_field": HONEYPOT_FIELD,
                "max_files": Attempt._qualiopi_limit("qualiopi_reclamation.public_max_files"),
                "max_file_mb": Attempt._qualiopi_limit("qualiopi_reclamation.public_max_file_mb"),
                "accept": ",".join(f".{ext}" for ext in ALLOWED_FILES),
                "allowed_extensions": ", ".join(ALLOWED_FILES),
                "privacy_url": render_values["company"].qualiopi_privacy_url,
                "embed_token": self._qualiopi_embed_token() if embed else "",
                "form_action": f"{lang_prefix(embed)}/qualiopi/reclamation",
                "confidential_reasons": Ticket._fields[
                    "qualiopi_confidential_reason"
                ]._description_selection(env),
            }
        )
        response = request.render("qualiopi_reclamation.public_reclamation_form", render_values)
        response.status_code = status
        return frame_headers(response, embed)

    def _qualiopi_format(self, value, tz, date_only=False):
        if not value:
            return ""
        local = pytz.utc.localize(value).astimezone(pytz.timezone(tz))
        if date_only:
            return tools.format_date(request.env, local.date(), date_format="long")
        return tools.format_datetime(request.env, value, tz=tz, dt_format="short")

    # ------------------------------------------------------------------
    # Embedding in another site
    # ------------------------------------------------------------------

    def _qualiopi_embed_token(self, timestamp=None, nonce=None):
        """A token for one display of the embedded form: a timestamp, a random
        nonce (recorded when the form is sent, so that it is sent once) and
        their signature."""
        timestamp = int(time.time() if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(16)
        # Signed with the database secret, which only the superuser reads.
        signature = hmac(request.env(su=True), EMBED_TOKEN_SCOPE, f"{timestamp}.{nonce}")
        return f"{timestamp}.{nonce}.{signature}"

    def _qualiopi_check_embed_token(self, token):
        """The token's nonce when this database signed it less than two hours ago."""
        parts = (token or "").split(".")
        if len(parts) != 3:
            return False
        timestamp, nonce, signature = parts
        if not timestamp.isdigit() or not re.fullmatch(r"[0-9a-f]{32}", nonce) or not signature:
            return False
        age = time.time() - int(timestamp)
        if age > EMBED_TOKEN_MAX_AGE or age < -EMBED_TOKEN_CLOCK_SKEW:
            return False
        expected = self._qualiopi_embed_token(int(timestamp), nonce).rpartition(".")[2]
        return nonce if tools.consteq(expected, signature) else False
