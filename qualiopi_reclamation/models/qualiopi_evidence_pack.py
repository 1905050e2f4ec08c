import hashlib
import logging
import os
import shutil
import tempfile
import threading

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import get_lang

from ..tools.evidence_pack_files import PackWriter, safe_name

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
            # Users may not write crons; triggering the pack job is the request.
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
            builder = PackWriter(
                path,
                {
                    "file": pack.env._("File"),
                    "path": pack.env._("Path in the pack"),
                    "size": pack.env._("Size (bytes)"),
                    "lang": (pack.lang or "en_US").split("_")[0],
                    "generated": pack.env._("Generated on %(date)s by %(user)s"),
                    "check": pack.env._("Check every file with"),
                    "standard": pack.env._(
                        "National standard: %(version)s (%(decree)s), in force from %(date)s"
                    ),
                },
            )
            pack._qualiopi_write_content(builder)
            manifest_sha256, count = builder.close(pack._qualiopi_manifest_header())
            attachment = self._qualiopi_store_zip(path)
            # The job fields are written by the job only (PROTECTED_FIELDS).
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
        return safe_name(
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

    def _qualiopi_manifest_header(self):
        self.ensure_one()
        user = self.env.user
        return {
            "pack": self.name,
            "pack_id": self.id,
            "company": self.company_id.name,
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            # The sessions the requester sampled (their access was checked).
            "sampled_sessions": [
                {"id": event.id, "name": event.name} for event in self.event_ids.sudo()
            ],
            "language": self.lang,
            "generated_at": fields.Datetime.now()
            .replace(tzinfo=pytz.utc)
            .isoformat(timespec="seconds"),
            "generated_by": {"id": user.id, "name": user.name, "login": user.login},
            "database": self.env.cr.dbname,
            **self._qualiopi_standard_header(),
            "generated_on_local": self._qualiopi_local(fields.Datetime.now()),
            "hash_algorithm": "SHA-256",
        }

    def _qualiopi_standard_header(self):
        """The pack's title and the version of the national standard it cites:
        the one in force on the day it is built (the audit date)."""
        version = self.env["qualiopi.standard.version"]._qualiopi_in_force()
        citation = version._qualiopi_citation()
        number = citation["numbers"].get("complaints")
        return {
            "title": self.env._("Qualiopi indicator %(number)s: evidence pack", number=number)
            if number
            else self.env._("Qualiopi: evidence pack"),
            "standard": {
                "version": citation["name"],
                "decree": citation["decree"],
                "in_force_from": citation["date_from"],
                "indicators": citation["numbers"],
            },
        }

    def _qualiopi_write_content(self, builder):
        """Every file of the pack, section by section."""
        self.ensure_one()
        wizard = self.env["qualiopi.indicator31.report"]._qualiopi_for(self)
        Report = self.env["ir.actions.report"]
        base = wizard._qualiopi_file_name()
        section = self.env._("Audit report")
        pdf, _format = Report._render_qweb_pdf(
            "qualiopi_reclamation.report_indicator31", wizard.ids
        )
        number = self.env["qualiopi.standard.version"]._qualiopi_indicator_number("complaints")
        title = (
            self.env._("Indicator %(number)s report (PDF)", number=number)
            if number
            else self.env._("Audit report (PDF)")
        )
        builder.add(f"01-report/{base}.pdf", pdf, section, title)
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
                f"03-annual-review/{safe_name(review.name, 'annual-review')}.pdf",
                pdf,
                self.env._("Annual review"),
                review.name,
            )
