# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""pytest configuration of the cross-addon scenarios (this folder).

Odoo gives its test attributes (``test_tags``, ``test_module``, ``test_class``,
``test_sequence``) only to test classes defined under ``odoo.addons.*``. The
classes here live in the ``tests`` package, so they would fail under
pytest-odoo with "object has no attribute 'test_tags'": this hook gives them
the same attributes, as post_install tests of a pseudo-module
``qualiopi_cross_addon``. A class may still set its own tags with ``@tagged``.
"""

from odoo.tests.common import BaseCase

TEST_MODULE = "qualiopi_cross_addon"


def tag_cross_addon_class(cls):
    """Give a test class defined outside ``odoo.addons`` Odoo's test attributes."""
    if cls.__module__.startswith("odoo.addons."):
        return cls
    if getattr(cls, "test_tags", None) is None:
        cls.test_tags = {"standard", "post_install"}
    if "test_module" not in vars(cls):
        cls.test_module = TEST_MODULE
    cls.test_class = cls.__name__
    if not hasattr(cls, "test_sequence"):
        cls.test_sequence = 0
    return cls


def pytest_pycollect_makeitem(collector, name, obj):
    if isinstance(obj, type) and issubclass(obj, BaseCase):
        tag_cross_addon_class(obj)
    # None: pytest collects the class as usual.
