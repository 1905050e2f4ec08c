from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import QualiopiCommon
from .test_public_channels import MAIL


@tagged("post_install", "-at_install")
class TestOwner(QualiopiCommon):
    """Every Qualiopi record has a team and an owner from its creation, and the
    owner follows it like any assignee in Odoo: notified according to their own
    preference, while the complainant alone receives the acknowledgement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.qualiopi_public_team_id = cls.team
        # A leader who handles records by email (Odoo's default preference).
        cls.leader = new_test_user(
            cls.env,
            login="lea_leader",
            name="Léa Responsable",
            email="lea@example.com",
            notification_type="email",
            groups="qualiopi_reclamation.group_qualiopi_user",
        )
        cls.team.write({"user_id": cls.leader.id, "user_ids": [Command.link(cls.leader.id)]})

    def _mails_to(self, user):
        return self._new_mails.filtered(lambda m: user.partner_id in m.recipient_ids)

    def test_no_team_no_member_gives_complaint_team_and_leader(self):
        outsider = new_test_user(self.env, login="hors_equipe", name="Hors Équipe")
        for user in (self.env["res.users"], self.env.ref("base.user_root"), outsider):
            with self.subTest(user=user.name):
                ticket = self._create_complaint(team_id=False, user_id=user.id)
                self.assertEqual(ticket.team_id, self.team)
                self.assertEqual(ticket.user_id, self.leader)
        member = self._create_complaint(user_id=self.user_qualiopi.id)
        self.assertEqual(member.user_id, self.user_qualiopi, "a member of the team stays")
        plain = self.env["helpdesk.ticket"].create({"name": "Question", "description": "?"})
        self.assertNotEqual(plain.team_id, self.team, "a plain ticket is left to the helpdesk")

    def test_email_alias_and_import_get_an_owner(self):
        self.team.write({"alias_name": "reclamations", "qualiopi_default_nature": "complaint"})
        with self.mock_mail_gateway():
            ticket = self.env["helpdesk.ticket"].browse(
                self.env["mail.thread"].message_process(
                    None,
                    MAIL.format(
                        sender="Jean Dupont <jean.dupont@example.com>",
                        to=f"reclamations@{self.alias_domain}",
                        subject="Réclamation formation",
                        msgid="owner-1",
                        extra="",
                    ),
                )
            )
        self.assertEqual((ticket.team_id, ticket.user_id), (self.team, self.leader))
        result = (
            self.env["helpdesk.ticket"]
            .with_user(self.user_manager)
            .load(
                ["name", "description", "qualiopi_nature", "stakeholder_type"],
                [["Salle trop petite", "Salle trop petite", "hazard", "trainee"]],
            )
        )
        self.assertFalse(result["messages"], result["messages"])
        imported = self.env["helpdesk.ticket"].browse(result["ids"])
        self.assertEqual((imported.team_id, imported.user_id), (self.team, self.leader))

    def test_owner_notified_by_own_preference_complainant_alone_acknowledged(self):
        with self.mock_mail_gateway():
            ticket = self._create_complaint(team_id=False)
            self.env.flush_all()
        self.assertEqual(ticket.user_id, self.leader)
        self.assertIn(self.leader.partner_id, ticket.message_partner_ids, "the owner follows it")
        acks = self._new_mails.filtered(lambda m: "Acknowledgement of receipt" in (m.subject or ""))
        to_trainee = acks.filtered(lambda m: self.trainee in m.recipient_ids)
        self.assertEqual(len(to_trainee), 1, "the complainant is acknowledged once")
        self.assertEqual(to_trainee.recipient_ids, self.trainee, "and alone in that email")
        # As any follower who chose email: Odoo's assignment notice, and a copy
        # of the acknowledgement (what the record told the complainant), each
        # in an email of its own, never in the complainant's.
        to_leader = self._mails_to(self.leader)
        self.assertEqual(len(to_leader), 2, to_leader.mapped("subject"))
        self.assertEqual(to_leader.recipient_ids, self.leader.partner_id)
        self.assertTrue(
            any("You have been assigned" in (m.subject or "") for m in to_leader),
            to_leader.mapped("subject"),
        )
        self.assertEqual(len(to_leader & acks), 1)
        # The same in Odoo for a member who handles records there: no email.
        self.leader.notification_type = "inbox"
        with self.mock_mail_gateway():
            ticket = self._create_complaint(team_id=False)
            self.env.flush_all()
        self.assertFalse(self._mails_to(self.leader))
        self.assertEqual(self._new_mails.recipient_ids, self.trainee)
        self.assertTrue(
            self.env["mail.notification"].search_count(
                [
                    ("res_partner_id", "=", self.leader.partner_id.id),
                    ("notification_type", "=", "inbox"),
                    ("mail_message_id.res_id", "=", ticket.id),
                    ("mail_message_id.model", "=", "helpdesk.ticket"),
                ]
            )
        )
