"""P9 — no secret in logs: the request log of Odoo's HTTP server shows the
activation and e-mail confirmation links with their token masked."""
import logging
import re

import requests

from .committed import committed_env
from .signin_common import CHOSEN, LogRecorder, SigninCase


class TestRequestLogSecrets(SigninCase):

    def setUp(self):
        # The request log (werkzeug's logger) at the level a server logs it,
        # recorded as its handlers would receive it.
        self.werkzeug = logging.getLogger("werkzeug")
        self._old_level = self.werkzeug.level
        self.werkzeug.setLevel(logging.INFO)
        self.recorder = LogRecorder()
        self.werkzeug.addHandler(self.recorder)

    def tearDown(self):
        self.werkzeug.removeHandler(self.recorder)
        self.werkzeug.setLevel(self._old_level)

    def logged(self):
        return self.recorder.lines

    def assert_logged_without(self, path, token):
        lines = self.logged()
        self.assertTrue([l for l in lines if path + "?token=" in l],
                        "the request is in the log")
        self.assertFalse([l for l in lines if token in l])

    def test_activation_token_is_masked_in_the_request_log(self):
        guardian_id, _login, _p = self.make_guardian("Journal", "Enfant-Journal")
        with committed_env() as env:
            token = env["educonnect.guardian"].browse(
                guardian_id)._educonnect_new_activation_tokens()[guardian_id]
        page = requests.get(self.base_url + "/educonnect/activation?token=" + token,
                            timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assert_logged_without("/educonnect/activation", token)

    def test_email_confirmation_token_is_masked_in_the_request_log(self):
        pupil_id, login, provisional = self.make_pupil("Journal")
        session, _r = self.web_login(login, provisional)
        address = "journal.signintest@example.fr"
        self.post(session, "/educonnect/first-login", "/educonnect/first-login",
                  password=CHOSEN, confirm=CHOSEN, email=address)
        self.send_mail_queue()
        link = re.search(r'href="([^"]+/educonnect/confirm-email\?token=[^"]+)"',
                         self.last_mail_to(address)).group(1).replace("&amp;", "&")
        token = link.split("token=", 1)[1]
        page = requests.get(link, timeout=30)
        self.assertIn("Adresse électronique confirmée", page.text)
        self.assert_logged_without("/educonnect/confirm-email", token)
