"""Issue 18 — the holder's way back when something goes wrong: a locked
identifiant is told for how long (the same answer whether or not it
exists), a code can be sent again after the wait shown (a new code under
the same limits, the previous one dead), and a guardian activating with the
letter can change the address before the code is confirmed. Against a
served Odoo, with the codes caught on a loopback SMTP server."""
import re

import requests

from .committed import committed_env
from .signin_common import CHOSEN, SigninCase

LOCKED = "bloquée pendant encore"
WRONG = "Identifiant ou mot de passe incorrect"


def token_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


class TestLockMessage(SigninCase):

    def setUp(self):
        with committed_env() as env:
            env.cr.execute("DELETE FROM educonnect_auth_throttle")

    def test_a_locked_identifiant_is_told_for_how_long_known_or_not(self):
        _id, login, _session = self.activated_pupil("Verrou")
        unknown = "personne.inexistante"
        answers = {}
        for typed in (login, unknown):
            for n in range(9):
                _s, page = self.web_login(typed, "mauvais mot de passe %d" % n)
                self.assertIn(WRONG, page.text)
                self.assertNotIn(LOCKED, page.text)
            _s, tenth = self.web_login(typed, "mauvais mot de passe 10")
            _s, right = self.web_login(typed, CHOSEN)
            answers[typed] = (tenth, right)
        for tenth, right in answers.values():
            for page in (tenth, right):
                self.assertIn(LOCKED + " 1 minute(s)", page.text)
                self.assertIn("demandez à votre établissement", page.text)
                self.assertIn('role="alert"', page.text)
        self.assertEqual(self.normalised(answers[login][1], login),
                         self.normalised(answers[unknown][1], unknown),
                         "known or not, the same answer")
        self.assertFalse(self.xmlrpc_login(login, CHOSEN), "still locked")


class TestResendAndChangeAddress(SigninCase):

    PARAMS = dict(SigninCase.PARAMS, **{"educonnect.code_resend_seconds": "0"})

    def setUp(self):
        with committed_env() as env:
            env.cr.execute("DELETE FROM educonnect_auth_throttle")

    def mails_to(self, address):
        return len([m for _f, rcpt, m in self.smtp.messages if address in rcpt])

    def test_a_recovery_code_sent_again_replaces_the_first(self):
        pupil_id, login, _session = self.activated_pupil("Renvoi")
        address = "renvoi.signintest@example.fr"
        with committed_env() as env:
            env["educonnect.student"].browse(pupil_id).write(
                {"email": address, "email_confirmed": True})
        asker = requests.Session()
        page = self.post(asker, "/educonnect/forgot-password",
                         "/educonnect/forgot-password", login=login)
        self.assertIn("Renvoyer le code", page.text)
        self.send_mail_queue()
        first = self.code_mailed_to(address)
        again = self.post(asker, "/educonnect/forgot-password/resend", None,
                          csrf_token=token_of(page))
        self.assertIn("Un nouveau code a été envoyé", again.text)
        self.send_mail_queue()
        self.assertEqual(self.mails_to(address), 2)
        second = self.code_mailed_to(address)
        if first != second:
            dead = self.post(asker, "/educonnect/forgot-password/code", None,
                             csrf_token=token_of(again), code=first,
                             password="un autre mot de passe long",
                             confirm="un autre mot de passe long")
            self.assertIn("Le code est incorrect ou a expiré", dead.text)
        new = "mon nouveau mot de passe"
        done = self.post(asker, "/educonnect/forgot-password/code", None,
                         csrf_token=token_of(again), code=second, password=new,
                         confirm=new)
        self.assertEqual(done.status_code, 303, done.text[-1500:])
        self.assertTrue(self.xmlrpc_login(login, new))

    def test_an_unknown_identifiant_gets_the_same_resend_page(self):
        pages = []
        for login in ("inconnu.un", "inconnu.deux"):
            asker = requests.Session()
            page = self.post(asker, "/educonnect/forgot-password",
                             "/educonnect/forgot-password", login=login)
            again = self.post(asker, "/educonnect/forgot-password/resend", None,
                              csrf_token=token_of(page))
            self.assertEqual(again.status_code, 200)
            pages.append(self.normalised(again))
        self.assertEqual(pages[0], pages[1])

    def test_the_wait_before_a_new_code_is_shown_and_kept(self):
        with committed_env() as env:
            env["ir.config_parameter"].set_param(
                "educonnect.code_resend_seconds", "60")
        try:
            asker = requests.Session()
            page = self.post(asker, "/educonnect/forgot-password",
                             "/educonnect/forgot-password", login="inconnu.trois")
            self.assertIn("nouveau code dans 60 secondes", page.text)
            with committed_env() as env:
                before = env["educonnect.verification"].search_count([])
            early = self.post(asker, "/educonnect/forgot-password/resend", None,
                              csrf_token=token_of(page))
            self.assertRegex(early.text, r"Attendez \d+ secondes avant de "
                                         r"demander un nouveau code")
            with committed_env() as env:
                self.assertEqual(env["educonnect.verification"].search_count([]),
                                 before, "no new code before the wait")
        finally:
            with committed_env() as env:
                env["ir.config_parameter"].set_param(
                    "educonnect.code_resend_seconds", "0")

    def test_a_guardian_changes_the_address_before_the_code_then_activates(self):
        guardian_id, login, provisional = self.make_guardian("Adresse", "Enfant")
        wrong = "adresse.fausse.signintest@example.fr"
        right = "adresse.bonne.signintest@example.fr"
        session, _r = self.web_login(login, provisional)
        page = self.post(session, "/educonnect/first-login",
                         "/educonnect/first-login", email=wrong)
        self.assertIn("Changer d'adresse", page.text)
        back = session.get(self.base_url + "/educonnect/first-login/change-address",
                           timeout=30)
        self.assertIn('value="%s"' % wrong, back.text, "the address typed is kept")
        page = self.post(session, "/educonnect/first-login",
                         "/educonnect/first-login/change-address", email=right)
        # The job runner sends the code at once; then a new one is asked.
        self.send_mail_queue()
        again = self.post(session, "/educonnect/first-login/resend", None,
                          csrf_token=token_of(page))
        self.assertIn("Un nouveau code a été envoyé", again.text)
        self.send_mail_queue()
        self.assertEqual(self.mails_to(right), 2)
        code = self.code_mailed_to(right)
        done = self.post(session, "/educonnect/first-login/code", None,
                         csrf_token=token_of(again), code=code,
                         password=CHOSEN, confirm=CHOSEN)
        self.assertEqual(done.status_code, 303, done.text[-1500:])
        account = self.account("educonnect.guardian", guardian_id)
        self.assertEqual((account["state"], account["email"],
                          account["email_confirmed"]), ("activated", right, True))


class TestForgottenLogin(SigninCase):

    def setUp(self):
        with committed_env() as env:
            env.cr.execute("DELETE FROM educonnect_auth_throttle")

    def ask(self, contact):
        return self.post(requests.Session(), "/educonnect/forgot-login",
                         "/educonnect/forgot-login", contact=contact)

    def test_the_login_goes_to_the_confirmed_address_only(self):
        pupil_id, login, _session = self.activated_pupil("Oubli")
        address = "oubli.signintest@example.fr"
        with committed_env() as env:
            env["educonnect.student"].browse(pupil_id).write(
                {"email": address, "email_confirmed": True})
        known = self.ask(address.upper())
        unknown = self.ask("personne.signintest@example.fr")
        self.assertIn("son identifiant vient d'y être envoyé", known.text)
        self.assertEqual(self.normalised(known), self.normalised(unknown),
                         "the same page, known or not")
        self.send_mail_queue()
        self.assertIn(login, self.last_mail_to(address))
        self.assertFalse([m for _f, rcpt, m in self.smtp.messages
                          if "personne.signintest" in rcpt])
        # Not confirmed: nothing leaves (the page sends to the establishment).
        with committed_env() as env:
            env["educonnect.student"].browse(pupil_id).write(
                {"email_confirmed": False})
        before = len(self.smtp.messages)
        self.ask(address)
        self.send_mail_queue()
        self.assertEqual(len(self.smtp.messages), before)

    def test_a_guardian_gets_the_login_by_sms_on_the_confirmed_mobile(self):
        guardian_id, login, provisional = self.make_guardian(
            "Texto", "Enfant-Texto", mobile="06 98 76 54 32")
        session, _r = self.web_login(login, provisional)
        page = self.post(session, "/educonnect/first-login",
                         "/educonnect/first-login",
                         email="texto.signintest@example.fr")
        self.send_mail_queue()
        code = self.code_mailed_to("texto.signintest@example.fr")
        self.post(session, "/educonnect/first-login/code", None,
                  csrf_token=token_of(page), code=code, password=CHOSEN,
                  confirm=CHOSEN)
        with committed_env() as env:
            env["educonnect.guardian"].browse(guardian_id).write(
                {"mobile_confirmed": True})
        before = len(self.sms.messages)
        self.ask("+33 6 98 76 54 32")
        self.send_mail_queue()
        self.assertEqual(len(self.sms.messages), before + 1)
        self.assertIn(login, self.sms.messages[-1][1]["message"])


class TestMyContactDetails(SigninCase):

    def setUp(self):
        with committed_env() as env:
            env.cr.execute("DELETE FROM educonnect_auth_throttle")

    def test_only_what_educonnect_needs_each_change_with_the_password(self):
        pupil_id, login, session = self.activated_pupil("Coordonnees")
        page = session.get(self.base_url + "/my/account", timeout=30)
        self.assertEqual(page.status_code, 200)
        for odoo_field in ('name="company_name"', 'name="country_id"',
                           'name="street"', 'name="zipcode"', "Vos détails"):
            self.assertNotIn(odoo_field, page.text)
        self.assertIn("<title>Mes coordonnées – EduConnect</title>", page.text)
        address = "coordonnees.signintest@example.fr"
        refused = self.post(session, "/my/account", "/my/account", email=address,
                            current_password="pas le mot de passe")
        self.assertIn("Votre mot de passe actuel est incorrect", refused.text)
        self.assertFalse(self.account("educonnect.student", pupil_id)["email"])
        saved = self.post(session, "/my/account", "/my/account", email=address,
                          current_password=CHOSEN)
        self.assertIn("Un lien a été envoyé à %s" % address, saved.text)
        account = self.account("educonnect.student", pupil_id)
        self.assertEqual((account["email"], account["email_confirmed"]),
                         (address, False))
        self.send_mail_queue()
        link = re.search(r'href="([^"]*confirm-email\?token=[^"]+)"',
                         self.last_mail_to(address)).group(1)
        confirmed = requests.get(link.replace("&amp;", "&"), timeout=30)
        self.assertIn("Adresse électronique confirmée", confirmed.text)
        self.assertTrue(self.account("educonnect.student", pupil_id)["email_confirmed"])
        # A new password, and the session goes on.
        new = "encore un autre mot de passe"
        short = self.post(session, "/my/account", "/my/account", email=address,
                          current_password=CHOSEN, new_password="court",
                          confirm="court")
        self.assertIn("au moins 12 caractères", short.text)
        done = self.post(session, "/my/account", "/my/account", email=address,
                         current_password=CHOSEN, new_password=new, confirm=new)
        self.assertIn("Votre mot de passe est modifié", done.text)
        self.assert_signed_in_portal(session)
        self.assertTrue(self.xmlrpc_login(login, new))
        self.assertFalse(self.xmlrpc_login(login, CHOSEN))

    def test_a_guardian_confirms_a_new_mobile_with_the_sms_code(self):
        guardian_id, login, provisional = self.make_guardian("Portable", "Enfant-Portable")
        session, _r = self.web_login(login, provisional)
        address = "portable.signintest@example.fr"
        page = self.post(session, "/educonnect/first-login",
                         "/educonnect/first-login", email=address)
        self.send_mail_queue()
        self.post(session, "/educonnect/first-login/code", None,
                  csrf_token=token_of(page), code=self.code_mailed_to(address),
                  password=CHOSEN, confirm=CHOSEN)
        saved = self.post(session, "/my/account", "/my/account", email=address,
                          mobile="06 55 44 33 22", current_password=CHOSEN)
        self.assertIn("Un code a été envoyé par SMS", saved.text)
        with committed_env() as env:
            guardian = env["educonnect.guardian"].browse(guardian_id)
            self.assertEqual((guardian.mobile, guardian.mobile_confirmed),
                             ("06 55 44 33 22", False))
        self.send_mail_queue()
        _headers, sms = self.sms.messages[-1]
        self.assertEqual(sms["to"], "+33655443322")
        code = re.search(r"\b(\d{6})\b", sms["message"]).group(1)
        wrong = self.post(session, "/my/account/confirm-mobile", None,
                          csrf_token=token_of(saved),
                          code="000000" if code != "000000" else "111111")
        self.assertIn("Le code est incorrect ou a expiré", wrong.text)
        done = self.post(session, "/my/account/confirm-mobile", None,
                         csrf_token=token_of(wrong), code=code)
        self.assertIn("Votre numéro de téléphone portable est confirmé", done.text)
        with committed_env() as env:
            self.assertTrue(env["educonnect.guardian"].browse(guardian_id)
                            .mobile_confirmed)


class TestFrenchDate(SigninCase):

    def test_self_registration_takes_the_birth_date_in_french_order(self):
        address = "date.signintest@example.fr"
        self.make_guardian("Date", "Enfant-Date", birth_date="2012-03-04",
                           notify=False, email=address)
        page = self.post(requests.Session(), "/educonnect/self-registration",
                         "/educonnect/self-registration", last_name="SIGNINTEST",
                         first_name="Date", child_last_name="SIGNINTESTENFANT",
                         child_first_name="Enfant-Date",
                         child_birth_date="04/03/2012", contact=address)
        self.assertIn("un code vient d'être envoyé", page.text)
        self.send_mail_queue()
        self.assertTrue(self.code_mailed_to(address))
