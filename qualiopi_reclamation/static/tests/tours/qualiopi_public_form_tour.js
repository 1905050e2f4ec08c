import {registry} from "@web/core/registry";

// A visitor without an account files a complaint and sees its confirmation.
registry.category("web_tour.tours").add("qualiopi_public_form_tour", {
    url: "/qualiopi/reclamation",
    steps: () => [
        {
            content: "The form is labelled",
            trigger: "label[for='qualiopi_partner_name']",
        },
        {
            content: "Name",
            trigger: "#qualiopi_partner_name",
            run: "edit Tour Visitor",
        },
        {
            content: "Email",
            trigger: "#qualiopi_partner_email",
            run: "edit tour.visitor@example.com",
        },
        {
            content: "Who I am",
            trigger: "#qualiopi_stakeholder_type",
            run: "select trainee",
        },
        {
            content: "A complaint",
            trigger: "#qualiopi_nature_complaint",
            run: "click",
        },
        {
            content: "The training",
            trigger: "#qualiopi_training_reference",
            run: "edit Excel avancé",
        },
        {
            content: "What happened",
            trigger: "#qualiopi_description",
            run: "edit The course material was never sent to me.",
        },
        {
            content: "Consent",
            trigger: "#qualiopi_consent",
            run: "click",
        },
        {
            content: "Send",
            trigger: "form.o_qualiopi_public_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The confirmation gives the reference",
            trigger: ".o_qualiopi_reference:not(:empty)",
        },
        {
            content: "and the answer deadline",
            trigger: ".o_qualiopi_response_deadline:not(:empty)",
        },
    ],
});
