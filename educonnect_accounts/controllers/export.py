"""Odoo's generic exports (list view › Action › Exporter): a text cell a
spreadsheet would take for a formula (« = + - @ », tab, carriage return) is
prefixed with an apostrophe, in CSV and in Excel."""
import io

from odoo.addons.web.controllers.main import CSVExport, ExcelExport
from odoo.tools import pycompat

from ..tools.spreadsheet import neutralize_cell


class EduconnectCSVExport(CSVExport):

    def from_data(self, fields, rows):
        # Odoo's own, with every formula trigger neutralised once.
        fp = io.BytesIO()
        writer = pycompat.csv_writer(fp, quoting=1)
        writer.writerow([neutralize_cell(name) for name in fields])
        for data in rows:
            writer.writerow([pycompat.to_text(neutralize_cell(value))
                             for value in data])
        return fp.getvalue()


class EduconnectExcelExport(ExcelExport):

    def from_data(self, fields, rows):
        return super(EduconnectExcelExport, self).from_data(
            [neutralize_cell(name) for name in fields],
            [[neutralize_cell(value) for value in row] for row in rows])
