import datetime

import pytz

from odoo import api, models

from . import qualiopi_indicator31_columns as columns_mod


class ReportIndicator31Xlsx(models.AbstractModel):
    """The indicator-31 audit report as a workbook (OCA report_xlsx): the
    register, the figures and the improvement actions, one sheet each, from
    the same data as the PDF. Other addons append sheets by extending
    ``_qualiopi_xlsx_sheets(wizard)`` with ``super()``."""

    _name = "report.qualiopi_reclamation.report_indicator31_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Qualiopi Indicator 31 Audit Report (XLSX)"

    def get_workbook_options(self):
        # Record values are typed by people (a complainant's name, a
        # description): never let a cell starting with "=" or "http" become a
        # formula or a link.
        return {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}

    @api.model
    def _qualiopi_report(self):
        return self.env["report.qualiopi_reclamation.report_indicator31"]

    @api.model
    def _qualiopi_records_sheet(self, name, columns, records):
        """(name, header, rows) of a sheet of one row per record; ``columns``
        are (title, function of the record), defined once for both."""
        return (
            name,
            [title for title, _value in columns],
            [[value(record) for _title, value in columns] for record in records],
        )

    @api.model
    def _qualiopi_xlsx_sheets(self, wizard):
        """[(sheet name, header, rows)]: extend to add sheets."""
        Report = self._qualiopi_report()
        figures = Report._qualiopi_figures(wizard)
        columns = columns_mod.xlsx_columns(Report._qualiopi_register_columns())
        register = Report._qualiopi_register_lines(wizard)
        figure_rows = [
            [self.env._("Company"), figures["company"]],
            [self.env._("From"), wizard.date_from],
            [self.env._("To"), wizard.date_to],
            [self.env._("Sampled sessions"), ", ".join(figures["sample"])],
            [self.env._("Records"), figures["total"]],
        ]
        for title, key in (
            (self.env._("By nature"), "by_nature"),
            (self.env._("By stakeholder type"), "by_stakeholder"),
            (self.env._("By channel"), "by_channel"),
            (self.env._("By cause"), "by_cause"),
        ):
            figure_rows += [[f"{title}: {row['label']}", row["count"]] for row in figures[key]]
        for title, key in (
            (self.env._("Acknowledgement"), "ack"),
            (self.env._("Answer"), "response"),
        ):
            delay = figures[key]
            figure_rows += [
                [self.env._("%s: median time (business days)", title), delay["median_days"]],
                [self.env._("%s: mean time (business days)", title), delay["mean_days"]],
                [self.env._("%s: due", title), delay["due"]],
                [self.env._("%s: within the deadline", title), delay["on_time"]],
                [self.env._("%s: share within the deadline (%%)", title), delay["share_on_time"]],
            ]
        figure_rows += [
            [self.env._("Open now"), figures["open_now"]],
            [self.env._("Overdue now"), figures["overdue_now"]],
            [self.env._("Analysed"), figures["analysed"]],
            [self.env._("Founded"), figures["founded"]],
            [self.env._("Partly founded"), figures["partly_founded"]],
            [self.env._("Unfounded"), figures["unfounded"]],
            [self.env._("Share founded or partly founded (%)"), figures["share_founded"]],
            [self.env._("Recurrent"), figures["recurrent"]],
            [self.env._("Improvement actions"), figures["actions"]["total"]],
        ]
        action_headers, action_rows = Report._qualiopi_improvement_actions(
            wizard
        )._qualiopi_export_table()
        return [
            (
                self.env._("Register"),
                [column.label for column in columns],
                columns_mod.xlsx_rows(columns, register),
            ),
            (self.env._("Figures"), [self.env._("Figure"), self.env._("Value")], figure_rows),
            (self.env._("Improvement actions"), action_headers, action_rows),
        ]

    def generate_xlsx_report(self, workbook, data, objs):
        Report = self._qualiopi_report()
        Report._qualiopi_check_access(objs)
        bold = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        datetime_format = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
        for wizard in objs:
            tz = pytz.timezone(Report._qualiopi_tz(wizard))
            for name, header, rows in self._qualiopi_xlsx_sheets(wizard):
                sheet = workbook.add_worksheet(name[:31])
                sheet.write_row(0, 0, header, bold)
                sheet.freeze_panes(1, 0)
                for row_index, row in enumerate(rows, start=1):
                    for col, value in enumerate(row):
                        if isinstance(value, datetime.datetime):
                            local = pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)
                            sheet.write_datetime(row_index, col, local, datetime_format)
                        elif isinstance(value, datetime.date):
                            day = datetime.datetime.combine(value, datetime.time.min)
                            sheet.write_datetime(row_index, col, day, date_format)
                        elif value is None or value is False:
                            sheet.write_blank(row_index, col, None)
                        else:
                            sheet.write(row_index, col, value)
                if rows:
                    sheet.autofilter(0, 0, len(rows), len(header) - 1)
                sheet.set_column(0, len(header) - 1, 18)
