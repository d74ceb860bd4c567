from odoo.tests.common import SavepointCase


class EduconnectCase(SavepointCase):
    """Two establishments, classes and MEFs, and a helper to make people."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Company = cls.env["res.company"]
        cls.college = Company.create({
            "name": "Collège Test Pasteur", "educonnect_uai": "0750680G",
            "educonnect_type": "clg", "educonnect_academy": "paris"})
        cls.lycee = Company.create({
            "name": "Lycée Test Curie", "educonnect_uai": "0597126A",
            "educonnect_type": "lpo", "educonnect_academy": "lille"})
        Mef = cls.env["educonnect.mef"]
        cls.mef6 = Mef.create({"code": "10010012199", "name": "6EME"})
        cls.mef5 = Mef.create({"code": "10110001199", "name": "5EME"})
        Class = cls.env["educonnect.class"]
        cls.c61 = Class.create({"name": "6 1", "mef_id": cls.mef6.id,
                                "company_id": cls.college.id})
        cls.c62 = Class.create({"name": "6 2", "mef_id": cls.mef6.id,
                                "company_id": cls.college.id})
        cls.c53 = Class.create({"name": "5 3", "mef_id": cls.mef5.id,
                                "company_id": cls.college.id})
        cls.lycee_class = Class.create({"name": "2nde 1",
                                        "company_id": cls.lycee.id})

    @classmethod
    def make_student(cls, last, first, klass=None, company=None, **vals):
        klass = klass or cls.c61
        vals.update({"last_name": last, "first_name": first,
                     "class_id": klass.id, "mef_id": klass.mef_id.id,
                     "company_id": (company or klass.company_id).id})
        return cls.env["educonnect.student"].create(vals)

    @classmethod
    def make_guide_pupils(cls):
        """The pupils of the guide's screenshots (3.1): Mila, Noemie, Bernard."""
        cls.mila = cls.make_student("ADAM019", "Mila", cls.c62)
        cls.noemie = cls.make_student("ADAM019", "Noemie", cls.c61)
        cls.bernard = cls.make_student("ADAMS019", "Bernard", cls.c53)

    @classmethod
    def make_guardian(cls, last, first, students, company=None, **vals):
        company = company or students[:1].company_id
        vals.update({"last_name": last, "first_name": first,
                     "company_id": company.id})
        guardian = cls.env["educonnect.guardian"].create(vals)
        for n, student in enumerate(students):
            cls.env["educonnect.guardian.link"].create({
                "student_id": student.id, "guardian_id": guardian.id,
                "legal_level": "1" if n == 0 else "2"})
        return guardian


def pdf_pages(pdf_bytes):
    """The text of each page of a PDF, read back with poppler's pdftotext."""
    import subprocess
    assert pdf_bytes.startswith(b"%PDF"), pdf_bytes[:100]
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf_bytes,
                         stdout=subprocess.PIPE, check=True).stdout
    pages = out.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


class AccountActionCase(EduconnectCase):
    """Staff users and helpers to run the wizards as the list does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)

        def staff(login, group):
            return Users.create({
                "name": login, "login": login, "lang": "fr_FR",
                "company_id": cls.college.id,
                "company_ids": [(6, 0, [cls.college.id])],
                "groups_id": [(6, 0, [cls.env.ref(
                    "educonnect_accounts.group_educonnect_" + group).id])]})
        cls.director = staff("test.director", "director")
        cls.agent = staff("test.agent", "manager")
        cls.troubleshooter = staff("test.troubleshooter", "troubleshooter")

    def wizard(self, model, records, user=None, **values):
        """Open an action of the Action menu on ``records`` as ``user``."""
        env = self.env(user=user or self.agent)
        return env[model].with_context(
            active_model=records._name, active_ids=records.ids,
            active_domain=[("id", "in", records.ids)]).create(values)

    def attachment_content(self, wizard):
        import base64
        self.assertTrue(wizard.attachment_id, "no file produced")
        return base64.b64decode(wizard.sudo().attachment_id.datas)

    def activate(self, account, password="un mot de passe bien long"):
        """What the holder does with the letter or the link (issue 5)."""
        return account._educonnect_activate(password)

    def credentials_ok(self, user, password):
        from odoo.exceptions import AccessDenied
        try:
            self.env["res.users"].sudo(user).check_credentials(password)
            return True
        except AccessDenied:
            return False


class ClassPackCase(AccountActionCase):
    """Five pupils of 6 1, 6 2 and 5 3, made in the wrong order on purpose
    (5 3, then 6 2, then 6 1): their letters come out in school order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bernard = cls.make_student("ADAMS019", "Bernard", cls.c53)
        cls.ella = cls.make_student("ADAMS019", "Ella", cls.c53)
        cls.mila = cls.make_student("ADAM019", "Mila", cls.c62)
        cls.noemie = cls.make_student("ADAM019", "Noemie", cls.c61)
        cls.zoe = cls.make_student("BAZIN", "Zoé", cls.c61)
        cls.pupils = cls.bernard | cls.ella | cls.mila | cls.noemie | cls.zoe
