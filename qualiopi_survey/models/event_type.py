from odoo import models


class EventType(models.Model):
    _name = "event.type"
    _inherit = ["event.type", "qualiopi.survey.settings.mixin"]

    def _qualiopi_settings_source(self):
        # A course belongs to no company: a new one starts from the settings
        # of the company it is created in.
        self.ensure_one()
        return self.env.company
