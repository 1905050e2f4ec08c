# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The command line: options, each section on its own database, the figures."""

import argparse
import json
import sys
import time
import traceback

import odoo_env

import bench

from . import a_create, b_cron, c_survey, d_report, database, e_load, pack  # noqa: F401 (sections)
from .core import SECTIONS, VAR, Context, format_figure


def _sizes(text):
    return tuple(int(x) for x in text.split(","))


def _parser():
    parser = argparse.ArgumentParser(
        prog="setup/bench",
        description=bench.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("sections", nargs="*", help="sections to run (default: all but the optional ones)")
    add("--db", default="qualiopi_bench", help="prefix of the databases' names")
    add("--keep", action="store_true", help="keep the databases")
    add("--reuse", action="store_true", help="reuse the installed databases of --keep")
    add("--strict", action="store_true", help="exit 1 when a target is missed")
    add("--list", action="store_true", help="list the sections")
    add("--big", action="store_true", help="add the section 'big' (a million tickets)")
    add("--create", type=int, default=2000, help="(a) tickets of each kind")
    add("--registers", type=_sizes, default=(10000, 100000), help="(b) sizes, e.g. 10000,100000")
    add("--big-register", type=int, default=1000000, help="(big) the big register's size")
    add("--late", type=int, default=100, help="(b, big) tickets becoming late")
    add("--repeat", type=int, default=3, help="(b) timed runs, the fastest kept")
    add("--sessions", type=int, default=500, help="(c) sessions")
    add("--attendees", type=int, default=20, help="(c) attendees per session")
    add("--survey-repeat", type=int, default=1, help="(c) timed runs of each side")
    add("--report-records", type=_sizes, default=(1000, 10000), help="(d) e.g. 1000,10000")
    add("--report-answers", type=int, default=50000, help="(d) survey answers (qualiopi_survey)")
    add(
        "--report-repeat",
        type=int,
        default=15,
        help="(d) timed runs of each size, the fastest kept",
    )
    add("--load", type=int, default=50, help="(e) concurrent form submissions and alias emails")
    add("--load-timeout", type=int, default=300, help="(e) seconds allowed per request")
    add("--pack-records", type=int, default=10000, help="(pack) records")
    add("--pack-sessions", type=int, default=100, help="(pack) sampled sessions")
    return parser


def _run_section(ctx, spec, opts, templates):
    """Run one section on a fresh copy of its addons' installed database."""
    addons = spec["requires"]
    template = database.template_name(opts.db, addons)
    if template not in templates:
        database.install(template, addons, opts.reuse)
        templates.append(template)
    database.copy(template, ctx.db)
    try:
        if spec["committed"]:
            spec["func"](ctx)
        else:
            with database.environment(ctx.db) as env:
                ctx.env = env
                spec["func"](ctx)
    finally:
        ctx.env = None
        if not opts.keep:
            database.drop(ctx.db)


def main(argv=None):
    parser = _parser()
    opts = parser.parse_args(argv)
    if opts.list:
        for key, spec in SECTIONS.items():
            optional = ", optional" if spec["optional"] else ""
            print(f"{key}: {spec['title']} (needs {', '.join(spec['requires'])}{optional})")
        return 0
    unknown = [s for s in opts.sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown sections {unknown}; --list shows them")
    keys = opts.sections or [k for k, spec in SECTIONS.items() if not spec["optional"]]
    if opts.big and "big" not in keys:
        keys.append("big")
    missing = sorted(
        {m for k in keys for m in SECTIONS[k]["requires"]} - set(odoo_env.repo_addons())
    )
    if missing:
        print(f"ERROR: the sections need {', '.join(missing)}, not in the repository")
        return 1

    database.prepare_env()
    database.load_config()
    results, failed, templates = [], [], []
    try:
        for key in keys:
            spec = SECTIONS[key]
            print(f"\n({key}) {spec['title']}", flush=True)
            started = time.perf_counter()
            ctx = Context(None, opts, f"{opts.db}_{key}", key)
            try:
                _run_section(ctx, spec, opts, templates)
            except Exception:  # noqa: BLE001 (reported, and the other sections still run)
                traceback.print_exc()
                failed.append(key)
            results += ctx.results
            print(f"  [section {key}: {time.perf_counter() - started:.0f} s]", flush=True)
    finally:
        if not opts.keep:
            for template in templates:
                database.drop(template)

    print("\nEvery figure of this run:")
    for key in keys:
        print(f"({key}) {SECTIONS[key]['title']}{'  FAILED' if key in failed else ''}")
        for figure in results:
            if figure["section"] == key:
                print(format_figure(figure))
    out = VAR / f"bench-{opts.db}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    missed = [r["name"] for r in results if r["ok"] is False]
    print(
        f"\n{len(results)} figures, {len(missed)} targets missed, "
        f"{len(failed)} sections failed{': ' + ', '.join(failed) if failed else ''}; "
        f"written to {out}"
    )
    return 1 if failed or (missed and opts.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
