# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Qualiopi 31 - Satisfaction surveys",
    "summary": "Qualiopi indicators 30 and 31: end-of-session, follow-up, client, "
    "funder, trainer and complaint-handling surveys sent by themselves, scored, "
    "and feeding the register",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Training",
    "license": "AGPL-3",
    "author": "Qualiopi 31 for Odoo contributors",
    "depends": ["qualiopi_reclamation", "survey", "event"],
    "data": [
        "security/qualiopi_survey_security.xml",
        "security/ir.model.access.csv",
        "security/qualiopi_survey_confidential_security.xml",
        "data/survey_survey_data.xml",
        "data/mail_template_data.xml",
        "data/res_company_data.xml",
        "data/ir_cron_data.xml",
        "views/survey_survey_views.xml",
        "views/survey_question_views.xml",
        "views/survey_user_input_views.xml",
        "views/event_type_views.xml",
        "views/event_event_views.xml",
        "views/event_registration_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/qualiopi_funder_contact_views.xml",
        "views/res_company_views.xml",
        "views/res_config_settings_views.xml",
        "views/qualiopi_survey_menus.xml",
        "report/qualiopi_indicator31_templates.xml",
        "views/qualiopi_public_results_templates.xml",
    ],
    "demo": ["demo/qualiopi_survey_demo.xml"],
    "installable": True,
}
