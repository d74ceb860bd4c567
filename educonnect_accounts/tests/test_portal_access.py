"""Pupils and guardians (portal users created at activation) see only their
own account data — a guardian also their linked children's — never anyone
else's, and never a secret."""
from odoo.exceptions import AccessError

from .common import AccountActionCase


class TestPortalAccess(AccountActionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lou = cls.make_student("PORTAIL", "Lou", cls.c61)
        cls.tom = cls.make_student("PORTAIL", "Tom", cls.c62)
        cls.other = cls.make_student("VOISIN", "Léo", cls.c61)
        cls.parent = cls.make_guardian("PORTAIL", "Sophie", cls.lou | cls.tom)
        cls.other_parent = cls.make_guardian("VOISIN", "Paul", cls.other)
        cls.lou._educonnect_notify()
        cls.parent._educonnect_notify()
        cls.other._educonnect_notify()
        cls.pupil_user = cls.lou._educonnect_activate("un mot de passe bien long")
        cls.parent_user = cls.parent._educonnect_activate("un mot de passe bien long")

    def test_pupil_sees_only_their_own_account(self):
        env = self.env(user=self.pupil_user)
        self.assertEqual(env["educonnect.student"].search([]), self.lou)
        row = env["educonnect.student"].browse(self.lou.id).read(
            ["login", "state", "class_id"])[0]
        self.assertEqual(row["login"], self.lou.login)
        for record in (self.tom, self.other):
            with self.assertRaises(AccessError):
                env["educonnect.student"].browse(record.id).read(["name"])
        self.assertFalse(env["educonnect.guardian"].search([]))
        self.assertFalse(env["educonnect.guardian.link"].search([]))
        with self.assertRaises(AccessError):
            env["educonnect.guardian"].browse(self.parent.id).read(["name"])

    def test_guardian_sees_their_account_and_their_children(self):
        env = self.env(user=self.parent_user)
        self.assertEqual(env["educonnect.guardian"].search([]), self.parent)
        self.assertEqual(env["educonnect.student"].search([]),
                         self.lou | self.tom)
        self.assertEqual(env["educonnect.guardian.link"].search([]),
                         self.parent.link_ids)
        with self.assertRaises(AccessError):
            env["educonnect.student"].browse(self.other.id).read(["name"])
        with self.assertRaises(AccessError):
            env["educonnect.guardian"].browse(self.other_parent.id).read(["name"])
        self.assertEqual(sum(g["state_count"] for g in env[
            "educonnect.student"].read_group([], ["state"], ["state"])), 2)

    def test_portal_users_read_only_and_no_secret(self):
        for user, record in ((self.pupil_user, self.lou),
                             (self.parent_user, self.parent)):
            env = self.env(user=user)
            mine = env[record._name].browse(record.id)
            with self.assertRaises(AccessError):
                mine.write({"email": "pirate@example.fr"})
            with self.assertRaises(AccessError):
                mine.unlink()
            with self.assertRaises(AccessError):
                env[record._name].create({"last_name": "PIRATE",
                                          "company_id": self.college.id})
            for field in ("provisional_password", "provisional_password_crypt",
                          "activation_token_hash"):
                with self.assertRaises(AccessError):
                    mine.read([field])
                self.assertNotIn(field, env[record._name].fields_get())
            with self.assertRaises(AccessError):
                env[record._name].search([("provisional_password_crypt",
                                           "!=", False)])
        # The other pupil's provisional password is still there, unread.
        self.assertTrue(self.other.provisional_password)

    def test_portal_users_cannot_run_account_actions(self):
        env = self.env(user=self.parent_user)
        for method in ("_educonnect_notify", "_educonnect_reset_passwords",
                       "_educonnect_list_password"):
            with self.assertRaises(AccessError):
                getattr(env["educonnect.guardian"].browse(self.parent.id),
                        method)()

    def test_portal_partners_are_flagged_and_hidden_from_other_people(self):
        """A pupil's or guardian's partner is flagged when the account is
        activated and hidden from the staff and from other portal users;
        the partners of staff, and partners without users, are not; no
        client can clear the flag."""
        Partner = self.env["res.partner"]
        portal = self.pupil_user.partner_id | self.parent_user.partner_id
        self.assertEqual(portal.mapped("educonnect_portal_only"), [True, True])
        plain = Partner.create({"name": "Fournisseur de cantine"})
        self.assertFalse(plain.educonnect_portal_only)
        self.assertFalse(self.env.user.partner_id.educonnect_portal_only)
        for user in (self.director, self.agent, self.parent_user):
            env = self.env(user=user)
            seen = env["res.partner"].search([("id", "in", (portal | plain).ids)])
            # (a portal user sees no other partner than its own anyway)
            expected = user.partner_id & portal if user.share else plain
            self.assertEqual(seen, expected.with_env(env), user.login)
        env = self.env(user=self.pupil_user)
        self.assertEqual(env["res.partner"].browse(
            self.pupil_user.partner_id.id).read(["name"])[0]["name"],
            self.lou.name)
        # Clearing the flag, even with every right, changes nothing.
        self.pupil_user.partner_id.sudo().write({"educonnect_portal_only": False})
        self.assertTrue(self.pupil_user.partner_id.educonnect_portal_only)
        with self.assertRaises(AccessError):
            self.env["res.partner"].sudo(self.director).browse(
                self.parent_user.partner_id.id).read(["name"])
        # An internal user of the same partner shows it again, as before
        # the flag (the rule followed the users).
        self.parent_user.sudo().write({"groups_id": [
            (6, 0, [self.env.ref("base.group_user").id])]})
        self.assertFalse(self.parent_user.partner_id.educonnect_portal_only)
