"""The chosen-password rule (at least 12 characters, at most 256, not the
login) holds on every path that sets the password of a pupil or a guardian,
each tried from outside as the one who takes it: the letter's first sign-in
and the activation link (HTTP), the reset by signup token (HTTP), the web
client's « Changer le mot de passe » (JSON-RPC), ``change_password`` and a
``write`` of the password by the administrator (XML-RPC); and when staff
choose their own password (XML-RPC, signup token). The administrator may
still give staff a first password (the demo's « educonnect »). Each refusal
says why, in French.
"""
import re
import xmlrpc.client

import requests

from odoo.exceptions import UserError

from .committed import committed_env
from .signin_common import CHOSEN, SigninCase

STAFF_LOGIN = "signintest.personnel"
TOO_SHORT = "Votre mot de passe doit comporter au moins 12 caractères."
TOO_LONG = "Votre mot de passe doit comporter au plus 256 caractères."
THE_LOGIN = "Votre mot de passe ne peut pas être votre identifiant."


class TestChosenPasswordRule(SigninCase):

    def execute(self, login, password, model, method, *args):
        uid = self.xmlrpc_login(login, password)
        self.assertTrue(uid, login)
        models = xmlrpc.client.ServerProxy(self.base_url + "/xmlrpc/2/object")
        # In French, as the web client asks for a French-speaking user.
        return models.execute_kw(self.db(), uid, password, model, method,
                                 list(args), {"context": {"lang": "fr_FR"}})

    def refused(self, login, password, model, method, *args):
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            self.execute(login, password, model, method, *args)
        return raised.exception.faultString

    def test_pupil_cannot_choose_a_short_password_or_the_login_over_rpc(self):
        _id, login, _s = self.activated_pupil("Règle")
        for new, message in (("a", TOO_SHORT), ("onze caract", TOO_SHORT),
                             (login, THE_LOGIN), (login.upper(), THE_LOGIN),
                             ("x" * 257, TOO_LONG)):
            fault = self.refused(login, CHOSEN, "res.users", "change_password",
                                 CHOSEN, new)
            self.assertIn(message, fault)
            self.assertTrue(self.xmlrpc_login(login, CHOSEN), new)
        self.assertFalse(self.xmlrpc_login(login, "a"))
        longest = "é" * 256
        self.assertTrue(self.execute(login, CHOSEN, "res.users", "change_password",
                                     CHOSEN, longest))
        self.assertTrue(self.xmlrpc_login(login, longest))

    def test_web_client_password_change_shows_the_rule(self):
        _id, login, session = self.activated_pupil("Client")
        answer = self.json_rpc(session, "/web/session/change_password", {"fields": [
            {"name": "old_pwd", "value": CHOSEN},
            {"name": "new_password", "value": "court"},
            {"name": "confirm_pwd", "value": "court"}]})
        self.assertIn(TOO_SHORT, answer["result"]["error"])
        self.assertTrue(self.xmlrpc_login(login, CHOSEN))
        self.assertFalse(self.xmlrpc_login(login, "court"))

    def test_administrator_cannot_give_a_pupil_a_weak_password(self):
        pupil_id, login, _s = self.activated_pupil("Admin")
        with committed_env() as env:
            user_id = env["educonnect.student"].browse(pupil_id).user_id.id
        for new, message in (("court", TOO_SHORT), (login, THE_LOGIN)):
            fault = self.refused("admin", "admin", "res.users", "write", [user_id],
                                 {"password": new})
            self.assertIn(message, fault)
        self.assertTrue(self.xmlrpc_login(login, CHOSEN))

    def test_staff_choose_their_own_password_by_the_rule(self):
        self.execute("admin", "admin", "res.users", "create", {
            "name": "Personnel signintest", "login": STAFF_LOGIN,
            "password": "educonnect"})
        try:
            # A first password given by the administrator, as the demo does.
            self.assertTrue(self.xmlrpc_login(STAFF_LOGIN, "educonnect"))
            fault = self.refused(STAFF_LOGIN, "educonnect", "res.users",
                                 "change_password", "educonnect", "court")
            self.assertIn(TOO_SHORT, fault)
            fault = self.refused(STAFF_LOGIN, "educonnect", "res.users",
                                 "change_password", "educonnect", STAFF_LOGIN)
            self.assertIn(THE_LOGIN, fault)
            self.assertTrue(self.xmlrpc_login(STAFF_LOGIN, "educonnect"))
            self.assertTrue(self.execute(STAFF_LOGIN, "educonnect", "res.users",
                                         "change_password", "educonnect", CHOSEN))
            self.assertTrue(self.xmlrpc_login(STAFF_LOGIN, CHOSEN))
        finally:
            with committed_env() as env:
                users = env["res.users"].with_context(active_test=False).search(
                    [("login", "=", STAFF_LOGIN)])
                partners = users.mapped("partner_id")
                users.unlink()
                partners.unlink()

    def test_set_password_of_a_portal_user_obeys_the_rule(self):
        pupil_id, login, _s = self.activated_pupil("Serveur")
        with committed_env() as env:
            user = env["educonnect.student"].browse(pupil_id).user_id
            for new in ("court", login):
                with self.assertRaises(UserError):
                    user._set_password(new)
        self.assertTrue(self.xmlrpc_login(login, CHOSEN))

    def test_a_refused_password_is_not_stored_even_if_the_refusal_is_caught(self):
        """Odoo stores a new password in clear before hashing it: the rule
        refuses it before anything is written, so a caller that shows the
        error and commits (as auth_signup's reset page does) leaves the old
        password alone."""
        pupil_id, login, _s = self.activated_pupil("Clair")
        with committed_env() as env:
            user = env["educonnect.student"].browse(pupil_id).user_id
            with self.assertRaises(UserError):
                user.write({"password": "court"})
        self.assertFalse(self.xmlrpc_login(login, "court"))
        self.assertTrue(self.xmlrpc_login(login, CHOSEN))

    # -- the activation link ------------------------------------------------
    def test_activation_link_obeys_the_rule(self):
        guardian_id, login, _p = self.make_guardian("Lien", "Enfant-Lien-Règle")
        with committed_env() as env:
            token = env["educonnect.guardian"].browse(
                guardian_id)._educonnect_new_activation_tokens()[guardian_id]
        session = requests.Session()
        url = self.base_url + "/educonnect/activation"
        for new, message in (("court", TOO_SHORT), (login, THE_LOGIN),
                             (CHOSEN + "x", "Les deux mots de passe sont différents.")):
            page = session.get(url, params={"token": token}, timeout=30)
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            refused = session.post(url, data={
                "csrf_token": csrf, "token": token, "password": new,
                "confirm": new if new != CHOSEN + "x" else CHOSEN},
                allow_redirects=False, timeout=30)
            self.assertEqual(refused.status_code, 200, new)
            self.assertIn(message, refused.text)
            self.assertEqual(self.account("educonnect.guardian", guardian_id)["state"],
                             "notified", new)
        page = session.get(url, params={"token": token}, timeout=30)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        done = session.post(url, data={"csrf_token": csrf, "token": token,
                                       "password": CHOSEN, "confirm": CHOSEN},
                            allow_redirects=False, timeout=30)
        self.assertEqual(done.status_code, 303, done.text[-1500:])
        self.assertTrue(self.xmlrpc_login(login, CHOSEN))

    # -- the reset by signup token (auth_signup's /web/reset_password) ---------
    def signup_token(self, user_id):
        with committed_env() as env:
            partner = env["res.users"].browse(user_id).partner_id
            partner.signup_prepare(signup_type="reset")
            return partner.signup_token

    def reset_by_token(self, token, password):
        """auth_signup's reset page, in a French browser, with ``password``
        chosen: the answer."""
        session = requests.Session()
        session.headers["Accept-Language"] = "fr-FR,fr;q=0.9"
        url = self.base_url + "/web/reset_password"
        page = session.get(url, params={"token": token}, timeout=30)
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return session.post(url, data={
            "csrf_token": csrf, "token": token, "password": password,
            "confirm_password": password}, allow_redirects=False, timeout=30)

    def test_reset_by_signup_token_obeys_the_rule_for_a_pupil(self):
        pupil_id, login, _s = self.activated_pupil("Jeton")
        with committed_env() as env:
            user_id = env["educonnect.student"].browse(pupil_id).user_id.id
        token = self.signup_token(user_id)
        for new, message in (("court", TOO_SHORT), (login, THE_LOGIN)):
            refused = self.reset_by_token(token, new)
            self.assertIn(message, refused.text)
            self.assertFalse(self.xmlrpc_login(login, new))
        self.assertTrue(self.xmlrpc_login(login, CHOSEN))
        other = "un autre mot de passe bien long"
        self.reset_by_token(token, other)
        self.assertTrue(self.xmlrpc_login(login, other), "a valid one is taken")

    def test_reset_by_signup_token_obeys_the_rule_for_staff(self):
        """Staff choosing their own password by the token of a reset or
        invitation e-mail: the rule of their own passwords."""
        user_id = self.execute("admin", "admin", "res.users", "create", {
            "name": "Personnel jeton signintest", "login": STAFF_LOGIN,
            "password": "educonnect"})
        try:
            token = self.signup_token(user_id)
            for new, message in (("court", TOO_SHORT), (STAFF_LOGIN, THE_LOGIN)):
                refused = self.reset_by_token(token, new)
                self.assertIn(message, refused.text)
                self.assertFalse(self.xmlrpc_login(STAFF_LOGIN, new))
            self.assertTrue(self.xmlrpc_login(STAFF_LOGIN, "educonnect"))
            self.reset_by_token(token, CHOSEN)
            self.assertTrue(self.xmlrpc_login(STAFF_LOGIN, CHOSEN))
        finally:
            with committed_env() as env:
                users = env["res.users"].with_context(active_test=False).search(
                    [("login", "=", STAFF_LOGIN)])
                partners = users.mapped("partner_id")
                users.unlink()
                partners.unlink()
