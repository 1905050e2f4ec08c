# rename_fields: skip (this test names the old fields on purpose)
import importlib.util
from pathlib import Path

from odoo.tests import tagged
from odoo.tools import sql

from .common import QualiopiCommon


def _pre_migrate_1_2_0():
    path = Path(__file__).parents[1] / "migrations" / "18.0.1.2.0" / "pre-migrate.py"
    spec = importlib.util.spec_from_file_location("qualiopi_reclamation_pre_migrate_1_2_0", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestPreMigrate120(QualiopiCommon):
    """The 1.2.0 renames keep the data of a database left by 1.1.0: put the
    names back as 1.1.0 had them (in this test's transaction), migrate, read.
    The same upgrade, from a database installed by 1.1.0, is run by
    ``setup/test-upgrade`` (CI)."""

    def test_renamed_with_data_xmlids_and_saved_filters(self):
        migration = _pre_migrate_1_2_0()
        ticket = self._create_complaint(
            qualiopi_nature="hazard",
            qualiopi_hazard_measure="Salle changée",
            qualiopi_hazard_informed_client=True,
            qualiopi_founded="partly",
            qualiopi_root_cause="Salle réservée deux fois",
            qualiopi_cause_category_id=self.cause_content.id,
        )
        self.env.flush_all()
        cr = self.env.cr
        for old, new in migration.RENAMES.items():
            sql.rename_column(cr, "helpdesk_ticket", new, old)
            cr.execute(
                "UPDATE ir_model_fields SET name = %s "
                "WHERE model = 'helpdesk.ticket' AND name = %s",
                [old, new],
            )
            cr.execute(
                "UPDATE ir_model_data SET name = replace(name, %s, %s) "
                "WHERE model IN ('ir.model.fields', 'ir.model.fields.selection') "
                "AND name LIKE %s",
                [f"__{new}", f"__{old}", f"%helpdesk_ticket__{new}%"],
            )
        cr.execute(
            """INSERT INTO ir_filters (name, model_id, domain, context, sort, active)
               VALUES ('Old names', 'helpdesk.ticket',
                       '[("is_founded", "=", "partly"), ("xis_founded", "=", 1)]',
                       '{"group_by": ["cause_category_id"]}', '["root_cause desc"]', TRUE)
               RETURNING id"""
        )
        filter_id = cr.fetchone()[0]

        migration.migrate(cr, "18.0.1.1.0")
        self.env.invalidate_all()

        self.assertEqual(ticket.qualiopi_hazard_measure, "Salle changée")
        self.assertTrue(ticket.qualiopi_hazard_informed_client)
        self.assertEqual(ticket.qualiopi_founded, "partly")
        self.assertEqual(ticket.qualiopi_root_cause, "Salle réservée deux fois")
        self.assertEqual(ticket.qualiopi_cause_category_id, self.cause_content)
        self.assertFalse(
            self.env["ir.model.fields"].search_count(
                [("model", "=", "helpdesk.ticket"), ("name", "in", list(migration.RENAMES))]
            )
        )
        self.assertTrue(
            self.env.ref("qualiopi_reclamation.field_helpdesk_ticket__qualiopi_founded")
        )
        self.assertTrue(
            self.env.ref(
                "qualiopi_reclamation.selection__helpdesk_ticket__qualiopi_founded__partly"
            )
        )
        saved = self.env["ir.filters"].browse(filter_id)
        self.assertEqual(
            saved.domain, '[("qualiopi_founded", "=", "partly"), ("xis_founded", "=", 1)]'
        )
        self.assertEqual(saved.context, '{"group_by": ["qualiopi_cause_category_id"]}')
        self.assertEqual(saved.sort, '["qualiopi_root_cause desc"]')
        # Run twice (an update re-run): nothing more changes.
        migration.migrate(cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(ticket.qualiopi_founded, "partly")
