import io
import logging
import os
import re
import secrets
import time
import zipfile

import pytz
from werkzeug.exceptions import NotFound

from odoo import SUPERUSER_ID, fields, http, tools
from odoo.http import request
from odoo.tools.mimetypes import guess_mimetype
from odoo.tools.misc import hmac
from odoo.tools.sql import escape_psql

_logger = logging.getLogger(__name__)

# Who may use the public form, and for what (the contract's public subset).
PUBLIC_STAKEHOLDER_TYPES = ("trainee", "client", "funder", "trainer", "tutor", "other")
PUBLIC_NATURES = ("complaint", "difficulty")
# Accepted files: extension -> the content type stored. A file is accepted
# only when its bytes really are of its extension's format (see _qualiopi_file_is).
ALLOWED_FILES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "txt": "text/plain",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# Legacy Office files are OLE2 compound files; the name of their main stream
# (UTF-16 in the directory) tells a Word document from an Excel workbook.
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
OLE2_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
}
# Office Open XML and OpenDocument files are zip archives holding these parts.
ZIP_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
}
PHONE_RE = re.compile(r"^[0-9+().\-/ ]{4,32}$")
# A name is printed in emails and pages: no link nor line of its own in it.
NAME_URL_RE = re.compile(
    r"https?:|www\.|://|@|[^\s.]\.(?:[a-z]{2,}|xn--[a-z0-9-]+)(?:$|[\s/:?#])", re.IGNORECASE
)
NAME_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
# The honeypot: a field hidden from people, which robots fill in.
HONEYPOT_FIELD = "website_url"
MAX_NAME = 128
MAX_REFERENCE = 256
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 10000
# The embedded form (?embed=1) is shown in an iframe of the organisation's own
# website, where the browser does not send Odoo's session cookie (SameSite=Lax):
# it carries a signed, timestamped token instead of the session's CSRF token.
EMBED_TOKEN_SCOPE = "qualiopi_reclamation.embed_form"
EMBED_TOKEN_MAX_AGE = 2 * 60 * 60
EMBED_TOKEN_CLOCK_SKEW = 5 * 60
# Sites allowed to embed the form: a system parameter holding origins
# separated by spaces or commas (like https://www.example.com), "*" by default.
EMBED_ORIGINS_PARAM = "qualiopi_reclamation.embed_allowed_origins"
EMBED_ORIGIN_RE = re.compile(r"^(\*|'self'|https?://[A-Za-z0-9.\-*]+(:[0-9]{1,5})?)$")


class QualiopiPublicForm(http.Controller):
    """The public complaint form, its confirmation and the published procedure.

    Everything here works for visitors without a login and without the website
    app: pages are rendered with the frontend layout of ``web``/``portal``.
    """

    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------

    @http.route(
        "/qualiopi/reclamation",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def qualiopi_reclamation_form(self, **kwargs):
        return self._qualiopi_render_form({}, [], embed=kwargs.get("embed"))

    @http.route(
        "/qualiopi/reclamation",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        csrf=False,  # checked below, to answer with a readable message
        sitemap=False,
    )
    def qualiopi_reclamation_submit(self, **post):
        env = request.env
        embed = post.get("embed")
        values = {
            key: (post.get(key) or "").strip()
            for key in (
                "partner_name",
                "partner_email",
                "partner_phone",
                "stakeholder_type",
                "qualiopi_nature",
                "training_reference",
                "description",
                "consent",
            )
        }
        embed_nonce = False
        if embed and post.get("embed_token"):
            embed_nonce = self._qualiopi_check_embed_token(post["embed_token"])
            if not embed_nonce:
                return self._qualiopi_render_form(
                    values,
                    [
                        env._(
                            "The embedded form has expired (it stays valid for two hours) "
                            "or its security token is not valid. Reload the page and "
                            "submit it again: what you typed is kept below."
                        )
                    ],
                    embed=embed,
                    status=400,
                )
        elif not request.validate_csrf(post.get("csrf_token")):
            return self._qualiopi_render_form(
                values,
                [
                    env._(
                        "The form has expired or was not sent from this site. "
                        "Reload the page and submit it again."
                    )
                ],
                embed=embed,
                status=400,
            )
        if post.get(HONEYPOT_FIELD):
            _logger.info("Public complaint form: honeypot filled, submission refused")
            return self._qualiopi_render_form(
                values,
                [
                    env._(
                        "The submission was refused as automated: the field "
                        "reserved for spam robots must stay empty."
                    )
                ],
                embed=embed,
                status=400,
            )
        email = tools.email_normalize(values["partner_email"]) or ""
        # The client's address as Odoo knows it: behind a reverse proxy, Odoo
        # takes it from X-Forwarded-For only when proxy_mode is on (readme).
        ip_address = request.httprequest.remote_addr or ""
        Attempt = env["qualiopi.public.attempt"].sudo()
        if Attempt._qualiopi_is_limited(ip_address, email):
            return self._qualiopi_render_form(
                values,
                [
                    env._(
                        "Too many submissions have been received from your "
                        "connection or for this email address. Please try again "
                        "in an hour, or write to us by email or post."
                    )
                ],
                embed=embed,
                status=429,
            )

        errors = self._qualiopi_validate(values, email)
        files, file_errors = self._qualiopi_read_files()
        errors += file_errors
        if errors:
            return self._qualiopi_render_form(values, errors, embed=embed, status=400)
        if embed_nonce and Attempt._qualiopi_embed_nonce_used(embed_nonce):
            return self._qualiopi_render_form(
                values,
                [
                    env._(
                        "This form has already been sent once. To send another "
                        "request, submit the form below again."
                    )
                ],
                embed=embed,
                status=400,
            )
        try:
            with env.cr.savepoint():
                ticket = self._qualiopi_create_ticket(values, email, files)
                # Only what was recorded counts against the limits: junk posts
                # never lock out a complainant's address.
                Attempt.create(
                    {
                        "ip_address": ip_address,
                        "email": email or False,
                        "embed_nonce": embed_nonce or False,
                    }
                )
        except Exception:
            _logger.exception("Public complaint form: the record could not be created")
            return self._qualiopi_render_form(
                values,
                [
                    env._(
                        "Your message could not be recorded because of a technical "
                        "problem. Nothing was saved: please try again later or "
                        "write to us by email."
                    )
                ],
                embed=embed,
                status=500,
            )
        query = {"access_token": ticket.sudo()._portal_ensure_token()}
        if embed:
            query["embed"] = 1
        return request.redirect(
            f"{self._qualiopi_lang_prefix(embed)}/qualiopi/reclamation/confirmation/{ticket.id}?"
            + "&".join(f"{key}={value}" for key, value in query.items())
        )

    @http.route(
        "/qualiopi/reclamation/confirmation/<int:ticket_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def qualiopi_reclamation_confirmation(self, ticket_id, access_token=None, **kwargs):
        ticket = request.env["helpdesk.ticket"].sudo().browse(ticket_id).exists()
        if (
            not ticket
            or not access_token
            or not ticket.access_token
            or not tools.consteq(ticket.access_token, access_token)
        ):
            raise NotFound()
        company = ticket.company_id
        tz = ticket._qualiopi_tz()
        values = self._qualiopi_page_values(company, embed=kwargs.get("embed"))
        values.update(
            {
                "ticket": ticket,
                "received": self._qualiopi_format(ticket.received_date, tz),
                "response_deadline": self._qualiopi_format(
                    ticket.response_deadline, tz, date_only=True
                ),
                "ack_sent": bool(ticket.ack_date),
                "follow_url": f"/my/ticket/{ticket.id}?access_token={access_token}",
            }
        )
        response = request.render("qualiopi_reclamation.public_reclamation_confirmation", values)
        return self._qualiopi_frame_headers(response, kwargs.get("embed"))

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    def _qualiopi_page_values(self, company, embed=False):
        company = company.sudo()
        return {
            "company": company,
            "res_company": company,
            "mediator": company._qualiopi_public_mediator(),
            "ack_days": company.qualiopi_ack_days,
            "response_days": company.qualiopi_response_days,
            "embed": bool(embed),
            "no_header": bool(embed),
            "no_footer": bool(embed),
            "languages": self._qualiopi_languages(),
        }

    def _qualiopi_languages(self):
        """Installed languages, for the language switch of the public pages."""
        return [
            (lang.code, lang.url_code, lang.name)
            for lang in request.env["res.lang"]._get_frontend().values()
        ]

    def _qualiopi_render_form(self, values, errors, embed=False, status=200):
        env = request.env
        company = env.company
        nature_labels = dict(
            env["helpdesk.ticket"]._fields["qualiopi_nature"]._description_selection(env)
        )
        stakeholder_labels = dict(
            env["helpdesk.ticket"]._fields["stakeholder_type"]._description_selection(env)
        )
        render_values = self._qualiopi_page_values(company, embed=embed)
        render_values.update(
            {
                "values": values,
                "errors": errors,
                "natures": [(key, nature_labels[key]) for key in PUBLIC_NATURES],
                "stakeholder_types": [
                    (key, stakeholder_labels[key]) for key in PUBLIC_STAKEHOLDER_TYPES
                ],
                "honeypot_field": HONEYPOT_FIELD,
                "max_files": self._qualiopi_limit("public_max_files"),
                "max_file_mb": self._qualiopi_limit("public_max_file_mb"),
                "accept": ",".join(f".{ext}" for ext in ALLOWED_FILES),
                "allowed_extensions": ", ".join(ALLOWED_FILES),
                "privacy_url": company.sudo().qualiopi_privacy_url,
                "embed_token": self._qualiopi_embed_token() if embed else "",
                "form_action": f"{self._qualiopi_lang_prefix(embed)}/qualiopi/reclamation",
            }
        )
        response = request.render("qualiopi_reclamation.public_reclamation_form", render_values)
        response.status_code = status
        return self._qualiopi_frame_headers(response, embed)

    # ------------------------------------------------------------------
    # Embedding in another site
    # ------------------------------------------------------------------

    def _qualiopi_lang_prefix(self, embed):
        """In an iframe the language cookie is not sent: the URL keeps the language."""
        lang = getattr(request, "lang", None)
        return f"/{lang.url_code}" if embed and lang else ""

    def _qualiopi_embed_token(self, timestamp=None, nonce=None):
        """A token for one display of the embedded form: a timestamp, a random
        nonce (recorded when the form is sent, so that it is sent once) and
        their signature."""
        timestamp = int(time.time() if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(16)
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

    def _qualiopi_frame_ancestors(self):
        """The origins allowed to embed the public pages, from the system parameter."""
        value = request.env["ir.config_parameter"].sudo().get_param(EMBED_ORIGINS_PARAM) or "*"
        origins = [origin for origin in re.split(r"[\s,]+", value) if EMBED_ORIGIN_RE.match(origin)]
        return " ".join(origins) or "'self'"

    def _qualiopi_frame_headers(self, response, embed):
        """Embedded pages may be framed by the allowed sites; other pages are left as they are."""
        if embed:
            response.headers.pop("X-Frame-Options", None)
            response.headers["Content-Security-Policy"] = (
                f"frame-ancestors {self._qualiopi_frame_ancestors()}"
            )
        return response

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    def _qualiopi_limit(self, name):
        return request.env["qualiopi.public.attempt"]._qualiopi_limit(
            f"qualiopi_reclamation.{name}"
        )

    def _qualiopi_validate(self, values, email):
        """Every error of the submitted values, as readable sentences."""
        errors = []
        if not values["partner_name"]:
            errors.append(request.env._("Enter your name."))
        elif len(values["partner_name"]) > MAX_NAME:
            errors.append(
                request.env._("Your name is too long (%(max)s characters at most).", max=MAX_NAME)
            )
        elif NAME_CONTROL_RE.search(values["partner_name"]) or NAME_URL_RE.search(
            values["partner_name"]
        ):
            errors.append(
                request.env._(
                    "Enter only your name, on one line: a web or email address "
                    "cannot be part of it."
                )
            )
        if not values["partner_email"]:
            errors.append(request.env._("Enter your email address: our answer is sent to it."))
        elif not email or len(tools.email_split(values["partner_email"])) != 1:
            errors.append(
                request.env._(
                    "The email address is not valid: enter one address, like name@example.com."
                )
            )
        if values["partner_phone"] and not PHONE_RE.match(values["partner_phone"]):
            errors.append(
                request.env._("The phone number may only hold digits, spaces and + ( ) . - /.")
            )
        if values["stakeholder_type"] not in PUBLIC_STAKEHOLDER_TYPES:
            errors.append(request.env._("Say who you are (trainee, client company, funder...)."))
        if values["qualiopi_nature"] not in PUBLIC_NATURES:
            errors.append(request.env._("Choose whether this is a complaint or a difficulty."))
        if len(values["training_reference"]) > MAX_REFERENCE:
            errors.append(
                request.env._(
                    "The training reference is too long (%(max)s characters at most).",
                    max=MAX_REFERENCE,
                )
            )
        if len(values["description"]) < MIN_DESCRIPTION:
            errors.append(
                request.env._(
                    "Describe the matter (%(min)s characters at least).",
                    min=MIN_DESCRIPTION,
                )
            )
        elif len(values["description"]) > MAX_DESCRIPTION:
            errors.append(
                request.env._(
                    "The description is too long (%(max)s characters at most): "
                    "attach a document instead.",
                    max=MAX_DESCRIPTION,
                )
            )
        if not values["consent"]:
            errors.append(
                request.env._(
                    "Tick the consent box: we need your agreement to process your "
                    "personal data to handle your request."
                )
            )
        return errors

    def _qualiopi_read_files(self):
        """The uploaded files as (name, bytes, mimetype), and the errors found."""
        uploads = [
            upload
            for upload in request.httprequest.files.getlist("attachments")
            if upload and upload.filename
        ]
        errors = []
        max_files = self._qualiopi_limit("public_max_files")
        max_bytes = self._qualiopi_limit("public_max_file_mb") * 1024 * 1024
        if len(uploads) > max_files:
            errors.append(request.env._("Attach %(max)s files at most.", max=max_files))
            return [], errors
        files = []
        for upload in uploads:
            name = os.path.basename(upload.filename.replace("\\", "/"))[:200] or "file"
            data = upload.read(max_bytes + 1)
            extension = os.path.splitext(name)[1].lower().lstrip(".")
            if len(data) > max_bytes:
                errors.append(
                    request.env._(
                        "%(file)s is too large: %(max)s MB at most per file.",
                        file=name,
                        max=max_bytes // (1024 * 1024),
                    )
                )
                continue
            if not data:
                errors.append(request.env._("%(file)s is empty.", file=name))
                continue
            if not self._qualiopi_file_is(extension, data):
                errors.append(
                    request.env._(
                        "%(file)s cannot be accepted: only these types of files are "
                        "allowed: %(types)s.",
                        file=name,
                        types=", ".join(ALLOWED_FILES),
                    )
                )
                continue
            files.append((name, data, ALLOWED_FILES[extension]))
        return files, errors

    def _qualiopi_file_is(self, extension, data):
        """Whether the bytes really are a file of this extension's format.

        Browsers and visitors choose the name and the declared type: only the
        content is trusted, by its signature (magic bytes) and, for archives
        and compound files, by the parts that make the format.
        """
        if extension not in ALLOWED_FILES:
            return False
        if extension == "pdf":
            return data.startswith(b"%PDF-")
        if extension == "png":
            return data.startswith(b"\x89PNG\r\n\x1a\n")
        if extension in ("jpg", "jpeg"):
            return data.startswith(b"\xff\xd8\xff")
        if extension == "gif":
            return data[:6] in (b"GIF87a", b"GIF89a")
        if extension == "webp":
            return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
        if extension == "txt":
            return b"\x00" not in data and guess_mimetype(data) == "text/plain"
        if extension in OLE2_STREAMS:
            return data.startswith(OLE2_MAGIC) and any(
                stream.encode("utf-16-le") in data for stream in OLE2_STREAMS[extension]
            )
        return self._qualiopi_zip_is(extension, data)

    def _qualiopi_zip_is(self, extension, data):
        """Office Open XML and OpenDocument files: zip archives of the right parts."""
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    return False  # macros: a .docm or .xlsm renamed
                if extension in ZIP_PARTS:
                    return "[Content_Types].xml" in names and ZIP_PARTS[extension] in names
                if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
                    return False
                return archive.read("mimetype").strip() == ALLOWED_FILES[extension].encode()
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
            return False

    # ------------------------------------------------------------------
    # Creation
    # ------------------------------------------------------------------

    def _qualiopi_match_event(self, company, reference):
        """The session of this reference (SES-2026-0042, case and spaces ignored),
        else the session whose name is exactly the reference, if only one is."""
        reference = (reference or "").strip()
        Event = request.env["event.event"].sudo()
        if not reference:
            return Event
        company_domain = [("company_id", "in", (company.id, False))]
        events = Event.search(
            [("qualiopi_reference", "=", reference.upper()), *company_domain], limit=2
        )
        if len(events) != 1:
            events = Event.search(
                [("name", "=ilike", escape_psql(reference)), *company_domain],
                limit=2,
            )
        return events if len(events) == 1 else Event

    def _qualiopi_ticket_values(self, values, email, company, team):
        """The record as the visitor typed it.

        It is never linked to a contact on the visitor's word: the name, email
        and phone stay on the record, and staff link the contact suggested by
        the address (or the complainant proves it by answering our email).
        """
        description = values["description"]
        first_line = description.splitlines()[0].strip() if description else ""
        title = first_line if len(first_line) <= 80 else first_line[:79] + "…"
        html = tools.plaintext2html(description)
        if values["training_reference"]:
            html = (
                tools.plaintext2html(
                    request.env._(
                        "Training concerned: %(training)s",
                        training=values["training_reference"],
                    )
                )
                + html
            )
        vals = {
            "name": title or values["partner_name"],
            "description": html,
            "qualiopi_nature": values["qualiopi_nature"],
            "stakeholder_type": values["stakeholder_type"],
            "partner_id": False,
            "partner_name": values["partner_name"],
            "partner_email": email,
            "partner_phone": values["partner_phone"] or False,
            "company_id": company.id,
            "received_date": fields.Datetime.now(),
            "user_id": False,
            "channel_id": request.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web").id,
        }
        if team:
            vals["team_id"] = team.id
        event = self._qualiopi_match_event(company, values["training_reference"])
        if event:
            # The session only: its registration (a contact) is linked with the
            # contact, by staff (see action_qualiopi_link_suggested_partner).
            vals["event_id"] = event.id
        return vals

    def _qualiopi_create_ticket(self, values, email, files):
        company = request.env.company.sudo()
        team = company.qualiopi_public_team_id or request.env["helpdesk.ticket.team"].sudo().search(
            [
                ("qualiopi_default_nature", "!=", False),
                ("company_id", "in", (company.id, False)),
            ],
            limit=1,
        )
        # Created by the system (OdooBot), not by "Public user": the automatic
        # acknowledgement is then sent in the organisation's name.
        env = request.env(user=SUPERUSER_ID, su=True)
        ticket_values = self._qualiopi_ticket_values(values, email, company, team)
        ticket = (
            env["helpdesk.ticket"]
            .with_company(company)
            .with_context(mail_create_nosubscribe=True)
            .create(ticket_values)
        )
        if files:
            env["ir.attachment"].create(
                [
                    {
                        "name": name,
                        "raw": data,
                        "mimetype": mimetype,
                        "res_model": "helpdesk.ticket",
                        "res_id": ticket.id,
                    }
                    for name, data, mimetype in files
                ]
            )
        return ticket

    # ------------------------------------------------------------------
    # Formatting
    # ------------------------------------------------------------------

    def _qualiopi_format(self, value, tz, date_only=False):
        if not value:
            return ""
        local = pytz.utc.localize(value).astimezone(pytz.timezone(tz))
        if date_only:
            return tools.format_date(request.env, local.date(), date_format="long")
        return tools.format_datetime(request.env, value, tz=tz, dt_format="short")
