"""Issue 5 — activation with the letter, on the platform's normal login
page, against a served Odoo: the forced first step, the gate, expiry, the
last connection date, the guardians' e-mail confirmation."""
import datetime
import re

import requests

from .committed import committed_env
from .signin_common import PREFIX, SigninCase

CHOSEN = "les vacances à Étretat 2026"


class TestLetterActivation(SigninCase):

    def activate_by_letter(self, first):
        """A pupil notified, then activated with the letter on the login
        page: (id, identifiant, provisional password, signed-in session)."""
        pupil_id, login, provisional = self.make_pupil(first)
        self.assertEqual(self.account("educonnect.student", pupil_id)["state"], "notified")
        session, response = self.web_login(login, provisional)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/educonnect/first-login"))
        done = self.post(session, "/educonnect/first-login", "/educonnect/first-login",
                         password=CHOSEN, confirm=CHOSEN)
        self.assertEqual(done.status_code, 303, done.text[-2000:])
        self.assertTrue(done.headers["Location"].endswith("/my"))
        return pupil_id, login, provisional, session

    def test_letter_credentials_lead_to_activation_then_portal(self):
        pupil_id, login, provisional = self.make_pupil("Lina")
        session, response = self.web_login(login, provisional)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/educonnect/first-login"))

        # The gate: nothing but the activation screens with those credentials.
        self.assert_not_signed_in(session)
        self.assertFalse(self.xmlrpc_login(login, provisional))
        rpc = requests.post(self.base_url + "/web/session/authenticate", json={
            "jsonrpc": "2.0", "method": "call", "params": {
                "db": self.db(), "login": login, "password": provisional}}, timeout=30)
        self.assertFalse((rpc.json().get("result") or {}).get("uid"))

        page = session.get(self.base_url + "/educonnect/first-login", timeout=30)
        self.assertIn("Activer votre compte EduConnect", page.text)
        self.assertIn(login, page.text)
        # P4: too short a password is refused and changes nothing.
        refused = self.post(session, "/educonnect/first-login",
                            "/educonnect/first-login", password="court", confirm="court")
        self.assertIn("au moins 12 caractères", refused.text)
        self.assertEqual(self.account("educonnect.student", pupil_id)["state"], "notified")
        done = self.post(session, "/educonnect/first-login", "/educonnect/first-login",
                         password=CHOSEN, confirm=CHOSEN)
        self.assertEqual(done.status_code, 303, done.text[-2000:])
        self.assertTrue(done.headers["Location"].endswith("/my"))
        self.assert_signed_in_portal(session)
        home = session.get(self.base_url + "/my", timeout=30).text
        self.assertIn("Mon compte EduConnect", home)
        self.assertIn(login, home)
        self.assertIn("Activé", home)
        # The portal's own sidebar is in French too.
        self.assertIn("Mes coordonnées", home)
        self.assertIn(">Modifier</a>", home)
        self.assertNotIn(">Change</a>", home)

        account = self.account("educonnect.student", pupil_id)
        self.assertEqual((account["state"], account["origin"]), ("activated", "school"))
        self.assertTrue(account["user_id"])
        self.assertTrue(account["last_login_date"])
        with committed_env() as env:
            pupil = env["educonnect.student"].browse(pupil_id)
            self.assertFalse(pupil.provisional_password_crypt)
            self.assertTrue(pupil.user_id.has_group("base.group_portal"))
        # A secret is never logged.
        self.assertFalse([l for l in self.log.lines if provisional in l or CHOSEN in l])

    def test_after_activation_the_chosen_password_signs_in_and_dates_it(self):
        pupil_id, login, provisional, _session = self.activate_by_letter("Lina-Date")
        with committed_env() as env:
            # The staff lists show the date of last connection: make it old,
            # sign in again, it is now.
            env.cr.execute("UPDATE educonnect_student SET last_login_date = "
                           "'2020-01-01 08:00:00' WHERE id = %s", [pupil_id])
        # The provisional password works no more; the chosen one does, on
        # every channel, and each sign-in updates the date.
        _session, old = self.web_login(login, provisional)
        self.assertEqual(old.status_code, 200)
        self.assertIn("Identifiant ou mot de passe incorrect", old.text)
        with committed_env() as env:
            logged = len(env["educonnect.student"].browse(pupil_id).user_id.log_ids)
        again, ok = self.web_login(login, CHOSEN)
        self.assert_login_ok(ok)
        self.assert_signed_in_portal(again)
        last = self.account("educonnect.student", pupil_id)["last_login_date"]
        today = datetime.datetime.utcnow().strftime("%Y-%m-%d")
        self.assertEqual(last[:10], today)
        # Odoo's own record of it too (the users' « Dernière connexion »):
        # one entry more, the pupil's, today.
        with committed_env() as env:
            user = env["educonnect.student"].browse(pupil_id).user_id
            self.assertEqual(len(user.log_ids), logged + 1)
            self.assertEqual((user.log_ids[0].create_uid, user.login_date[:10]),
                             (user, today))
        self.assertTrue(self.xmlrpc_login(login, CHOSEN))
        # What the staff list shows (3.1): « Activé », today's connection.
        with committed_env() as env:
            staff = env.ref("base.user_root")
            rows = env["educonnect.student"].sudo(staff).with_context(
                lang="fr_FR").search_read(
                    [("state", "=", "activated"), ("login", "=", login)],
                    ["state", "last_login_date"])
            self.assertEqual(len(rows), 1)
            labels = dict(env["educonnect.student"].with_context(
                lang="fr_FR").fields_get(["state"])["state"]["selection"])
            self.assertEqual(labels[rows[0]["state"]], "Activé")
            self.assertEqual(rows[0]["last_login_date"][:10], last[:10])
        # A secret is never logged.
        self.assertFalse([l for l in self.log.lines if provisional in l or CHOSEN in l])

    def db(self):
        with committed_env() as env:
            return env.cr.dbname

    def test_reset_ends_sessions_and_old_password_then_letter_works_again(self):
        pupil_id, login, provisional = self.make_pupil("Rayan")
        session, _r = self.web_login(login, provisional)
        self.post(session, "/educonnect/first-login", "/educonnect/first-login",
                  password=CHOSEN, confirm=CHOSEN)
        self.assert_signed_in_portal(session)
        with committed_env() as env:
            new = env["educonnect.student"].browse(pupil_id)._educonnect_reset_passwords()
            new_password = new[pupil_id] if isinstance(new, dict) else \
                env["educonnect.student"].browse(pupil_id).provisional_password
        self.assert_not_signed_in(session)
        self.assertFalse(self.xmlrpc_login(login, CHOSEN))
        self.assertEqual(self.account("educonnect.student", pupil_id)["state"], "notified")
        fresh, response = self.web_login(login, new_password)
        self.assertTrue(response.headers["Location"].endswith("/educonnect/first-login"))
        other = "un autre mot de passe choisi"
        self.post(fresh, "/educonnect/first-login", "/educonnect/first-login",
                  password=other, confirm=other)
        self.assert_signed_in_portal(fresh)
        self.assertTrue(self.xmlrpc_login(login, other))

    def test_expired_letter_is_refused_with_the_same_answer_as_a_wrong_password(self):
        pupil_id, login, provisional = self.make_pupil("Inès")
        with committed_env() as env:
            yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
            env["educonnect.student"].browse(pupil_id).write(
                {"letter_expiry_date": yesterday})
        _s, expired = self.web_login(login, provisional)
        _s, wrong = self.web_login(login, "pas le bon mot de passe")
        _s, unknown = self.web_login(PREFIX.lower() + ".inconnu", provisional)
        self.assertEqual({r.status_code for r in (expired, wrong, unknown)}, {200})
        self.assertIn("adressez-vous à votre établissement", expired.text)
        bodies = {self.normalised(r, login, PREFIX.lower() + ".inconnu")
                  for r in (expired, wrong, unknown)}
        self.assertEqual(len(bodies), 1)
        self.assertEqual(self.account("educonnect.student", pupil_id)["state"], "notified")

    def test_wildcards_in_the_identifiant_open_no_account(self):
        """« % » or « _ » typed as identifiant must not try the password
        against every account."""
        pupil_id, login, provisional = self.make_pupil("Joker")
        for typed in ("%", login[:2] + "%", login.replace(".", "_")):
            _s, response = self.web_login(typed, provisional)
            self.assertEqual(response.status_code, 200, typed)
            self.assertIn("Identifiant ou mot de passe incorrect", response.text)
        self.assertEqual(self.account("educonnect.student", pupil_id)["state"], "notified")

    def test_guardian_confirms_email_by_code_before_choosing_password(self):
        guardian_id, login, provisional = self.make_guardian("Nadia", "Yanis")
        session, response = self.web_login(login, provisional)
        self.assertTrue(response.headers["Location"].endswith("/educonnect/first-login"))
        start = session.get(self.base_url + "/educonnect/first-login", timeout=30)
        self.assertIn("Adresse électronique", start.text)
        address = "nadia.signintest@example.fr"
        sent = self.post(session, "/educonnect/first-login", "/educonnect/first-login",
                         email=address)
        self.assertIn("n***@example.fr", sent.text)
        self.assertEqual(self.account("educonnect.guardian", guardian_id)["state"],
                         "activating")
        self.send_mail_queue()
        text = self.last_mail_to(address)
        code = self.code_mailed_to(address)
        self.assertNotIn(provisional, text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', sent.text).group(1)
        wrong = "000000" if code != "000000" else "111111"
        bad = self.post(session, "/educonnect/first-login/code", None, csrf_token=token,
                        code=wrong, password=CHOSEN, confirm=CHOSEN)
        self.assertIn("Le code est incorrect ou a expiré", bad.text)
        self.assertEqual(self.account("educonnect.guardian", guardian_id)["state"],
                         "activating")
        done = self.post(session, "/educonnect/first-login/code", None,
                         csrf_token=token, code=code, password=CHOSEN, confirm=CHOSEN)
        self.assertEqual(done.status_code, 303, done.text[-2000:])
        self.assert_signed_in_portal(session)
        account = self.account("educonnect.guardian", guardian_id)
        self.assertEqual((account["state"], account["origin"], account["email"],
                          account["email_confirmed"]),
                         ("activated", "school", address, True))
        with committed_env() as env:
            self.assertFalse(env["mail.mail"].search([("email_to", "=", address)]),
                             "the mail holding the code is deleted once sent")
        self.assertFalse([l for l in self.log.lines if code in l or provisional in l])

    def test_pupil_email_is_confirmed_by_a_link(self):
        pupil_id, login, provisional = self.make_pupil("Eliott")
        session, _r = self.web_login(login, provisional)
        address = "eliott.signintest@example.fr"
        self.post(session, "/educonnect/first-login", "/educonnect/first-login",
                  password=CHOSEN, confirm=CHOSEN, email=address)
        account = self.account("educonnect.student", pupil_id)
        self.assertEqual((account["state"], account["email"], account["email_confirmed"]),
                         ("activated", address, False))
        self.send_mail_queue()
        link = re.search(r'href="([^"]+/educonnect/confirm-email\?token=[^"]+)"',
                         self.last_mail_to(address)).group(1)
        page = requests.get(link.replace("&amp;", "&"), timeout=30)
        self.assertIn("Adresse électronique confirmée", page.text, "\n".join(l for l in self.log.lines if "Traceback" in l))
        self.assertTrue(self.account("educonnect.student", pupil_id)["email_confirmed"])
        again = requests.get(link.replace("&amp;", "&"), timeout=30)
        self.assertIn("n'est plus valide", again.text)

    def test_no_secret_in_session_store(self):
        pupil_id, login, provisional = self.make_pupil("Sacha")
        session, _r = self.web_login(login, provisional)
        self.post(session, "/educonnect/first-login", "/educonnect/first-login",
                  password=CHOSEN, confirm=CHOSEN)
        from odoo.tools import config
        import os
        store = config.session_dir
        blobs = []
        for name in os.listdir(store):
            with open(os.path.join(store, name), "rb") as handle:
                blobs.append(handle.read())
        self.assertTrue(blobs)
        for blob in blobs:
            self.assertNotIn(provisional.encode(), blob)
            self.assertNotIn(CHOSEN.encode("utf-8"), blob)
