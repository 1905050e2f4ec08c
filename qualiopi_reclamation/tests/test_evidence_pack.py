import email
import email.policy
import email.utils
import hashlib
import io
import json
import zipfile
from unittest.mock import patch
from urllib.parse import quote

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import QualiopiCommon


@tagged("post_install", "-at_install")
class TestEvidencePack(QualiopiCommon):
    """The pack against a known data set: a sampled session with one complaint
    acknowledged and answered by email, a second session outside the sample,
    a procedure changed during the period and an annual review."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.lang = "en_US"
        cls.hostile_event = cls.env["event.event"].create(
            {
                "name": "<script>alert(1)</script> & ../../etc",
                "date_begin": "2026-03-09 08:00:00",
                "date_end": "2026-03-10 16:00:00",
                "company_id": cls.company.id,
            }
        )
        cls.procedure = cls.env["qualiopi.procedure"]._qualiopi_for_company(cls.company)
        # The demo data's versions, if any, came before this test's.
        cls.procedure.sudo().write({"version_date": "2025-12-01"})
        cls.procedure.version_ids.sudo().write({"version_date": "2025-12-01"})
        with freeze_time("2026-01-05 10:00:00"):
            cls.procedure.write({"introduction": "<p>Version of January.</p>"})
        with freeze_time("2026-02-10 10:00:00"):
            cls.procedure.write({"introduction": "<p>Version of February.</p>"})

    def _answer(self, ticket, body):
        action = ticket.with_user(self.user_qualiopi).action_qualiopi_send_response()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user_qualiopi)
            .with_context(**action["context"])
            .create({"body": body})
        )
        composer.with_context(**action["context"]).action_send_mail()

    def _build(self, user=None, **values):
        user = user or self.user_qualiopi
        pack = (
            self.env["qualiopi.evidence.pack"]
            .with_user(user)
            .create(
                {
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                    "company_id": self.company.id,
                    "lang": "en_US",
                    **values,
                }
            )
        )
        pack.action_build()
        self.assertEqual(pack.state, "queued")
        self.env["qualiopi.evidence.pack"]._cron_qualiopi_build_packs()
        self.assertEqual(pack.state, "done", pack.error)
        self.assertEqual(pack.progress, 100)
        return pack, zipfile.ZipFile(io.BytesIO(pack.attachment_id.raw))

    def _complaint_sent(self):
        with freeze_time("2026-03-02 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint()
            self.env.flush_all()
        with freeze_time("2026-03-05 14:00:00"), self.mock_mail_gateway():
            self._answer(ticket, "<p>Le support vous a été envoyé ce jour.</p>")
            self.env.flush_all()
        self.assertTrue(ticket.ack_message_id and ticket.response_message_id)
        return ticket

    def test_pack_content(self):
        ticket = self._complaint_sent()
        with freeze_time("2026-03-09 09:00:00"), self.mock_mail_gateway():
            outside = self._create_complaint(
                name="Hors échantillon", event_id=self.hostile_event.id
            )
        action = self.env["qualiopi.improvement.action"].create(
            {
                "name": "Envoyer les supports la veille",
                "ticket_ids": [Command.set(ticket.ids)],
                "date_deadline": "2026-04-30",
            }
        )
        with freeze_time("2026-03-20 10:00:00"):
            pack, archive = self._build(event_ids=[Command.set(self.event.ids)])
        names = set(archive.namelist())
        folder = f"04-sessions/001-{self.event.name.replace(' ', '-')}/"
        record = f"{folder}{ticket.number}/"
        expected = {
            "01-report/qualiopi-indicator31-2026-03-01-2026-03-31.pdf",
            "01-report/qualiopi-indicator31-2026-03-01-2026-03-31.xlsx",
            f"{record}acknowledgement.eml",
            f"{record}answer.eml",
            f"{folder}improvement-actions.csv",
            "index.html",
            "manifest.json",
            "SHA256SUMS",
        }
        self.assertLessEqual(expected, names, sorted(names))
        self.assertFalse([n for n in names if outside.number in n], "outside the sample")
        # The procedure versions in force in March (February's, then today's
        # if it started before the end of March): not January's.
        procedures = sorted(n for n in names if n.startswith("02-procedure/"))
        self.assertEqual(len(procedures), 1, procedures)
        self.assertTrue(procedures[0].endswith("-2026-02-10.pdf"), procedures)
        for name in names:
            if name.endswith(".pdf"):
                self.assertTrue(archive.read(name).startswith(b"%PDF"), name)
        self.assertTrue(archive.read(procedures[0]))
        # The .eml is the message as sent.
        for name, message in (
            ("acknowledgement.eml", ticket.ack_message_id),
            ("answer.eml", ticket.response_message_id),
        ):
            eml = email.message_from_bytes(archive.read(record + name), policy=email.policy.default)
            self.assertEqual(eml["Message-Id"], message.message_id)
            self.assertEqual(
                email.utils.parsedate_to_datetime(eml["Date"]).replace(tzinfo=None),
                message.date,
            )
            self.assertIn(self.trainee.email, eml["To"])
            # (a long subject is folded: unfolded, it starts with a space)
            self.assertEqual(eml["Subject"].strip(), message.subject)
            self.assertEqual(eml["X-Odoo-Message-Id"], str(message.id))
            html = eml.get_body(("html",)).get_content()
            # (SMTP line ends are CRLF)
            self.assertEqual(html.replace("\r\n", "\n").strip(), str(message.body).strip())
        answer = email.message_from_bytes(
            archive.read(record + "answer.eml"), policy=email.policy.default
        )
        self.assertIn("Le support vous a", answer.get_body(("html",)).get_content())
        self.assertIn(action.reference, archive.read(f"{folder}improvement-actions.csv").decode())
        # Hashes: every file in the manifest, hashes matching, SHA256SUMS too.
        manifest_bytes = archive.read("manifest.json")
        self.assertEqual(hashlib.sha256(manifest_bytes).hexdigest(), pack.manifest_sha256)
        manifest = json.loads(manifest_bytes)
        listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
        self.assertEqual(set(listed), names - {"manifest.json", "SHA256SUMS"})
        for path, sha256 in listed.items():
            self.assertEqual(hashlib.sha256(archive.read(path)).hexdigest(), sha256, path)
        sums = archive.read("SHA256SUMS").decode().splitlines()
        self.assertEqual(sorted(sums), sorted(f"{h}  {p}" for p, h in listed.items()))
        self.assertEqual(manifest["generated_by"]["login"], self.user_qualiopi.login)
        self.assertEqual(manifest["generated_at"], "2026-03-20T10:00:00+00:00")
        self.assertEqual(pack.file_count, len(names))
        # The index links every file.
        index = archive.read("index.html").decode()
        for path in listed:
            if path != "index.html":
                self.assertIn(f'href="{quote(path)}"', index)

    def test_hostile_names_escaped(self):
        with freeze_time("2026-03-09 09:00:00"), self.mock_mail_gateway():
            ticket = self._create_complaint(
                name="<img src=x onerror=alert(1)>", event_id=self.hostile_event.id
            )
        with freeze_time("2026-03-20 10:00:00"):
            _pack, archive = self._build(event_ids=[Command.set(self.hostile_event.ids)])
        names = archive.namelist()
        self.assertTrue(ticket.ack_message_id)
        for name in names:
            self.assertNotIn("..", name)
            self.assertNotIn("<", name)
            self.assertFalse(name.startswith("/"))
        index = archive.read("index.html").decode()
        self.assertNotIn("<script>", index)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; &amp; ../../etc", index)
        # What the pack does not hold is said in the index.
        self.assertIn(f"{ticket.number}: answer, no message or letter sent in Odoo", index)

    def test_failed_pack_does_not_stop_the_others(self):
        Pack = self.env["qualiopi.evidence.pack"].with_user(self.user_qualiopi)
        bad, good = Pack.create(
            [
                {"date_from": "2026-03-01", "date_to": "2026-03-31", "lang": "en_US"},
                {"date_from": "2026-04-01", "date_to": "2026-04-30", "lang": "en_US"},
            ]
        )
        (bad | good).action_build()
        original = type(Pack)._qualiopi_write_content

        def write_content(pack, builder):
            if pack.id == bad.id:
                raise ValueError("disk full")
            return original(pack, builder)

        with patch.object(type(Pack), "_qualiopi_write_content", write_content):
            Pack._cron_qualiopi_build_packs()
        self.assertEqual(bad.state, "failed")
        self.assertIn("disk full", bad.error)
        self.assertFalse(bad.attachment_id)
        self.assertEqual(good.state, "done")

    def test_empty_period(self):
        with freeze_time("2026-03-20 10:00:00"):
            pack, archive = self._build(date_from="2020-01-01", date_to="2020-12-31")
        names = set(archive.namelist())
        self.assertIn("01-report/qualiopi-indicator31-2020-01-01-2020-12-31.pdf", names)
        self.assertIn("01-report/qualiopi-indicator31-2020-01-01-2020-12-31.xlsx", names)
        self.assertFalse([n for n in names if n.startswith("04-sessions/")])
        # The procedure is printed even when no version dates from the period.
        self.assertTrue([n for n in names if n.startswith("02-procedure/")])
        manifest = json.loads(archive.read("manifest.json"))
        self.assertEqual(len(manifest["files"]), len(names) - 2)

    def test_annual_review_in_pack(self):
        with freeze_time("2026-03-20 10:00:00"):
            review = self.env["qualiopi.annual.review"].create(
                {"year": 2019, "company_id": self.company.id}
            )
            _pack, archive = self._build(date_from="2019-10-01", date_to="2019-12-31")
        self.assertIn(f"03-annual-review/{review.name.replace(' ', '-')}.pdf", archive.namelist())

    def test_wizard_button(self):
        wizard = (
            self.env["qualiopi.indicator31.report"]
            .with_user(self.user_qualiopi)
            .create(
                {
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                    "event_ids": [Command.set(self.event.ids)],
                }
            )
        )
        action = wizard.action_build_evidence_pack()
        pack = self.env["qualiopi.evidence.pack"].browse(action["res_id"])
        self.assertEqual(pack.state, "queued")
        self.assertEqual(pack.event_ids, self.event)
        self.assertEqual((pack.date_from, pack.date_to), (wizard.date_from, wizard.date_to))
        self.assertEqual(pack.requested_by_id, self.user_qualiopi)

    def test_job_fields_not_forged_on_create(self):
        secret = self.env["ir.attachment"].create({"name": "secret.txt", "raw": b"secret"})
        pack = (
            self.env["qualiopi.evidence.pack"]
            .with_user(self.user_qualiopi)
            .create(
                {
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                    "state": "done",
                    "attachment_id": secret.id,
                    "requested_by_id": self.user_manager.id,
                    "manifest_sha256": "0" * 64,
                }
            )
        )
        self.assertEqual(pack.state, "draft")
        self.assertFalse(pack.attachment_id)
        self.assertFalse(pack.manifest_sha256)
        self.assertEqual(pack.requested_by_id, self.user_qualiopi)

    def test_auditor_cannot_build(self):
        with self.assertRaises(AccessError):
            self.env["qualiopi.evidence.pack"].with_user(self.user_auditor).create(
                {"date_from": "2026-03-01", "date_to": "2026-03-31"}
            )
