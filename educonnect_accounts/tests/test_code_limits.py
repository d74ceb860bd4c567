"""P6 — one-time codes: wrong codes count for the identifiant they were
sent for (asking for a new code gives no fresh tries), the codes sent to an
account are capped per hour with the same answer (no oracle), and an
anonymous request changes nothing about the account before the code is
proven."""
import re

import requests

from .committed import committed_env
from .signin_common import CHOSEN, PREFIX, SigninCase


class TestCodeLimits(SigninCase):

    def setUp(self):
        with committed_env() as env:
            env.cr.execute("DELETE FROM educonnect_auth_throttle")

    def register(self, first, child, birth_date, contact):
        session = requests.Session()
        page = self.post(session, "/educonnect/self-registration",
                         "/educonnect/self-registration", last_name=PREFIX,
                         first_name=first, child_last_name=PREFIX + "ENFANT",
                         child_first_name=child, child_birth_date=birth_date,
                         contact=contact)
        self.assertIn("un code vient d'être envoyé", page.text)
        return session, page

    def finish(self, session, page, code):
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.post(session, "/educonnect/self-registration/code", None,
                         csrf_token=token, code=code, password=CHOSEN,
                         confirm=CHOSEN)

    def codes_to(self, address):
        return len([m for _f, rcpt, m in self.smtp.messages if address in rcpt])

    def test_wrong_codes_count_for_the_identifiant_across_new_codes(self):
        address = "essais.signintest@example.fr"
        guardian_id, login, _p = self.make_guardian(
            "Essai", "Enfant-Essai", birth_date="2013-02-03", notify=False,
            email=address)
        for _round in range(2):  # two codes, five wrong tries each: 10
            session, page = self.register("Essai", "Enfant-Essai", "2013-02-03",
                                          address)
            self.send_mail_queue()
            code = self.code_mailed_to(address)
            wrong = "000000" if code != "000000" else "111111"
            for _try in range(5):
                self.assertIn("Le code est incorrect ou a expiré",
                              self.finish(session, page, wrong).text)
        session, page = self.register("Essai", "Enfant-Essai", "2013-02-03", address)
        self.send_mail_queue()
        late = self.finish(session, page, self.code_mailed_to(address))
        self.assertIn("Le code est incorrect ou a expiré", late.text)
        account = self.account("educonnect.guardian", guardian_id)
        self.assertNotEqual(account["state"], "activated")
        with committed_env() as env:
            self.assertTrue(env["educonnect.guardian"].browse(guardian_id)
                            .educonnect_locked, "the identifiant is locked")

    def test_codes_sent_to_an_account_are_capped_per_hour_with_the_same_answer(self):
        address = "plafond.signintest@example.fr"
        self.make_guardian("Plafond", "Enfant-Plafond", birth_date="2013-04-05",
                           notify=False, email=address)
        with committed_env() as env:
            env["ir.config_parameter"].set_param("educonnect.code_max_per_hour", "2")
        try:
            pages = []
            for _n in range(3):
                _s, page = self.register("Plafond", "Enfant-Plafond", "2013-04-05",
                                         address)
                pages.append(self.normalised(page))
                self.send_mail_queue()
        finally:
            with committed_env() as env:
                env["ir.config_parameter"].set_param(
                    "educonnect.code_max_per_hour", False)
        self.assertEqual(self.codes_to(address), 2)
        self.assertEqual(len(set(pages)), 1, "capped or not, the same page")

    def test_recovery_codes_are_capped_too(self):
        pupil_id, login, _s = self.activated_pupil("Plafond")
        address = "plafond.eleve.signintest@example.fr"
        with committed_env() as env:
            env["educonnect.student"].browse(pupil_id).write(
                {"email": address, "email_confirmed": True})
        pages = []
        for _n in range(6):  # the default: 5 per hour
            page = self.post(requests.Session(), "/educonnect/forgot-password",
                             "/educonnect/forgot-password", login=login)
            pages.append(self.normalised(page))
            self.send_mail_queue()
        self.assertEqual(self.codes_to(address), 5)
        self.assertEqual(len(set(pages)), 1)

    def test_self_registration_request_changes_nothing_before_the_code(self):
        fields = ["state", "origin", "login", "email", "email_confirmed",
                  "mobile", "mobile_confirmed", "user_id", "write_date"]
        cases = []
        for notify, first, child, birth, mobile in (
                (False, "Inchangé", "Enfant-Inchangé", "2013-06-07", "0611111111"),
                (True, "Notifié", "Enfant-Notifié", "2013-06-08", "0622222222")):
            guardian_id, _l, _p = self.make_guardian(
                first, child, birth_date=birth, notify=notify, mobile=mobile)
            cases.append((guardian_id, first, child, birth, mobile))
        for guardian_id, first, child, birth, mobile in cases:
            with committed_env() as env:
                before = env["educonnect.guardian"].browse(guardian_id).read(fields)
            sent = len(self.sms.messages)
            self.register(first, child, birth, mobile)
            self.send_mail_queue()
            # The guardian was matched: the code went to their mobile.
            self.assertEqual([sms["to"] for _h, sms in self.sms.messages[sent:]],
                             ["+33" + mobile[1:]])
            with committed_env() as env:
                after = env["educonnect.guardian"].browse(guardian_id).read(fields)
            self.assertEqual(after, before)
