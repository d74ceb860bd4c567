"""DELEG-CE: the director of an establishment grants and withdraws the
troubleshooting and delegated agent roles to its staff, for that
establishment only, without touching any other right of those users."""
from odoo.exceptions import AccessError, UserError

from .common import EduconnectCase

TROUBLESHOOTER = "educonnect_accounts.group_educonnect_troubleshooter"
MANAGER = "educonnect_accounts.group_educonnect_manager"


class TestDelegation(EduconnectCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        both = cls.college | cls.lycee
        cls.director = Users.create({
            "name": "Principale", "login": "deleg.principale",
            "company_id": cls.college.id, "company_ids": [(6, 0, both.ids)]})
        Delegation = cls.env["educonnect.delegation"]
        Delegation.create({"user_id": cls.director.id,
                           "company_id": cls.college.id, "role": "director"})
        cls.staff = Users.create({
            "name": "Surveillant", "login": "deleg.surveillant",
            "company_id": cls.college.id, "company_ids": [(6, 0, both.ids)],
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("base.group_partner_manager").id])]})
        cls.outsider = Users.create({
            "name": "Autre lycée", "login": "deleg.autre",
            "company_id": cls.lycee.id, "company_ids": [(6, 0, cls.lycee.ids)]})
        cls.pupil = cls.make_student("DELEG", "Lou", cls.c61)
        cls.pupil._educonnect_notify()
        cls.denv = cls.env(user=cls.director)

    def grant(self, user, role="troubleshooter", env=None):
        return (env or self.denv)["educonnect.delegation"].create(
            {"user_id": user.id, "role": role})

    def test_director_grants_troubleshooting_then_withdraws_it(self):
        groups_before = self.staff.groups_id
        delegation = self.grant(self.staff)
        self.assertEqual(delegation.company_id, self.college)
        self.assertEqual(delegation.granted_by_id, self.director)
        self.assertTrue(self.staff.has_group(TROUBLESHOOTER))
        self.assertFalse(self.staff.has_group(MANAGER))
        # Only the EduConnect group was added; nothing else changed.
        added = self.staff.groups_id - groups_before
        self.assertEqual(added, self.env.ref(TROUBLESHOOTER))
        senv = self.env(user=self.staff)
        before = self.pupil.provisional_password
        senv["educonnect.student"].browse(self.pupil.id) \
            ._educonnect_reset_passwords()
        self.assertNotEqual(self.pupil.provisional_password, before)
        delegation.sudo(self.director).action_withdraw()
        self.assertFalse(self.staff.has_group(TROUBLESHOOTER))
        self.assertEqual(self.staff.groups_id, groups_before)
        with self.assertRaises(AccessError):
            self.env(user=self.staff)["educonnect.student"].browse(
                self.pupil.id)._educonnect_reset_passwords()

    def test_role_applies_to_the_current_establishment_only(self):
        self.grant(self.staff)
        lycee_pupil = self.make_student("LYCEE", "Noa", self.lycee_class)
        self.staff.company_id = self.lycee
        env = self.env(user=self.staff)
        self.assertFalse(env["educonnect.student"].search([]))
        with self.assertRaises(AccessError):
            env["educonnect.student"].browse(lycee_pupil.id).read(["name"])
        with self.assertRaises(AccessError):
            env["educonnect.student"].browse(lycee_pupil.id) \
                ._educonnect_reset_passwords()

    def test_withdrawing_in_one_establishment_keeps_the_other(self):
        admin_lycee = self.env["educonnect.delegation"].create({
            "user_id": self.staff.id, "company_id": self.lycee.id,
            "role": "manager"})
        college_role = self.grant(self.staff)
        self.assertTrue(self.staff.has_group(MANAGER))
        college_role.sudo(self.director).unlink()
        self.assertTrue(self.staff.has_group(MANAGER))
        self.assertTrue(admin_lycee.exists())
        self.assertEqual(self.staff._educonnect_role_companies("manager"),
                         self.lycee)

    def test_director_cannot_delegate_elsewhere_nor_appoint_a_director(self):
        with self.assertRaises(AccessError):
            self.denv["educonnect.delegation"].create({
                "user_id": self.staff.id, "company_id": self.lycee.id,
                "role": "troubleshooter"})
        with self.assertRaises(AccessError):
            self.grant(self.staff, role="director")
        with self.assertRaises(UserError):
            self.grant(self.outsider)
        with self.assertRaises(UserError):
            self.grant(self.director)
        portal = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Parent", "login": "deleg.parent",
            "company_id": self.college.id,
            "company_ids": [(6, 0, self.college.ids)],
            "groups_id": [(6, 0, self.env.ref("base.group_portal").ids)]})
        with self.assertRaises(UserError):
            self.grant(portal)
        self.assertFalse(self.env["educonnect.delegation"].search(
            [("user_id", "in", (self.staff | self.outsider | portal).ids)]))

    def test_agents_cannot_delegate(self):
        agent = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Agent", "login": "deleg.agent",
            "company_id": self.college.id,
            "company_ids": [(6, 0, self.college.ids)]})
        self.env["educonnect.delegation"].create({
            "user_id": agent.id, "company_id": self.college.id,
            "role": "manager"})
        with self.assertRaises(AccessError):
            self.grant(self.staff, env=self.env(user=agent))
        with self.assertRaises(AccessError):
            self.env(user=agent)["educonnect.delegation"].search([])

    def test_director_cannot_edit_users_otherwise(self):
        Users = self.denv["res.users"]
        staff = Users.browse(self.staff.id)
        for vals in ({"groups_id": [(4, self.env.ref("base.group_system").id)]},
                     {"groups_id": [(4, self.env.ref(MANAGER).id)]},
                     {"company_id": self.lycee.id},
                     {"company_ids": [(3, self.lycee.id)]},
                     {"login": "pirate"}, {"email": "pirate@example.fr"},
                     {"password": "un autre mot de passe"}):
            with self.assertRaises(AccessError, msg=vals):
                staff.write(vals)
        with self.assertRaises(AccessError):
            Users.browse(self.director.id).write(
                {"groups_id": [(4, self.env.ref("base.group_system").id)]})
        with self.assertRaises(AccessError):
            self.denv["educonnect.delegation"].create({
                "user_id": self.staff.id, "role": "manager"}).write(
                    {"role": "director"})
        self.assertEqual(self.staff.login, "deleg.surveillant")
        self.assertFalse(self.director.has_group("base.group_system"))

    def test_delegations_are_traced(self):
        delegation = self.grant(self.staff)
        delegation.sudo(self.director).unlink()
        traces = self.env["educonnect.account.trace"].search(
            [("delegate_user_id", "=", self.staff.id)], order="id")
        self.assertEqual(traces.mapped("action"), ["delegate", "withdraw"])
        self.assertEqual(traces.mapped("user_id"), self.director)
        self.assertEqual(traces.mapped("company_id"), self.college)

    def test_group_set_on_the_user_form_applies_to_held_establishments(self):
        self.staff.write({"groups_id": [(4, self.env.ref(MANAGER).id)]})
        self.assertEqual(
            self.env["educonnect.delegation"].search(
                [("user_id", "=", self.staff.id)]).mapped("company_id"),
            self.college | self.lycee)
        self.staff.write({"groups_id": [(3, self.env.ref(MANAGER).id),
                                        (3, self.env.ref(TROUBLESHOOTER).id)]})
        self.assertFalse(self.env["educonnect.delegation"].search(
            [("user_id", "=", self.staff.id)]))

    def test_staff_of_a_database_from_before_the_delegations_keep_their_role(self):
        # A user put in a group before delegations existed (plain SQL: no
        # delegation is made).
        group = self.env.ref(MANAGER)
        self.env.cr.execute(
            "INSERT INTO res_groups_users_rel (gid, uid) VALUES (%s, %s)",
            [group.id, self.staff.id])
        self.staff.invalidate_cache()
        self.assertFalse(self.staff._educonnect_role_companies("manager"))
        self.env["educonnect.delegation"]._educonnect_delegations_from_groups()
        self.staff.invalidate_cache()
        self.assertEqual(self.staff._educonnect_role_companies("manager"),
                         self.college | self.lycee)
        # Those who have delegations keep exactly them.
        self.assertEqual(self.director._educonnect_role_companies("director"),
                         self.college)

    def test_director_changes_only_the_settings_of_the_establishment(self):
        college = self.denv["res.company"].browse(self.college.id)
        college.write({"educonnect_letter_validity_months": 6})
        self.assertEqual(self.college.educonnect_letter_validity_months, 6)
        with self.assertRaises(AccessError):
            college.write({"name": "Autre nom"})
        with self.assertRaises(AccessError):
            self.denv["res.company"].browse(self.lycee.id).write(
                {"educonnect_letter_validity_months": 1})
        action = self.denv["educonnect.home"].create({}).action_open_settings()
        self.assertEqual((action["res_model"], action["res_id"]),
                         ("res.company", self.college.id))


class TestRolesOnTheUserForm(EduconnectCase):
    """The administrator sees and sets, on the user form (« Rôles
    EduConnect »), a staff member's role in the establishment chosen at the
    moment, each establishment on its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        both = cls.college | cls.lycee
        cls.admin = Users.create({
            "name": "Administratrice", "login": "roles.admin",
            "company_id": cls.college.id, "company_ids": [(6, 0, both.ids)],
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("base.group_erp_manager").id])]})
        cls.staff = Users.create({
            "name": "Professeure", "login": "roles.prof",
            "company_id": cls.college.id, "company_ids": [(6, 0, both.ids)]})

    def form_fields(self, user):
        view = self.env["res.users"].sudo(user).fields_view_get(
            view_type="form", view_id=self.env.ref("base.view_users_form").id)
        return view["fields"]

    def roles_on_the_form(self):
        self.staff.invalidate_cache()
        return {(d.company_id, d.role) for d in
                self.staff.sudo(self.admin).educonnect_delegation_ids}

    def test_administrator_gives_a_role_in_the_chosen_establishment(self):
        self.assertIn("educonnect_delegation_ids", self.form_fields(self.admin))
        staff = self.staff.sudo(self.admin)
        staff.write({"educonnect_delegation_ids": [
            (0, 0, {"company_id": self.college.id, "role": "director"})]})
        self.assertEqual(self.roles_on_the_form(), {(self.college, "director")})
        self.assertTrue(self.staff._educonnect_has_role("director", self.college))
        self.assertFalse(self.staff._educonnect_has_role("troubleshooter",
                                                         self.lycee))
        self.assertTrue(self.staff.has_group(
            "educonnect_accounts.group_educonnect_director"))
        self.assertEqual(staff.educonnect_delegation_ids.granted_by_id,
                         self.admin)
        # The lycée's roles are set once the lycée is chosen; the form then
        # shows those.
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            staff.write({"educonnect_delegation_ids": [
                (0, 0, {"company_id": self.lycee.id, "role": "manager"})]})
        self.admin.write({"company_id": self.lycee.id})
        staff.write({"educonnect_delegation_ids": [
            (0, 0, {"company_id": self.lycee.id, "role": "manager"})]})
        self.assertEqual(self.roles_on_the_form(), {(self.lycee, "manager")})
        self.assertTrue(self.staff._educonnect_has_role("manager", self.lycee))
        # Removing the line withdraws the role there, and only there.
        staff.invalidate_cache()
        staff.write({"educonnect_delegation_ids": [
            (2, staff.educonnect_delegation_ids.id)]})
        self.assertFalse(self.staff._educonnect_has_role("manager", self.lycee))
        self.assertTrue(self.staff._educonnect_has_role("director", self.college))

    def test_the_roles_are_not_on_the_form_of_a_director(self):
        director = self.env["res.users"].with_context(
            no_reset_password=True).create({
                "name": "Proviseur", "login": "roles.proviseur",
                "company_id": self.lycee.id,
                "company_ids": [(6, 0, self.lycee.ids)]})
        self.env["educonnect.delegation"].create({
            "user_id": director.id, "company_id": self.lycee.id,
            "role": "director"})
        self.assertNotIn("educonnect_delegation_ids", self.form_fields(director))
