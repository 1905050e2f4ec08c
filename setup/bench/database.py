# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The databases of a run, in Python: one installed database per set of addons
(the template, kept with ``--keep``, reused with ``--reuse``), and for each
section a copy of it, so that a section never sees what another one wrote.

Odoo runs with ``sys.executable``, the Python running the benchmark."""

import os
import subprocess
import sys
from contextlib import contextmanager

from .core import ODOO_CONF, REPO


def prepare_env():
    """setup/env: Odoo, PostgreSQL, the Python packages, var/odoo.conf; checked
    for this Python."""
    subprocess.run(
        [str(REPO / "setup" / "env")], check=True, env={**os.environ, "PYTHON": sys.executable}
    )


def load_config():
    import odoo

    odoo.tools.config.parse_config(["-c", str(ODOO_CONF), "--log-level=warn"])


def odoo_command(db, *args):
    """The command line of an Odoo on ``db``, run by this Python."""
    return [sys.executable, "-m", "odoo", "-c", str(ODOO_CONF), "-d", db, *args]


def template_name(db, addons):
    """``db`` for the register alone, ``db_survey`` with qualiopi_survey..."""
    extra = [a.removeprefix("qualiopi_") for a in addons if a != "qualiopi_reclamation"]
    return "_".join([db, *extra])


def install(db, addons, reuse):
    """A database with ``addons`` and no demo data (kept as it is with ``reuse``)."""
    from odoo.service.db import exp_db_exist

    if reuse and exp_db_exist(db):
        print(f"==> reusing database {db}", file=sys.stderr, flush=True)
        return
    drop(db)
    print(f"==> creating database {db} with {', '.join(addons)}", file=sys.stderr, flush=True)
    # Its own process: installing leaves nothing loaded in this one.
    subprocess.run(
        odoo_command(
            db,
            "-i",
            ",".join(addons),
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            f"--log-level={os.environ.get('QUALIOPI_INSTALL_LOG_LEVEL', 'warn')}",
        ),
        check=True,
    )
    with environment(db) as env:
        states = dict(
            env["ir.module.module"]
            .search([("name", "in", list(addons))])
            .mapped(lambda module: (module.name, module.state))
        )
    if any(states.get(addon) != "installed" for addon in addons):
        raise RuntimeError(f"installing {addons} in {db} failed: {states}")


def copy(template, db):
    """``db`` anew as a copy of ``template`` (filestore included)."""
    from odoo.service.db import exp_duplicate_database

    drop(db)
    exp_duplicate_database(template, db)


def drop(db):
    from odoo.modules.registry import Registry
    from odoo.service.db import exp_db_exist, exp_drop

    Registry.delete(db)
    if exp_db_exist(db):
        exp_drop(db)  # its connections closed, its filestore removed


@contextmanager
def environment(db):
    """A superuser environment on ``db``, its transaction rolled back at the end."""
    import odoo
    from odoo.modules.registry import Registry

    with Registry(db).cursor() as cr:
        try:
            yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        finally:
            cr.rollback()
