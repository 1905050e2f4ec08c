# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What every section uses: the section registry and the ``Context`` a section
gets (its environment, the options, timing, savepoints, figures)."""

import os
import random
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
VAR = Path(os.environ.get("QUALIOPI_VAR_DIR") or REPO / "var")
ODOO_CONF = VAR / "odoo.conf"

SECTIONS = {}


def section(key, title, requires=("qualiopi_reclamation",), optional=False, committed=False):
    """Register a benchmark section under ``key``.

    ``requires``: the addons its database has (and only those: the figures are
    theirs); ``optional``: not run by default, only when named (or ``--big``);
    ``committed``: the section commits what it builds, on its database
    (``ctx.db``) or on copies of it, through its own environments or server,
    so it gets no environment (``ctx.env`` is None)."""

    def decorator(func):
        SECTIONS[key] = {
            "title": title,
            "func": func,
            "requires": tuple(requires),
            "optional": optional,
            "committed": committed,
        }
        return func

    return decorator


class Context:
    def __init__(self, env, opts, db, key):
        self.env = env
        self.opts = opts
        self.db = db
        self.key = key
        self.results = []

    @contextmanager
    def timed(self, into, key):
        """Add the seconds spent in the block (flush included) to ``into[key]``."""
        self.env.flush_all()
        start = time.perf_counter()
        yield
        self.env.flush_all()
        into[key] = into.get(key, 0.0) + time.perf_counter() - start

    @contextmanager
    def rolled_back(self):
        """Run the block in a savepoint rolled back afterwards, caches cleared."""
        cr = self.env.cr
        self.env.flush_all()
        name = f"bench_{random.randrange(1 << 30)}"
        cr.execute(f"SAVEPOINT {name}")
        try:
            yield
        finally:
            self.env.invalidate_all()
            self.env.transaction.clear()
            cr.execute(f"ROLLBACK TO SAVEPOINT {name}")
            cr.execute(f"RELEASE SAVEPOINT {name}")
            self.env.invalidate_all()

    def result(self, name, value, unit="", target=None, lower_is_better=True, note=""):
        ok = None
        if target is not None:
            ok = value <= target if lower_is_better else value >= target
        figure = {
            "section": self.key,
            "name": name,
            "value": value,
            "unit": unit,
            "target": target,
            "lower_is_better": lower_is_better,
            "ok": ok,
            "note": note,
        }
        self.results.append(figure)
        print(format_figure(figure), flush=True)


def format_figure(figure):
    value = figure["value"]
    shown = f"{value:.3f}" if isinstance(value, float) else str(value)
    line = f"  {figure['name']:<58} {shown:>10} {figure['unit']}"
    if figure["target"] is not None:
        sign = "<=" if figure["lower_is_better"] else ">="
        line += f"   target {sign} {figure['target']}: {'ok' if figure['ok'] else 'MISSED'}"
    if figure["note"]:
        line += f"   ({figure['note']})"
    return line
