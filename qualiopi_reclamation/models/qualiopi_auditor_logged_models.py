from odoo import models

# The models an auditor opens for evidence, each logged through the mixin.
# (Small extensions kept together: each only adds the mixin.)


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "qualiopi.auditor.logged.mixin"]


class EventEvent(models.Model):
    _name = "event.event"
    _inherit = ["event.event", "qualiopi.auditor.logged.mixin"]


class QualiopiImprovementAction(models.Model):
    _name = "qualiopi.improvement.action"
    _inherit = ["qualiopi.improvement.action", "qualiopi.auditor.logged.mixin"]


class QualiopiAnnualReview(models.Model):
    _name = "qualiopi.annual.review"
    _inherit = ["qualiopi.annual.review", "qualiopi.auditor.logged.mixin"]


class QualiopiEvidencePack(models.Model):
    _name = "qualiopi.evidence.pack"
    _inherit = ["qualiopi.evidence.pack", "qualiopi.auditor.logged.mixin"]
