from odoo import api, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def message_new(self, msg, custom_values=None):
        """An email to the alias of a team with a default nature is a record."""
        values = dict(custom_values or {})
        team = self.env["helpdesk.ticket.team"].browse(values.get("team_id") or [])
        if team.exists() and team.qualiopi_default_nature and not values.get("qualiopi_nature"):
            values["qualiopi_nature"] = team.qualiopi_default_nature
            values.setdefault("stakeholder_type", "other")
            channel = self.env.ref(
                "helpdesk_mgmt.helpdesk_ticket_channel_email", raise_if_not_found=False
            )
            if channel and not values.get("channel_id"):
                values["channel_id"] = channel.id
        return super().message_new(msg, custom_values=values)
