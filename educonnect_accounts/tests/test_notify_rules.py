from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import AccountActionCase, pdf_pages


class TestNotifyRules(AccountActionCase):
    """Section 3.2 (pupils) and 4.2 (guardians) of the guide."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mila = cls.make_student("ADAM019", "Mila", cls.c62)
        cls.bernard = cls.make_student("ADAMS019", "Bernard", cls.c53)
        cls.ella = cls.make_student("ADAMS019", "Ella", cls.c53)

    def crypt(self, account):
        self.env.cr.execute("SELECT provisional_password_crypt FROM %s WHERE id = %%s"
                            % account._table, [account.id])
        return self.env.cr.fetchone()[0]

    def test_notify_not_notified_gets_a_provisional_password_and_is_notified(self):
        today = fields.Date.from_string(fields.Date.context_today(self.mila))
        printed = (self.mila | self.bernard).sudo(self.agent)._educonnect_notify()
        for pupil in self.mila | self.bernard:
            self.assertEqual(pupil.state, "notified")
            self.assertEqual(pupil.origin, "school")
            self.assertEqual(fields.Date.from_string(pupil.notification_date), today)
            self.assertEqual(fields.Date.from_string(pupil.letter_expiry_date),
                             today + relativedelta(months=3))
            self.assertEqual(len(printed[pupil.id]), 13)
            self.assertEqual(pupil.provisional_password, printed[pupil.id])
        self.assertNotEqual(printed[self.mila.id], printed[self.bernard.id])

    def test_notify_gives_an_identifiant_to_accounts_without_one(self):
        pupil = self.env["educonnect.student"].with_context(
            educonnect_defer_logins=True).create(
                {"last_name": "SANSLOGIN", "first_name": "Inès",
                 "company_id": self.college.id})
        self.assertFalse(pupil.login)
        pupil._educonnect_notify()
        self.assertEqual(pupil.login, "i.sanslogin")

    def test_notify_notified_account_keeps_its_provisional_password(self):
        first = self.mila._educonnect_notify()[self.mila.id]
        stored = self.crypt(self.mila)
        again = self.mila._educonnect_notify()[self.mila.id]
        self.assertEqual(again, first)
        self.assertEqual(self.crypt(self.mila), stored)
        self.assertEqual(self.mila.state, "notified")

    def test_notify_activation_in_progress_keeps_password_and_is_notified(self):
        first = self.ella._educonnect_notify()[self.ella.id]
        self.ella.write({"state": "activating"})
        again = self.ella._educonnect_notify()[self.ella.id]
        self.assertEqual((again, self.ella.state), (first, "notified"))

    def test_notify_activated_account_keeps_chosen_password_and_state(self):
        self.bernard._educonnect_notify()
        user = self.activate(self.bernard, "ma phrase de passe à moi")
        printed = self.bernard._educonnect_notify()
        self.assertFalse(printed[self.bernard.id])
        self.assertEqual(self.bernard.state, "activated")
        self.assertTrue(self.credentials_ok(user, "ma phrase de passe à moi"))
        self.assertFalse(self.crypt(self.bernard))

    def test_notify_with_reset_gives_a_new_password_to_every_account(self):
        before = self.mila._educonnect_notify()[self.mila.id]
        self.bernard._educonnect_notify()
        user = self.activate(self.bernard, "ma phrase de passe à moi")
        printed = (self.mila | self.bernard)._educonnect_notify(reset=True)
        self.assertNotEqual(printed[self.mila.id], before)
        self.assertEqual(self.bernard.state, "notified")
        self.assertEqual(self.bernard.provisional_password, printed[self.bernard.id])
        self.assertFalse(self.credentials_ok(user, "ma phrase de passe à moi"))

    def test_notify_creates_no_user_and_hashes_no_password(self):
        users = self.env["res.users"].with_context(active_test=False).search_count([])
        pupils = self.env["educonnect.student"]
        for i in range(30):
            pupils |= self.make_student("MASSE%d" % i, "Léo", self.c61)
        pupils._educonnect_notify()
        self.assertEqual(
            self.env["res.users"].with_context(active_test=False).search_count([]),
            users)
        self.assertFalse(pupils.mapped("user_id"))
        self.assertEqual(len(pupils), 30)
        for pupil in pupils:
            self.assertTrue(self.crypt(pupil).startswith("gAAAA"), pupil.name)

    def test_the_staff_member_is_the_last_writer_of_the_accounts_they_act_on(self):
        """« Dernière mise à jour par »: who notified or reset the account,
        not the system that writes its protected fields."""
        wizard = self.wizard("educonnect.notify.wizard", self.mila | self.bernard)
        wizard.action_next()
        wizard.action_confirm()
        (self.mila | self.bernard).invalidate_cache()
        self.assertEqual((self.mila.state, self.bernard.state),
                         ("notified", "notified"))
        self.assertEqual((self.mila | self.bernard).mapped("write_uid"),
                         self.agent)
        reset = self.wizard("educonnect.reset.wizard", self.ella,
                            user=self.troubleshooter)
        reset.action_confirm()
        self.ella.invalidate_cache()
        self.assertEqual(self.ella.state, "notified")
        self.assertEqual(self.ella.write_uid, self.troubleshooter)

    def test_notify_refused_to_troubleshooting_agents(self):
        with self.assertRaises(AccessError):
            self.mila.sudo(self.troubleshooter)._educonnect_notify()
        self.assertEqual(self.mila.state, "not_notified")


class TestNotifyWizard(AccountActionCase):
    """The steps of 3.2: selection, type, reset option, confirmation, result
    with « Télécharger le courrier au format PDF »."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pupils = cls.env["educonnect.student"]
        for last, first in [("ADAM019", "Mila"), ("ADAMS019", "Bernard"),
                            ("ADAMS019", "Ella"), ("N'GUESSAN-MÜLLER", "Zoé")]:
            cls.pupils |= cls.make_student(last, first, cls.c53)

    def test_notify_wizard_steps_and_result(self):
        wizard = self.wizard("educonnect.notify.wizard", self.pupils)
        self.assertEqual((wizard.population, wizard.step, wizard.account_count,
                          wizard.not_notified_count), ("student", "options", 4, 4))
        wizard.action_next()
        self.assertEqual(wizard.step, "confirm")
        wizard.action_confirm()
        self.assertEqual(wizard.step, "done")
        # In the staff member's language, as the guide words it.
        self.assertEqual(wizard.result_message,
                         "La distribution a été effectuée avec succès pour "
                         "le(s) compte(s) sélectionné(s).")
        self.assertEqual(wizard.letter_count, 4)
        action = wizard.action_download()
        self.assertEqual(action["url"],
                         "/web/content/%d?download=true" % wizard.attachment_id.id)
        self.assertEqual(set(self.pupils.mapped("state")), {"notified"})

    def test_notify_letters_one_page_per_account_with_login_and_password(self):
        wizard = self.wizard("educonnect.notify.wizard", self.pupils)
        wizard.action_confirm()
        pages = pdf_pages(self.attachment_content(wizard))
        self.assertEqual(len(pages), len(self.pupils))
        for pupil, page in zip(self.pupils, pages):
            self.assertIn(pupil.login, page)
            self.assertIn(pupil.provisional_password, page)
            self.assertIn("Collège Test Pasteur", page)
            self.assertIn("0750680G", page)
            self.assertIn("5 3", page)
            self.assertIn("Votre compte EduConnect", page)
            self.assertIn(fields.Date.from_string(pupil.letter_expiry_date)
                          .strftime("%d/%m/%Y"), page)
        self.assertIn("Zoé", pages[3])

    def test_notify_letters_of_activated_accounts_recall_the_login_only(self):
        self.pupils[0]._educonnect_notify()
        self.activate(self.pupils[0])
        wizard = self.wizard("educonnect.notify.wizard", self.pupils[0])
        wizard.action_confirm()
        page = pdf_pages(self.attachment_content(wizard))[0]
        self.assertIn(self.pupils[0].login, page)
        self.assertNotIn("Mot de passe provisoire", page)
        self.assertEqual(self.pupils[0].state, "activated")

    def test_notify_wizard_warns_and_leaves_out_sensitive_accounts(self):
        activated, franceconnect = self.pupils[0], self.pupils[1]
        activated.write({"state": "activated", "origin": "school"})
        franceconnect.write({"origin": "franceconnect"})
        wizard = self.wizard("educonnect.notify.wizard", self.pupils,
                             leave_out_sensitive=True)
        self.assertEqual(wizard.sensitive_count, 2)
        wizard.action_confirm()
        self.assertEqual((wizard.left_out_count, wizard.letter_count), (2, 2))
        self.assertEqual(franceconnect.state, "not_notified")
        self.assertEqual(len(pdf_pages(self.attachment_content(wizard))), 2)

    def test_notify_whole_search_at_once(self):
        wizard = self.env["educonnect.notify.wizard"].sudo(self.agent).with_context(
            active_model="educonnect.student", active_ids=self.pupils[:1].ids,
            active_domain=[("class_id", "=", self.c53.id)]).create(
                {"scope": "search"})
        self.assertEqual((wizard.selected_count, wizard.search_count), (1, 4))
        wizard.action_confirm()
        self.assertEqual(set(self.pupils.mapped("state")), {"notified"})

    def test_pupils_are_not_notified_by_email(self):
        wizard = self.wizard("educonnect.notify.wizard", self.pupils,
                             notification_type="email")
        with self.assertRaises(UserError):
            wizard.action_next()

    def test_notify_wizard_only_from_the_lists(self):
        with self.assertRaises(UserError):
            self.env["educonnect.notify.wizard"].with_context(
                active_model="res.partner", active_ids=[1]).create({})
