from odoo.tests.common import SavepointCase


class TestDemoData(SavepointCase):
    """The demo looks like a real school year, with the figures of section 5."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["educonnect.demo"]._generate_demo_data()
        cls.college = cls.env["res.company"].search(
            [("educonnect_uai", "=", "0597125Z")])
        cls.lycee = cls.env["res.company"].search(
            [("educonnect_uai", "=", "0597126A")])

    def counts(self, model, company):
        groups = self.env[model].read_group(
            [("company_id", "=", company.id)], ["origin", "state"],
            ["origin", "state"], lazy=False)
        return {(g["origin"], g["state"]): g["__count"] for g in groups}

    def test_demo_college_pupils_have_the_guide_figures(self):
        self.assertEqual(self.counts("educonnect.student", self.college), {
            ("school", "activated"): 357, ("school", "notified"): 72,
            ("unknown", "not_notified"): 4})

    def test_demo_college_guardians_are_distributed_like_the_guide(self):
        counts = self.counts("educonnect.guardian", self.college)
        total = sum(counts.values())
        self.assertTrue(800 <= total <= 860, total)
        self.assertEqual(counts[("school", "notified")], 572)
        self.assertEqual(counts[("franceconnect", "activated")], 4)
        self.assertEqual(counts[("school", "activating")], 2)

    def test_demo_has_classes_6e_to_3e_with_mef_siblings_and_homonyms(self):
        classes = self.env["educonnect.class"].search(
            [("company_id", "=", self.college.id)])
        self.assertEqual(len(classes), 16)
        self.assertEqual(set(classes.mapped("mef_id.name")),
                         {"6EME", "5EME", "4EME", "3EME"})
        links = self.env["educonnect.guardian.link"].read_group(
            [("company_id", "=", self.college.id)], ["guardian_id"],
            ["guardian_id"])
        self.assertTrue(any(g["guardian_id_count"] > 1 for g in links),
                        "some guardians have several children")
        homonyms = self.env["educonnect.student"].search(
            [("company_id", "=", self.college.id), ("last_name", "=", "MARTIN"),
             ("first_name", "=", "Léa")])
        self.assertEqual(len(homonyms), 2)
        self.assertEqual(len(set(homonyms.mapped("birth_date"))), 1)
        self.assertEqual(len(set(homonyms.mapped("login"))), 2)
        names = self.env["educonnect.student"].search([]).mapped("last_name")
        self.assertTrue(any("'" in n for n in names))
        self.assertTrue(any("-" in n for n in names))
        self.assertTrue(any(c in "ÉÈÊËÀÂÎÏÔÖÙÛÜÇ" for n in names for c in n))

    def test_demo_staff_one_of_them_holds_both_establishments(self):
        users = self.env["res.users"].search([("login", "in", [
            "direction.college", "agent.college", "direction.lycee",
            "agent.lycee"])])
        self.assertEqual(len(users), 4)
        director = users.filtered(lambda u: u.login == "direction.college")
        self.assertEqual(director.company_ids, self.college | self.lycee)
        self.assertTrue(director.has_group(
            "educonnect_accounts.group_educonnect_director"))
        self.assertEqual(set(users.mapped("lang")), {"fr_FR"})
        agent = users.filtered(lambda u: u.login == "agent.lycee")
        self.assertFalse(agent.has_group(
            "educonnect_accounts.group_educonnect_director"))
        self.assertTrue(agent.has_group(
            "educonnect_accounts.group_educonnect_manager"))

    def test_demo_has_one_user_per_role_and_per_establishment(self):
        from ..models.educonnect_demo import DEMO_STAFF
        Delegation = self.env["educonnect.delegation"]
        held = {(d.user_id.login, d.company_id, d.role)
                for d in Delegation.search([])}
        for company in (self.college, self.lycee):
            roles = {role for _login, c, role in held if c == company}
            self.assertEqual(roles, {"director", "manager", "troubleshooter"})
        for login, _name, roles in DEMO_STAFF:
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertEqual(len(user), 1, login)
            for key, role in roles:
                company = self.college if key == "college" else self.lycee
                self.assertIn((login, company, role), held)
        depannage = self.env["res.users"].search(
            [("login", "=", "depannage.lycee")])
        self.assertEqual(depannage._educonnect_role_companies("troubleshooter"),
                         self.lycee)
        self.assertFalse(depannage.has_group(
            "educonnect_accounts.group_educonnect_manager"))
        # Generating again adds no user and no delegation.
        count = Delegation.search_count([])
        self.env["educonnect.demo"]._generate_demo_data()
        self.assertEqual(Delegation.search_count([]), count)

    def test_demo_notified_accounts_have_a_readable_provisional_password(self):
        notified = self.env["educonnect.student"].search(
            [("company_id", "=", self.college.id), ("state", "=", "notified")],
            limit=5)
        self.assertTrue(all(len(p.provisional_password) == 13 for p in notified))

    def test_demo_generation_runs_once(self):
        count = self.env["educonnect.student"].search_count([])
        self.env["educonnect.demo"]._generate_demo_data()
        self.assertEqual(self.env["educonnect.student"].search_count([]), count)


class TestDemoStaffOnly(SavepointCase):
    """Only the school's staff are offered for delegation in the demo."""

    def test_odoo_demo_user_is_not_offered_for_delegation(self):
        # As Odoo's demo data of « base » makes it (absent from the test
        # database, installed without demo data).
        demo_user = self.env.ref("base.user_demo", raise_if_not_found=False)
        if not demo_user:
            demo_user = self.env["res.users"].create(
                {"login": "demo", "name": "Demo User"})
            self.env["ir.model.data"].create({
                "module": "base", "name": "user_demo", "model": "res.users",
                "res_id": demo_user.id})
        demo_user.active = True
        self.env["educonnect.demo"]._generate_demo_data()
        self.assertFalse(demo_user.active)
        offered = self.env["educonnect.delegation"]._fields["user_id"]
        names = [name for _id, name in self.env[offered.comodel_name]
                 .name_search("Demo", limit=None)]
        self.assertNotIn("Demo User", names)
