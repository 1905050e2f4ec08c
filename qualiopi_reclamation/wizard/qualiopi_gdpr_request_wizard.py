import base64
import json

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError

# The fields of a record given to the person who asks for their data (right of
# access): what the register holds about them.
EXPORTED_FIELDS = (
    "number",
    "name",
    "qualiopi_nature",
    "stakeholder_type",
    "received_date",
    "ack_date",
    "response_date",
    "closed_date",
    "partner_name",
    "partner_email",
    "partner_phone",
    "event_id",
    "description",
    "qualiopi_founded",
    "qualiopi_hazard_measure",
    "qualiopi_difficulty_handling",
    "qualiopi_root_cause",
    "qualiopi_corrective_note",
    "qualiopi_health_details",
    "qualiopi_anonymised_date",
)


class QualiopiGdprRequestWizard(models.TransientModel):
    """A person's request about their data in the register: the export of what
    it holds about them (right of access), then the anonymisation of their
    closed records (right of erasure). Qualiopi managers only."""

    _name = "qualiopi.gdpr.request.wizard"
    _description = "Personal data request (access and erasure)"

    partner_id = fields.Many2one(comodel_name="res.partner", string="Person", required=True)
    ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        string="Records",
        compute="_compute_ticket_ids",
        help="The Qualiopi records where this person is the complainant (linked "
        "contact or the email address they typed).",
    )
    ticket_count = fields.Integer(string="Number of records", compute="_compute_ticket_ids")
    export_file = fields.Binary(string="Export", readonly=True, attachment=False)
    export_filename = fields.Char(string="Export file name", readonly=True)

    @api.depends("partner_id")
    def _compute_ticket_ids(self):
        for wizard in self:
            tickets = wizard.partner_id._qualiopi_personal_tickets()
            wizard.ticket_ids = tickets
            wizard.ticket_count = len(tickets)

    @api.model_create_multi
    def create(self, vals_list):
        self._qualiopi_check_manager()
        return super().create(vals_list)

    @api.model
    def _qualiopi_check_manager(self):
        if not self.env.user.has_group("qualiopi_reclamation.group_qualiopi_manager"):
            raise AccessError(
                self.env._("Only a Qualiopi manager can handle a personal data request.")
            )

    # ------------------------------------------------------------------
    # Right of access
    # ------------------------------------------------------------------

    def _qualiopi_export_data(self):
        """What the register holds about the person: their records with their
        messages, as a JSON-ready dict."""
        self.ensure_one()
        partner = self.partner_id
        records = []
        for ticket in self.ticket_ids:
            record = {}
            for fname in EXPORTED_FIELDS:
                field = ticket._fields.get(fname)
                if not field or not field.is_accessible(self.env):
                    continue
                value = ticket[fname]
                if field.type == "many2one":
                    value = value.display_name or None
                elif field.type == "selection":
                    value = dict(field._description_selection(self.env)).get(value)
                elif field.type == "html":
                    value = tools.html2plaintext(value or "") or None
                elif field.type == "datetime":
                    value = fields.Datetime.to_string(value) if value else None
                record[fname] = value if value is not False else None
            record["messages"] = [
                {
                    "date": fields.Datetime.to_string(message.date),
                    "author": message.author_id.display_name or message.email_from or None,
                    "subject": message.subject or None,
                    "body": tools.html2plaintext(message.body or "") or None,
                    "attachments": message.attachment_ids.mapped("name"),
                }
                for message in ticket.message_ids.sorted("date")
                if message.message_type in ("email", "comment")
            ]
            # Extension point: what other addons hold about the record.
            record.update(ticket._qualiopi_personal_data_extra())
            records.append(record)
        return {
            "person": {
                "name": partner.name,
                "email": partner.email or None,
                "phone": partner.phone or None,
            },
            "exported_on": fields.Datetime.to_string(fields.Datetime.now()),
            "exported_by": self.env.user.name,
            "records": records,
        }

    def action_export(self):
        """Build the export and download it."""
        self.ensure_one()
        self._qualiopi_check_manager()
        data = self._qualiopi_export_data()
        content = json.dumps(data, indent=2, ensure_ascii=False, default=str)
        self.write(
            {
                "export_file": base64.b64encode(content.encode()),
                "export_filename": f"qualiopi-personal-data-{self.partner_id.id}.json",
            }
        )
        for ticket in self.ticket_ids:
            ticket.message_post(
                body=self.env._(
                    "Personal data of the complainant exported by %(user)s (right of access).",
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content?model={self._name}&id={self.id}&field=export_file"
            "&filename_field=export_filename&download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Right of erasure
    # ------------------------------------------------------------------

    def action_anonymise(self):
        """Anonymise the person's records, all of them or none: a record still
        open or under mediation is refused with the reason."""
        self.ensure_one()
        self._qualiopi_check_manager()
        tickets = self.ticket_ids.filtered(lambda t: not t.qualiopi_anonymised_date)
        if not tickets:
            raise UserError(self.env._("This person has no record left to anonymise."))
        tickets._qualiopi_anonymise("request")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s record(s) anonymised.",
                    count=len(tickets),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
