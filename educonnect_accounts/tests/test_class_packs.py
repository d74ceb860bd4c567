"""One class per page (issue 17): classes in school order everywhere, the
letters and the lists by class, each class under its heading, « Courriers
de la classe » / « Liste de la classe » from the class form, and the public
sign-in address printed on the letters as the establishment sets it."""
from odoo.exceptions import ValidationError

from ..models.educonnect_class import school_rank
from .common import AccountActionCase, ClassPackCase, pdf_pages


class TestClassOrder(AccountActionCase):

    def test_school_rank_from_the_mef_code_or_the_class_name(self):
        self.assertEqual([school_rank(code, "") for code in (
            "10010012110", "10110001110", "10210001110", "10310019110",
            "20010018110", "20112009110", "20212009110", "24020003110",
            "24121701110")], [10, 11, 12, 13, 20, 21, 22, 20, 21])
        self.assertEqual([school_rank(False, name) for name in (
            "6E 1", "3eme4", "2nde 1", "1ère S", "Tle G2", "Seconde B",
            "Terminale", "ULIS")], [10, 13, 20, 21, 22, 20, 22, 99])

    def test_classes_come_in_school_order(self):
        Class = self.env["educonnect.class"]
        third = Class.create({"name": "3 1", "company_id": self.college.id})
        second = Class.create({"name": "2nde 2", "company_id": self.college.id})
        final = Class.create({"name": "Tle 1", "company_id": self.college.id})
        names = Class.search([("company_id", "=", self.college.id)]).mapped("name")
        self.assertEqual(names, ["6 1", "6 2", "5 3", "3 1", "2nde 2", "Tle 1"])
        # The rank follows a new MEF.
        third.mef_id = self.mef6
        self.assertEqual(third.school_rank, 10)
        self.assertTrue(second and final)


class TestClassPacks(ClassPackCase):

    def letters(self, records=None):
        wizard = self.wizard("educonnect.notify.wizard", records or self.pupils)
        wizard.action_confirm()
        return pdf_pages(self.attachment_content(wizard))

    def test_letters_come_by_class_in_school_order_each_under_its_class(self):
        pages = self.letters()
        self.assertEqual(len(pages), 5)
        expected = [("6 1", self.noemie), ("6 1", self.zoe), ("6 2", self.mila),
                    ("5 3", self.bernard), ("5 3", self.ella)]
        for page, (klass, pupil) in zip(pages, expected):
            # The heading first, then the letter of that pupil.
            self.assertTrue(" ".join(page.split()).startswith(
                "Classe %s " % klass), page[:200])
            self.assertIn(pupil.login, page)
            self.assertIn(pupil.provisional_password, page)

    def test_guardian_letters_go_with_their_first_child_in_school_order(self):
        father = self.make_guardian("ADAMS019", "Marc", self.bernard)
        mother = self.make_guardian("ADAM019", "Julie", self.mila | self.noemie)
        links = self.env["educonnect.guardian.link"].search(
            [("guardian_id", "in", (father | mother).ids)])
        pages = self.letters(links)
        self.assertEqual(len(pages), 2)
        self.assertTrue(" ".join(pages[0].split()).startswith("Classe 6 1 "))
        self.assertIn(mother.login, pages[0])
        self.assertTrue(" ".join(pages[1].split()).startswith("Classe 5 3 "))
        self.assertIn(father.login, pages[1])

    def test_list_pdf_one_page_per_class_under_its_heading(self):
        wizard = self.wizard("educonnect.list.wizard", self.pupils,
                             list_format="pdf")
        wizard.action_confirm()
        pages = pdf_pages(self.attachment_content(wizard))
        self.assertEqual(len(pages), 3)
        for page, klass, pupils in zip(pages, ("6 1", "6 2", "5 3"), (
                self.noemie | self.zoe, self.mila, self.bernard | self.ella)):
            self.assertIn("Liste des élèves — Classe %s" % klass,
                          " ".join(page.split()))
            for pupil in self.pupils:
                self.assertEqual(pupil.login in page, pupil in pupils,
                                 (klass, pupil.name))

    def test_csv_list_rows_in_school_order(self):
        import csv
        import io
        wizard = self.wizard("educonnect.list.wizard", self.pupils,
                             list_format="csv")
        wizard.action_confirm()
        rows = list(csv.reader(io.StringIO(
            self.attachment_content(wizard).decode("utf-8-sig")), delimiter=";"))
        self.assertEqual([r[3] for r in rows[1:]],
                         ["6 1", "6 1", "6 2", "5 3", "5 3"])

    def test_class_form_prints_the_class(self):
        env = self.env(user=self.agent)
        klass = env["educonnect.class"].browse(self.c61.id)
        for method, model in (("action_class_letters", "educonnect.notify.wizard"),
                              ("action_class_list", "educonnect.list.wizard")):
            action = getattr(klass, method)()
            self.assertEqual(action["res_model"], model)
            wizard = env[model].with_context(**action["context"]).create({})
            self.assertEqual(wizard.scope, "search")
            self.assertEqual(wizard.account_count, 2)
            self.assertEqual(wizard._accounts(), self.noemie | self.zoe)


class TestLetterAddress(AccountActionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pupil = cls.make_student("ADAM019", "Mila", cls.c62)

    def letter(self):
        wizard = self.wizard("educonnect.notify.wizard", self.pupil)
        wizard.action_confirm()
        return pdf_pages(self.attachment_content(wizard))[0]

    def test_letter_prints_the_establishment_address_as_is(self):
        url = "https://ent.college-pasteur.fr/web/login"
        self.college.educonnect_signin_url = url
        page = self.letter()
        lines = [line.strip() for line in page.splitlines()]
        # Alone on its line: no semicolon or full stop glued to it.
        self.assertIn(url, lines)
        self.assertNotIn("localhost", page)

    def test_the_instance_address_then_the_base_url(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("educonnect_accounts.signin_url",
                         "https://educonnect.ac-paris.example/web/login")
        self.assertIn("https://educonnect.ac-paris.example/web/login",
                      [line.strip() for line in self.letter().splitlines()])
        params.set_param("educonnect_accounts.signin_url", "")
        params.set_param("web.base.url", "https://odoo.lycee.example/")
        self.assertEqual(self.college._educonnect_signin_url(),
                         "https://odoo.lycee.example/web/login")
        self.assertEqual(self.college.educonnect_signin_url_printed,
                         "https://odoo.lycee.example/web/login")

    def test_the_address_is_a_public_one(self):
        for url in ("ent.college.fr", "http://localhost:8069/web/login"):
            with self.assertRaises(ValidationError):
                self.college.educonnect_signin_url = url


class TestFirstNameLastNameSearch(AccountActionCase):
    """« Prénom Nom » as well as « NOM Prénom » in the search box."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lea = cls.make_student("DUPONT", "Léa", cls.c61)
        cls.leo = cls.make_student("DUPONT", "Léo", cls.c62)
        cls.mother = cls.make_guardian("DUPONT", "Isabelle", cls.lea)

    def test_pupils_by_first_name_then_last_name(self):
        Student = self.env["educonnect.student"].sudo(self.agent)
        for text in ("Léa DUPONT", "DUPONT Léa", "léa dupont", "  Léa   Dupont "):
            self.assertEqual(Student.search([("name", "ilike", text)]),
                             self.lea, text)
        self.assertEqual(Student.search([("name", "ilike", "DUPONT")]),
                         self.lea | self.leo)
        self.assertFalse(Student.search([("name", "ilike", "Léa MARTIN")]))

    def test_guardian_list_by_first_name_then_last_name(self):
        Link = self.env["educonnect.guardian.link"].sudo(self.agent)
        self.assertEqual(Link.search([("guardian_name", "ilike",
                                       "Isabelle DUPONT")]).guardian_id,
                         self.mother)
        self.assertEqual(Link.search([("student_name", "ilike",
                                       "Léa DUPONT")]).student_id, self.lea)


class TestClassSheet(AccountActionCase):
    """« Fiche de la classe » for the class teacher."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lea = cls.make_student("DUPONT", "Léa", cls.c61,
                                   birth_date="2014-03-09", ine="123456789AB")
        cls.tom = cls.make_student("MARTIN", "Tom", cls.c53)

    def test_one_page_per_class_without_ine_or_birth_date(self):
        report = self.env.ref("educonnect_accounts.action_report_class_sheet")
        classes = self.env["educonnect.class"].sudo(self.agent).browse(
            (self.c53 | self.c61).ids)
        content, kind = report.sudo(self.agent).render_qweb_pdf(classes.ids)
        self.assertEqual(kind, "pdf")
        pages = [" ".join(p.split()) for p in pdf_pages(content)]
        self.assertEqual(len(pages), 2)
        self.assertIn("Comptes EduConnect — Classe 6 1", pages[0])
        self.assertIn("DUPONT Léa", pages[0])
        self.assertIn(self.lea.login, pages[0])
        self.assertIn("Non notifié", pages[0])
        self.assertNotIn("MARTIN", pages[0])
        self.assertIn("Comptes EduConnect — Classe 5 3", pages[1])
        for page in pages:
            for secret in ("123456789AB", "09/03/2014", "2014-03-09", "INE"):
                self.assertNotIn(secret, page)
