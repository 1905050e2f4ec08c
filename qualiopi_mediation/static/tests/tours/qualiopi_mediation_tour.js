import {registry} from "@web/core/registry";

// A Qualiopi manager refers an acknowledged complaint to the mediator.
registry.category("web_tour.tours").add("qualiopi_mediation_referral_tour", {
    steps: () => [
        {
            content: "Refer it to mediation",
            trigger: "button[name='action_qualiopi_refer_to_mediation']",
            run: "click",
        },
        {
            content: "The referral form names the complaint and the company's mediator",
            trigger: ".o_form_view:has(.o_field_widget[name='ticket_id'] input:value(Mediation tour complaint)) .o_field_widget[name='mediator_id'] input:value(Médiateur Tour)",
        },
        {
            content: "No admissibility warning: the complaint was acknowledged in writing",
            trigger: ".o_form_view:has(.o_field_widget[name='mediator_reference']):not(:has(.alert-warning .o_field_widget[name='admissibility_warning']))",
        },
        {
            content: "The mediator's file reference",
            trigger: ".o_field_widget[name='mediator_reference'] input",
            run: "edit MC-TOUR-1",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved with its reference, and referred",
            trigger: ".o_form_view:has(.o_field_widget[name='name']:contains('MED/')) .o_statusbar_status .o_arrow_button_current[data-value='referred']",
        },
    ],
});
