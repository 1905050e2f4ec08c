# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Qualiopi 31 - Consumer mediation",
    "summary": "Qualiopi indicator 31 and Code de la consommation L612-1: the "
    "consumer mediator, the duty to inform complainants, and mediation referrals "
    "followed up to their outcome",
    "version": "18.0.1.1.0",
    "category": "Human Resources/Training",
    "license": "AGPL-3",
    "author": "Qualiopi 31 for Odoo contributors",
    "depends": ["qualiopi_reclamation"],
    "data": [
        "security/qualiopi_mediation_security.xml",
        "security/ir.model.access.csv",
        "security/qualiopi_mediation_confidential_security.xml",
        "data/ir_sequence_data.xml",
        "data/mail_activity_type_data.xml",
        "wizard/qualiopi_acknowledge_wizard_views.xml",
        "views/qualiopi_mediator_views.xml",
        "views/qualiopi_mediation_referral_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/event_event_views.xml",
        "views/res_config_settings_views.xml",
        "views/helpdesk_ticket_portal_templates.xml",
        "report/qualiopi_indicator31_templates.xml",
        "views/qualiopi_mediation_menus.xml",
    ],
    "demo": ["demo/qualiopi_mediation_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "qualiopi_mediation/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
