from odoo import api, fields, models


class ReportAccountList(models.AbstractModel):
    _name = "report.educonnect_accounts.report_account_list"
    _description = "List of accounts (PDF)"

    @api.model
    def get_report_values(self, docids, data=None):
        data = data or {}
        return {
            "doc_ids": docids, "docs": self.env["educonnect.list.wizard"].browse(docids),
            "title": data.get("title", ""), "headers": data.get("headers", []),
            "rows": data.get("rows", []), "population": data.get("population"),
            "company": self.env.user.company_id,
            "today": fields.Date.from_string(
                fields.Date.context_today(self)).strftime("%d/%m/%Y"),
        }


class ReportAccountListXlsx(models.AbstractModel):
    _name = "report.educonnect_accounts.account_list_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "List of accounts (XLSX)"

    def generate_xlsx_report(self, workbook, data, objs):
        sheet = workbook.add_worksheet((data.get("sheet") or "Liste")[:31])
        bold = workbook.add_format({"bold": True, "bg_color": "#DDE4F0",
                                    "border": 1})
        text = workbook.add_format({"num_format": "@"})
        headers = data.get("headers", [])
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, bold)
            sheet.set_column(col, col, max(12, len(header) + 2), text)
        # write_string: every cell is text, never a formula or a number.
        for row_index, row in enumerate(data.get("rows", []), start=1):
            for col, value in enumerate(row):
                sheet.write_string(row_index, col, value or "")
        sheet.freeze_panes(1, 0)
        if headers:
            sheet.autofilter(0, 0, max(1, len(data.get("rows", []))),
                             len(headers) - 1)
