# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""(e) concurrency on a server with workers: public form submissions and
alias emails at once, then the deadline cron twice at once."""

import random
import subprocess
import time
from datetime import datetime, timedelta

from .core import VAR, section
from .database import odoo_command
from .fixtures import NO_MAIL

LOAD_ALIAS = "reclamations"
LOAD_DOMAIN = "bench.example.com"
LOAD_ACK_SUBJECT = "Acknowledgement of receipt"


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _load_setup(db, late_count):
    """Settings of the load database, committed: auto-acknowledgement on, the
    public form's rate limits raised, a complaint team with an alias, and
    ``late_count`` complaints received a week ago, not acknowledged."""
    import odoo
    from odoo.modules.registry import Registry

    with Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.company
        params = env["ir.config_parameter"]
        for key in ("public_max_per_ip", "public_max_per_email"):
            params.set_param(f"qualiopi_reclamation.{key}", 100000)
        alias_domain = env["mail.alias.domain"].search([("name", "=", LOAD_DOMAIN)], limit=1)
        if not alias_domain:
            alias_domain = env["mail.alias.domain"].create({"name": LOAD_DOMAIN})
        company.write({"alias_domain_id": alias_domain.id, "qualiopi_auto_ack": True})
        team = env["helpdesk.ticket.team"].create(
            {
                "name": "Bench load complaints",
                "company_id": company.id,
                "user_id": env.ref("base.user_admin").id,
                "qualiopi_default_nature": "complaint",
                "alias_name": LOAD_ALIAS,
            }
        )
        if "qualiopi_public_team_id" in company._fields:
            company.qualiopi_public_team_id = team
        received = datetime.now().replace(microsecond=0) - timedelta(days=7)
        late = (
            env["helpdesk.ticket"]
            .with_context(**NO_MAIL)
            .create(
                [
                    {
                        "name": f"Bench load late {i}",
                        "description": f"<p>Bench load late {i}</p>",
                        "team_id": team.id,
                        "qualiopi_nature": "complaint",
                        "stakeholder_type": "trainee",
                        "received_date": received,
                        "user_id": env.ref("base.user_admin").id,
                    }
                    for i in range(late_count)
                ]
            )
        )
        # Outgoing mail goes to a closed port: the mail queue cron would only
        # race the sending after commit over the same failed mails (Odoo's own
        # serialization errors in the log, not the addons').
        queue = env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        if queue:
            queue.active = False
        cron = env.ref("qualiopi_reclamation.ir_cron_qualiopi_deadlines")
        return late.ids, cron.id, cron.ir_actions_server_id.id


def _start_server(db, port, log):
    command = odoo_command(
        db,
        f"--db-filter=^{db}$",
        "--workers=2",
        "--max-cron-threads=1",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={_free_port()}",
        # Outgoing mail to a closed local port: refused at once, kept as failed.
        "--smtp=127.0.0.1",
        f"--smtp-port={_free_port()}",
        "--log-level=warn",
        f"--logfile={log}",
        "--limit-time-real=300",
    )
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def _wait_for_server(base, process, timeout):
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Odoo server stopped (exit code {process.returncode})")
        try:
            with urllib.request.urlopen(f"{base}/web/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"the Odoo server did not answer within {timeout} s")


def _wait_for_acknowledgements(db, process, timeout):
    """(seconds waited, whether every queued acknowledgement was sent): the
    server's cron worker sends them (qualiopi_ack_queued, the job their
    creation triggers) after the last request; the records are checked once
    the server has stopped, and one whose job had not run yet would count as
    not acknowledged."""
    from odoo.modules.registry import Registry

    start = time.monotonic()
    while time.monotonic() - start < timeout and process.poll() is None:
        with Registry(db).cursor() as cr:
            cr.execute("SELECT count(*) FROM helpdesk_ticket WHERE qualiopi_ack_queued")
            if not cr.fetchone()[0]:
                return time.monotonic() - start, True
        time.sleep(1)
    return time.monotonic() - start, False


def _form_submission(base, index, timeout):
    """GET the form (CSRF token, session cookie), then POST it: the HTTP status."""
    import re

    import requests

    with requests.Session() as session:
        # The GET is retried on a connection reset (the prefork server's listen
        # backlog, 8 per worker); the POST then reuses its connection and is
        # never retried: a lost answer would otherwise mean a second record.
        for attempt in range(4):
            try:
                page = session.get(f"{base}/qualiopi/reclamation", timeout=timeout)
                break
            except requests.ConnectionError:
                if attempt == 3:
                    return "network"
                time.sleep(1 + attempt)
        if page.status_code != 200:
            return page.status_code
        token = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text)
        try:
            response = session.post(
                f"{base}/qualiopi/reclamation",
                data={
                    "csrf_token": token.group(1) if token else "",
                    "partner_name": f"Bench Form {index}",
                    "partner_email": f"load.form.{index}@example.com",
                    "stakeholder_type": "trainee",
                    "qualiopi_nature": "complaint",
                    "description": f"Bench load {index}: the course material never arrived.",
                    "consent": "on",
                },
                allow_redirects=False,
                timeout=timeout,
            )
        except requests.RequestException:
            return "network"
        if response.status_code == 303 and "/confirmation/" not in response.headers.get(
            "Location", ""
        ):
            return 0  # redirected elsewhere: not recorded
        return response.status_code


def _xmlrpc(base, timeout):
    import xmlrpc.client

    class Transport(xmlrpc.client.Transport):
        def make_connection(self, host):
            connection = super().make_connection(host)
            connection.timeout = timeout
            return connection

    return xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", transport=Transport())


def _rpc_call(base, db, uid, model, method, args, timeout, retries=0):
    """One execute_kw as admin: ("ok"|"fault"|"network"|HTTP status, detail,
    connection retries). A connection reset is retried ``retries`` times: the
    prefork server's listen backlog (8 per worker) resets the connections
    beyond it, before any request is read."""
    import xmlrpc.client

    for attempt in range(retries + 1):
        try:
            _xmlrpc(base, timeout).execute_kw(db, uid, "admin", model, method, args)
        except xmlrpc.client.Fault as fault:
            return "fault", fault.faultString.strip().splitlines()[-1][:160], attempt
        except xmlrpc.client.ProtocolError as error:
            return error.errcode, error.errmsg, attempt
        except (ConnectionResetError, ConnectionRefusedError) as error:
            if attempt == retries:
                return "network", str(error), attempt
            time.sleep(1 + attempt)
        except OSError as error:
            return "network", str(error), attempt
        else:
            return "ok", "", attempt


def _alias_email(index):
    return (
        f"From: Bench Mail {index} <load.mail.{index}@example.com>\n"
        f"To: {LOAD_ALIAS}@{LOAD_DOMAIN}\n"
        f"Subject: Bench load email {index}\n"
        f"Message-ID: <bench-load-{index}-{random.randrange(1 << 30)}@example.com>\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        f"Bench load {index}: the trainer did not come on the second day.\n"
    )


def _concurrently(func, args_list, workers):
    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda args: func(*args), args_list))
    return results, time.perf_counter() - started


def _load_check(db, late_ids):
    """Figures read back from the database once the load is over."""
    from odoo.modules.registry import Registry

    with Registry(db).cursor() as cr:
        cr.execute(
            """
            SELECT t.id, t.qualiopi_nature, t.ack_date IS NOT NULL,
                   (SELECT count(*) FROM mail_message m
                     WHERE m.model = 'helpdesk.ticket' AND m.res_id = t.id
                       AND m.subject LIKE %s),
                   COALESCE(p.email_normalized, t.partner_email) LIKE %s
              FROM helpdesk_ticket t
              LEFT JOIN res_partner p ON p.id = t.partner_id
             WHERE COALESCE(p.email_normalized, t.partner_email) LIKE %s
            """,
            [f"%{LOAD_ACK_SUBJECT}%", "%load.form.%", "%load.%@example.com%"],
        )
        rows = cr.fetchall()
        cr.execute(
            """
            SELECT count(*) FROM (
                SELECT res_id, summary FROM mail_activity
                 WHERE res_model = 'helpdesk.ticket' AND res_id = ANY(%s)
                 GROUP BY res_id, summary HAVING count(*) > 1) duplicates
            """,
            [late_ids],
        )
        duplicates = cr.fetchone()[0]
        cr.execute(
            "SELECT count(DISTINCT res_id) FROM mail_activity "
            "WHERE res_model = 'helpdesk.ticket' AND res_id = ANY(%s)",
            [late_ids],
        )
        notified = cr.fetchone()[0]
        return rows, duplicates, notified


@section(
    "e",
    "50 concurrent public submissions and 50 alias emails on a server with workers",
    requires=("qualiopi_reclamation",),
    committed=True,
)
def bench_load(ctx):
    """On its own committed database and server (``--workers=2 --max-cron-threads=1``):
    everything recorded, acknowledged once, no server error, and the deadline
    cron run twice at once notifies each late complaint once."""
    opts = ctx.opts
    db = ctx.db
    count = opts.load
    timeout = opts.load_timeout
    late_ids, cron_id, action_id = _load_setup(db, count)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = VAR / f"bench-{db}.log"
    log.unlink(missing_ok=True)
    server = _start_server(db, port, log)
    try:
        _wait_for_server(base, server, timeout)
        import xmlrpc.client

        common = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common")
        uid = common.authenticate(db, "admin", "admin", {})
        ctx.result("concurrency (client threads)", count, "")

        form, seconds = _concurrently(
            _form_submission, [(base, i, timeout) for i in range(count)], count
        )
        ctx.result("public form: submissions per second", count / seconds, "/s")
        ctx.result(
            "public form: server errors (5xx)",
            sum(1 for status in form if isinstance(status, int) and status >= 500),
            target=0,
        )
        ctx.result(
            "public form: not recorded (not a redirect to the confirmation)",
            sum(1 for status in form if status != 303),
            target=0,
            note=", ".join(sorted({str(s) for s in form if s != 303})),
        )

        # Retrying is safe: the gateway ignores a Message-ID it already has.
        mails, seconds = _concurrently(
            _rpc_call,
            [
                (
                    base,
                    db,
                    uid,
                    "mail.thread",
                    "message_process",
                    [False, _alias_email(i)],
                    timeout,
                    3,
                )
                for i in range(count)
            ],
            count,
        )
        ctx.result("alias emails: messages per second", count / seconds, "/s")
        ctx.result(
            "alias emails: errors (5xx, faults, network)",
            sum(1 for status, _detail, _retries in mails if status != "ok"),
            target=0,
            note="; ".join(sorted({d for status, d, _r in mails if status != "ok"}))[:200],
        )
        ctx.result(
            "alias emails: connections reset by the server and retried",
            sum(retries for _status, _detail, retries in mails),
            note="information: listen backlog of the prefork server",
        )

        # The deadline cron twice at once: through the cron (Odoo's lock lets one
        # in, the other is told the job is running), then through its server
        # action, which has no such lock: the code's own guard is tested.
        triggers, _seconds = _concurrently(
            _rpc_call,
            [(base, db, uid, "ir.cron", "method_direct_trigger", [[cron_id]], timeout)] * 2,
            2,
        )
        actions, _seconds = _concurrently(
            _rpc_call,
            [(base, db, uid, "ir.actions.server", "run", [[action_id]], timeout)] * 2,
            2,
        )
        ctx.result(
            "deadline cron x2 at once: runs done (cron, server action)",
            sum(1 for status, _d, _r in triggers + actions if status == "ok"),
            target=3,
            lower_is_better=False,
            note="; ".join(sorted({d for s, d, _r in triggers + actions if s != "ok"}))[:200],
        )
        ctx.result(
            "deadline cron x2 at once: server errors (5xx)",
            sum(1 for status, _d, _r in triggers + actions if isinstance(status, int)),
            target=0,
        )
        waited, drained = _wait_for_acknowledgements(db, server, timeout)
        ctx.result(
            "acknowledgements still queued after the last request, sent in",
            waited,
            "s",
            note="information: by the cron worker"
            if drained
            else f"some still queued after {timeout} s",
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    rows, duplicates, notified = _load_check(db, late_ids)
    ctx.result(
        "records from the form and the alias",
        len(rows),
        target=2 * count,
        lower_is_better=False,
        note=f"{sum(1 for r in rows if r[4])} from the form",
    )
    ctx.result(
        "records not a complaint",
        sum(1 for _id, nature, _acked, _n, _form in rows if nature != "complaint"),
        target=0,
    )
    ctx.result(
        "records not acknowledged exactly once",
        sum(1 for _id, _nature, acked, messages, _form in rows if not acked or messages != 1),
        target=0,
    )
    ctx.result("late complaints notified", notified, target=count, lower_is_better=False)
    ctx.result("duplicate deadline activities", duplicates, target=0)
    with open(log, encoding="utf-8", errors="replace") as handle:
        errors = [line for line in handle if " ERROR " in line or " CRITICAL " in line]
    # werkzeug logs at ERROR a connection on which no request came within its
    # read timeout (an idle keep-alive, a client thread starved of CPU): no
    # request was lost, it is reported apart.
    idle = [line for line in errors if "Request timed out" in line]
    ctx.result("ERROR lines in the server log", len(errors) - len(idle), target=0, note=str(log))
    ctx.result(
        "connections closed idle by the server (werkzeug read timeout)",
        len(idle),
        note="information: no request lost",
    )
