import {registry} from "@web/core/registry";

// A staff member opens the register, acknowledges, answers and closes a complaint.
registry.category("web_tour.tours").add("qualiopi_register_tour", {
    url: "/odoo/action-qualiopi_reclamation.action_qualiopi_register",
    steps: () => [
        {
            content: "Open the complaint from the register",
            trigger: ".o_data_row td:contains('Register tour: late course material')",
            run: "click",
        },
        {
            content: "Send the acknowledgement",
            trigger: ".o_form_view button[name='action_qualiopi_acknowledge']",
            run: "click",
        },
        {
            content: "Acknowledged: the answer can be sent",
            trigger: ".o_form_view button[name='action_qualiopi_send_response']",
            run: "click",
        },
        {
            content: "The composer holds the answer template",
            trigger: ".modal .o_mail_composer_form_view, .modal .o_form_view",
        },
        {
            content: "Send the answer",
            trigger: ".modal button.o_mail_send",
            run: "click",
        },
        {
            content: "The composer is closed",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The answer is recorded",
            trigger: ".o_action_manager .o_form_view:not(:has(button[name='action_qualiopi_send_response']))",
        },
        {
            content: "Close the complaint",
            trigger: ".o_action_manager .o_form_view .o_statusbar_status button:contains('Done')",
            run: "click",
        },
        {
            content: "Closed",
            trigger: ".o_action_manager .o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
        {
            content: "Saved",
            trigger: ".o_action_manager .o_form_status_indicator_buttons.invisible:not(:visible)",
        },
    ],
});
