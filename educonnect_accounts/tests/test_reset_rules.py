from odoo.exceptions import AccessError

from .common import AccountActionCase


class TestResetRules(AccountActionCase):
    """Sections 3.4 and 4.4: « Modifier les comptes »."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_guide_pupils()
        (cls.mila | cls.noemie)._educonnect_notify()

    def test_reset_gives_a_new_provisional_password(self):
        before = self.mila.provisional_password
        printed = self.mila._educonnect_reset_passwords()
        self.assertNotEqual(printed[self.mila.id], before)
        self.assertEqual(self.mila.provisional_password, printed[self.mila.id])
        self.assertEqual(self.mila.state, "notified")

    def test_reset_of_a_not_notified_account_notifies_it(self):
        self.bernard._educonnect_reset_passwords()
        self.assertEqual(self.bernard.state, "notified")
        self.assertTrue(self.bernard.notification_date)
        self.assertEqual(self.bernard.origin, "school")
        self.assertEqual(len(self.bernard.provisional_password), 13)

    def test_reset_of_an_activated_account_stops_its_password_at_once(self):
        user = self.activate(self.noemie, "mon mot de passe choisi")
        token_before = user._compute_session_token("sid")
        self.assertTrue(self.credentials_ok(user, "mon mot de passe choisi"))
        self.noemie._educonnect_reset_passwords()
        self.assertEqual(self.noemie.state, "notified")
        self.assertFalse(self.credentials_ok(user, "mon mot de passe choisi"))
        user.invalidate_cache()
        self.assertNotEqual(user._compute_session_token("sid"), token_before,
                            "open sessions must end")
        # Activating again with the new provisional password works.
        self.activate(self.noemie, "un autre mot de passe")
        self.assertEqual(self.noemie.state, "activated")
        self.assertTrue(self.credentials_ok(user, "un autre mot de passe"))

    def test_reset_wizard_warns_about_activated_accounts_and_confirms(self):
        self.activate(self.noemie)
        wizard = self.wizard("educonnect.reset.wizard", self.mila | self.noemie)
        self.assertEqual((wizard.step, wizard.activated_count), ("confirm", 1))
        wizard.action_confirm()
        self.assertEqual(wizard.step, "done")
        self.assertEqual(
            wizard.with_context(lang="fr_FR").result_message,
            "Le mot de passe a bien été réinitialisé pour les élève(s) "
            "sélectionné(s).")

    def test_reset_wizard_message_for_guardians(self):
        guardian = self.make_guardian("ADAM019", "Sophie", self.mila)
        links = guardian.link_ids
        wizard = self.env["educonnect.reset.wizard"].sudo(self.agent).with_context(
            active_model=links._name, active_ids=links.ids, lang="fr_FR").create({})
        wizard.action_confirm()
        self.assertEqual(wizard.result_message,
                         "Le mot de passe a bien été réinitialisé pour les "
                         "responsable(s) sélectionné(s).")
        self.assertEqual(guardian.state, "notified")

    def test_reset_then_hand_out_the_new_credentials(self):
        wizard = self.wizard("educonnect.reset.wizard", self.mila | self.bernard)
        wizard.action_confirm()
        action = wizard.action_list()
        self.assertEqual(action["res_model"], "educonnect.list.wizard")
        self.assertEqual(sorted(action["context"]["active_ids"]),
                         sorted((self.mila | self.bernard).ids))

    def test_reset_requires_an_educonnect_role(self):
        user = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Secrétaire", "login": "test.secretaire",
            "company_id": self.college.id,
            "company_ids": [(6, 0, [self.college.id])]})
        with self.assertRaises(AccessError):
            self.mila.sudo(user)._educonnect_reset_passwords()
