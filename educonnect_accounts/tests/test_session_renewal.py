"""P19 — sessions renewed at sign-in: whoever knew (or planted) the
session id a browser had before signing in gets nothing from it. The id
changes at every successful sign-in (Odoo's login page and JSON-RPC, the
letter's first sign-in, the activation link, self-registration, recovery)
and the old session is deleted."""
import os
import re

import requests

from odoo.tools import config

from .committed import committed_env
from .signin_common import CHOSEN, SigninCase


class TestSessionRenewal(SigninCase):

    def assert_renewed(self, session, old_sids):
        new = self.session_id(session)
        self.assertTrue(new)
        for old in old_sids:
            self.assertNotEqual(new, old)
            self.assertFalse(os.path.exists(os.path.join(
                config.session_dir, "werkzeug_%s.sess" % old)),
                "the old session is deleted")
            planted = requests.Session()
            planted.cookies.set("session_id", old)
            self.assert_not_signed_in(planted)
        self.assert_signed_in_portal(session)

    def started_session(self, path="/web/login"):
        session = requests.Session()
        session.get(self.base_url + path, timeout=30)
        self.assertTrue(self.session_id(session))
        return session

    def test_login_page_renews_the_session(self):
        _id, login, _s = self.activated_pupil("Session")
        session = self.started_session()
        before = self.session_id(session)
        _s, response = self.web_login(login, CHOSEN, session=session)
        self.assert_login_ok(response)
        self.assert_renewed(session, [before])

    def test_json_rpc_sign_in_renews_the_session(self):
        _id, login, _s = self.activated_pupil("Json")
        session = self.started_session()
        before = self.session_id(session)
        answer = self.json_rpc(session, "/web/session/authenticate", {
            "db": self.db(), "login": login, "password": CHOSEN})
        self.assertTrue(answer["result"]["uid"])
        self.assertEqual(answer["result"]["session_id"], self.session_id(session))
        self.assert_renewed(session, [before])

    def test_first_sign_in_with_the_letter_renews_the_session(self):
        _id, login, provisional = self.make_pupil("Lettre")
        session = self.started_session()
        before = self.session_id(session)
        self.web_login(login, provisional, session=session)
        letter = self.session_id(session)
        self.assertNotEqual(letter, before, "the letter opens a new session")
        done = self.post(session, "/educonnect/first-login", "/educonnect/first-login",
                         password=CHOSEN, confirm=CHOSEN)
        self.assertEqual(done.status_code, 303)
        self.assert_renewed(session, [before, letter])

    def test_activation_link_renews_the_session(self):
        guardian_id, _login, _p = self.make_guardian("Lien", "Enfant-Lien")
        with committed_env() as env:
            token = env["educonnect.guardian"].browse(
                guardian_id)._educonnect_new_activation_tokens()[guardian_id]
        session = self.started_session("/educonnect/activation?token=" + token)
        before = self.session_id(session)
        page = session.get(self.base_url + "/educonnect/activation",
                           params={"token": token}, timeout=30)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        done = session.post(self.base_url + "/educonnect/activation", data={
            "csrf_token": csrf, "token": token, "password": CHOSEN,
            "confirm": CHOSEN}, allow_redirects=False, timeout=30)
        self.assertEqual(done.status_code, 303, done.text[-1500:])
        self.assert_renewed(session, [before])

    def test_self_registration_renews_the_session(self):
        address = "renouvellement.signintest@example.fr"
        self.make_guardian("Renée", "Enfant-Renée", birth_date="2012-09-10",
                           notify=False, email=address)
        session = self.started_session("/educonnect/self-registration")
        page = self.post(session, "/educonnect/self-registration",
                         "/educonnect/self-registration", last_name="SIGNINTEST",
                         first_name="Renée", child_last_name="SIGNINTESTENFANT",
                         child_first_name="Enfant-Renée",
                         child_birth_date="2012-09-10", contact=address)
        before = self.session_id(session)
        self.send_mail_queue()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        done = self.post(session, "/educonnect/self-registration/code", None,
                         csrf_token=csrf, code=self.code_mailed_to(address),
                         password=CHOSEN, confirm=CHOSEN)
        self.assertIn("Votre compte EduConnect est activé", done.text)
        self.assert_renewed(session, [before])

    def test_recovery_renews_the_session(self):
        pupil_id, login, _s = self.activated_pupil("Oubli")
        address = "oubli.signintest@example.fr"
        with committed_env() as env:
            env["educonnect.student"].browse(pupil_id).write(
                {"email": address, "email_confirmed": True})
        session = self.started_session("/educonnect/forgot-password")
        page = self.post(session, "/educonnect/forgot-password",
                         "/educonnect/forgot-password", login=login)
        before = self.session_id(session)
        self.send_mail_queue()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        new = "un tout nouveau mot de passe"
        done = self.post(session, "/educonnect/forgot-password/code", None,
                         csrf_token=csrf, code=self.code_mailed_to(address),
                         password=new, confirm=new)
        self.assertEqual(done.status_code, 303, done.text[-1500:])
        self.assert_renewed(session, [before])
