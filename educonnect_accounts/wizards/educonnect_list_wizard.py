import csv
import io

from odoo import _, api, fields, models
from odoo.exceptions import UserError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """A cell a spreadsheet could take for a formula is prefixed with an
    apostrophe, so that it is read as text (OWASP CSV injection)."""
    value = value or ""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


class EduconnectListWizard(models.TransientModel):
    """Lister les comptes (3.3, 4.3): PDF, CSV or XLSX lists of identifiants
    and provisional passwords, with exactly the columns of the guide."""
    _name = "educonnect.list.wizard"
    _inherit = "educonnect.account.wizard.mixin"
    _description = "List accounts"

    list_format = fields.Selection(
        [("pdf", "PDF"), ("csv", "CSV"), ("xlsx", "XLSX (Excel)")],
        string="Format of the list", default="pdf", required=True)

    def _wizard_title(self):
        return _("List accounts")

    _STUDENT_ROWS = """
        SELECT s.id, s.last_name, s.first_name, m.name, c.name, s.login
          FROM educonnect_student s
          LEFT JOIN educonnect_class c ON c.id = s.class_id
          LEFT JOIN educonnect_mef m ON m.id = s.mef_id
         WHERE s.id IN %s
         ORDER BY c.name, s.last_name, s.first_name, s.id"""
    _GUARDIAN_ROWS = """
        SELECT l.guardian_id, co.educonnect_uai, co.name, s.last_name,
               s.first_name, m.name, c.name, g.last_name, g.first_name, g.login
          FROM educonnect_guardian_link l
          JOIN educonnect_student s ON s.id = l.student_id
          JOIN educonnect_guardian g ON g.id = l.guardian_id
          JOIN res_company co ON co.id = s.company_id
          LEFT JOIN educonnect_class c ON c.id = s.class_id
          LEFT JOIN educonnect_mef m ON m.id = s.mef_id
         WHERE l.id IN %s
         ORDER BY c.name, s.last_name, s.first_name, l.legal_level, l.id"""

    _STUDENT_ORDER = """
        SELECT s.id, row_number() OVER (
                 ORDER BY c.name, s.last_name, s.first_name, s.id) AS n
          FROM educonnect_student s
          LEFT JOIN educonnect_class c ON c.id = s.class_id
         WHERE s.id IN %s ORDER BY n"""
    _GUARDIAN_ORDER = """
        SELECT l.id, row_number() OVER (
                 ORDER BY c.name, s.last_name, s.first_name, l.legal_level,
                          l.id) AS n
          FROM educonnect_guardian_link l
          JOIN educonnect_student s ON s.id = l.student_id
          LEFT JOIN educonnect_class c ON c.id = s.class_id
         WHERE l.id IN %s ORDER BY n"""

    def _rows(self):
        """Rows sorted by class then name, each a dict of the guide's values.

        Read in one query: the records were found through the ORM (access
        rights and establishment rules), the password column is checked by
        :meth:`_educonnect_list_password`.
        """
        records = self._list_rows()
        records.check_access_rights("read")
        records.check_access_rule("read")
        if not records:
            return []
        if self.population == "student":
            passwords = records._educonnect_list_password()
            self.env.cr.execute(self._STUDENT_ROWS, [tuple(records.ids)])
            keys = ("last_name", "first_name", "mef", "class", "login")
        else:
            passwords = self._guardians_of(records)._educonnect_list_password()
            self.env.cr.execute(self._GUARDIAN_ROWS, [tuple(records.ids)])
            keys = ("uai", "school", "student_last_name", "student_first_name",
                    "mef", "class", "last_name", "first_name", "login")
        rows = []
        for account_id, *values in self.env.cr.fetchall():
            row = {key: value or "" for key, value in zip(keys, values)}
            row["password"] = passwords[account_id]
            rows.append(row)
        return rows

    def _table_columns(self):
        """The columns of the CSV and XLSX lists, in the guide's order."""
        if self.population == "student":
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

    def _pdf_columns(self):
        """The columns of the PDF lists, as the guide shows them."""
        if self.population == "student":
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

    def _list_table(self, rows=None):
        columns = self._table_columns()
        rows = [[neutralize(row[key]) for key, _label in columns]
                for row in (self._rows() if rows is None else rows)]
        return [label for _key, label in columns], rows

    def _csv(self, rows=None):
        headers, rows = self._list_table(rows)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL,
                            lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)
        # UTF-8 with BOM: French spreadsheets open it with the accents right.
        return buffer.getvalue().encode("utf-8-sig")

    def _xlsx(self, rows=None):
        headers, rows = self._list_table(rows)
        report = self.env.ref("educonnect_accounts.action_report_account_list_xlsx")
        content, _fmt = report.render_xlsx(
            self.ids, {"headers": headers, "rows": rows,
                       "sheet": self._population_title()})
        return content

    def _pdf(self, rows=None):
        columns = self._pdf_columns()
        rows = [[row[key] for key, _label in columns]
                for row in (self._rows() if rows is None else rows)]
        return self._render_pdf(
            "educonnect_accounts.action_report_account_list", self.ids,
            {"title": self._population_title(),
             "headers": [label for _key, label in columns], "rows": rows,
             "population": self.population})

    def _mimetype(self):
        return {"pdf": "application/pdf", "csv": "text/csv",
                "xlsx": "application/vnd.openxmlformats-officedocument"
                        ".spreadsheetml.sheet"}[self.list_format]

    def _ordered(self, records):
        """``records`` (rows of the list) in the order of the list, so that
        the chunks of a batch, each sorted, follow one another."""
        self.env.cr.execute(
            self._STUDENT_ORDER if records._name == "educonnect.student"
            else self._GUARDIAN_ORDER, [tuple(records.ids)])
        return records.browse([row[0] for row in self.env.cr.fetchall()])

    def _population_title(self):
        return _("List of pupils") if self.population == "student" \
            else _("List of guardians")

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        records = self._list_rows()
        if not records:
            raise UserError(_("No account is selected."))
        if len(records) > self.env["educonnect.batch"]._threshold():
            return self._start_batch(
                "list", self._ordered(records), {"list_format": self.list_format})
        content = getattr(self, "_" + self.list_format)()
        name = "%s %s.%s" % (self._population_title(),
                             fields.Date.context_today(self), self.list_format)
        self.attachment_id = self._attach(name, content, self._mimetype())
        self._accounts()._educonnect_trace(
            "list", _("Format: %s") % self.list_format.upper())
        self.write({"step": "done",
                    "result_message": _("The list is ready.")})
        return self._reopen()
