from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import QualiopiCommon


@tagged("post_install", "-at_install")
class TestAnalysis(QualiopiCommon):
    @freeze_time("2026-03-10 09:00:00")
    def test_recurrence_on_same_course(self):
        first = self._create_complaint(
            received_date="2026-03-02 09:00:00", qualiopi_cause_category_id=self.cause_content.id
        )
        self.assertFalse(first.qualiopi_recurrent)
        other_session = self.event.copy({"name": "Excel avancé - avril"})
        second = self._create_complaint(
            event_id=other_session.id,
            received_date="2026-03-09 09:00:00",
            qualiopi_cause_category_id=self.cause_content.id,
        )
        self.assertTrue(second.qualiopi_recurrent, "same cause on the same course")
        other_cause = self._create_complaint(
            received_date="2026-03-09 09:00:00",
            qualiopi_cause_category_id=self.env.ref(
                "qualiopi_reclamation.cause_category_trainer"
            ).id,
        )
        self.assertFalse(other_cause.qualiopi_recurrent)
        # Outside the window: not a recurrence.
        self.company.qualiopi_recurrence_days = 3
        second.received_date = "2026-03-09 09:30:00"
        self.assertFalse(second.qualiopi_recurrent)
        # A recurrent record proposes a preventive action.
        self.company.qualiopi_recurrence_days = 365
        second.received_date = "2026-03-09 10:00:00"
        self.assertTrue(second.qualiopi_recurrent)
        action = second.action_qualiopi_create_improvement_action()
        self.assertEqual(action["context"]["default_action_type"], "preventive")
        # The register's Recurrent filter finds it, and only the recurrent ones.
        arch = etree.fromstring(self.env["helpdesk.ticket"].get_view(view_type="search")["arch"])
        [recurrent_filter] = arch.xpath("//filter[@name='qualiopi_recurrent']")
        found = self.env["helpdesk.ticket"].search(
            [
                *safe_eval(recurrent_filter.get("domain")),
                ("id", "in", (first | second | other_cause).ids),
            ]
        )
        self.assertEqual(found, second)

    def test_improvement_action_from_record(self):
        ticket = self._create_complaint(qualiopi_root_cause="Support non prêt")
        action = (
            ticket.with_user(self.user_qualiopi)
            .with_context(qualiopi_action_type="corrective")
            .action_qualiopi_create_improvement_action()
        )
        form = Form(
            self.env["qualiopi.improvement.action"]
            .with_user(self.user_qualiopi)
            .with_context(**action["context"])
        )
        form.date_deadline = "2026-04-30"
        improvement = form.save()
        self.assertEqual(improvement.action_type, "corrective")
        self.assertEqual(improvement.ticket_ids, ticket)
        self.assertEqual(improvement.user_id, self.user_qualiopi)
        self.assertTrue(improvement.reference.startswith("ACT/"))
        self.assertEqual(ticket.improvement_action_ids, improvement)
        self.assertEqual(improvement.event_ids, self.event)
        self.assertEqual(ticket.improvement_action_count, 1)

    def test_effectiveness_check(self):
        improvement = self.env["qualiopi.improvement.action"].create(
            {"name": "Former les formateurs", "date_deadline": "2026-04-30"}
        )
        with self.assertRaises(ValidationError):
            improvement.effectiveness = "effective"
        improvement.action_start()
        improvement.action_done()
        self.assertEqual(improvement.state, "done")
        self.assertTrue(improvement.date_done)
        with self.assertRaises(ValidationError):
            improvement.effectiveness = "effective"
        improvement.write(
            {
                "effectiveness": "effective",
                "effectiveness_check_date": "2026-06-30",
                "effectiveness_note": "Aucune réclamation sur ce point depuis.",
            }
        )
        self.assertEqual(improvement.effectiveness, "effective")

    @freeze_time("2026-03-10 09:00:00")
    def test_late_improvement_actions(self):
        late = self.env["qualiopi.improvement.action"].create(
            {"name": "A", "date_deadline": "2026-03-01"}
        )
        on_time = self.env["qualiopi.improvement.action"].create(
            {"name": "B", "date_deadline": "2026-03-31"}
        )
        found = self.env["qualiopi.improvement.action"].search(
            [("is_late", "=", True), ("id", "in", (late | on_time).ids)]
        )
        self.assertEqual(found, late)

    def test_session_and_contact_views(self):
        ticket = self._create_complaint()
        plain = self.env["helpdesk.ticket"].create(
            {"name": "Hors Qualiopi", "description": "<p>x</p>"}
        )
        plain.event_id = self.event
        self.assertEqual(self.event.qualiopi_ticket_count, 1)
        self.assertEqual(self.event.qualiopi_ticket_ids, ticket)
        action = self.event.action_view_qualiopi_tickets()
        self.assertEqual(self.env["helpdesk.ticket"].search(action["domain"]), ticket)
        declare = self.event.with_context(qualiopi_nature="hazard").action_qualiopi_declare()
        self.assertEqual(declare["context"]["default_qualiopi_nature"], "hazard")
        self.assertEqual(declare["context"]["default_event_id"], self.event.id)
        self.assertEqual(self.trainee.qualiopi_ticket_count, 1)
        registration_ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Difficulté d'accès",
                "description": "<p>x</p>",
                "qualiopi_nature": "difficulty",
                "stakeholder_type": "trainee",
                "event_registration_id": self.registration.id,
            }
        )
        self.assertEqual(registration_ticket.event_id, self.event)
        self.assertEqual(registration_ticket.partner_id, self.trainee)
        self.trainee.invalidate_recordset(["qualiopi_ticket_count"])
        self.assertEqual(self.trainee.qualiopi_ticket_count, 2)

    def test_reclassification_tracked(self):
        ticket = self._create_complaint()
        self.flush_tracking()
        ticket.qualiopi_nature = "difficulty"
        self.flush_tracking()
        tracked = ticket.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "qualiopi_nature"
        )
        self.assertTrue(tracked, "a re-classification is tracked in the chatter")
        self.assertEqual(ticket.improvement_action_ids, self.env["qualiopi.improvement.action"])
        ticket.improvement_action_ids = [
            Command.create({"name": "Action", "date_deadline": "2026-12-31"})
        ]
        self.assertEqual(len(ticket.improvement_action_ids), 1)
