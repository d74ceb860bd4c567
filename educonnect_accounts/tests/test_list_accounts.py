import csv
import io

import openpyxl

from .common import AccountActionCase, pdf_pages


class TestListAccounts(AccountActionCase):
    """Sections 3.3 and 4.3: lists in PDF, CSV and XLSX."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_guide_pupils()
        cls.hostile = cls.make_student("=HYPERLINK(\"http://x\")", "@SUM(1)", cls.c53)
        cls.minus = cls.make_student("-2+3", "+Tom", cls.c53)
        cls.mila._educonnect_notify()
        (cls.noemie | cls.hostile)._educonnect_notify()
        cls.noemie._educonnect_activate("un mot de passe bien long")
        cls.pupils = cls.mila | cls.noemie | cls.bernard | cls.hostile | cls.minus
        cls.mother = cls.make_guardian("ADAM019", "Sophie", cls.mila | cls.noemie)
        cls.father = cls.make_guardian("ADAM019", "Karim", cls.mila)
        cls.other = cls.make_guardian("ADAMS019", "Élodie", cls.bernard)
        cls.mother._educonnect_notify()
        cls.other.write({"state": "activating", "origin": "self_registration"})
        cls.links = cls.env["educonnect.guardian.link"].search(
            [("guardian_id", "in", (cls.mother | cls.father | cls.other).ids)])

    def make_list(self, records, fmt, user=None):
        wizard = self.wizard("educonnect.list.wizard", records, user=user,
                             list_format=fmt)
        wizard.action_confirm()
        return self.attachment_content(wizard)

    def read_csv(self, content):
        self.assertTrue(content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM")
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig")),
                               delimiter=";"))

    def read_xlsx(self, content):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [[c.value if c.value is not None else "" for c in row]
                for row in sheet.iter_rows()], sheet

    def test_pupil_list_csv_has_the_guide_columns(self):
        rows = self.read_csv(self.make_list(self.pupils, "csv"))
        self.assertEqual(rows[0], ["Nom", "Prénom", "MEF", "Classe",
                                   "Identifiant", "Mot de passe"])
        by_login = {r[4]: r for r in rows[1:]}
        self.assertEqual(by_login[self.mila.login][:5],
                         ["ADAM019", "Mila", "6EME", "6 2", self.mila.login])
        self.assertEqual(len(rows), 1 + len(self.pupils))

    def test_list_password_column_follows_the_account_state(self):
        rows = self.read_csv(self.make_list(self.pupils, "csv"))
        by_login = {r[4]: r[5] for r in rows[1:]}
        # Notifié et non activé: the provisional password
        self.assertEqual(by_login[self.mila.login], self.mila.provisional_password)
        self.assertEqual(len(by_login[self.mila.login]), 13)
        # Activé: asterisks; Non notifié: nothing
        self.assertEqual(by_login[self.noemie.login], "*****")
        self.assertEqual(by_login[self.bernard.login], "")

    def test_list_cells_cannot_be_formulas_in_csv(self):
        rows = self.read_csv(self.make_list(self.pupils, "csv"))
        by_login = {r[4]: r for r in rows[1:]}
        self.assertEqual(by_login[self.hostile.login][:2],
                         ["'=HYPERLINK(\"http://x\")", "'@SUM(1)"])
        self.assertEqual(by_login[self.minus.login][:2], ["'-2+3", "'+Tom"])

    def test_list_cells_cannot_be_formulas_in_xlsx(self):
        rows, sheet = self.read_xlsx(self.make_list(self.pupils, "xlsx"))
        self.assertEqual(rows[0], ["Nom", "Prénom", "MEF", "Classe",
                                   "Identifiant", "Mot de passe"])
        by_login = {r[4]: r for r in rows[1:]}
        self.assertEqual(by_login[self.hostile.login][:2],
                         ["'=HYPERLINK(\"http://x\")", "'@SUM(1)"])
        self.assertEqual(by_login[self.minus.login][:2], ["'-2+3", "'+Tom"])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                self.assertIn(cell.data_type, ("s", "n"))  # text (n = empty)
                self.assertFalse(str(cell.value or "").startswith("="))
        self.assertEqual(by_login[self.mila.login][5],
                         self.mila.provisional_password)
        self.assertEqual(by_login[self.noemie.login][5], "*****")

    def test_pupil_list_pdf_has_the_guide_columns_and_footnote(self):
        text = "\n".join(pdf_pages(self.make_list(self.pupils, "pdf")))
        for header in ("Prénom élève", "Nom élève", "Classe", "MEF",
                       "Identifiant", "Mot de passe *", "Liste des élèves"):
            self.assertIn(header, text)
        self.assertIn("Seuls les mots de passe provisoires sont affichés", text)
        self.assertIn(self.mila.provisional_password, text)
        self.assertIn("*****", text)
        self.assertIn(self.bernard.login, text)

    def test_guardian_list_csv_has_the_guide_columns(self):
        rows = self.read_csv(self.make_list(self.links, "csv"))
        self.assertEqual(rows[0], [
            "RNE", "Ecole", "Nom de l'élève", "Prénom de l'élève",
            "Mef de l'élève", "Classe de l'élève", "Nom du responsable",
            "Prénom du responsable", "Identifiant du responsable",
            "Mot de passe"])
        # One row per (pupil, guardian): the mother twice.
        self.assertEqual(len(rows), 1 + 4)
        mother_rows = [r for r in rows[1:] if r[8] == self.mother.login]
        self.assertEqual(sorted(r[3] for r in mother_rows), ["Mila", "Noemie"])
        self.assertEqual(mother_rows[0][:2], ["0750680G", "Collège Test Pasteur"])
        self.assertEqual(mother_rows[0][9], self.mother.provisional_password)
        by_login = {r[8]: r[9] for r in rows[1:]}
        self.assertEqual(by_login[self.other.login], "*****")  # en cours d'activation
        self.assertEqual(by_login[self.father.login], "")      # non notifié

    def test_guardian_list_xlsx_and_pdf(self):
        rows, _sheet = self.read_xlsx(self.make_list(self.links, "xlsx"))
        self.assertEqual(rows[0][0], "RNE")
        self.assertEqual(len(rows), 5)
        text = "\n".join(pdf_pages(self.make_list(self.links, "pdf")))
        for header in ("Nom élève", "Prénom élève", "Nom responsable",
                       "Prénom responsable", "Liste des responsables",
                       "le mot de passe choisi par le responsable"):
            self.assertIn(header, text)

    def test_list_produced_by_a_troubleshooting_agent(self):
        rows = self.read_csv(self.make_list(self.pupils, "csv",
                                            user=self.troubleshooter))
        self.assertEqual(len(rows), 1 + len(self.pupils))

    def test_list_file_belongs_to_its_wizard_only(self):
        wizard = self.wizard("educonnect.list.wizard", self.pupils,
                             list_format="csv")
        wizard.action_confirm()
        attachment = wizard.attachment_id
        wizard.sudo().unlink()
        self.assertFalse(attachment.exists())
