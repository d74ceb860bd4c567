"""The files of « Lister les comptes » (3.3, 4.3): PDF, CSV or XLSX, with
exactly the columns of the guide, made from the rows the account models
give (``_educonnect_list_rows``). Used by the list wizard at once and by a
background batch at its end."""
import csv
import io

from odoo import _, api, fields, models

from ..tools.spreadsheet import neutralize_cell
from .pdf import render_standalone_pdf

LIST_FORMATS = [("pdf", "PDF"), ("csv", "CSV"), ("xlsx", "XLSX (Excel)")]
MIMETYPES = {"pdf": "application/pdf", "csv": "text/csv",
             "xlsx": "application/vnd.openxmlformats-officedocument"
                     ".spreadsheetml.sheet"}


class ReportAccountList(models.AbstractModel):
    _name = "report.educonnect_accounts.report_account_list"
    _description = "List of accounts (PDF)"

    @api.model
    def get_report_values(self, docids, data=None):
        data = data or {}
        company = self.env["res.company"].browse(data["company_id"]) \
            if data.get("company_id") else self.env.user.company_id
        return {
            "doc_ids": docids, "docs": self.env["educonnect.list.wizard"].browse(docids),
            "title": data.get("title", ""), "headers": data.get("headers", []),
            "groups": data.get("groups", []),
            "population": data.get("population"),
            "company": company,
            "today": fields.Date.from_string(
                fields.Date.context_today(self)).strftime("%d/%m/%Y"),
        }

    # -- the list's file -------------------------------------------------------

    @api.model
    def _educonnect_list_file(self, rows, list_format, population, company):
        """(file name, content, mimetype) of the list of ``rows`` of the
        ``population`` (« student » or « guardian ») of ``company``."""
        title = _("List of pupils") if population == "student" \
            else _("List of guardians")
        if list_format == "pdf":
            content = self._educonnect_pdf(rows, title, population, company)
        else:
            headers, cells = self._educonnect_table(rows, population)
            content = self._educonnect_csv(headers, cells) \
                if list_format == "csv" \
                else self._educonnect_xlsx(headers, cells, title)
        name = "%s %s.%s" % (title, fields.Date.context_today(self), list_format)
        return name, content, MIMETYPES[list_format]

    @api.model
    def _educonnect_table_columns(self, population):
        """The columns of the CSV and XLSX lists, in the guide's order."""
        if population == "student":
            return [("last_name", _("Last name")), ("first_name", _("First name")),
                    ("mef", _("MEF")), ("class", _("Class")),
                    ("login", _("Login")), ("password", _("Password"))]
        return [("uai", _("RNE")), ("school", _("School name")),
                ("student_last_name", _("Pupil's last name")),
                ("student_first_name", _("Pupil's first name")),
                ("mef", _("Pupil's MEF")), ("class", _("Pupil's class")),
                ("last_name", _("Guardian's last name")),
                ("first_name", _("Guardian's first name")),
                ("login", _("Guardian's login")), ("password", _("Password"))]

    @api.model
    def _educonnect_pdf_columns(self, population):
        """The columns of the PDF lists, as the guide shows them."""
        if population == "student":
            return [("first_name", _("Pupil first name")),
                    ("last_name", _("Pupil last name")), ("class", _("Class")),
                    ("mef", _("MEF")), ("login", _("Login")),
                    ("password", _("Password *"))]
        return [("student_last_name", _("Pupil last name")),
                ("student_first_name", _("Pupil first name")),
                ("class", _("Class")), ("mef", _("MEF")),
                ("last_name", _("Guardian last name")),
                ("first_name", _("Guardian first name")),
                ("login", _("Login")), ("password", _("Password *"))]

    @api.model
    def _educonnect_table(self, rows, population):
        """Headers and cells; a cell a spreadsheet could take for a formula
        gets an apostrophe (OWASP CSV injection)."""
        columns = self._educonnect_table_columns(population)
        cells = [[neutralize_cell(row[key] or "") for key, _label in columns]
                 for row in rows]
        return [label for _key, label in columns], cells

    @api.model
    def _educonnect_csv(self, headers, cells):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL,
                            lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(cells)
        # UTF-8 with BOM: French spreadsheets open it with the accents right.
        return buffer.getvalue().encode("utf-8-sig")

    @api.model
    def _educonnect_xlsx(self, headers, cells, title):
        report = self.env.ref("educonnect_accounts.action_report_account_list_xlsx")
        content, _fmt = report.render_xlsx(
            [], {"headers": headers, "rows": cells, "sheet": title})
        return content

    @api.model
    def _educonnect_pdf(self, rows, title, population, company):
        """One page (or more) per class, in the rows' order (school order),
        each under its heading: the pack of each professeur principal."""
        columns = self._educonnect_pdf_columns(population)
        groups = []
        for row in rows:
            if not groups or groups[-1][0] != row["class"]:
                groups.append((row["class"], []))
            groups[-1][1].append([row[key] for key, _label in columns])
        return render_standalone_pdf(
            self.env.ref("educonnect_accounts.action_report_account_list"), [],
            {"title": title, "headers": [label for _key, label in columns],
             "groups": groups, "population": population,
             "company_id": company.id})


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
