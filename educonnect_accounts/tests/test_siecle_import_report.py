"""What the SIECLE import report accounts for (issue 16)."""
import importlib.util
import os
import unicodedata

from lxml import etree, html

from .siecle_common import SiecleCase, data
from .siecle_fixtures import generate_exports

# The rows of each kind of file, and the lines of the report's table that
# account for them.
FILE_ROWS = {
    "BEE_ELEVES": (("DONNEES/ELEVES/ELEVE",), ("Élèves",)),
    "BEE_RESPONSABLES": (("DONNEES/PERSONNES/PERSONNE", "DONNEES/RESPONSABLES/*"),
                         ("Responsables", "Responsabilités légales")),
    "BEE_NOMENCLATURES": ((".//MEFS/MEF",), ("MEF (nomenclatures)",)),
}
MIGRATION = os.path.join(os.path.dirname(__file__), os.pardir, "migrations",
                         "11.0.1.1.0", "post-migration.py")


def nfd(text):
    return unicodedata.normalize("NFD", text)


def nfc(text):
    return unicodedata.normalize("NFC", text)


def decomposed_exports():
    """A pupil « LÊ Thị Ánh » of class « 6ÈME Ä » and her mother, every name
    written decomposed, as some exports do."""
    params = ("<PARAMETRES><UAJ>0750680G</UAJ><ANNEE_SCOLAIRE>2026"
              "</ANNEE_SCOLAIRE></PARAMETRES>")
    pupils = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<BEE_ELEVES VERSION="3.1">'
        + params + '<DONNEES><ELEVES><ELEVE ELEVE_ID="7001">'
        "<NOM_DE_FAMILLE>%s</NOM_DE_FAMILLE><PRENOM>%s</PRENOM>"
        "<DATE_NAISS>04/05/2014</DATE_NAISS><CODE_SEXE>2</CODE_SEXE>"
        "</ELEVE></ELEVES><STRUCTURES><STRUCTURES_ELEVE ELEVE_ID=\"7001\">"
        "<STRUCTURE><CODE_STRUCTURE>%s</CODE_STRUCTURE><TYPE_STRUCTURE>D"
        "</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE></STRUCTURES>"
        "</DONNEES></BEE_ELEVES>\n") % (nfd("LÊ"), nfd("Thị Ánh"),
                                        nfd("6ÈME Ä"))
    guardians = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<BEE_RESPONSABLES VERSION="1.7">' + params + "<DONNEES><PERSONNES>"
        '<PERSONNE PERSONNE_ID="Q1"><LC_CIVILITE>MME</LC_CIVILITE>'
        "<NOM_DE_FAMILLE>%s</NOM_DE_FAMILLE><PRENOM>%s</PRENOM>"
        "<TEL_PORTABLE>0612345678</TEL_PORTABLE></PERSONNE></PERSONNES>"
        "<RESPONSABLES><RESPONSABLE_ELEVE><ELEVE_ID>7001</ELEVE_ID>"
        "<PERSONNE_ID>Q1</PERSONNE_ID><RESP_LEGAL>1</RESP_LEGAL>"
        "<CODE_PARENTE>10</CODE_PARENTE></RESPONSABLE_ELEVE></RESPONSABLES>"
        "</DONNEES></BEE_RESPONSABLES>\n") % (nfd("LÊ"), nfd("Hằng"))
    return [("ElevesSansAdresses.xml", pupils.encode("utf-8")),
            ("ResponsablesAvecAdresses.xml", guardians.encode("utf-8"))]


class TestSiecleImportReport(SiecleCase):

    def report_table(self, report):
        """{label: [rows, created, updated, unchanged, archived, rejected,
        absent]} as the report shows it to staff."""
        tree = html.fromstring(report.report_html)
        table = {}
        for row in tree.xpath("//table[contains(@class, 'o_siecle_counts')]"
                              "/tbody/tr"):
            table[row.findtext("th")] = [int(td.text) for td in row.findall("td")]
        return table

    def assertEveryRowOfEveryFileCountedOnce(self, files, report):
        table = self.report_table(report)
        kinds = set()
        for name, content in files:
            root = etree.fromstring(content)
            paths, labels = FILE_ROWS[root.tag]
            kinds.add(root.tag)
            in_file = sum(len(root.findall(path)) for path in paths)
            self.assertGreater(in_file, 0, name)
            # created + updated + unchanged + archived (left) + rejected
            in_report = sum(sum(table[label][1:6]) for label in labels)
            self.assertEqual(in_report, in_file, name)
            self.assertEqual(sum(table[label][0] for label in labels),
                             in_file, name)
        return kinds

    def test_every_row_of_every_file_is_counted_once(self):
        """« The 4 MEF rows of a Nomenclature file appear nowhere in the
        report: every row of every file is counted once. »"""
        kinds = set()
        for names in (("siecle_eleves_1.xml", "siecle_responsables_1.xml",
                       "siecle_nomenclature.xml"),
                      ("siecle_eleves_2.xml", "siecle_responsables_2.xml",
                       "siecle_nomenclature.xml")):
            files = [(name, data(name)) for name in names]
            for apply in (False, True):
                report = self.run_import(files=files, apply=apply)
                kinds |= self.assertEveryRowOfEveryFileCountedOnce(
                    files, report)
        exports = generate_exports("0750680G", pupils=40, seed=5)
        files = [("ElevesSansAdresses.xml", exports["eleves"]),
                 ("ResponsablesAvecAdresses.xml", exports["responsables"]),
                 ("Nomenclature.xml", exports["nomenclature"])]
        for _again in range(2):
            report = self.run_import(files=files)
            self.assertEveryRowOfEveryFileCountedOnce(files, report)
        # The 4 MEFs of the generated nomenclature exist now: unchanged.
        self.assertEqual(self.report_table(report)["MEF (nomenclatures)"],
                         [4, 0, 0, 4, 0, 0, 0])
        self.assertEqual(kinds, set(FILE_ROWS))

    def test_a_mef_row_not_imported_says_why(self):
        report = self.run_import("siecle_eleves_1.xml",
                                 "siecle_nomenclature.xml")
        self.assertEqual((report.mef_rows, report.mef_created,
                          report.mef_unchanged, report.mef_rejected),
                         (2, 1, 0, 1))
        self.assertEqual(self.reasons(report, "mef"), {
            ("10110001110", "Aucun élève importé n'a ce MEF : non créé.")})
