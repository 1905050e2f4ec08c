from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from .common import QualiopiCommon


class SubcontractCommon:
    """A session delivered for a hiring organisation that shares its records
    with one of its contacts; a session of our own; a session subcontracted to
    another organisation, shared with that organisation's contact."""

    @classmethod
    def _setup_subcontract(cls):
        Partner = cls.env["res.partner"]
        cls.hiring = Partner.create({"name": "Donneur d'Ordre SA", "is_company": True})
        cls.subcontractor = Partner.create({"name": "Sous-Traitant SARL", "is_company": True})
        cls.contact = new_test_user(
            cls.env, login="paul_partenaire", name="Paul Partenaire", groups="base.group_portal"
        )
        cls.contact.partner_id.write({"parent_id": cls.hiring.id, "email": "paul@donneur.example"})
        cls.colleague = new_test_user(
            cls.env, login="lea_collegue", name="Léa Collègue", groups="base.group_portal"
        )
        cls.colleague.partner_id.parent_id = cls.hiring
        cls.other_contact = new_test_user(
            cls.env, login="sam_soustraitant", name="Sam Sous-Traitant", groups="base.group_portal"
        )
        cls.other_contact.partner_id.parent_id = cls.subcontractor
        cls.event.write(
            {
                "qualiopi_delivery_mode": "hiring",
                "qualiopi_partner_organisation_id": cls.hiring.id,
                "qualiopi_share_contact_ids": [Command.set(cls.contact.partner_id.ids)],
            }
        )
        Event = cls.env["event.event"]
        cls.own_event = Event.create(
            {
                "name": "Word débutant - mars",
                "date_begin": "2026-03-09 08:00:00",
                "date_end": "2026-03-10 16:00:00",
                "company_id": cls.company.id,
            }
        )
        cls.sub_event = Event.create(
            {
                "name": "PowerPoint - mars",
                "date_begin": "2026-03-16 08:00:00",
                "date_end": "2026-03-17 16:00:00",
                "company_id": cls.company.id,
                "qualiopi_delivery_mode": "subcontracted",
                "qualiopi_partner_organisation_id": cls.subcontractor.id,
                "qualiopi_share_contact_ids": [Command.set(cls.other_contact.partner_id.ids)],
            }
        )
        Ticket = cls.env["helpdesk.ticket"].with_context(qualiopi_no_auto_ack=True)
        cls.shared = Ticket.create(
            cls._complaint_values(name="Salle trop petite", received_date="2026-03-03 09:00:00")
        )
        cls.plain_ticket = Ticket.create(
            {
                "name": "Demande hors registre",
                "description": "<p>Question de facturation.</p>",
                "partner_id": cls.trainee.id,
                "team_id": cls.team.id,
            }
        )
        cls.plain_ticket.event_id = cls.event
        cls.own = Ticket.create(
            cls._complaint_values(
                name="Support absent",
                event_id=cls.own_event.id,
                received_date="2026-03-09 10:00:00",
            )
        )
        cls.foreign = Ticket.create(
            cls._complaint_values(
                name="Formateur en retard",
                qualiopi_nature="hazard",
                stakeholder_type="subcontractor",
                event_id=cls.sub_event.id,
                received_date="2026-03-16 10:00:00",
            )
        )
        cls.public_message = cls.shared.message_post(
            body="<p>Nous avons changé de salle.</p>",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.note = cls.shared.message_post(
            body="<p>Note interne : le formateur conteste.</p>",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )


@tagged("post_install", "-at_install")
class TestSubcontract(SubcontractCommon, QualiopiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_subcontract()

    def _readable(self, user, domain=None):
        # A request starts with everything written before it in the database;
        # a search flushes the tables of its query, not the rules' relations.
        self.env.flush_all()
        return self.env["helpdesk.ticket"].with_user(user).search(domain or [])

    def test_contact_reads_only_the_shared_session_records(self):
        self.assertEqual(self._readable(self.contact), self.shared)
        self.assertEqual(self._readable(self.other_contact), self.foreign)
        # A crafted domain widens nothing.
        crafted = ["|", ("event_id", "!=", False), ("qualiopi_nature", "=", False)]
        self.assertEqual(self._readable(self.contact, crafted), self.shared)
        for ticket in (self.own, self.foreign, self.plain_ticket):
            with self.assertRaises(AccessError):
                ticket.with_user(self.contact).read(["name"])
        # A colleague in the same organisation, not chosen, reads nothing.
        self.assertFalse(self._readable(self.colleague))

    def test_share_is_read_only(self):
        shared = self.shared.with_user(self.contact)
        self.assertEqual(shared.read(["name"])[0]["name"], "Salle trop petite")
        with self.assertRaises(AccessError):
            shared.write({"name": "Changé"})
        with self.assertRaises(AccessError):
            shared.sudo().with_user(self.contact).message_post(
                body="Bonjour", message_type="comment"
            )
        with self.assertRaises(AccessError):
            self.env["ir.attachment"].with_user(self.contact).sudo().create(
                {
                    "name": "x.txt",
                    "raw": b"x",
                    "res_model": "helpdesk.ticket",
                    "res_id": self.shared.id,
                }
            )
        Message = self.env["mail.message"].with_user(self.contact)
        self.assertFalse(Message._get_with_access(self.public_message.id, "create"))
        self.assertEqual(
            self.shared.message_ids.filtered(lambda m: "Bonjour" in m.body),
            self.env["mail.message"],
        )
        self.assertEqual(self.shared.name, "Salle trop petite")

    def test_contact_reads_public_messages_never_internal_notes(self):
        messages = (
            self.env["mail.message"]
            .with_user(self.contact)
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "=", self.shared.id)])
        )
        self.assertIn(self.public_message, messages)
        self.assertNotIn(self.note, messages)
        with self.assertRaises(AccessError):
            self.note.with_user(self.contact).read(["body"])
        # Nor the messages of another session's record.
        self.assertFalse(
            self.env["mail.message"]
            .with_user(self.contact)
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "=", self.own.id)])
        )

    def test_unsharing_revokes(self):
        self.event.qualiopi_share_contact_ids = [Command.unlink(self.contact.partner_id.id)]
        self.assertFalse(self._readable(self.contact))
        # Shared again, then the contact leaves the organisation: the rule
        # checks the organisation too.
        self.event.qualiopi_share_contact_ids = [Command.link(self.contact.partner_id.id)]
        self.assertEqual(self._readable(self.contact), self.shared)
        self.contact.partner_id.parent_id = self.subcontractor
        self.assertFalse(self._readable(self.contact))
        # Back to an own session: nothing shared any more.
        self.contact.partner_id.parent_id = self.hiring
        self.event.write(
            {
                "qualiopi_delivery_mode": "own",
                "qualiopi_partner_organisation_id": False,
                "qualiopi_share_contact_ids": [Command.clear()],
            }
        )
        self.assertFalse(self._readable(self.contact))

    def test_contact_own_records_stay_theirs(self):
        """A contact who is also a complainant keeps helpdesk_mgmt's access to
        their own record, posting included."""
        mine = self.env["helpdesk.ticket"].create(
            self._complaint_values(name="Ma réclamation", partner_id=self.contact.partner_id.id)
        )
        self.assertEqual(self._readable(self.contact), self.shared | mine)
        self.assertFalse(mine.with_user(self.contact)._qualiopi_shared_only())
        mine.with_user(self.contact).sudo().message_post(body="Merci", message_type="comment")
        self.assertTrue(mine.message_ids.filtered(lambda m: "Merci" in m.body))

    def test_organisation_and_contacts_checked(self):
        with self.assertRaises(ValidationError):
            self.event.qualiopi_share_contact_ids = [Command.link(self.other_contact.partner_id.id)]
        with self.assertRaises(ValidationError):
            self.own_event.qualiopi_partner_organisation_id = self.hiring
        with self.assertRaises(ValidationError):
            self.own_event.qualiopi_delivery_mode = "subcontracted"
        with self.assertRaises(ValidationError):
            self.event.qualiopi_partner_organisation_id = self.contact.partner_id
        # The form clears the contacts when the organisation changes.
        with Form(self.event.with_user(self.user_manager)) as form:
            form.qualiopi_partner_organisation_id = self.subcontractor
            self.assertFalse(form.qualiopi_share_contact_ids)
            form.qualiopi_share_contact_ids.add(self.other_contact.partner_id)
        self.assertEqual(self.event.qualiopi_share_contact_ids, self.other_contact.partner_id)
        self.assertEqual(self._readable(self.other_contact), self.shared | self.foreign)

    def test_only_a_manager_shares(self):
        contact = self.colleague.partner_id
        for user in (self.user_qualiopi, self.user_auditor):
            with self.assertRaises(AccessError):
                self.event.with_user(user).qualiopi_share_contact_ids = [Command.link(contact.id)]
        self.assertEqual(self.event.qualiopi_share_contact_ids, self.contact.partner_id)
        # Whoever edits the session may stop sharing it.
        self.event.with_user(self.user_qualiopi).qualiopi_share_contact_ids = [Command.clear()]
        self.assertFalse(self._readable(self.contact))
        self.event.with_user(self.user_manager).qualiopi_share_contact_ids = [
            Command.link(contact.id)
        ]
        self.assertEqual(self._readable(self.colleague), self.shared)
        with self.assertRaises(AccessError):
            self.env["event.event"].with_user(self.user_qualiopi).create(
                {
                    "name": "Excel - sous-traitée",
                    "date_begin": "2026-04-01 08:00:00",
                    "date_end": "2026-04-01 16:00:00",
                    "qualiopi_delivery_mode": "subcontracted",
                    "qualiopi_partner_organisation_id": self.subcontractor.id,
                    "qualiopi_share_contact_ids": [Command.set(self.other_contact.partner_id.ids)],
                }
            )

    def test_share_button(self):
        admin = self.env.ref("base.user_admin")
        stranger = self.env["res.partner"].create(
            {"name": "Nina Nouvelle", "email": "nina@donneur.example", "parent_id": self.hiring.id}
        )
        # Every contact has a portal user: nothing to invite.
        action = self.event.with_user(admin).action_qualiopi_share_records()
        self.assertEqual(action["tag"], "display_notification")
        # A contact without a user: Odoo's portal wizard, for that contact only.
        self.event.qualiopi_share_contact_ids = [Command.link(stranger.id)]
        action = self.event.with_user(admin).action_qualiopi_share_records()
        self.assertEqual(action["res_model"], "portal.wizard")
        wizard = self.env["portal.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.user_ids.partner_id, stranger)
        wizard.user_ids.action_grant_access()
        self.assertTrue(stranger.user_ids._is_portal())
        self.assertEqual(self._readable(stranger.user_ids), self.shared)
        # A Qualiopi manager who may not grant portal access is told to ask.
        self.event.qualiopi_share_contact_ids = [
            Command.link(
                self.env["res.partner"].create({"name": "Olga", "parent_id": self.hiring.id}).id
            )
        ]
        with self.assertRaises(UserError):
            self.event.with_user(self.user_manager).action_qualiopi_share_records()
        # An auditor writes no session.
        with self.assertRaises(AccessError):
            self.event.with_user(self.user_auditor).action_qualiopi_share_records()
        own = self.own_event.with_user(admin)
        with self.assertRaises(UserError):
            own.action_qualiopi_share_records()

    def test_report_lists_sessions_per_organisation(self):
        wizard = self.env["qualiopi.indicator31.report"].create(
            {"date_from": "2026-03-01", "date_to": "2026-03-31", "company_id": self.company.id}
        )
        Report = self.env["report.qualiopi_reclamation.report_indicator31"]
        sections = Report._qualiopi_sections(wizard)
        self.assertIn(
            "qualiopi_reclamation.indicator31_section_subcontract",
            [section["template"] for section in sections["document"]],
        )
        data = Report._qualiopi_subcontract_data(wizard)
        self.assertEqual(
            [entry["organisation"] for entry in data], [self.hiring, self.subcontractor]
        )
        hiring, subcontractor = data
        self.assertEqual([s["event"] for s in hiring["sessions"]], [self.event])
        self.assertEqual(hiring["sessions"][0]["counts"], {"complaint": 1})
        self.assertEqual(hiring["sessions"][0]["numbers"], [self.shared.number])
        self.assertEqual((hiring["total"], hiring["open"]), (1, 1))
        self.assertEqual(subcontractor["sessions"][0]["counts"], {"hazard": 1})
        html = str(
            self.env["ir.actions.report"]._render_qweb_html(
                "qualiopi_reclamation.report_indicator31", wizard.ids
            )[0]
        )
        section = html.split('name="subcontracting"', 1)[1]
        self.assertIn("Donneur d&#39;Ordre SA", section)
        self.assertIn("Sous-Traitant SARL", section)
        self.assertIn(self.shared.number, section)
        self.assertNotIn(self.own.number, section, "an own session is not listed")
        # A period without any such session says so.
        wizard.write({"date_from": "2025-01-01", "date_to": "2025-01-31"})
        self.assertEqual(Report._qualiopi_subcontract_data(wizard), [])


@tagged("post_install", "-at_install")
class TestSubcontractDemo(TransactionCase):
    """The demo shows one session delivered for a hiring organisation."""

    def test_hiring_organisation_reads_its_session_records(self):
        event = self.env.ref("qualiopi_reclamation.demo_event_excel_past")
        contact = self.env.ref("qualiopi_reclamation.demo_user_hiring_contact")
        self.assertEqual(event.qualiopi_delivery_mode, "hiring")
        self.assertEqual(
            event.qualiopi_partner_organisation_id,
            self.env.ref("qualiopi_reclamation.demo_hiring_company"),
        )
        self.assertEqual(event.qualiopi_share_contact_ids, contact.partner_id)
        self.assertEqual(contact.partner_id.lang, "fr_FR")
        self.assertTrue(contact._is_portal())
        readable = self.env["helpdesk.ticket"].with_user(contact).search([])
        self.assertTrue(readable)
        self.assertEqual(readable, event.qualiopi_ticket_ids)
