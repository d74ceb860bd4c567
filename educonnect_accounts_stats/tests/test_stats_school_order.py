"""Statistics (issue 17): classes in school order, tables that open with
« + » and close with « − », the workbook's tabs in French."""
import base64
import io

import openpyxl

from odoo.addons.educonnect_accounts.tests.common import AccountActionCase

D1 = "2026-11-27"


class TestStatsSchoolOrder(AccountActionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Class = cls.env["educonnect.class"]
        # Alphabetically « 2nde A » < « 3 1 » < « 5 3 » < « 6 1 »: the guide's
        # order is the reverse.
        cls.c31 = Class.create({"name": "3 1", "company_id": cls.college.id})
        for klass in (cls.c53, cls.c61, cls.c31, cls.c62):
            cls.make_student("STAT", klass.name, klass)
        cls.env["educonnect.stats.line"]._compute_statistics(cls.college, D1)

    def dashboard(self):
        return self.env["educonnect.stats.dashboard"].sudo(
            self.director).create({})

    def test_tables_by_class_list_the_classes_in_school_order(self):
        tables = [t for t in self.dashboard()._tables_data()["tables"]
                  if t["breakdown"] == "class" and t["population"] == "student"]
        self.assertEqual([r["label"] for r in tables[0]["rows"]],
                         ["6 1", "6 2", "5 3", "3 1"])

    def test_closed_tables_show_plus_and_open_ones_minus(self):
        html = self.dashboard().tables_html
        self.assertIn('content: " +"', html)
        self.assertIn("details[open] > summary .o_toggle::after", html)
        self.assertIn('content: " \\2212"', html)  # « − », the minus sign
        # The two syntheses open, the four other tables with the toggle.
        self.assertEqual(html.count('class="o_toggle"'), 4)

    def test_workbook_tabs_are_in_french(self):
        dashboard = self.dashboard()
        dashboard.action_export_xlsx()
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(
            dashboard.sudo().attachment_id.datas)))
        self.assertEqual(workbook.sheetnames, [
            "Élèves par origine", "Responsables par origine",
            "Élèves par classe", "Responsables par classe",
            "Élèves par MEF", "Responsables par MEF"])
