import datetime

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import QualiopiCommon, QualiopiHttpCommon


class RiskCommon(QualiopiCommon):
    """Two cause categories of the test's own (the demo's risks are not this
    test's), a hazard's and a complaint's values on the session of March."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Cause = cls.env["qualiopi.cause.category"]
        cls.cause_room = Cause.create({"name": "Salle indisponible (test)"})
        cls.cause_slides = Cause.create({"name": "Support absent (test)"})
        cls.Ticket = cls.env["helpdesk.ticket"].with_context(qualiopi_no_auto_ack=True)

    def _hazard(self, cause=None, day=2, **values):
        return self.Ticket.create(
            self._complaint_values(
                name="Salle fermée",
                qualiopi_nature="hazard",
                stakeholder_type="staff",
                qualiopi_cause_category_id=cause.id if cause else False,
                received_date=datetime.datetime(2026, 3, day, 9, 0),
                **values,
            )
        )

    def _complaint(self, cause=None, day=2, **values):
        return self.Ticket.create(
            self._complaint_values(
                qualiopi_cause_category_id=cause.id if cause else False,
                received_date=datetime.datetime(2026, 3, day, 9, 0),
                **values,
            )
        )


@tagged("post_install", "-at_install")
class TestRiskProposal(RiskCommon):
    def test_hazard_proposes_a_risk(self):
        hazard = self._hazard(self.cause_room)
        risk = hazard.qualiopi_risk_ids
        self.assertEqual(len(risk), 1)
        self.assertEqual(risk.state, "proposed")
        self.assertEqual(risk.name, self.cause_room.name)
        self.assertEqual(risk.cause_category_id, self.cause_room)
        self.assertEqual(risk.company_id, self.company)
        self.assertEqual(risk.ticket_ids, hazard)
        self.assertIn(hazard.number, risk.description)
        owner = hazard.user_id if not hazard.user_id.share else self.team.user_id
        self.assertEqual(risk.user_id, owner or self.team.user_id)
        # The same cause again: linked to the open risk, no duplicate.
        again = self._hazard(self.cause_room, day=3)
        self.assertEqual(again.qualiopi_risk_ids, risk)
        self.assertEqual(risk.ticket_ids, hazard | again)
        self.assertEqual(
            self.env["qualiopi.risk"].search_count(
                [("cause_category_id", "=", self.cause_room.id)]
            ),
            1,
        )
        # An accepted (open) risk still collects its cause's hazards.
        risk.action_accept()
        third = self._hazard(self.cause_room, day=4)
        self.assertEqual(third.qualiopi_risk_ids, risk)
        # Once closed, the cause proposes a new risk.
        risk.action_close()
        self.assertEqual(risk.closed_date, fields.Date.context_today(risk))
        fourth = self._hazard(self.cause_room, day=5)
        self.assertEqual(len(fourth.qualiopi_risk_ids), 1)
        self.assertNotEqual(fourth.qualiopi_risk_ids, risk)
        self.assertEqual(fourth.qualiopi_risk_ids.state, "proposed")

    def test_hazard_without_cause_has_its_own_risk(self):
        first, second = self._hazard(), self._hazard(day=3)
        self.assertEqual(len(first.qualiopi_risk_ids), 1)
        self.assertEqual(len(second.qualiopi_risk_ids), 1)
        self.assertNotEqual(first.qualiopi_risk_ids, second.qualiopi_risk_ids)
        self.assertIn(first.number, first.qualiopi_risk_ids.name)

    def test_batch_of_hazards_one_risk_per_cause(self):
        hazards = self.Ticket.create(
            [
                self._complaint_values(
                    name=f"Aléa {index}",
                    qualiopi_nature="hazard",
                    stakeholder_type="staff",
                    qualiopi_cause_category_id=self.cause_slides.id,
                    received_date=datetime.datetime(2026, 3, 2 + index, 9, 0),
                )
                for index in range(3)
            ]
        )
        self.assertEqual(len(hazards.qualiopi_risk_ids), 1)
        self.assertEqual(hazards.qualiopi_risk_ids.ticket_ids, hazards)
        # A second batch: two more of that cause join its risk, two without
        # a cause get one each.
        more = self.Ticket.create(
            [
                self._complaint_values(
                    name=f"Autre aléa {index}",
                    qualiopi_nature="hazard",
                    stakeholder_type="staff",
                    qualiopi_cause_category_id=self.cause_slides.id if index < 2 else False,
                    received_date=datetime.datetime(2026, 3, 10 + index, 9, 0),
                )
                for index in range(4)
            ]
        )
        self.assertEqual(more[:2].qualiopi_risk_ids, hazards.qualiopi_risk_ids)
        self.assertEqual(len(hazards.qualiopi_risk_ids.ticket_ids), 5)
        self.assertEqual(len(more[2:].qualiopi_risk_ids), 2)
        self.assertEqual(more[2].qualiopi_risk_ids.ticket_ids, more[2])

    def test_printed_row_names_the_first_records_and_counts_the_rest(self):
        hazards = self.Ticket.create(
            [
                self._complaint_values(
                    name=f"Aléa {index}",
                    qualiopi_nature="hazard",
                    stakeholder_type="staff",
                    qualiopi_cause_category_id=self.cause_room.id,
                    received_date=datetime.datetime(2026, 3, 2, 9, index),
                )
                for index in range(12)
            ]
        )
        risk = hazards.qualiopi_risk_ids
        self.assertEqual(len(risk), 1)
        [row] = risk._qualiopi_report_rows()
        self.assertEqual(row["records"], ", ".join(hazards[:10].mapped("number")) + " and 2 more")

    def test_recurrent_cause_proposes_a_risk_once(self):
        first = self._complaint(self.cause_slides)
        self.assertFalse(first.qualiopi_recurrent)
        self.assertFalse(first.qualiopi_risk_ids, "a complaint seen once proposes nothing")
        second = self._complaint(self.cause_slides, day=5)
        self.assertTrue(second.qualiopi_recurrent)
        risk = second.qualiopi_risk_ids
        self.assertEqual(len(risk), 1)
        self.assertEqual(risk.state, "proposed")
        self.assertEqual(risk.likelihood, "3", "a recurrence is likely")
        third = self._complaint(self.cause_slides, day=9)
        self.assertEqual(third.qualiopi_risk_ids, risk, "no duplicate")
        # A record becoming recurrent by a later analysis is linked too.
        later = self._complaint(day=10)
        self.assertFalse(later.qualiopi_risk_ids)
        later.qualiopi_cause_category_id = self.cause_slides
        self.assertTrue(later.qualiopi_recurrent)
        self.assertEqual(later.qualiopi_risk_ids, risk)
        self.assertEqual(risk.ticket_ids, second | third | later)
        # A hazard of the same cause joins the same risk.
        hazard = self._hazard(self.cause_slides, day=11)
        self.assertEqual(hazard.qualiopi_risk_ids, risk)

    def test_proposal_off_by_context_key(self):
        hazard = self.Ticket.with_context(qualiopi_no_risk_proposal=True).create(
            self._complaint_values(
                qualiopi_nature="hazard",
                stakeholder_type="staff",
                received_date=datetime.datetime(2026, 3, 2, 9, 0),
            )
        )
        self.assertFalse(hazard.qualiopi_risk_ids)

    def test_level(self):
        Risk = self.env["qualiopi.risk"]
        expected = {
            ("1", "1"): (1, "low"),
            ("1", "3"): (3, "low"),
            ("2", "2"): (4, "medium"),
            ("2", "3"): (6, "medium"),
            ("4", "2"): (8, "high"),
            ("3", "3"): (9, "high"),
            ("4", "3"): (12, "critical"),
            ("4", "4"): (16, "critical"),
        }
        for (likelihood, impact), (level, label) in expected.items():
            risk = Risk.create({"name": "r", "likelihood": likelihood, "impact": impact})
            self.assertEqual((risk.level, risk.level_label), (level, label))
        risk.write({"likelihood": "1", "impact": "2"})
        self.assertEqual((risk.level, risk.level_label), (2, "low"))
        self.assertEqual(Risk.search([("id", "=", risk.id), ("level", "=", 2)]), risk, "stored")

    def test_links_and_button(self):
        complaint = self._complaint(self.cause_slides)
        self.assertFalse(complaint.qualiopi_risk_ids)
        # The auditor reads, and proposes nothing.
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_auditor).action_qualiopi_risk()
        self.assertFalse(complaint.qualiopi_risk_ids)
        # A user's button proposes the risk and opens it.
        action = complaint.with_user(self.user_qualiopi).action_qualiopi_risk()
        risk = complaint.qualiopi_risk_ids
        self.assertEqual(len(risk), 1)
        self.assertEqual(risk.state, "proposed")
        self.assertEqual((action["res_model"], action["res_id"]), ("qualiopi.risk", risk.id))
        # Pressed again (by the auditor too), it opens the same risk.
        action = complaint.with_user(self.user_auditor).action_qualiopi_risk()
        self.assertEqual(action["res_id"], risk.id)
        self.assertEqual(len(complaint.qualiopi_risk_ids), 1)
        # The risk's improvement actions.
        improvement = self.env["qualiopi.improvement.action"].create(
            {
                "name": "Supports envoyés à J-5",
                "ticket_ids": [Command.link(complaint.id)],
                "date_deadline": "2026-04-30",
            }
        )
        risk.with_user(self.user_qualiopi).write(
            {"improvement_action_ids": [Command.link(improvement.id)], "likelihood": "4"}
        )
        self.assertEqual(risk.improvement_action_ids, improvement)
        self.assertEqual(improvement.risk_ids, risk, "seen from the action too")
        self.assertEqual(risk.level, 8)
        self.assertEqual(risk.action_view_tickets()["domain"], [("id", "in", complaint.ids)])

    def test_states(self):
        risk = self._hazard(self.cause_room).qualiopi_risk_ids.with_user(self.user_qualiopi)
        risk.action_accept()
        self.assertEqual(risk.state, "open")
        with self.assertRaises(UserError):
            risk.action_treated()  # no treatment described
        risk.treatment = "Deux salles réservées pour chaque session."
        risk.action_treated()
        self.assertEqual(risk.state, "treated")
        risk.action_close()
        self.assertEqual(risk.state, "closed")
        self.assertTrue(risk.closed_date)
        risk.action_reopen()
        self.assertEqual(risk.state, "open")
        self.assertFalse(risk.closed_date)

    def test_other_company_risk_hidden(self):
        other = self.env["res.company"].create({"name": "Autre organisme"})
        risk = self.env["qualiopi.risk"].create({"name": "Ailleurs", "company_id": other.id})
        Risk = self.env["qualiopi.risk"].with_user(self.user_qualiopi)
        self.assertFalse(Risk.search([("id", "=", risk.id)]))
        with self.assertRaises(AccessError):
            Risk.browse(risk.id).read(["name"])


@tagged("post_install", "-at_install")
class TestRiskOverRpc(QualiopiHttpCommon):
    """The auditor reads the risks and writes nothing, as a client calling the
    server would try."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.risk = cls.env["qualiopi.risk"].create(
            {"name": "Formateur indisponible", "treatment": "Vivier de remplaçants"}
        )

    def test_auditor_reads_only(self):
        reply = self._call_kw(
            self.user_auditor, "qualiopi.risk", "read", [[self.risk.id], ["name", "level"]]
        )
        self.assertEqual(reply["result"][0]["name"], "Formateur indisponible")
        self.assertRefusedOverRpc(
            AccessError,
            "not allowed to modify",
            self.user_auditor,
            "qualiopi.risk",
            "write",
            [[self.risk.id], {"treatment": "Rien"}],
        )
        self.assertEqual(self.risk.treatment, "Vivier de remplaçants")
        self.assertRefusedOverRpc(
            AccessError,
            "not allowed to create",
            self.user_auditor,
            "qualiopi.risk",
            "create",
            [{"name": "Créé par l'auditeur"}],
        )
        self.assertFalse(self.env["qualiopi.risk"].search([("name", "=", "Créé par l'auditeur")]))
        for method in ("action_close", "action_accept"):
            self.assertRefusedOverRpc(
                AccessError,
                "not allowed to modify",
                self.user_auditor,
                "qualiopi.risk",
                method,
                [[self.risk.id]],
            )
        self.assertEqual(self.risk.state, "open")
        self.assertRefusedOverRpc(
            AccessError,
            "not allowed to modify|security restrictions",
            self.user_auditor,
            "qualiopi.risk",
            "message_post",
            [[self.risk.id]],
            {"body": "note de l'auditeur"},
        )
        self.assertNotIn("note de l'auditeur", "".join(self.risk.message_ids.mapped("body")))

    def test_user_writes_manager_deletes(self):
        reply = self._call_kw(
            self.user_qualiopi, "qualiopi.risk", "write", [[self.risk.id], {"impact": "4"}]
        )
        self.assertTrue(reply.get("result"), reply)
        self.assertEqual(self.risk.level, 8)
        self.assertRefusedOverRpc(
            AccessError,
            "not allowed to delete",
            self.user_qualiopi,
            "qualiopi.risk",
            "unlink",
            [[self.risk.id]],
        )
        self.assertTrue(self.risk.exists())
        reply = self._call_kw(self.user_manager, "qualiopi.risk", "unlink", [[self.risk.id]])
        self.assertTrue(reply.get("result"), reply)
        self.assertFalse(self.risk.exists())


@tagged("post_install", "-at_install")
class TestRiskDemo(QualiopiCommon):
    def test_demo_risk(self):
        """The demo shows one risk, in French, proposed from the trainer's
        absence, assessed and accepted, and linked to the preventive action it
        calls for."""
        risk = self.env.ref("qualiopi_reclamation.demo_risk_trainer_absence")
        hazard = self.env.ref("qualiopi_reclamation.demo_ticket_hazard")
        self.assertEqual(risk.state, "open")
        self.assertEqual(risk.ticket_ids, hazard)
        self.assertEqual(hazard.qualiopi_risk_ids, risk)
        self.assertEqual(hazard.qualiopi_nature, "hazard")
        self.assertEqual(risk.cause_category_id, hazard.qualiopi_cause_category_id)
        self.assertIn("Indisponibilité", risk.name)
        self.assertEqual((risk.level, risk.level_label), (6, "medium"))
        action = self.env.ref("qualiopi_reclamation.demo_improvement_action_trainers")
        self.assertEqual(risk.improvement_action_ids, action)
        self.assertIn(hazard, action.ticket_ids)
