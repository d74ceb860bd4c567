"""What the SIECLE import report accounts for, and names in NFC (issue 16)."""
import importlib.util
import os
import unicodedata

from lxml import etree, html

from ..tools import siecle_planner
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

    def test_every_count_of_the_plan_is_a_field_of_the_report(self):
        counts = siecle_planner.new_plan({"params": {}})["counts"]
        self.assertFalse(set(counts) - set(
            self.env["educonnect.siecle.import"]._fields))

    def test_a_mef_row_not_imported_says_why(self):
        report = self.run_import("siecle_eleves_1.xml",
                                 "siecle_nomenclature.xml")
        self.assertEqual((report.mef_rows, report.mef_created,
                          report.mef_unchanged, report.mef_rejected),
                         (2, 1, 0, 1))
        self.assertEqual(self.reasons(report, "mef"), {
            ("10110001110", "Aucun élève importé n'a ce MEF : non créé.")})

    def test_names_are_stored_in_nfc_whatever_the_file_holds(self):
        """« Names arrive in NFD from some exports: store every name in
        NFC, whatever the file holds. »"""
        self.run_import(files=decomposed_exports())
        lea, mother = self.pupil("7001"), self.guardian("Q1")
        self.assertEqual((lea.last_name, lea.first_name, lea.name),
                         (nfc("LÊ"), nfc("Thị Ánh"), nfc("LÊ Thị Ánh")))
        self.assertEqual(lea.class_id.name, nfc("6ÈME Ä"))
        self.assertEqual(mother.name, nfc("LÊ Hằng"))
        self.assertEqual(lea.guardian_link_ids.guardian_name, nfc("LÊ Hằng"))
        # A search typed on a keyboard (composed) finds them.
        Student = self.staff_env()["educonnect.student"]
        self.assertEqual(Student.search([("name", "ilike", nfc("LÊ Thị"))]),
                         lea)
        self.assertEqual(Student.search([("name", "ilike", nfc("Thị Ánh"))]),
                         lea)

    def test_existing_decomposed_names_are_repaired_in_nfc(self):
        """« …and repair existing rows »: the migration to 11.0.1.1.0."""
        self.run_import(files=decomposed_exports())
        lea, mother = self.pupil("7001"), self.guardian("Q1")
        report = self.run_import(files=decomposed_exports(), apply=False)
        lea._educonnect_notify()
        self.activate(lea)
        cr = self.env.cr
        # Rows as the import stored them before: decomposed.
        for table, columns, ids in (
                ("educonnect_student", ("last_name", "first_name", "name"),
                 lea.ids),
                ("educonnect_guardian", ("last_name", "first_name", "name"),
                 mother.ids),
                ("educonnect_guardian_link", ("student_name", "guardian_name"),
                 lea.guardian_link_ids.ids),
                ("educonnect_class", ("name", "code"), lea.class_id.ids),
                ("res_partner", ("name",), lea.user_id.partner_id.ids)):
            cr.execute("UPDATE {} SET {} WHERE id IN %s".format(
                table, ", ".join("{0} = normalize({0}, NFD)".format(c)
                                 for c in columns)), [tuple(ids)])
        cr.execute("UPDATE educonnect_siecle_import_line SET name = "
                   "normalize(name, NFD) WHERE import_id = %s", [report.id])
        self.env.cache.invalidate()
        self.assertEqual(lea.name, nfd("LÊ Thị Ánh"))
        spec = importlib.util.spec_from_file_location("post_migration",
                                                      MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(cr, "11.0.1.0.0")
        self.env.cache.invalidate()
        self.assertEqual((lea.last_name, lea.first_name, lea.name),
                         (nfc("LÊ"), nfc("Thị Ánh"), nfc("LÊ Thị Ánh")))
        self.assertEqual((mother.last_name, mother.first_name, mother.name),
                         (nfc("LÊ"), nfc("Hằng"), nfc("LÊ Hằng")))
        link = lea.guardian_link_ids
        self.assertEqual((link.student_name, link.guardian_name),
                         (nfc("LÊ Thị Ánh"), nfc("LÊ Hằng")))
        self.assertEqual((lea.class_id.name, lea.class_id.code),
                         (nfc("6ÈME Ä"), nfc("6ÈME Ä")))
        self.assertEqual(lea.user_id.partner_id.name, nfc("LÊ Thị Ánh"))
        names = report.sudo().line_ids.mapped("name")
        self.assertTrue(names)
        self.assertEqual(names, [nfc(n) for n in names])
        self.assertEqual(self.staff_env()["educonnect.student"].search(
            [("name", "ilike", nfc("Thị Ánh"))]), lea)
