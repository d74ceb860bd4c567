"""P7 — the time of an answer does not tell whether an account exists:
the sign-in, recovery and self-registration requests do the same work for
an unknown account as for an existing one. (No timings here: the work is
counted; `bin/bench timing` measures the times, see BENCHMARKS.md.)"""
import contextlib
from unittest import mock

import requests
from passlib.handlers.pbkdf2 import pbkdf2_sha512

from .committed import committed_env
from .signin_common import PREFIX, SigninCase


@contextlib.contextmanager
def counted_password_hashes():
    """Counts the pbkdf2 computations of the served Odoo (same process)."""
    calls = []
    original = pbkdf2_sha512._calc_checksum

    def counting(handler, secret):
        calls.append(1)
        return original(handler, secret)

    with mock.patch.object(pbkdf2_sha512, "_calc_checksum", counting):
        yield calls


class TestSameWork(SigninCase):

    def setUp(self):
        with committed_env() as env:
            env.cr.execute("DELETE FROM educonnect_auth_throttle")

    def address_failures(self):
        with committed_env() as env:
            env.cr.execute("SELECT failures FROM educonnect_auth_throttle "
                           "WHERE key = 'addr:127.0.0.1'")
            row = env.cr.fetchone()
            return row[0] if row else 0

    def codes_sent_to(self, address):
        """Codes the job runner sends to ``address`` now."""
        before = len([1 for _f, rcpt, _m in self.smtp.messages if address in rcpt])
        self.send_mail_queue()
        return len([1 for _f, rcpt, _m in self.smtp.messages
                    if address in rcpt]) - before

    def verifications(self):
        with committed_env() as env:
            return env["educonnect.verification"].search_count([])

    def test_unknown_login_checks_a_password_hash_like_a_wrong_password(self):
        _id, login, _s = self.activated_pupil("Hachage")
        _p, letter_login, _pw = self.make_pupil("Courrier")
        counts = {}
        for case, typed in (("wrong password", login),
                            ("unknown login", PREFIX.lower() + ".inconnu"),
                            ("letter account", letter_login)):
            with counted_password_hashes() as calls:
                _s, response = self.web_login(typed, "pas le bon mot de passe")
                self.assertIn("Identifiant ou mot de passe incorrect", response.text)
            counts[case] = len(calls)
        self.assertEqual(counts, {"wrong password": 1, "unknown login": 1,
                                  "letter account": 1})
        with counted_password_hashes() as calls:
            self.assertFalse(self.xmlrpc_login(PREFIX.lower() + ".inconnu2", "x" * 12))
        self.assertEqual(len(calls), 1, "XML-RPC too")

    def test_recovery_does_the_same_work_for_known_and_unknown_accounts(self):
        pupil_id, login, _s = self.activated_pupil("Travail")
        with committed_env() as env:
            env["educonnect.student"].browse(pupil_id).write({
                "email": "travail.signintest@example.fr", "email_confirmed": True})
        work = {}
        for case, typed in (("known", login), ("unknown", "personne.inconnue")):
            failures, verifications = self.address_failures(), self.verifications()
            page = self.post(requests.Session(), "/educonnect/forgot-password",
                             "/educonnect/forgot-password", login=typed)
            self.assertIn("un code vient d'être envoyé", page.text)
            work[case] = (self.address_failures() - failures,
                          self.verifications() - verifications,
                          self.codes_sent_to("travail.signintest@example.fr"))
        # One failure counted and one verification each; only the known
        # account got a code.
        self.assertEqual(work, {"known": (1, 1, 1), "unknown": (1, 1, 0)})

    def test_self_registration_does_the_same_work_for_known_and_unknown_guardians(self):
        self.make_guardian("Égal", "Enfant-Égal", birth_date="2012-11-12",
                           notify=False, email="egal.signintest@example.fr")
        work = {}
        for case, first in (("known", "Égal"), ("unknown", "Inconnu")):
            failures, verifications = self.address_failures(), self.verifications()
            page = self.post(requests.Session(), "/educonnect/self-registration",
                             "/educonnect/self-registration", last_name=PREFIX,
                             first_name=first, child_last_name=PREFIX + "ENFANT",
                             child_first_name="Enfant-Égal",
                             child_birth_date="2012-11-12",
                             contact="egal.signintest@example.fr")
            self.assertIn("un code vient d'être envoyé", page.text)
            work[case] = (self.address_failures() - failures,
                          self.verifications() - verifications,
                          self.codes_sent_to("egal.signintest@example.fr"))
        # One failure counted and one verification each; only the known
        # guardian got a code.
        self.assertEqual(work, {"known": (1, 1, 1), "unknown": (1, 1, 0)})
