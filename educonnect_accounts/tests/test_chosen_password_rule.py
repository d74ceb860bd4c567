"""P4 — the chosen-password rule (at least 12 characters, at most 256, not
the login) holds on every path that sets the password of a pupil or a
guardian, Odoo's own included (``change_password``, the web client's
« Changer le mot de passe », a write by the administrator), and when staff
change their own password; the administrator may still give staff a first
password (the demo's « educonnect »)."""
import xmlrpc.client

from odoo.exceptions import UserError

from .committed import committed_env
from .signin_common import CHOSEN, SigninCase

STAFF_LOGIN = "signintest.personnel"


class TestChosenPasswordRule(SigninCase):

    def execute(self, login, password, model, method, *args):
        uid = self.xmlrpc_login(login, password)
        self.assertTrue(uid, login)
        models = xmlrpc.client.ServerProxy(self.base_url + "/xmlrpc/2/object")
        return models.execute_kw(self.db(), uid, password, model, method, list(args))

    def refused(self, login, password, model, method, *args):
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            self.execute(login, password, model, method, *args)
        return raised.exception.faultString

    def test_pupil_cannot_choose_a_short_password_or_the_login_over_rpc(self):
        _id, login, _s = self.activated_pupil("Règle")
        for new in ("a", "onze caract", login, login.upper(), "x" * 257):
            self.refused(login, CHOSEN, "res.users", "change_password", CHOSEN, new)
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
        self.assertIn("au moins 12 caractères", answer["result"]["error"])
        self.assertTrue(self.xmlrpc_login(login, CHOSEN))
        self.assertFalse(self.xmlrpc_login(login, "court"))

    def test_administrator_cannot_give_a_pupil_a_weak_password(self):
        pupil_id, login, _s = self.activated_pupil("Admin")
        with committed_env() as env:
            user_id = env["educonnect.student"].browse(pupil_id).user_id.id
        for new in ("court", login):
            self.refused("admin", "admin", "res.users", "write", [user_id],
                         {"password": new})
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
            self.assertIn("12", fault)
            self.refused(STAFF_LOGIN, "educonnect", "res.users", "change_password",
                         "educonnect", STAFF_LOGIN)
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
