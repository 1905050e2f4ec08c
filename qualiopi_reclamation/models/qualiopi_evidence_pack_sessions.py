import email.utils
from email.header import Header

import pytz

from odoo import api, models
from odoo.tools import format_datetime

from ..tools.evidence_pack_files import csv_bytes, eml_bytes, safe_name


class QualiopiEvidencePack(models.Model):
    """The evidence pack's session folders: per record, the acknowledgement
    and the answer as sent (the message as an .eml, or the recorded letter's
    scan), and the session's improvement actions (and what other addons add
    with ``_qualiopi_pack_session_files``)."""

    _inherit = "qualiopi.evidence.pack"

    def _qualiopi_pack_sessions(self, wizard):
        """[(folder, event or empty recordset, tickets)]: the sampled sessions
        with all their records (as in the report), or, with no sample, every
        session with a record in the period and a folder for the records
        without a session."""
        self.ensure_one()
        ReportModel = self.env["report.qualiopi_reclamation.report_indicator31"]
        Ticket = ReportModel._qualiopi_tickets_env()
        if self.event_ids:
            groups = [
                (
                    event,
                    Ticket.search(
                        [
                            ("qualiopi_nature", "!=", False),
                            ("company_id", "=", self.company_id.id),
                            ("event_id", "=", event.id),
                        ],
                        order="received_date, id",
                    ),
                )
                # Sessions of the sample, read as the report reads them.
                for event in self.event_ids.sudo()
            ]
        else:
            tickets = Ticket.search(
                ReportModel._qualiopi_ticket_domain(wizard), order="received_date, id"
            )
            by_event = {}
            for ticket in tickets:
                by_event.setdefault(ticket.event_id, []).append(ticket.id)
            groups = [
                (event, Ticket.browse(ids))
                for event, ids in sorted(by_event.items(), key=lambda item: item[0].id or 0)
            ]
        result = []
        for index, (event, tickets) in enumerate(groups, start=1):
            if event:
                folder = f"04-sessions/{index:03d}-{safe_name(event.name, 'session', 50)}"
            else:
                folder = f"04-sessions/{index:03d}-{safe_name(self.env._('without-session'))}"
            result.append((folder, event, tickets))
        return result

    def _qualiopi_write_sessions(self, builder, wizard):
        sessions = self._qualiopi_pack_sessions(wizard)
        for done, (folder, event, tickets) in enumerate(sessions, start=1):
            section = event.display_name if event else self.env._("Records without a session")
            self._qualiopi_write_records(builder, folder, section, tickets)
            for name, content, title in self._qualiopi_pack_session_files(event, tickets):
                builder.add(f"{folder}/{name}", content, section, title)
            self._qualiopi_set_progress(20 + 79 * done / len(sessions))
            # One session at a time in memory: the next one starts afresh.
            tickets.env.invalidate_all()

    def _qualiopi_write_records(self, builder, folder, section, tickets):
        mails = self._qualiopi_mails_by_message(
            tickets.ack_message_id | tickets.response_message_id
        )
        for ticket in tickets:
            record_folder = f"{folder}/{safe_name(ticket.number or ticket.id, 'record', 30)}"
            label = f"{ticket.number or ticket.id}"
            for milestone, message, title in (
                ("acknowledgement", ticket.ack_message_id, self.env._("acknowledgement")),
                ("answer", ticket.response_message_id, self.env._("answer")),
            ):
                if message:
                    builder.add(
                        f"{record_folder}/{milestone}.eml",
                        self._qualiopi_message_eml(message, mails.get(message.id, ())),
                        section,
                        f"{label}: {title} ({self._qualiopi_local(message.date)})",
                    )
                    continue
                scans = self._qualiopi_pack_letter_attachments(ticket, milestone)
                for attachment in scans:
                    builder.add(
                        f"{record_folder}/{milestone}-{safe_name(attachment.name, 'scan')}",
                        attachment.raw or b"",
                        section,
                        f"{label}: {title}, {attachment.name}",
                    )
                if not scans:
                    # Said in the index, so that the auditor does not look for it.
                    builder.note(
                        section,
                        self.env._(
                            "%(record)s: %(milestone)s, no message or letter sent in Odoo "
                            "(%(state)s)",
                            record=label,
                            milestone=title,
                            state=self._qualiopi_milestone_state(ticket, milestone),
                        ),
                    )

    def _qualiopi_milestone_state(self, ticket, milestone):
        date_field, method_field = (
            ("ack_date", "ack_method")
            if milestone == "acknowledgement"
            else ("response_date", None)
        )
        if ticket.qualiopi_nature != "complaint" and not ticket[date_field]:
            return self.env._("not required for this nature")
        if not ticket[date_field]:
            return self.env._("not done")
        method = ""
        if method_field and ticket[method_field]:
            method = dict(ticket._fields[method_field]._description_selection(self.env)).get(
                ticket[method_field], ""
            )
        return self.env._(
            "recorded on %(date)s %(method)s",
            date=self._qualiopi_local(ticket[date_field]),
            method=method,
        ).strip()

    def _qualiopi_local(self, value):
        """A UTC datetime in the company's time zone and the pack's language."""
        return format_datetime(
            self.env, value, tz=self.company_id._qualiopi_tz(), dt_format="short"
        )

    @api.model
    def _qualiopi_pack_letter_attachments(self, ticket, milestone):
        """The scan of a recorded letter for a milestone (``acknowledgement``
        or ``answer``) with no message: the attachments held by the record's
        fields named after the milestone (``ack_*`` / ``response_*`` fields
        towards ir.attachment), if the register has such fields."""
        prefix = "ack_" if milestone == "acknowledgement" else "response_"
        # The record was read with the requester's rights: its scans go with it.
        attachments = self.env["ir.attachment"].sudo()
        for fname, field in ticket._fields.items():
            if fname.startswith(prefix) and field.comodel_name == "ir.attachment":
                attachments |= ticket[fname].sudo()
        return attachments

    @api.model
    def _qualiopi_mails_by_message(self, messages):
        """{message id: mail.mail records} for the emails still kept."""
        result = {}
        if not messages:
            return result
        # mail.mail is the administrator's; these are the messages' own emails.
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search_fetch(
                [("mail_message_id", "in", messages.ids)], ["mail_message_id", "email_to"]
            )
        )
        for mail in mails:
            result.setdefault(mail.mail_message_id.id, []).append(mail)
        return result

    @api.model
    def _qualiopi_message_eml(self, message, mails=()):
        """The message as sent, as an RFC 5322 email: its date, sender,
        recipients (followers notified and the addresses it was mailed to),
        subject, Message-Id, HTML body and attachments.

        Odoo keeps the HTML body it sent; the plain-text alternative it added
        was derived from it, so the email holds the HTML alone."""
        message = message.sudo()

        def address(name, addr):
            return email.utils.formataddr((name or "", addr), charset="utf-8")

        recipients = [
            address(partner.name, partner.email) for partner in message.partner_ids if partner.email
        ]
        for mail in mails:
            for name, addr in email.utils.getaddresses([mail.email_to or ""]):
                if addr and address(name, addr) not in recipients:
                    recipients.append(address(name, addr))
        sender = message.email_from or message.author_id.email_formatted or ""
        if not sender.isascii():
            sender = address(*email.utils.parseaddr(sender))
        subject = (message.subject or message.record_name or "").replace("\n", " ")
        if not subject.isascii():
            subject = Header(subject, "utf-8").encode(linesep="\r\n")
        headers = [
            ("Date", email.utils.format_datetime(message.date.replace(tzinfo=pytz.utc))),
            ("From", sender),
        ]
        if recipients:
            headers.append(("To", ", ".join(recipients)))
        headers.append(("Subject", subject))
        if message.message_id:
            headers.append(("Message-Id", message.message_id))
        headers += [
            ("X-Odoo-Message-Id", str(message.id)),
            ("X-Odoo-Record", f"{message.model},{message.res_id}"),
        ]
        headers += [
            (
                "X-Odoo-Delivery",
                f"{notification.res_partner_id.email or ''}: {notification.notification_status}",
            )
            for notification in message.notification_ids
            if notification.notification_type == "email"
        ]
        files = [
            (attachment.name, attachment.mimetype, attachment.raw or b"")
            for attachment in message.attachment_ids
        ]
        return eml_bytes(headers, str(message.body or "") or "<p></p>", files)

    def _qualiopi_pack_session_files(self, event, tickets):
        """[(file name, bytes, title)] added to a session's folder. Other
        addons extend it with ``super()`` (the survey results)."""
        self.ensure_one()
        Action = self.env["qualiopi.improvement.action"].sudo().with_context(active_test=False)
        if event:
            domain = ["|", ("event_ids", "in", event.ids), ("ticket_ids", "in", tickets.ids)]
        else:
            domain = [("ticket_ids", "in", tickets.ids)]
        actions = Action.search(domain, order="date_deadline, id")
        headers, rows = actions._qualiopi_export_table()
        return [
            (
                "improvement-actions.csv",
                csv_bytes([headers, *rows]),
                self.env._("Improvement actions (%(count)s)", count=len(actions)),
            )
        ]
