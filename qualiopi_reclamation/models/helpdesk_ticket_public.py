"""The public intake: a visitor's complaint or difficulty made a record.

``helpdesk.ticket._qualiopi_create_from_public(values, files)`` holds every rule
about the data a visitor sends (what is accepted, the limits, the session
matched, who the record is linked to) so that it can be tested and called
without HTTP; the controller of ``/qualiopi/reclamation`` only checks the
request (CSRF or embed token, honeypot), reads it, calls this and renders.
"""

import io
import os
import re
import zipfile

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.mimetypes import guess_mimetype
from odoo.tools.sql import escape_psql

# The form's fields (the contract of DESIGN.md), every one a string.
PUBLIC_FIELDS = (
    "partner_name",
    "partner_email",
    "partner_phone",
    "stakeholder_type",
    "qualiopi_nature",
    "training_reference",
    "description",
    "consent",
    # A confidential report (harassment, violence, discrimination,
    # whistleblowing), anonymous or not: helpdesk_ticket_public_confidential.py.
    "anonymous",
    "confidential_reason",
)
# Who may use the public form, and for what (the contract's public subset).
PUBLIC_STAKEHOLDER_TYPES = ("trainee", "client", "funder", "trainer", "tutor", "other")
PUBLIC_NATURES = ("complaint", "difficulty")
# Accepted files: extension -> the content type stored. A file is accepted
# only when its bytes really are of its extension's format (see _file_is).
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
# Signatures (magic bytes) of the formats checked by their first bytes.
MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
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
MAX_NAME = 128
MAX_REFERENCE = 256
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 10000
MAX_FILE_NAME = 200


class QualiopiPublicRefusal(ValidationError):
    """A public submission refused, with every reason as a sentence for the
    visitor (``errors``); ``too_many`` when a rate limit refused it."""

    def __init__(self, errors, too_many=False):
        self.errors = list(errors)
        self.too_many = too_many
        super().__init__("\n".join(self.errors))


def _file_is(extension, data):
    """Whether the bytes really are a file of this extension's format.

    Browsers and visitors choose the name and the declared type: only the
    content is trusted, by its signature (magic bytes) and, for archives and
    compound files, by the parts that make the format.
    """
    if extension in MAGIC:
        return data.startswith(MAGIC[extension])
    if extension == "webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if extension == "txt":
        return b"\x00" not in data and guess_mimetype(data) == "text/plain"
    if extension in OLE2_STREAMS:
        return data.startswith(OLE2_MAGIC) and any(
            stream.encode("utf-16-le") in data for stream in OLE2_STREAMS[extension]
        )
    return extension in ALLOWED_FILES and _zip_is(extension, data)


def _zip_is(extension, data):
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


def _text_html(text):
    """Typed text as HTML that shows it and nothing more: escaped, its lines and
    paragraphs kept, and no link made of an address (plaintext2html makes one)."""
    paragraphs = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return Markup("").join(
        Markup("<p>%s</p>") % Markup("<br/>").join(paragraph.strip("\n").split("\n"))
        for paragraph in paragraphs
        if paragraph.strip()
    )


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _qualiopi_public_clean(self, values):
        """The form's values as stripped strings, whatever was sent."""
        return {key: str(values.get(key) or "").strip() for key in PUBLIC_FIELDS}

    @api.model
    def _qualiopi_public_errors(self, values):
        """Every error of the submitted values (cleaned), as readable sentences."""
        errors = []
        name = values["partner_name"]
        if not name:
            errors.append(self.env._("Enter your name."))
        elif len(name) > MAX_NAME:
            errors.append(
                self.env._("Your name is too long (%(max)s characters at most).", max=MAX_NAME)
            )
        elif NAME_CONTROL_RE.search(name) or NAME_URL_RE.search(name):
            errors.append(
                self.env._(
                    "Enter only your name, on one line: a web or email address "
                    "cannot be part of it."
                )
            )
        if not values["partner_email"]:
            errors.append(self.env._("Enter your email address: our answer is sent to it."))
        elif (
            not tools.email_normalize(values["partner_email"])
            or len(tools.email_split(values["partner_email"])) != 1
        ):
            errors.append(
                self.env._(
                    "The email address is not valid: enter one address, like name@example.com."
                )
            )
        if values["partner_phone"] and not PHONE_RE.match(values["partner_phone"]):
            errors.append(
                self.env._("The phone number may only hold digits, spaces and + ( ) . - /.")
            )
        if values["stakeholder_type"] not in PUBLIC_STAKEHOLDER_TYPES:
            errors.append(self.env._("Say who you are (trainee, client company, funder...)."))
        if values["qualiopi_nature"] not in PUBLIC_NATURES:
            errors.append(self.env._("Choose whether this is a complaint or a difficulty."))
        if len(values["training_reference"]) > MAX_REFERENCE:
            errors.append(
                self.env._(
                    "The training reference is too long (%(max)s characters at most).",
                    max=MAX_REFERENCE,
                )
            )
        if len(values["description"]) < MIN_DESCRIPTION:
            errors.append(
                self.env._(
                    "Describe the matter (%(min)s characters at least).", min=MIN_DESCRIPTION
                )
            )
        elif len(values["description"]) > MAX_DESCRIPTION:
            errors.append(
                self.env._(
                    "The description is too long (%(max)s characters at most): "
                    "attach a document instead.",
                    max=MAX_DESCRIPTION,
                )
            )
        if not values["consent"]:
            errors.append(
                self.env._(
                    "Tick the consent box: we need your agreement to process your "
                    "personal data to handle your request."
                )
            )
        return errors

    @api.model
    def _qualiopi_public_files(self, files):
        """The files to attach as (name, bytes, mimetype), and the errors found.

        ``files`` are (name, bytes) pairs as uploaded: the name is the
        visitor's (any path dropped), the type is taken from the bytes.
        """
        Attempt = self.env["qualiopi.public.attempt"]
        max_files = Attempt._qualiopi_limit("qualiopi_reclamation.public_max_files")
        max_mb = Attempt._qualiopi_limit("qualiopi_reclamation.public_max_file_mb")
        if len(files) > max_files:
            return [], [self.env._("Attach %(max)s files at most.", max=max_files)]
        accepted, errors = [], []
        for raw_name, data in files:
            name = os.path.basename(str(raw_name or "").replace("\\", "/"))[:MAX_FILE_NAME]
            name = NAME_CONTROL_RE.sub("", name) or "file"
            extension = os.path.splitext(name)[1].lower().lstrip(".")
            if len(data) > max_mb * 1024 * 1024:
                errors.append(
                    self.env._(
                        "%(file)s is too large: %(max)s MB at most per file.", file=name, max=max_mb
                    )
                )
            elif not data:
                errors.append(self.env._("%(file)s is empty.", file=name))
            elif not _file_is(extension, data):
                errors.append(
                    self.env._(
                        "%(file)s cannot be accepted: only these types of files are "
                        "allowed: %(types)s.",
                        file=name,
                        types=", ".join(ALLOWED_FILES),
                    )
                )
            else:
                accepted.append((name, data, ALLOWED_FILES[extension]))
        return accepted, errors

    @api.model
    def _qualiopi_public_event(self, company, reference):
        """The session of this reference (SES-2026-0042, case and spaces ignored),
        else the session whose name is exactly the reference, if only one is.

        Read as superuser: a visitor cannot read sessions, and learns nothing
        of the match (the confirmation is the same with or without one).
        """
        reference = (reference or "").strip()
        Event = self.env["event.event"].sudo()
        if not reference:
            return Event
        company_domain = [("company_id", "in", (company.id, False))]
        events = Event.search(
            [("qualiopi_reference", "=", reference.upper()), *company_domain], limit=2
        )
        if len(events) != 1:
            events = Event.search(
                [("name", "=ilike", escape_psql(reference)), *company_domain], limit=2
            )
        return events if len(events) == 1 else Event

    @api.model
    def _qualiopi_public_values(self, values, company):
        """The record as the visitor typed it (values cleaned and checked).

        It is never linked to a contact on the visitor's word: the name, email
        and phone stay on the record, and staff link the contact suggested by
        the address (or the complainant proves it by answering our email).
        Everything typed stays text: the description is escaped into HTML,
        where no address becomes a link.
        """
        description = values["description"]
        first_line = description.splitlines()[0].strip() if description else ""
        title = first_line if len(first_line) <= 80 else first_line[:79] + "…"
        html = _text_html(description)
        if values["training_reference"]:
            training = self.env._(
                "Training concerned: %(training)s", training=values["training_reference"]
            )
            html = _text_html(training) + html
        team = company.qualiopi_public_team_id or self.env["helpdesk.ticket.team"].search(
            [("qualiopi_default_nature", "!=", False), ("company_id", "in", (company.id, False))],
            limit=1,
        )
        vals = {
            "name": title or values["partner_name"],
            "description": html,
            "qualiopi_nature": values["qualiopi_nature"],
            "stakeholder_type": values["stakeholder_type"],
            "partner_id": False,
            "partner_name": values["partner_name"],
            "partner_email": tools.email_normalize(values["partner_email"]),
            "partner_phone": values["partner_phone"] or False,
            "company_id": company.id,
            "received_date": fields.Datetime.now(),
            "user_id": False,
            "channel_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web").id,
        }
        if team:
            vals["team_id"] = team.id
        # The session only: its registration (a contact) is linked with the
        # contact, by staff (see action_qualiopi_link_suggested_partner).
        event = self._qualiopi_public_event(company, values["training_reference"])
        if event:
            vals["event_id"] = event.id
        return vals

    @api.model
    def _qualiopi_create_from_public(self, values, files=(), ip_address="", embed_nonce=False):
        """File a visitor's complaint or difficulty, all or nothing.

        :param values: the form's fields (``PUBLIC_FIELDS``), strings as typed
        :param files: (file name, bytes) pairs as uploaded
        :param ip_address: the client's address, counted by the rate limits
        :param embed_nonce: the embedded form's nonce, usable once
        :return: the record, created by the system in the current company
        :raise QualiopiPublicRefusal: with every reason, when anything is
            refused; nothing is written then
        """
        values = self._qualiopi_public_clean(values)
        email = tools.email_normalize(values["partner_email"]) or ""
        # The limits and the tokens are the public form's own records: a
        # visitor has no right on them, the submission is what is counted.
        Attempt = self.env["qualiopi.public.attempt"].sudo()
        if Attempt._qualiopi_is_limited(ip_address, email):
            raise QualiopiPublicRefusal(
                [
                    self.env._(
                        "Too many submissions have been received from your "
                        "connection or for this email address. Please try again "
                        "in an hour, or write to us by email or post."
                    )
                ],
                too_many=True,
            )
        attachments, file_errors = self._qualiopi_public_files(list(files))
        errors = self._qualiopi_public_errors(values) + file_errors
        if errors:
            raise QualiopiPublicRefusal(errors)
        if embed_nonce and Attempt._qualiopi_embed_nonce_used(embed_nonce):
            raise QualiopiPublicRefusal(
                [
                    self.env._(
                        "This form has already been sent once. To send another "
                        "request, submit the form below again."
                    )
                ]
            )
        # Every value was checked above and none links an existing record but
        # the session matched: the record is created by the system (OdooBot),
        # not by "Public user", who has no right on tickets; the automatic
        # acknowledgement is then sent in the organisation's name.
        env = self.env(user=SUPERUSER_ID, su=True)
        company = env["res.company"].browse(self.env.company.id)  # the caller's company
        Ticket = env["helpdesk.ticket"].with_company(company)
        with self.env.cr.savepoint():
            ticket = Ticket.with_context(mail_create_nosubscribe=True).create(
                Ticket._qualiopi_public_values(values, company)
            )
            env["ir.attachment"].create(
                [
                    {
                        "name": name,
                        "raw": data,
                        "mimetype": mimetype,
                        "res_model": "helpdesk.ticket",
                        "res_id": ticket.id,
                    }
                    for name, data, mimetype in attachments
                ]
            )
            # Only what was recorded counts against the limits: junk posts
            # never lock out a complainant's address.
            Attempt.create(
                {
                    "ip_address": ip_address,
                    "email": email or False,
                    "embed_nonce": embed_nonce or False,
                }
            )
            ticket._portal_ensure_token()
        return ticket
