# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Base class of the cross-addon scenarios.

A scenario names the addons it needs in ``required_modules``: when one of them
is not installed in the test database (an addon not written yet), the class is
skipped with that reason. ``setup/test`` installs every addon of the
repository, and fails when no test at all ran.
"""

from unittest import SkipTest

from odoo.modules.registry import Registry
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import get_db_name


@tagged("post_install", "-at_install")
class CrossAddonCase(TransactionCase):
    required_modules = ("qualiopi_reclamation",)

    @classmethod
    def setUpClass(cls):
        installed = Registry(get_db_name())._init_modules
        missing = sorted(set(cls.required_modules) - set(installed))
        if missing:
            raise SkipTest(f"needs the addons {', '.join(missing)}, not installed")
        super().setUpClass()
