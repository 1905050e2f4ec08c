import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import file_open

from .common import QualiopiCommon

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_PATH = "qualiopi_reclamation/static/xls/qualiopi_register_import.xlsx"
CSV_OPTIONS = {
    "has_headers": True,
    "quoting": '"',
    "separator": ",",
    "encoding": "utf-8",
    "date_format": "%Y-%m-%d",
    "datetime_format": "%Y-%m-%d %H:%M:%S",
}


@tagged("post_install", "-at_install")
@freeze_time("2026-12-01 10:00:00")
class TestRegisterImport(QualiopiCommon):
    """The register kept before Odoo, imported with Odoo's own import."""

    def _import(self, content, file_type="text/csv", file_name="register.csv", options=None):
        """Run base_import as the import dialog does (not a dry run) and return
        its result with the columns it read."""
        wizard = (
            self.env["base_import.import"]
            .with_user(self.user_manager)
            .with_context(tz="Europe/Paris")
            .create(
                {
                    "res_model": "helpdesk.ticket",
                    "file": content,
                    "file_name": file_name,
                    "file_type": file_type,
                }
            )
        )
        options = dict(CSV_OPTIONS, **(options or {}))
        preview = wizard.parse_preview(options)
        self.assertFalse(preview.get("error"), preview.get("error"))
        columns = preview["headers"]
        with self.mock_mail_gateway():
            result = wizard.execute_import(columns, columns, options, dryrun=False)
        return result

    def _count(self):
        return self.env["helpdesk.ticket"].search_count([("qualiopi_nature", "!=", False)])

    def _acknowledgements(self):
        return self._new_mails.filtered(lambda m: "Acknowledgement of receipt" in (m.subject or ""))

    def test_old_complaint_is_not_acknowledged_today(self):
        """A complaint received in March 2025 and imported today: no email, no
        acknowledgement recorded 21 months late."""
        content = (
            "name,description,qualiopi_nature,stakeholder_type,received_date,partner_name,"
            "partner_email,team_id/.id\n"
            f"Support non remis,Pas de support,complaint,trainee,2025-03-10 09:30:00,Marie Durand,"
            f"marie.durand@example.com,{self.team.id}\n"
        ).encode()
        result = self._import(content)
        self.assertFalse(result["messages"], result["messages"])
        ticket = self.env["helpdesk.ticket"].browse(result["ids"])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.received_date, datetime.datetime(2025, 3, 10, 8, 30))
        self.assertFalse(ticket.ack_date, "never acknowledged on the day of the import")
        self.assertFalse(self._acknowledgements(), "the complainant got no email")
        self.assertFalse(ticket.qualiopi_imported, "nothing was given as evidence")

    def test_imported_acknowledgement_and_answer_are_marked_evidence(self):
        content = (
            "name,description,qualiopi_nature,stakeholder_type,received_date,partner_email,"
            "ack_date,ack_method,ack_user_id/.id,ack_note,response_date,response_method,"
            "response_user_id/.id,team_id/.id\n"
            "Support non remis,Pas de support,complaint,trainee,2025-03-10 09:30:00,"
            "marie.durand@example.com,"
            f"2025-03-11 10:00:00,letter,{self.user_qualiopi.id},Lettre signée,"
            f"2025-03-20 16:00:00,email,{self.user_manager.id},{self.team.id}\n"
        ).encode()
        result = self._import(content)
        self.assertFalse(result["messages"], result["messages"])
        ticket = self.env["helpdesk.ticket"].browse(result["ids"])
        self.assertRecordValues(
            ticket,
            [
                {
                    "ack_date": datetime.datetime(2025, 3, 11, 9, 0),
                    "ack_method": "letter",
                    "ack_user_id": self.user_qualiopi.id,
                    "ack_message_id": False,
                    "response_date": datetime.datetime(2025, 3, 20, 15, 0),
                    "response_method": "email",
                    "response_user_id": self.user_manager.id,
                    "response_message_id": False,
                    "qualiopi_imported": True,
                    "qualiopi_status": "answered",
                }
            ],
        )
        self.assertFalse(self._new_mails, "an import sends nothing")
        # The answer recorded in the former register lets the imported record close.
        ticket.with_user(self.user_manager).stage_id = self.stage_done
        self.assertTrue(ticket.stage_id.closed)

    def test_answer_date_typed_on_a_new_record_refused(self):
        """A record received today cannot be created with its answer already
        dated: it is answered from Odoo, not imported."""
        with self.assertRaises(UserError):
            self._create_complaint(
                user=self.user_manager,
                received_date=datetime.datetime(2026, 12, 1, 8, 0),
                response_date=datetime.datetime(2026, 12, 1, 9, 0),
                response_method="email",
            )
        # The refusal comes from create() itself: a record whose dates were given
        # the day it was received was never saved.
        self.assertFalse(
            self.env["helpdesk.ticket"].search_count(
                [("received_date", "=", datetime.datetime(2026, 12, 1, 8, 0))]
            )
        )

    def test_bad_rows_refused_with_row_and_reason_nothing_created(self):
        before = self._count()
        content = (
            "name,description,qualiopi_nature,stakeholder_type,received_date,ack_date,"
            "partner_email\n"
            "Bonne ligne,Texte,complaint,trainee,2025-03-10 09:30:00,2025-03-11 10:00:00,"
            "a@example.com\n"
            "Accusé avant réception,Texte,complaint,trainee,2025-03-10 09:30:00,"
            "2025-03-01 10:00:00,b@example.com\n"
            "Sans partie prenante,Texte,complaint,,2025-04-10 09:30:00,,c@example.com\n"
        ).encode()
        result = self._import(content)
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertTrue(errors)
        self.assertFalse(result["ids"])
        reasons = " ".join(m["message"] for m in errors)
        self.assertIn("before the date the matter was received", reasons)
        # The row of each refusal, counted from 0 after the header.
        self.assertIn(1, [m.get("record") for m in errors])
        # The import's own transaction is the one the user would commit: a row
        # created and not rolled back would be counted here.
        self.assertEqual(self._count(), before, "nothing created")
        self.assertFalse(
            self.env["helpdesk.ticket"].search([("name", "=", "Bonne ligne")]),
            "the good row is refused with the bad ones",
        )
        self.assertFalse(self._new_mails)

    def test_template_is_offered_and_imports_cleanly(self):
        templates = self.env["helpdesk.ticket"].get_import_templates()
        self.assertEqual(
            [t["template"] for t in templates],
            ["/" + TEMPLATE_PATH],
        )
        with file_open(TEMPLATE_PATH, "rb") as template:
            content = template.read()
        before = self._count()
        result = self._import(content, file_type=XLSX_MIMETYPE, file_name="template.xlsx")
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(self._count(), before + 1)
        ticket = self.env["helpdesk.ticket"].browse(result["ids"])
        self.assertRecordValues(
            ticket,
            [
                {
                    "qualiopi_nature": "complaint",
                    "stakeholder_type": "trainee",
                    "received_date": datetime.datetime(2025, 3, 10, 8, 30),
                    "ack_date": datetime.datetime(2025, 3, 11, 9, 0),
                    "ack_method": "letter",
                    "response_method": "email",
                    "qualiopi_imported": True,
                }
            ],
        )
        self.assertEqual(
            ticket.channel_id, self.env.ref("qualiopi_reclamation.helpdesk_ticket_channel_letter")
        )
        self.assertFalse(self._new_mails)

    def test_backdated_record_not_acknowledged_automatically(self):
        """Today (in Paris) is acknowledged automatically; yesterday is not."""
        with self.mock_mail_gateway():
            today = self._create_complaint(received_date="2026-11-30 23:30:00")  # 00:30 Paris
            yesterday = self._create_complaint(received_date="2026-11-30 22:30:00")
        self.assertTrue(today.ack_date)
        self.assertFalse(yesterday.ack_date)
        self.assertEqual(len(self._acknowledgements()), 1)

    def test_imported_mark_cannot_be_set_or_removed(self):
        with self.mock_mail_gateway():
            ticket = self._create_complaint(user=self.user_manager, qualiopi_imported=True)
        self.assertFalse(ticket.qualiopi_imported)
        imported = self._create_complaint(
            received_date="2025-03-10 08:30:00", ack_date="2025-03-11 09:00:00", ack_method="letter"
        )
        self.assertTrue(imported.qualiopi_imported)
        with self.assertRaises(UserError):
            imported.with_user(self.user_manager).write({"qualiopi_imported": False})
