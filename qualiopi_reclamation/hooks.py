def set_report_layout(env):
    """A company with no document layout gets Odoo's standard one, so that
    the first print of an audit report never stops on the layout dialog."""
    layout = env.ref("web.external_layout_standard", raise_if_not_found=False)
    if layout:
        env["res.company"].search([("external_report_layout_id", "=", False)]).write(
            {"external_report_layout_id": layout.id}
        )


def post_init_hook(env):
    set_report_layout(env)
