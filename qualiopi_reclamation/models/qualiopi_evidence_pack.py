import base64
import csv
import email.utils
import hashlib
import html
import io
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import uuid
import zipfile
from email.header import Header
from urllib.parse import quote

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime
from odoo.tools.misc import get_lang

_logger = logging.getLogger(__name__)

# The pack is built by a cron-driven job record (state queued -> building ->
# done/failed), not by OCA queue_job: queue_job would make every installation
# run its job runner (server-wide module, channels configuration, a worker),
# for one job that runs a few times a year; a cron is plain Odoo, its history
# is the pack records themselves, and Odoo 18 can trigger it at once
# (ir.cron._trigger) so that a pack is built within a minute of the request.

# Written by the job only.
PROTECTED_FIELDS = (
    "state",
    "progress",
    "requested_by_id",
    "build_start_date",
    "build_end_date",
    "attachment_id",
    "file_count",
    "file_size",
    "manifest_sha256",
    "error",
)


SAFE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)


def _safe_name(text, default="file", length=60):
    """A file or folder name from any text (record names are typed by users
    and visitors): no path separator, no '..', no control character."""
    name = SAFE_NAME.sub("-", str(text or ""))
    name = re.sub(r"\.{2,}", ".", name).strip("-.")[:length].strip("-.")
    return name or default


class QualiopiEvidencePack(models.Model):
    """The evidence of a remote audit in one ZIP: the indicator-31 report (PDF
    and XLSX), the procedure versions in force, the annual review, and per
    session each record's acknowledgement and answer as sent, the survey
    results and the improvement actions; with an index and a manifest of
    SHA-256 hashes so that the pack can be checked later.

    Other addons add files per session with ``_qualiopi_pack_session_files``.
    """

    _name = "qualiopi.evidence.pack"
    _description = "Qualiopi Evidence Pack"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    event_ids = fields.Many2many(
        comodel_name="event.event",
        relation="qualiopi_evidence_pack_event_rel",
        column1="pack_id",
        column2="event_id",
        string="Sampled sessions",
        check_company=True,
        help="Empty: every session with a record in the period.",
    )
    lang = fields.Selection(
        selection="_get_lang_selection",
        string="Language",
        default=lambda self: self._default_lang(),
        required=True,
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("queued", "Queued"),
            ("building", "Building"),
            ("done", "Ready"),
            ("failed", "Failed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
    )
    progress = fields.Integer(readonly=True, copy=False, help="Percent of the pack built.")
    requested_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Requested by",
        default=lambda self: self.env.user,
        readonly=True,
        required=True,
    )
    build_start_date = fields.Datetime(string="Build started", readonly=True, copy=False)
    build_end_date = fields.Datetime(string="Build ended", readonly=True, copy=False)
    attachment_id = fields.Many2one(
        comodel_name="ir.attachment", string="ZIP", readonly=True, copy=False
    )
    file_count = fields.Integer(string="Files", readonly=True, copy=False)
    file_size = fields.Integer(string="Size (bytes)", readonly=True, copy=False)
    manifest_sha256 = fields.Char(
        string="Manifest SHA-256",
        readonly=True,
        copy=False,
        help="The hash of manifest.json in the ZIP: it proves later that the manifest, "
        "and through it every file, is the one built here.",
    )
    error = fields.Text(readonly=True, copy=False)

    @api.model
    def _get_lang_selection(self):
        return self.env["res.lang"].get_installed()

    @api.model
    def _default_lang(self):
        return self.env.company.partner_id.lang or get_lang(self.env).code

    @api.depends("date_from", "date_to", "company_id")
    def _compute_name(self):
        for pack in self:
            pack.name = self.env._(
                "Evidence pack %(company)s %(start)s - %(end)s",
                company=pack.company_id.name or "",
                start=pack.date_from or "",
                end=pack.date_to or "",
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for pack in self:
            if pack.date_from > pack.date_to:
                raise UserError(self.env._("The period of the pack ends before it starts."))

    @api.model_create_multi
    def create(self, vals_list):
        """What the job writes (state, ZIP, hashes, who asked) is never taken
        from the caller: a pack created over RPC with a forged attachment or
        author would otherwise be served or signed as built here."""
        if not self.env.su:
            for vals in vals_list:
                for fname in PROTECTED_FIELDS:
                    vals.pop(fname, None)
                vals["requested_by_id"] = self.env.uid
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_build(self):
        """Queue the pack: the cron builds it in the background (at once when
        the cron runner is free). Who may ask: whoever may create a pack."""
        self.check_access("create")
        self._qualiopi_check_requester()
        self.filtered(lambda p: p.state not in ("queued", "building")).sudo().write(
            {"state": "queued", "progress": 0, "error": False, "requested_by_id": self.env.uid}
        )
        cron = self.env.ref(
            "qualiopi_reclamation.ir_cron_qualiopi_evidence_packs", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()
        return True

    def _qualiopi_check_requester(self):
        """The current user may build these packs: a Qualiopi user of the
        pack's company (the report wizard checks the same when it runs)."""
        user = self.env.user
        if self.env.su:
            return
        if not user.has_group("qualiopi_reclamation.group_qualiopi_user"):
            raise AccessError(self.env._("Only Qualiopi users can build an evidence pack."))
        self.env["report.qualiopi_reclamation.report_indicator31"]._qualiopi_check_companies(
            self.company_id
        )

    def action_download(self):
        self.ensure_one()
        if self.state != "done" or not self.attachment_id:
            raise UserError(self.env._("The pack is not built yet."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/qualiopi/evidence_pack/{self.id}/download",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------

    @api.model
    def _cron_qualiopi_build_packs(self, limit=3):
        """Build the queued packs, oldest first: a pack that fails is marked
        failed with its error and the others go on. Outside tests each step is
        committed so that the user follows the progress (the build itself
        writes nothing but the pack's progress until its end)."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        packs = self.sudo().search([("state", "=", "queued")], order="id", limit=limit)
        for pack in packs:
            pack.write(
                {"state": "building", "progress": 0, "build_start_date": fields.Datetime.now()}
            )
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            try:
                if auto_commit:
                    pack._qualiopi_build()
                else:
                    with self.env.cr.savepoint():
                        pack._qualiopi_build()
            except Exception as error:  # noqa: BLE001 - stored on the pack, cron goes on
                _logger.exception("Qualiopi evidence pack %s failed", pack.id)
                if auto_commit:
                    self.env.cr.rollback()
                self.env.invalidate_all()
                pack.write(
                    {
                        "state": "failed",
                        "error": str(error),
                        "build_end_date": fields.Datetime.now(),
                    }
                )
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if self.sudo().search_count([("state", "=", "queued")]):
            self.env.ref("qualiopi_reclamation.ir_cron_qualiopi_evidence_packs")._trigger()

    def _qualiopi_commit(self):
        """Commit the job's progress so that the user sees it (not in tests,
        whose transaction is rolled back)."""
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _qualiopi_set_progress(self, percent):
        self.ensure_one()
        percent = int(percent)
        if percent != self.progress:
            self.sudo().write({"progress": percent})
            if self.state == "building":
                self._qualiopi_commit()

    def _qualiopi_build(self):
        """Build the ZIP as the user who asked for it (their rights checked
        by the report wizard) in the pack's language, streamed to a temporary
        file and stored as an attachment without loading it whole."""
        self.ensure_one()
        requester = self.requested_by_id
        pack = self.with_user(requester).with_context(
            lang=self.lang,
            tz=self.company_id._qualiopi_tz(),
            allowed_company_ids=[self.company_id.id],
            force_report_rendering=True,
        )
        pack._qualiopi_check_requester()
        handle, path = tempfile.mkstemp(prefix="qualiopi-pack-", suffix=".zip")
        os.close(handle)
        try:
            builder = _PackWriter(
                path,
                {
                    "file": pack.env._("File"),
                    "path": pack.env._("Path in the pack"),
                    "size": pack.env._("Size (bytes)"),
                    "lang": (pack.lang or "en_US").split("_")[0],
                    "generated": pack.env._("Generated on %(date)s by %(user)s"),
                    "check": pack.env._("Check every file with"),
                },
            )
            pack._qualiopi_write_content(builder)
            manifest_sha256, count = builder.close(pack._qualiopi_manifest_header())
            attachment = self._qualiopi_store_zip(path)
            self.sudo().write(
                {
                    "state": "done",
                    "progress": 100,
                    "attachment_id": attachment.id,
                    "file_count": count,
                    "file_size": attachment.file_size,
                    "manifest_sha256": manifest_sha256,
                    "build_end_date": fields.Datetime.now(),
                    "error": False,
                }
            )
        finally:
            if os.path.exists(path):
                os.unlink(path)
        return True

    def _qualiopi_file_base(self):
        return _safe_name(
            f"qualiopi-evidence-{self.company_id.name}-{self.date_from}-{self.date_to}",
            default="qualiopi-evidence",
            length=120,
        )

    def _qualiopi_store_zip(self, path):
        """An attachment of the pack for the file at ``path``, copied into the
        filestore by chunks (ir.attachment's own API wants the bytes)."""
        Attachment = self.env["ir.attachment"].sudo()
        name = self._qualiopi_file_base() + ".zip"
        values = {
            "name": name,
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/zip",
            "type": "binary",
        }
        if Attachment._storage() != "file":  # pragma: no cover - database storage
            with open(path, "rb") as zip_file:
                return Attachment.create({**values, "raw": zip_file.read()})
        sha1 = hashlib.sha1()
        with open(path, "rb") as zip_file:
            for chunk in iter(lambda: zip_file.read(1 << 20), b""):
                sha1.update(chunk)
        checksum = sha1.hexdigest()
        store_fname = f"{checksum[:2]}/{checksum}"
        full_path = Attachment._full_path(store_fname)
        if not os.path.exists(full_path):
            os.makedirs(os.path.dirname(full_path), exist_ok=True)
            shutil.copyfile(path, full_path)
        attachment = Attachment.create(values)
        # ir.attachment drops these keys from create/write values (they are
        # computed from the bytes, which we do not hold): set them directly.
        self.env.cr.execute(
            "UPDATE ir_attachment SET store_fname = %s, checksum = %s, file_size = %s "
            "WHERE id = %s",
            (store_fname, checksum, os.path.getsize(path), attachment.id),
        )
        attachment.invalidate_recordset(["store_fname", "checksum", "file_size", "raw", "datas"])
        return attachment

    # ------------------------------------------------------------------
    # Content
    # ------------------------------------------------------------------

    def _qualiopi_report_wizard(self):
        self.ensure_one()
        return self.env["qualiopi.indicator31.report"].create(
            {
                "date_from": self.date_from,
                "date_to": self.date_to,
                "company_id": self.company_id.id,
                "event_ids": [fields.Command.set(self.event_ids.ids)],
            }
        )

    def _qualiopi_manifest_header(self):
        self.ensure_one()
        user = self.env.user
        return {
            "pack": self.name,
            "pack_id": self.id,
            "company": self.company_id.name,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "sampled_sessions": [
                {"id": event.id, "name": event.name} for event in self.event_ids.sudo()
            ],
            "language": self.lang,
            "generated_at": fields.Datetime.now()
            .replace(tzinfo=pytz.utc)
            .isoformat(timespec="seconds"),
            "generated_by": {"id": user.id, "name": user.name, "login": user.login},
            "database": self.env.cr.dbname,
            "title": self.env._("Qualiopi indicator 31: evidence pack"),
            "generated_on_local": self._qualiopi_local(fields.Datetime.now()),
            "hash_algorithm": "SHA-256",
        }

    def _qualiopi_write_content(self, builder):
        """Every file of the pack, section by section."""
        self.ensure_one()
        wizard = self._qualiopi_report_wizard()
        Report = self.env["ir.actions.report"]
        base = wizard._qualiopi_file_name()
        section = self.env._("Audit report")
        pdf, _format = Report._render_qweb_pdf(
            "qualiopi_reclamation.report_indicator31", wizard.ids
        )
        builder.add(f"01-report/{base}.pdf", pdf, section, self.env._("Indicator 31 report (PDF)"))
        xlsx, _format = Report._render_xlsx(
            "qualiopi_reclamation.report_indicator31_xlsx", wizard.ids, None
        )
        builder.add(
            f"01-report/{base}.xlsx",
            xlsx,
            section,
            self.env._("Register and figures (XLSX)"),
        )
        self._qualiopi_set_progress(10)
        self._qualiopi_write_procedures(builder)
        self._qualiopi_write_annual_reviews(builder)
        self._qualiopi_set_progress(20)
        self._qualiopi_write_sessions(builder, wizard)

    def _qualiopi_procedure_versions(self):
        """The procedure texts in force at some time in the period: the
        current one and the superseded versions, each in force from its date
        to the next version's date."""
        self.ensure_one()
        procedure = self.env["qualiopi.procedure"]._qualiopi_for_company(self.company_id)
        texts = [(procedure.version_date, procedure)] + [
            (version.version_date, version) for version in procedure.version_ids
        ]
        texts.sort(key=lambda pair: pair[1].version)
        in_force = []
        for index, (start, text) in enumerate(texts):
            end = texts[index + 1][0] if index + 1 < len(texts) else None
            if (not start or start <= self.date_to) and (not end or end > self.date_from):
                in_force.append(text)
        return in_force or [procedure]

    def _qualiopi_write_procedures(self, builder):
        Report = self.env["ir.actions.report"]
        section = self.env._("Procedure")
        for text in self._qualiopi_procedure_versions():
            report = (
                "qualiopi_reclamation.report_qualiopi_procedure"
                if text._name == "qualiopi.procedure"
                else "qualiopi_reclamation.report_qualiopi_procedure_version"
            )
            pdf, _format = Report._render_qweb_pdf(report, text.ids)
            builder.add(
                f"02-procedure/procedure-v{text.version}-{text.version_date or ''}.pdf",
                pdf,
                section,
                self.env._(
                    "Procedure, version %(version)s of %(date)s",
                    version=text.version,
                    date=text.version_date or "",
                ),
            )

    def _qualiopi_write_annual_reviews(self, builder):
        reviews = self.env["qualiopi.annual.review"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("date_from", "<=", self.date_to),
                ("date_to", ">=", self.date_from),
            ],
            order="year",
        )
        Report = self.env["ir.actions.report"]
        for review in reviews:
            pdf, _format = Report._render_qweb_pdf(
                "qualiopi_reclamation.report_qualiopi_annual_review", review.ids
            )
            builder.add(
                f"03-annual-review/{_safe_name(review.name, 'annual-review')}.pdf",
                pdf,
                self.env._("Annual review"),
                review.name,
            )

    def _qualiopi_pack_sessions(self, wizard):
        """[(folder, event or empty recordset, tickets)]: the sampled sessions
        with all their records (as in the report), or, with no sample, every
        session with a record in the period and a folder for the records
        without a session."""
        self.ensure_one()
        ReportModel = self.env["report.qualiopi_reclamation.report_indicator31"]
        Ticket = ReportModel._qualiopi_tickets_env()
        if self.event_ids:
            groups = [
                (
                    event,
                    Ticket.search(
                        [
                            ("qualiopi_nature", "!=", False),
                            ("company_id", "=", self.company_id.id),
                            ("event_id", "=", event.id),
                        ],
                        order="received_date, id",
                    ),
                )
                for event in self.event_ids.sudo()
            ]
        else:
            tickets = Ticket.search(
                ReportModel._qualiopi_ticket_domain(wizard), order="received_date, id"
            )
            by_event = {}
            for ticket in tickets:
                by_event.setdefault(ticket.event_id, []).append(ticket.id)
            groups = [
                (event, Ticket.browse(ids))
                for event, ids in sorted(by_event.items(), key=lambda item: item[0].id or 0)
            ]
        result = []
        for index, (event, tickets) in enumerate(groups, start=1):
            if event:
                folder = f"04-sessions/{index:03d}-{_safe_name(event.name, 'session', 50)}"
            else:
                folder = f"04-sessions/{index:03d}-{_safe_name(self.env._('without-session'))}"
            result.append((folder, event, tickets))
        return result

    def _qualiopi_write_sessions(self, builder, wizard):
        sessions = self._qualiopi_pack_sessions(wizard)
        for done, (folder, event, tickets) in enumerate(sessions, start=1):
            section = event.display_name if event else self.env._("Records without a session")
            self._qualiopi_write_records(builder, folder, section, tickets)
            for name, content, title in self._qualiopi_pack_session_files(event, tickets):
                builder.add(f"{folder}/{name}", content, section, title)
            self._qualiopi_set_progress(20 + 79 * done / len(sessions))
            # One session at a time in memory: the next one starts afresh.
            tickets.env.invalidate_all()

    def _qualiopi_write_records(self, builder, folder, section, tickets):
        mails = self._qualiopi_mails_by_message(
            tickets.ack_message_id | tickets.response_message_id
        )
        for ticket in tickets:
            record_folder = f"{folder}/{_safe_name(ticket.number or ticket.id, 'record', 30)}"
            label = f"{ticket.number or ticket.id}"
            for milestone, message, title in (
                ("acknowledgement", ticket.ack_message_id, self.env._("acknowledgement")),
                ("answer", ticket.response_message_id, self.env._("answer")),
            ):
                if message:
                    builder.add(
                        f"{record_folder}/{milestone}.eml",
                        self._qualiopi_message_eml(message, mails.get(message.id, ())),
                        section,
                        f"{label}: {title} ({self._qualiopi_local(message.date)})",
                    )
                    continue
                scans = self._qualiopi_pack_letter_attachments(ticket, milestone)
                for attachment in scans:
                    builder.add(
                        f"{record_folder}/{milestone}-{_safe_name(attachment.name, 'scan')}",
                        attachment.raw or b"",
                        section,
                        f"{label}: {title}, {attachment.name}",
                    )
                if not scans:
                    # Said in the index, so that the auditor does not look for it.
                    builder.note(
                        section,
                        self.env._(
                            "%(record)s: %(milestone)s, no message or letter sent in Odoo "
                            "(%(state)s)",
                            record=label,
                            milestone=title,
                            state=self._qualiopi_milestone_state(ticket, milestone),
                        ),
                    )

    def _qualiopi_milestone_state(self, ticket, milestone):
        date_field, method_field = (
            ("ack_date", "ack_method")
            if milestone == "acknowledgement"
            else ("response_date", None)
        )
        if ticket.qualiopi_nature != "complaint" and not ticket[date_field]:
            return self.env._("not required for this nature")
        if not ticket[date_field]:
            return self.env._("not done")
        method = ""
        if method_field and ticket[method_field]:
            method = dict(ticket._fields[method_field]._description_selection(self.env)).get(
                ticket[method_field], ""
            )
        return self.env._(
            "recorded on %(date)s %(method)s",
            date=self._qualiopi_local(ticket[date_field]),
            method=method,
        ).strip()

    def _qualiopi_local(self, value):
        """A UTC datetime in the company's time zone and the pack's language."""
        return format_datetime(
            self.env, value, tz=self.company_id._qualiopi_tz(), dt_format="short"
        )

    @api.model
    def _qualiopi_pack_letter_attachments(self, ticket, milestone):
        """The scan of a recorded letter for a milestone (``acknowledgement``
        or ``answer``) with no message: the attachments held by the record's
        fields named after the milestone (``ack_*`` / ``response_*`` fields
        towards ir.attachment), if the register has such fields."""
        prefix = "ack_" if milestone == "acknowledgement" else "response_"
        attachments = self.env["ir.attachment"].sudo()
        for fname, field in ticket._fields.items():
            if fname.startswith(prefix) and field.comodel_name == "ir.attachment":
                attachments |= ticket[fname].sudo()
        return attachments

    @api.model
    def _qualiopi_mails_by_message(self, messages):
        """{message id: mail.mail records} for the emails still kept."""
        result = {}
        if not messages:
            return result
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search_fetch(
                [("mail_message_id", "in", messages.ids)], ["mail_message_id", "email_to"]
            )
        )
        for mail in mails:
            result.setdefault(mail.mail_message_id.id, []).append(mail)
        return result

    @api.model
    def _qualiopi_message_eml(self, message, mails=()):
        """The message as sent, as an RFC 5322 email: its date, sender,
        recipients (followers notified and the addresses it was mailed to),
        subject, Message-Id, HTML body and attachments.

        Odoo keeps the HTML body it sent; the plain-text alternative it added
        was derived from it, so the email holds the HTML alone."""
        message = message.sudo()

        def address(name, addr):
            return email.utils.formataddr((name or "", addr), charset="utf-8")

        recipients = [
            address(partner.name, partner.email) for partner in message.partner_ids if partner.email
        ]
        for mail in mails:
            for name, addr in email.utils.getaddresses([mail.email_to or ""]):
                if addr and address(name, addr) not in recipients:
                    recipients.append(address(name, addr))
        sender = message.email_from or message.author_id.email_formatted or ""
        if not sender.isascii():
            sender = address(*email.utils.parseaddr(sender))
        subject = (message.subject or message.record_name or "").replace("\n", " ")
        if not subject.isascii():
            subject = Header(subject, "utf-8").encode(linesep="\r\n")
        headers = [
            ("Date", email.utils.format_datetime(message.date.replace(tzinfo=pytz.utc))),
            ("From", sender),
        ]
        if recipients:
            headers.append(("To", ", ".join(recipients)))
        headers.append(("Subject", subject))
        if message.message_id:
            headers.append(("Message-Id", message.message_id))
        headers += [
            ("X-Odoo-Message-Id", str(message.id)),
            ("X-Odoo-Record", f"{message.model},{message.res_id}"),
        ]
        headers += [
            (
                "X-Odoo-Delivery",
                f"{notification.res_partner_id.email or ''}: {notification.notification_status}",
            )
            for notification in message.notification_ids
            if notification.notification_type == "email"
        ]
        files = [
            (attachment.name, attachment.mimetype, attachment.raw or b"")
            for attachment in message.attachment_ids
        ]
        return _eml_bytes(headers, str(message.body or "") or "<p></p>", files)

    def _qualiopi_pack_session_files(self, event, tickets):
        """[(file name, bytes, title)] added to a session's folder. Other
        addons extend it with ``super()`` (the survey results)."""
        self.ensure_one()
        Action = self.env["qualiopi.improvement.action"].sudo().with_context(active_test=False)
        if event:
            domain = ["|", ("event_ids", "in", event.ids), ("ticket_ids", "in", tickets.ids)]
        else:
            domain = [("ticket_ids", "in", tickets.ids)]
        actions = Action.search(domain, order="date_deadline, id")
        headers, rows = actions._qualiopi_export_table()
        return [
            (
                "improvement-actions.csv",
                _csv_bytes([headers, *rows]),
                self.env._("Improvement actions (%(count)s)", count=len(actions)),
            )
        ]


def _base64_lines(data):
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def _eml_bytes(headers, html_body, files):
    """A MIME email written directly (CRLF, base64 parts, headers unfolded:
    a folded Message-Id reads back with a leading space in some tools).
    Python's email generator parsed and refolded every header, most of the
    pack's time for 20,000 messages."""
    boundary = f"qualiopi_{uuid.uuid4().hex}"  # "_" is not base64: never in a part
    lines = [f"{name}: {value}".encode() for name, value in headers]
    lines.append(b"MIME-Version: 1.0")
    html_part = (
        b'Content-Type: text/html; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + _base64_lines(html_body.encode())
    )
    if not files:
        return b"\r\n".join(lines) + b"\r\n" + html_part
    lines.append(f'Content-Type: multipart/mixed; boundary="{boundary}"'.encode())
    parts = [html_part]
    for name, mimetype, raw in files:
        filename = quote(name or "file")
        parts.append(
            f"Content-Type: {mimetype or 'application/octet-stream'}\r\n"
            f"Content-Disposition: attachment; filename*=utf-8''{filename}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n".encode()
            + _base64_lines(raw)
        )
    separator = f"\r\n--{boundary}\r\n".encode()
    return (
        b"\r\n".join(lines)
        + b"\r\n\r\n"
        + separator.lstrip(b"\r\n")
        + separator.join(parts)
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _csv_cell(value):
    """A CSV cell that a spreadsheet never reads as a formula."""
    if value is None or value is False:
        return ""
    text = str(value)
    if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _csv_bytes(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    # A BOM so that spreadsheets read the accents right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class _PackWriter:
    """A ZIP written file by file to disk, with the hash of each file kept
    for the manifest and the index."""

    def __init__(self, path, labels):
        self.labels = labels
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.entries = []
        self.names = set()

    def _unique(self, name):
        stem, dot, ext = name.rpartition(".")
        candidate, counter = name, 1
        while candidate in self.names:
            counter += 1
            candidate = f"{stem}-{counter}.{ext}" if dot else f"{name}-{counter}"
        self.names.add(candidate)
        return candidate

    def add(self, name, content, section, title):
        name = self._unique(name)
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.zip.writestr(name, content)
        self.entries.append(
            {
                "path": name,
                "sha256": hashlib.sha256(content).hexdigest(),
                "size": len(content),
                "section": section,
                "title": title,
            }
        )

    def note(self, section, text):
        """A line of the index with no file (what the pack does not hold)."""
        self.entries.append({"path": None, "section": section, "title": text})

    def close(self, header):
        """Write the index, the manifest and SHA256SUMS; return the manifest's
        SHA-256 and the count of files."""
        index = _index_html(header, self.entries, self.labels).encode("utf-8")
        self.add("index.html", index, "", header["title"])
        files = [
            {key: entry[key] for key in ("path", "sha256", "size")}
            for entry in self.entries
            if entry["path"]
        ]
        manifest = json.dumps({**header, "files": files}, indent=2, ensure_ascii=False).encode()
        self.zip.writestr("manifest.json", manifest)
        sums = "".join(f"{entry['sha256']}  {entry['path']}\n" for entry in files)
        self.zip.writestr("SHA256SUMS", sums)
        self.zip.close()
        return hashlib.sha256(manifest).hexdigest(), len(files) + 2


def _index_html(header, entries, labels):
    """index.html: every file linked, grouped by section; every name escaped."""
    esc = html.escape
    parts = [
        f"<!DOCTYPE html><html lang='{esc(labels['lang'])}'><head><meta charset='utf-8'>",
        f"<title>{esc(header['title'])}</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;"
        "padding:4px 8px;text-align:left;font-size:13px}th{background:#eef}"
        "h2{margin-top:1.5em;font-size:1.1em}.hash{font-family:monospace;font-size:11px;"
        "color:#555}.missing td{color:#8a4b00;font-style:italic}</style></head><body>",
        f"<h1>{esc(header['title'])}</h1>",
        "<p>",
        f"{esc(header['company'])}: {esc(header['date_from'])} &rarr; {esc(header['date_to'])}",
        "<br/>",
        esc(
            labels["generated"]
            % {
                "date": header["generated_on_local"],
                "user": f"{header['generated_by']['name']} ({header['generated_by']['login']})",
            }
        ),
        "</p><p><a href='manifest.json'>manifest.json</a> &middot; "
        f"<a href='SHA256SUMS'>SHA256SUMS</a> ({esc(labels['check'])} "
        "<code>sha256sum -c SHA256SUMS</code>)</p>",
    ]
    current = None
    for entry in entries:
        if entry["section"] != current:
            if current is not None:
                parts.append("</table>")
            current = entry["section"]
            parts.append(
                f"<h2>{esc(current)}</h2><table><tr><th>{esc(labels['file'])}</th>"
                f"<th>{esc(labels['path'])}</th><th>{esc(labels['size'])}</th>"
                "<th>SHA-256</th></tr>"
            )
        if not entry["path"]:
            parts.append(f"<tr class='missing'><td colspan='4'>{esc(entry['title'])}</td></tr>")
            continue
        parts.append(
            f'<tr><td><a href="{esc(quote(entry["path"]))}">{esc(entry["title"])}</a></td>'
            f"<td>{esc(entry['path'])}</td><td>{entry['size']}</td>"
            f"<td class='hash'>{entry['sha256']}</td></tr>"
        )
    if current is not None:
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
