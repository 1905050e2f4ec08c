from odoo import models


class IrBinary(models.AbstractModel):
    _inherit = "ir.binary"

    def _record_to_stream(self, record, field_name):
        """Files an auditor downloads through ``/web/content`` or
        ``/web/image`` (a record's attachment or binary field) are logged like
        the pages they open, after the access was checked. A file the server
        streams as superuser (the evidence pack's ZIP, whose controller logs
        it) is not logged here."""
        stream = super()._record_to_stream(record, field_name)
        Logged = self.pool["qualiopi.auditor.logged.mixin"]
        if record._name == "ir.attachment":
            owner_model = record.res_model
            if owner_model in self.env and isinstance(self.env[owner_model], Logged):
                record.env["qualiopi.auditor.access.log"]._qualiopi_log(
                    "download", record, name=record.name
                )
        elif isinstance(record, Logged):
            record.env["qualiopi.auditor.access.log"]._qualiopi_log(
                "download", record, name=f"{record.display_name} ({field_name})"
            )
        return stream
