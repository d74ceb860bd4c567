"""P12 — Odoo's generic exports (list › Action › Exporter, CSV and Excel)
give back names such as ``=HYPERLINK(…)``, ``@SUM(1)`` or ``-2+3`` as text:
a spreadsheet never takes them for a formula."""
import csv
import io
import json

import xlrd

from .committed import committed_env
from .signin_common import PREFIX, SigninCase

HOSTILE = ['=HYPERLINK("http://evil.example","clic")', "@SUM(1)", "+1", "-2+3",
           "\tTabulation", "\rRetour", "=1+1"]


class TestExportFormulaCells(SigninCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with committed_env() as env:
            cls.pupil_ids = [env["educonnect.student"].create({
                "last_name": PREFIX, "first_name": value,
                "company_id": cls.company_id}).id for value in HOSTILE]

    def export(self, kind):
        staff, response = self.web_login("admin", "admin")
        self.assertEqual(response.status_code, 200)
        data = {"model": "educonnect.student", "ids": self.pupil_ids,
                "domain": [], "import_compat": False, "context": {},
                "fields": [{"name": "first_name", "label": "Prénom"}]}
        response = staff.get(self.base_url + "/web/export/%s" % kind, params={
            "data": json.dumps(data), "token": "1"}, timeout=60)
        self.assertEqual(response.status_code, 200, response.text[-1500:])
        return response.content

    def test_csv_export_neutralises_formula_cells(self):
        rows = list(csv.reader(io.StringIO(self.export("csv").decode("utf-8"),
                                           newline="")))
        self.assertEqual(rows[0], ["Prénom"])
        self.assertEqual(sorted(row[0] for row in rows[1:]),
                         sorted("'" + value for value in HOSTILE))

    def test_excel_export_neutralises_formula_cells(self):
        sheet = xlrd.open_workbook(file_contents=self.export("xls")).sheet_by_index(0)
        cells = [sheet.cell_value(row, 0) for row in range(1, sheet.nrows)]
        # Odoo's Excel export writes a carriage return as a space.
        self.assertEqual(sorted(cells), sorted(
            "'" + value.replace("\r", " ") for value in HOSTILE))
