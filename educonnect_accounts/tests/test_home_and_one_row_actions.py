from .common import AccountActionCase


class TestHomeAndOneRowActions(AccountActionCase):
    """What the browser tests showed: the Accueil page for a director holding
    two establishments and for a troubleshooting agent, and the actions
    opened from one row's button."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_guide_pupils()
        cls.director.write({"company_ids": [(4, cls.lycee.id)],
                            "company_id": cls.lycee.id})

    def test_director_finds_the_other_establishment_by_its_uai_on_accueil(self):
        Company = self.env["res.company"].sudo(self.director).with_context(
            educonnect_show_uai=True)
        found = Company.name_search(self.college.educonnect_uai)
        self.assertEqual([f[0] for f in found], [self.college.id])
        self.assertIn(self.college.educonnect_uai, found[0][1])
        home = self.env["educonnect.home"].sudo(self.director).create(
            {"new_company_id": self.college.id})
        self.assertTrue(home.several_companies)
        home.action_choose_establishment()
        self.assertEqual(self.director.company_id, self.college)

    def test_accueil_finds_no_establishment_the_user_does_not_hold(self):
        other = self.env["res.company"].create({
            "name": "Collège Voltaire", "educonnect_uai": "0750681H"})
        Company = self.env["res.company"].sudo(self.director).with_context(
            educonnect_show_uai=True)
        self.assertFalse(Company.name_search(other.educonnect_uai))
        home = self.env["educonnect.home"].sudo(self.director).create(
            {"new_company_id": other.id})
        home.action_choose_establishment()
        self.assertEqual(self.director.company_id, self.lycee)

    def test_troubleshooting_agent_opens_accueil_without_guardian_rights(self):
        home = self.env["educonnect.home"].sudo(self.troubleshooter).create({})
        self.assertEqual(home.student_count, len(self.env["educonnect.student"]
                                                 .search([("company_id", "=", self.college.id)])))
        self.assertEqual(home.guardian_count, 0)
        self.assertFalse(home.several_companies)

    def test_reset_from_one_row_never_offers_every_account_of_the_search(self):
        action = self.mila.sudo(self.troubleshooter).action_reset_password_one()
        wizard = self.env(user=self.troubleshooter)[action["res_model"]] \
            .with_context(action["context"]).create({"scope": "search"})
        self.assertEqual(wizard.search_count, 0)
        self.assertEqual(wizard.account_count, 0)
        wizard.scope = "selected"
        self.assertEqual(wizard.account_count, 1)
        wizard.action_confirm()
        listing = wizard.action_list()
        self.assertNotIn("active_domain", listing["context"])
        self.assertTrue(listing["name"])
