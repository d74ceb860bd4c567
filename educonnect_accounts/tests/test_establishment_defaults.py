from odoo.exceptions import AccessError, ValidationError

from .common import EduconnectCase


class TestEstablishmentDefaults(EduconnectCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = cls.env.ref("educonnect_accounts.group_educonnect_director")
        cls.director = cls.env["res.users"].with_context(
            no_reset_password=True).create({
                "name": "Principal des deux", "login": "test.principal",
                "company_id": cls.college.id,
                "company_ids": [(6, 0, (cls.college | cls.lycee).ids)],
                "groups_id": [(6, 0, [group.id])]})
        cls.college_pupil = cls.make_student("COLLEGE", "Anna", cls.c61)
        cls.lycee_pupil = cls.make_student("LYCEE", "Yanis", cls.lycee_class)

    def test_new_records_default_to_the_current_establishment(self):
        env = self.env(user=self.director)
        klass = env["educonnect.class"].create({"name": "4 9"})
        self.assertEqual(klass.company_id, self.college)

    def test_staff_do_not_create_or_delete_pupils_and_guardians_they_come_from_siecle(self):
        env = self.env(user=self.director)
        for model in ("educonnect.student", "educonnect.guardian"):
            with self.assertRaises(AccessError):
                env[model].create({"last_name": "NOUVEL", "first_name": "Élise",
                                   "company_id": self.college.id})
        with self.assertRaises(AccessError):
            env["educonnect.student"].browse(self.college_pupil.id).unlink()
        self.assertTrue(self.college_pupil.exists())

    def test_new_accounts_start_not_notified_origin_not_provided(self):
        pupil = self.make_student("NEUF", "Jade")
        self.assertEqual((pupil.state, pupil.origin, pupil.notification_date,
                          pupil.last_login_date),
                         ("not_notified", "unknown", False, False))

    def test_lists_show_only_the_chosen_establishment(self):
        env = self.env(user=self.director)
        pupils = env["educonnect.student"].search([])
        self.assertIn(self.college_pupil, pupils)
        self.assertNotIn(self.lycee_pupil, pupils)

    def test_choosing_another_establishment_on_the_home_page(self):
        env = self.env(user=self.director)
        home = env["educonnect.home"].create({})
        self.assertEqual((home.company_id, home.uai),
                         (self.college, "0750680G"))
        home.new_company_id = self.lycee
        action = home.action_choose_establishment()
        self.assertEqual(action["tag"], "reload")
        self.assertEqual(self.director.company_id, self.lycee)
        env = self.env(user=self.director)
        self.assertEqual(env["educonnect.student"].search([]), self.lycee_pupil)
        self.assertEqual(env["educonnect.home"].create({}).student_count, 1)
        klass = env["educonnect.class"].create({"name": "1ère 2"})
        self.assertEqual(klass.company_id, self.lycee)

    def test_home_cannot_switch_to_an_establishment_not_held(self):
        other = self.env["res.company"].create({"name": "Autre collège"})
        env = self.env(user=self.director)
        home = env["educonnect.home"].create({})
        home.new_company_id = other
        home.action_choose_establishment()
        self.assertEqual(self.director.company_id, self.college)

    def test_guardian_linked_only_to_pupils_of_its_establishment(self):
        guardian = self.make_guardian("MIXTE", "Paul", self.college_pupil)
        with self.assertRaises(ValidationError):
            self.env["educonnect.guardian.link"].create({
                "student_id": self.lycee_pupil.id, "guardian_id": guardian.id})

    def test_class_domain_limits_to_the_pupil_establishment(self):
        field = self.env["educonnect.student"]._fields["class_id"]
        self.assertEqual(field.domain, "[('company_id', '=', company_id)]")
