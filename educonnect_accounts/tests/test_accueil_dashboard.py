"""The Accueil as every EduConnect role's landing page and dashboard
(issue 17): figures as each role counts them, links that open the list
filtered on what they count, the troubleshooting agent's narrower page,
and the home action that makes `/web` open it after sign-in."""
import ast
import datetime

from lxml import etree

from odoo import fields

from .common import AccountActionCase


class TestAccueilDashboard(AccountActionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_guide_pupils()            # Mila 6 2, Noemie 6 1, Bernard 5 3
        cls.zoe = cls.make_student("ZOLA", "Zoé", cls.c61)
        cls.other = cls.make_student("AUTRE", "Lycée", cls.lycee_class)
        today = fields.Date.from_string(fields.Date.today())
        # Noemie activated; Mila's letter expires in 10 days, Zoé's in 60.
        cls.noemie.sudo()._educonnect_action_write({"state": "activated"})
        for pupil, days in ((cls.mila, 10), (cls.zoe, 60)):
            pupil.sudo()._educonnect_action_write({
                "state": "notified", "letter_expiry_date": fields.Date.to_string(
                    today + datetime.timedelta(days=days))})
        # Bernard's account locked after failed sign-ins.
        cls.env["educonnect.auth.throttle"].sudo().create({
            "key": "login:%s" % cls.bernard.login.lower(),
            "login": cls.bernard.login.lower(), "failures": 10,
            "locked_until": fields.Datetime.to_string(
                datetime.datetime.utcnow() + datetime.timedelta(hours=1))})
        cls.mother = cls.make_guardian("ADAM019", "Julie", cls.mila | cls.noemie)
        cls.mother.sudo()._educonnect_action_write({"state": "activated"})
        cls.father = cls.make_guardian("ADAMS019", "Marc", cls.bernard)
        cls.father.sudo()._educonnect_action_write({
            "email_delivery_state": "failed"})

    def home(self, user, **context):
        return self.env["educonnect.home"].sudo(user).with_context(
            **context).create({})

    def opened(self, user, action):
        """The rows the list opened by ``action`` shows to ``user``."""
        env = self.env(user=user)
        context = action.get("context") or {}
        domain = list(action.get("domain") or [])
        arch = etree.fromstring(env["ir.ui.view"].browse(
            action["search_view_id"][0]).sudo().read_combined(["arch"])["arch"])
        for key in context:
            if key.startswith("search_default_"):
                node = arch.find(".//filter[@name='%s']"
                                 % key[len("search_default_"):])
                self.assertIsNotNone(node, key)
                domain += ast.literal_eval(node.get("domain"))
        return env[action["res_model"]].search(domain)

    def test_director_dashboard_counts_and_rates(self):
        home = self.home(self.director)
        self.assertFalse(home.troubleshooting_only)
        self.assertEqual((home.student_count, home.student_activated_count),
                         (4, 1))
        self.assertAlmostEqual(home.student_rate, 25.0)
        self.assertIn("1 / 4", home.student_rate_label)
        self.assertEqual((home.guardian_count, home.guardian_activated_count),
                         (2, 1))
        self.assertAlmostEqual(home.guardian_rate, 50.0)
        self.assertEqual(home.student_not_notified_count, 1)   # Bernard
        self.assertEqual(home.student_expiring_count, 1)       # Mila, not Zoé
        self.assertEqual(home.student_locked_count, 1)
        self.assertEqual(home.guardian_not_notified_count, 1)  # the father
        self.assertEqual(home.undelivered_email_count, 1)

    def test_each_figure_opens_the_list_of_what_it_counts(self):
        home = self.home(self.director)
        self.assertEqual(self.opened(self.director,
                                     home.action_open_students_not_notified()),
                         self.bernard)
        expiring = home.action_open_students_expiring()
        self.assertIn("30", expiring["name"])
        self.assertEqual(self.opened(self.director, expiring), self.mila)
        self.assertEqual(self.opened(self.director,
                                     home.action_open_students_locked()),
                         self.bernard)
        links = self.opened(self.director, home.action_open_undelivered_emails())
        self.assertEqual(links.mapped("guardian_id"), self.father)
        links = self.opened(self.director,
                            home.action_open_guardians_not_notified())
        self.assertEqual(links.mapped("guardian_id"), self.father)
        self.assertEqual(self.opened(self.director, home.action_open_students()),
                         self.mila | self.noemie | self.bernard | self.zoe)

    def test_bars_per_class_in_school_order(self):
        html = self.home(self.director).class_rates
        positions = [html.index(">%s<" % name) for name in ("6 1", "6 2", "5 3")]
        self.assertEqual(positions, sorted(positions), html)
        self.assertNotIn("2nde 1", html)  # the lycée's class
        # 6 1: Noemie activated, Zoé not: 50 %; its guardians: the mother.
        row = html[html.index(">6 1<"):html.index(">6 2<")]
        self.assertIn("50 % (1 / 2)", row)
        self.assertIn("100 % (1 / 1)", row)

    def test_troubleshooting_agent_gets_the_narrow_accueil(self):
        home = self.home(self.troubleshooter)
        self.assertTrue(home.troubleshooting_only)
        action = home.action_open_students()
        self.assertEqual(action["id"], self.env.ref(
            "educonnect_accounts.educonnect_student_action_troubleshooting").id)
        self.assertEqual(home.student_count, 4)
        self.assertEqual(home.student_locked_count, 1)
        locked = home.action_open_students_locked()
        self.assertEqual(locked["res_model"], "educonnect.student")
        self.assertEqual(self.opened(self.troubleshooter, locked), self.bernard)
        self.assertEqual(home.guardian_count, 0)
        # A director in the troubleshooting module gets its Accueil too:
        # pupils only, down to the bars per class.
        narrow = self.home(self.director, troubleshooting_home=True)
        self.assertTrue(narrow.troubleshooting_only)
        self.assertEqual(narrow.guardian_count, 0)
        # (The director reads French.)
        self.assertIn("<th>Élèves</th>", narrow.class_rates)
        self.assertNotIn("<th>Responsables</th>", narrow.class_rates)
        self.assertIn("<th>Responsables</th>", self.home(self.director).class_rates)

    def test_staff_land_on_their_accueil_after_sign_in(self):
        home = self.env.ref("educonnect_accounts.educonnect_home_action")
        # The Accueil of the troubleshooting module's menu, narrow for every
        # role (the web client opens that module with it).
        narrow = self.env.ref(
            "educonnect_accounts.educonnect_troubleshooting_home_menu").action
        self.assertEqual(narrow, self.env.ref(
            "educonnect_accounts.educonnect_home_action_troubleshooting"))
        self.assertIn("troubleshooting_home", narrow.context)
        self.assertEqual(self.director.action_id.id, home.id)
        self.assertEqual(self.agent.action_id.id, home.id)
        self.assertEqual(self.troubleshooter.action_id.id, narrow.id)
        # A role delegated by the director moves the landing page with it.
        newcomer = self.env["res.users"].with_context(
            no_reset_password=True).create({
                "name": "Nouvel agent", "login": "test.newcomer",
                "company_id": self.college.id,
                "company_ids": [(6, 0, [self.college.id])]})
        self.assertFalse(newcomer.action_id)
        Delegation = self.env["educonnect.delegation"].sudo(self.director)
        delegation = Delegation.create({"user_id": newcomer.id,
                                        "role": "troubleshooter"})
        self.assertEqual(newcomer.action_id.id, narrow.id)
        delegation.unlink()
        self.assertFalse(newcomer.action_id)
        Delegation.create({"user_id": newcomer.id, "role": "manager"})
        self.assertEqual(newcomer.action_id.id, home.id)

    def test_update_gives_existing_staff_their_accueil(self):
        self.agent.sudo().write({"action_id": False})
        self.env["educonnect.home"]._set_home_actions()
        self.assertEqual(self.agent.action_id.id, self.env.ref(
            "educonnect_accounts.educonnect_home_action").id)

    def test_a_home_action_chosen_by_the_administrator_stays(self):
        other = self.env.ref("educonnect_accounts.educonnect_student_action")
        self.agent.sudo().write({"action_id": other.id})
        self.env["educonnect.home"]._set_home_actions()
        self.assertEqual(self.agent.action_id.id, other.id)
