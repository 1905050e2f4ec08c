import {registry} from "@web/core/registry";

// A portal user lists their records: their own complaint, not another's.
registry.category("web_tour.tours").add("qualiopi_portal_tour", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "The user's own complaint is listed",
            trigger: "a:contains('Portal tour: my own complaint')",
        },
        {
            content: "Another complainant's record is not",
            trigger: "body:not(:has(a:contains('Portal tour: somebody else')))",
        },
        {
            content: "Open the complaint",
            trigger: "a:contains('Portal tour: my own complaint')",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Its received, acknowledgement and answer dates are shown",
            trigger: ".o_qualiopi_portal_dates:contains('Received on'):contains('Acknowledged on'):contains('Answered on')",
        },
    ],
});
