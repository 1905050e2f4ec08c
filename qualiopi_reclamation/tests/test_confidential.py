from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import QualiopiCommon


class ConfidentialCommon(QualiopiCommon):
    """A harassment complaint by a trainee who has a portal account, beside an
    ordinary complaint, and one user per way of (not) seeing it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_referent = new_test_user(
            cls.env,
            login="qualiopi_referent",
            name="Rachel Référente",
            email="rachel@example.com",
            groups="qualiopi_reclamation.group_qualiopi_confidential",
        )
        cls.user_helpdesk = new_test_user(
            cls.env,
            login="helpdesk_plain",
            name="Hugo Helpdesk",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.user_helpdesk_manager = new_test_user(
            cls.env,
            login="helpdesk_boss",
            name="Hélène Helpdesk",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.user_complainant = new_test_user(
            cls.env, login="victime", name="Victoire Plaignante", groups="base.group_portal"
        )
        cls.user_other_portal = new_test_user(
            cls.env, login="autre_portail", name="Paul Portail", groups="base.group_portal"
        )
        export = cls.env.ref("base.group_allow_export")
        for user in (
            cls.user_helpdesk,
            cls.user_helpdesk_manager,
            cls.user_qualiopi,
            cls.user_manager,
            cls.user_auditor,
        ):
            user.groups_id = [Command.link(export.id)]
        # Two trainees of one client company: helpdesk_mgmt opens a company's
        # tickets to its colleagues, which a confidential case must not follow.
        client = cls.env["res.partner"].create({"name": "Client SA", "is_company": True})
        (cls.user_complainant | cls.user_other_portal).partner_id.parent_id = client
        cls.ordinary = cls._create_ticket(cls._complaint_values())
        cls.confidential = cls._create_ticket(
            cls._complaint_values(
                name="Propos déplacés du formateur",
                description="<p>Le formateur m'a fait des remarques sexistes.</p>",
                partner_id=cls.user_complainant.partner_id.id,
                qualiopi_confidential=True,
                qualiopi_confidential_reason="harassment",
            )
        )
        # A follower of the company's side: following is no right to read it.
        cls.confidential.message_subscribe(partner_ids=cls.user_other_portal.partner_id.ids)

    @classmethod
    def _create_ticket(cls, values):
        return cls.env["helpdesk.ticket"].with_context(qualiopi_no_auto_ack=True).create(values)

    def _blind_users(self):
        return {
            "helpdesk user": self.user_helpdesk,
            "helpdesk manager": self.user_helpdesk_manager,
            "Qualiopi user": self.user_qualiopi,
            "Qualiopi manager": self.user_manager,
            "auditor": self.user_auditor,
            "other portal user": self.user_other_portal,
        }


@tagged("post_install", "-at_install")
class TestConfidentialAccess(ConfidentialCommon):
    def test_hidden_from_everybody_else(self):
        for role, user in self._blind_users().items():
            with self.subTest(role=role):
                Ticket = self.env["helpdesk.ticket"].with_user(user)
                self.assertNotIn(self.confidential, Ticket.search([]))
                self.assertFalse(Ticket.search([("id", "=", self.confidential.id)]))
                self.assertFalse(
                    Ticket.search([("qualiopi_confidential", "=", True)]),
                    "searching the flag itself finds nothing",
                )
                self.assertFalse(Ticket.search([("name", "ilike", "sexistes")]))
                self.assertEqual(Ticket.search_count([("id", "=", self.confidential.id)]), 0)
                with self.assertRaises(AccessError):
                    self.confidential.with_user(user).read(["name"])
                # Internal users here may export; a portal user may not at all.
                with self.assertRaises(AccessError if not user.share else UserError):
                    self.confidential.with_user(user).export_data(["name", "description"])
                groups = Ticket._read_group([("id", "=", self.confidential.id)], [], ["__count"])
                self.assertEqual(groups[0][0], 0)
                # Its messages and attachments follow the record.
                Message = self.env["mail.message"].with_user(user)
                self.assertFalse(
                    Message.search(
                        [("model", "=", "helpdesk.ticket"), ("res_id", "=", self.confidential.id)]
                    )
                )

    def test_ordinary_records_still_seen(self):
        for role, user in self._blind_users().items():
            if user.share:
                continue
            with self.subTest(role=role):
                Ticket = self.env["helpdesk.ticket"].with_user(user)
                self.assertIn(self.ordinary, Ticket.search([]))

    def test_referent_and_complainant_see_it(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.user_referent)
        self.assertIn(self.confidential, Ticket.search([("qualiopi_confidential", "=", True)]))
        self.assertEqual(
            self.confidential.with_user(self.user_referent).name, "Propos déplacés du formateur"
        )
        self.confidential.with_user(self.user_referent).write({"qualiopi_root_cause": "Sexisme"})
        # The complainant reads their own record on the portal, only theirs.
        Ticket = self.env["helpdesk.ticket"].with_user(self.user_complainant)
        self.assertEqual(Ticket.search([]), self.confidential)
        self.assertEqual(
            self.confidential.with_user(self.user_complainant).name,
            "Propos déplacés du formateur",
        )

    def test_referent_in_a_team_of_others(self):
        # A referent who is no member of the record's team still sees it.
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Autre équipe", "user_ids": [Command.set(self.user_helpdesk.ids)]}
        )
        self.confidential.team_id = team
        referent = new_test_user(
            self.env,
            login="referent_helpdesk",
            groups="qualiopi_reclamation.group_qualiopi_confidential,helpdesk_mgmt.group_helpdesk_user_own",
        )
        self.assertIn(self.confidential, self.env["helpdesk.ticket"].with_user(referent).search([]))

    def test_only_referent_sets_or_lifts_the_flag(self):
        ordinary = self.ordinary.with_user(self.user_manager)
        with self.assertRaises(AccessError):
            ordinary.write({"qualiopi_confidential": True})
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket"].with_user(self.user_qualiopi).create(
                self._complaint_values(qualiopi_confidential=True)
            )
        # Writing the value it already has is no change.
        ordinary.write({"qualiopi_confidential": False, "qualiopi_root_cause": "x"})
        self.assertFalse(self.ordinary.qualiopi_confidential)
        # The referent marks it, then lifts it.
        self.ordinary.with_user(self.user_referent).write({"qualiopi_confidential": True})
        self.assertTrue(self.ordinary.qualiopi_confidential)
        self.assertFalse(
            self.env["helpdesk.ticket"]
            .with_user(self.user_manager)
            .search([("id", "=", self.ordinary.id)])
        )
        self.flush_tracking()
        tracked = self.ordinary.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("qualiopi_confidential", tracked)
        self.ordinary.with_user(self.user_referent).write({"qualiopi_confidential": False})
        self.assertIn(
            self.ordinary,
            self.env["helpdesk.ticket"].with_user(self.user_manager).search([]),
        )

    def test_followers_but_the_complainant_and_referents_removed(self):
        ticket = self.ordinary
        ticket.message_subscribe(
            partner_ids=(
                self.user_manager | self.user_other_portal | self.user_referent
            ).partner_id.ids
        )
        self.assertIn(self.user_manager.partner_id, ticket.message_partner_ids)
        ticket.with_user(self.user_referent).write({"qualiopi_confidential": True})
        self.assertNotIn(self.user_manager.partner_id, ticket.message_partner_ids)
        self.assertNotIn(self.user_other_portal.partner_id, ticket.message_partner_ids)
        self.assertIn(self.user_referent.partner_id, ticket.message_partner_ids)
        self.assertIn(self.trainee, ticket.message_partner_ids | ticket.partner_id)

    def test_referents_follow_and_take_the_activities(self):
        self.assertIn(self.user_referent.partner_id, self.confidential.message_partner_ids)
        note = self.confidential.message_ids.filtered(
            lambda m: "New confidential case" in (m.body or "")
        )
        self.assertIn(self.user_referent.partner_id, note.partner_ids)
        referents = self.env.ref("qualiopi_reclamation.group_qualiopi_confidential").users
        self.assertEqual(note.partner_ids - referents.partner_id, note.partner_ids.browse())
        activity = self.ordinary.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.user_manager.id, summary="Rappeler"
        )
        self.ordinary.with_user(self.user_referent).qualiopi_confidential = True
        self.assertEqual(activity.user_id, self.user_referent)

    def test_statistics_count_but_do_not_name(self):
        Stat = self.env["qualiopi.indicator31.stat"].with_user(self.user_auditor)
        mine = [self.confidential.id, self.ordinary.id]
        rows = Stat.search([("ticket_id", "=", False), ("id", "in", mine)])
        self.assertEqual(rows.ids, self.confidential.ids, "the row is there, counted")
        self.assertFalse(rows.event_id or rows.stakeholder_type or rows.user_id)
        self.assertEqual(rows.qualiopi_nature, "complaint")
        self.assertEqual(Stat.search([("ticket_id", "=", self.ordinary.id)]).event_id, self.event)

    def test_deadline_activities_go_to_a_referent(self):
        self.confidential.user_id = self.user_manager
        candidates = self.confidential._qualiopi_responsible_candidates()
        self.assertTrue(candidates)
        self.assertNotIn(self.user_manager, candidates)
        self.assertEqual(self.confidential._qualiopi_responsible_user(), self.user_referent)


@tagged("post_install", "-at_install")
class TestConfidentialDeadlines(ConfidentialCommon):
    """7 business days to acknowledge, 3 months to give feedback."""

    @freeze_time("2026-03-02 09:00:00")
    def test_whistleblowing_deadlines(self):
        ticket = self._create_ticket(
            self._complaint_values(
                received_date="2026-03-02 09:00:00",
                qualiopi_confidential=True,
                qualiopi_confidential_reason="whistleblowing",
            )
        )
        # Monday 2 March + 7 business days: Wednesday 11 March, 17:00 in Paris.
        self.assertEqual(str(ticket.ack_deadline), "2026-03-11 16:00:00")
        self.assertEqual(str(ticket.response_deadline), "2026-06-02 09:00:00")
        ordinary = self._create_ticket(self._complaint_values(received_date="2026-03-02 09:00:00"))
        self.assertEqual(str(ordinary.ack_deadline), "2026-03-04 16:00:00")
        # Configurable per company, and recomputed.
        self.company.write(
            {"qualiopi_confidential_ack_days": 5, "qualiopi_confidential_response_months": 2}
        )
        self.assertEqual(str(ticket.ack_deadline), "2026-03-09 16:00:00")
        self.assertEqual(str(ticket.response_deadline), "2026-05-02 09:00:00")
        self.assertEqual(str(ordinary.ack_deadline), "2026-03-04 16:00:00")
        # Lifting the confidentiality restores the ordinary deadlines.
        ticket.with_user(self.user_referent).qualiopi_confidential = False
        self.assertEqual(str(ticket.ack_deadline), "2026-03-04 16:00:00")

    def test_overdue_with_frozen_time(self):
        with freeze_time("2026-03-02 09:00:00"):
            ticket = self._create_ticket(
                self._complaint_values(
                    received_date="2026-03-02 09:00:00", qualiopi_confidential=True
                )
            )
        with freeze_time("2026-03-06 09:00:00"):
            self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
            self.assertFalse(ticket.is_overdue, "an ordinary case would be late already")
        with freeze_time("2026-03-12 09:00:00"):
            self.env["helpdesk.ticket"]._cron_qualiopi_deadlines()
            self.assertTrue(ticket.is_overdue)
            # Reminder and escalation go to referents of the company (the demo's
            # may be one too), never to a team leader or manager outside it.
            self.assertTrue(ticket.activity_ids)
            self.assertLessEqual(
                ticket.activity_ids.user_id, ticket._qualiopi_confidential_referents()
            )
            self.assertIn(ticket.user_id, ticket._qualiopi_confidential_referents())


@tagged("post_install", "-at_install")
class TestConfidentialDemo(QualiopiCommon):
    """The demo's confidential case: seen by the demo referent only."""

    def test_demo_confidential_case(self):
        ticket = self.env.ref(
            "qualiopi_reclamation.demo_ticket_confidential", raise_if_not_found=False
        )
        if not ticket:
            self.skipTest("installed without demo data")
        self.assertTrue(ticket.qualiopi_confidential)
        referent = self.env.ref("qualiopi_reclamation.demo_user_referent")
        Ticket = self.env["helpdesk.ticket"]
        self.assertIn(ticket, Ticket.with_user(referent).search([]))
        for xmlid in ("base.user_admin", "qualiopi_reclamation.demo_user_auditor"):
            user = self.env.ref(xmlid)
            self.assertNotIn(ticket, Ticket.with_user(user).search([]), xmlid)
        complainant = ticket.partner_id
        self.assertEqual(complainant.name, "Camille Fournier")
