#!/usr/bin/env python3
# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers for the setup/ scripts: things easier said in Python than in bash.

Run as ``python3 setup/odoo_env.py COMMAND [ARGS]``; see ``--help``. It only
imports Odoo where a command needs it, so that the bash scripts can call it to
report what is missing.
"""

import argparse
import ast
import getpass
import os
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("QUALIOPI_VAR_DIR") or REPO / "var")

# Our addons, in install order; any other installable addon found at the root
# of the repository is installed after them.
KNOWN_ADDONS = ["qualiopi_reclamation", "qualiopi_survey", "qualiopi_mediation"]

# Skip reasons that mean a browser test did not run because the machine lacks
# something: the test command fails on them instead of passing quietly.
BROWSER_SKIP_MARKERS = (
    "websocket",
    "chrome",
    "chromium",
    "browser",
    "--odoo-http",
)


def _is_addon(path):
    manifest = path / "__manifest__.py"
    if not manifest.is_file():
        return False
    try:
        data = ast.literal_eval(manifest.read_text(encoding="utf-8"))
    except (SyntaxError, ValueError):
        # A manifest being written: let Odoo say what is wrong with it.
        return True
    return data.get("installable", True)


def repo_addons():
    """Installable addons at the root of the repository, ours first."""
    found = sorted(p.name for p in REPO.iterdir() if p.is_dir() and _is_addon(p))
    ordered = [a for a in KNOWN_ADDONS if a in found]
    return ordered + [a for a in found if a not in ordered]


def _contains_addons(directory):
    try:
        return any(
            (Path(directory) / n / "__manifest__.py").is_file() for n in os.listdir(directory)
        )
    except OSError:
        return False


def core_addons_dirs():
    """Odoo's addons folders: a git tree keeps them in ``addons/`` beside the
    ``odoo`` package, a packaged Odoo in ``odoo/addons``; wheels of OCA addons
    land in ``site-packages/odoo/addons``, which the ``odoo.addons`` namespace
    package merges in."""
    import odoo

    import odoo.addons

    dirs = []
    odoo_dir = Path(odoo.__file__).resolve().parent
    candidates = [odoo_dir.parent / "addons", odoo_dir / "addons"]
    candidates += [Path(p) for p in odoo.addons.__path__]
    for path in candidates:
        path = path.resolve()
        if path.is_dir() and _contains_addons(path) and str(path) not in dirs:
            dirs.append(str(path))
    return dirs


def addons_path():
    dirs = core_addons_dirs()
    for extra in filter(None, os.environ.get("QUALIOPI_ADDONS_PATH", "").split(",")):
        extra = str(Path(extra).resolve())
        if extra not in dirs:
            dirs.append(extra)
    if repo_addons():
        dirs.append(str(REPO))
    return dirs


def has_module(name):
    return any((Path(d) / name / "__manifest__.py").is_file() for d in addons_path())


# --- PostgreSQL -------------------------------------------------------------


def _db_params():
    return {
        "user": os.environ.get("QUALIOPI_DB_USER") or getpass.getuser(),
        "port": int(os.environ.get("QUALIOPI_DB_PORT") or 5432),
        "password": os.environ.get("QUALIOPI_DB_PASSWORD") or None,
    }


def _host_candidates():
    if "QUALIOPI_DB_HOST_FOUND" in os.environ:  # set by setup/lib.sh once probed
        return [os.environ["QUALIOPI_DB_HOST_FOUND"] or None]
    host = os.environ.get("QUALIOPI_DB_HOST")
    if host is not None and host != "":
        return [host]
    # TCP first (trust or password auth), then the Unix socket (peer auth).
    return ["127.0.0.1", None]


def _connect(host, dbname="postgres"):
    import psycopg2

    params = {k: v for k, v in _db_params().items() if v is not None}
    if host:
        params["host"] = host
    return psycopg2.connect(dbname=dbname, connect_timeout=5, **params)


def pg_probe():
    """Print the first host (empty for the Unix socket) where the role logs in."""
    errors = []
    for host in _host_candidates():
        try:
            _connect(host).close()
        except Exception as exc:  # noqa: BLE001 (any failure means: try the next)
            errors.append(f"{host or 'unix socket'}: {str(exc).strip()}")
            continue
        print(host or "")
        return 0
    for error in errors:
        print(error, file=sys.stderr)
    return 1


def _admin_connection():
    for host in _host_candidates():
        try:
            conn = _connect(host)
        except Exception:  # noqa: BLE001, S112
            continue
        conn.autocommit = True
        return conn
    raise SystemExit("PostgreSQL does not answer")


def db_exists(name):
    with _admin_connection() as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return bool(cr.fetchone())


def drop_db(name):
    conn = _admin_connection()
    try:
        with conn.cursor() as cr:
            from psycopg2 import sql

            cr.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    finally:
        conn.close()
    shutil.rmtree(VAR / "data" / "filestore" / name, ignore_errors=True)


def check_installed(name, modules):
    """Exit non-zero unless every module is installed in database ``name``."""
    conn = _connect(_host_candidates()[0], dbname=name)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT name, state FROM ir_module_module WHERE name = ANY(%s)",
                (list(modules),),
            )
            states = dict(cr.fetchall())
    finally:
        conn.close()
    bad = {m: states.get(m, "absent") for m in modules if states.get(m) != "installed"}
    if bad:
        for module, state in bad.items():
            print(f"module {module} is {state} in database {name}, not installed", file=sys.stderr)
        return 1
    return 0


# --- configuration ------------------------------------------------------------


def write_config(path, db_host, http_port):
    params = _db_params()
    lines = [
        "; Written by setup/ (setup/odoo_env.py write-config): do not edit, it is rewritten.",
        "[options]",
        f"addons_path = {','.join(addons_path())}",
        f"data_dir = {VAR / 'data'}",
        f"db_host = {db_host or 'False'}",
        f"db_port = {params['port']}",
        f"db_user = {params['user']}",
        f"db_password = {params['password'] or 'False'}",
        "admin_passwd = admin",
        "without_demo = False",
        f"http_port = {http_port}",
        "list_db = True",
        "max_cron_threads = 1",
        "",
    ]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside then renamed: another run reading it never sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".odoo.conf.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    os.replace(tmp, path)
    return 0


# --- requirements ---------------------------------------------------------------


def missing_requirements(files):
    """Print the requirement lines of ``files`` that the environment lacks."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        from packaging.requirements import Requirement
    except ImportError:
        # Can't tell: say everything is missing, pip will sort it out.
        for file in files:
            for line in Path(file).read_text().splitlines():
                if line.split("#")[0].strip():
                    print(line.split("#")[0].strip())
        return 0
    for file in files:
        for line in Path(file).read_text().splitlines():
            line = line.split("#")[0].strip()
            if not line:
                continue
            req = Requirement(line)
            if req.marker and not req.marker.evaluate():
                continue
            try:
                installed = version(req.name)
            except PackageNotFoundError:
                print(line)
                continue
            if req.specifier and not req.specifier.contains(installed, prereleases=True):
                print(line)
    return 0


def _packaging():
    """``packaging``, or the copy pip vendors (a fresh virtualenv has only pip)."""
    try:
        from packaging import markers, requirements
    except ImportError:
        from pip._vendor.packaging import markers, requirements
    return markers, requirements


def odoo_requirements(file, python_version=None, skip=(), only=None):
    """Print the lines of Odoo's requirements.txt that apply to this Python (or
    to ``python_version``), without their markers, one per line."""
    _markers, requirements = _packaging()
    environment = None
    if python_version:
        environment = {
            "python_version": python_version,
            "python_full_version": f"{python_version}.0",
        }
    skip = {name.lower() for name in skip}
    for line in Path(file).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        req = requirements.Requirement(line)
        if req.name.lower() in skip or (only and req.name.lower() != only.lower()):
            continue
        if req.marker and not req.marker.evaluate(environment):
            continue
        print(f"{req.name}{req.specifier}")
    return 0


# --- test results -----------------------------------------------------------------


def check_results(junit_file):
    """Fail when the run executed no test, or skipped browser tests for want of
    a browser: a test command must never pass by running nothing."""
    try:
        root = ET.parse(junit_file).getroot()
    except (OSError, ET.ParseError) as exc:
        print(f"no test report ({exc}): the tests did not run", file=sys.stderr)
        return 1
    cases = root.iter("testcase")
    executed, skipped, browser_skips = 0, 0, []
    for case in cases:
        skip = case.find("skipped")
        if skip is None:
            executed += 1
            continue
        skipped += 1
        reason = f"{skip.get('message', '')} {skip.text or ''}".lower()
        if any(marker in reason for marker in BROWSER_SKIP_MARKERS):
            browser_skips.append(f"{case.get('classname')}.{case.get('name')}: {reason.strip()}")
    if not executed:
        print(f"no test was executed ({skipped} skipped): failing", file=sys.stderr)
        return 1
    if browser_skips:
        print("browser tests were skipped, the machine lacks what they need:", file=sys.stderr)
        for line in browser_skips:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("addons", help="installable addons of the repository, comma-separated")
    sub.add_parser("addons-path", help="the addons path written in the config")
    sub.add_parser("core-addons-path", help="Odoo's and the installed wheels' addons folders only")
    p = sub.add_parser("has-module", help="exit 0 when a module is on the addons path")
    p.add_argument("name")
    sub.add_parser("pg-probe", help="print the host where PostgreSQL lets the role in")
    p = sub.add_parser("db-exists")
    p.add_argument("name")
    p = sub.add_parser("drop-db", help="drop a database and its filestore")
    p.add_argument("name")
    p = sub.add_parser("check-installed")
    p.add_argument("name")
    p.add_argument("modules", help="comma-separated")
    p = sub.add_parser("write-config")
    p.add_argument("path")
    p.add_argument("--db-host", default="")
    p.add_argument("--http-port", default="8069")
    p = sub.add_parser("missing-requirements")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("odoo-requirements", help="Odoo's requirements for this Python")
    p.add_argument("file")
    p.add_argument("--python-version", help="evaluate the markers for this X.Y instead")
    p.add_argument("--skip", action="append", default=[], help="leave this package out")
    p.add_argument("--only", help="print this package's line only")
    p = sub.add_parser("check-results", help="check a pytest junit report")
    p.add_argument("junit_file")
    args = parser.parse_args(argv)

    if args.command == "addons":
        print(",".join(repo_addons()))
        return 0
    if args.command == "addons-path":
        print(",".join(addons_path()))
        return 0
    if args.command == "core-addons-path":
        # Without this repository: the wheels check must not find the addons here.
        dirs = [d for d in core_addons_dirs() if not Path(d).is_relative_to(REPO)]
        print(",".join(dirs))
        return 0
    if args.command == "has-module":
        return 0 if has_module(args.name) else 1
    if args.command == "pg-probe":
        return pg_probe()
    if args.command == "db-exists":
        return 0 if db_exists(args.name) else 1
    if args.command == "drop-db":
        drop_db(args.name)
        return 0
    if args.command == "check-installed":
        return check_installed(args.name, args.modules.split(","))
    if args.command == "write-config":
        return write_config(args.path, args.db_host, args.http_port)
    if args.command == "missing-requirements":
        return missing_requirements(args.files)
    if args.command == "odoo-requirements":
        return odoo_requirements(args.file, args.python_version, args.skip, args.only)
    if args.command == "check-results":
        return check_results(args.junit_file)
    return 2


if __name__ == "__main__":
    sys.exit(main())
