# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the Qualiopi addons (a script, not a test).

    python3 setup/bench [SECTION ...] [--big] [--db NAME] [--keep] [--reuse] [--strict]

Run it with the Python that imports Odoo 18 (``var/venv-odoo18/bin/python
setup/bench`` with the environment setup/demo builds): every Odoo it starts is
that Python. It runs the sections asked for (all but the optional ones by
default; ``--big`` adds the deadline cron on a million tickets) and prints each
figure beside its target, then all of them again at the end, with any section
that failed. ``--list`` shows the sections. ``--strict`` exits 1 when a target
is missed. The figures also go to ``var/bench-<db>.json``.

Each section works on its own database: a copy of a database installed once per
set of addons the sections need, without demo data (``NAME`` for the register
alone, ``NAME_survey`` with qualiopi_survey; ``--reuse`` reuses them), the copy
named ``NAME_<section>``; all are dropped at the end unless ``--keep``. So a
section never sees what another one wrote.

Adding a section: a module of this package (imported in ``runner``) with
``def bench_x(ctx)`` decorated with ``@section("x", "what it measures",
requires=("qualiopi_...",))``; it gets a ``Context`` (``ctx.env``,
``ctx.opts``, ``ctx.timed()``, ``ctx.rolled_back()``, ``ctx.result()``) and
reports figures with ``ctx.result(...)``. Data goes through ``fixtures``
(``copy_rows`` for big tables).
"""
