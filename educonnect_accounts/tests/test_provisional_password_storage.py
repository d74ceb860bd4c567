import math
import secrets
from unittest import mock

from odoo.exceptions import AccessError
from odoo.tools import config

from odoo.addons.educonnect_accounts.tools import passwords
from odoo.addons.educonnect_accounts.tools.passwords import (
    PROVISIONAL_ALPHABET, generate_provisional_password,
    provisional_password_entropy_bits)

from .common import EduconnectCase


class TestProvisionalPasswordStorage(EduconnectCase):

    def test_provisional_password_has_at_least_60_bits(self):
        self.assertGreaterEqual(provisional_password_entropy_bits(), 60)
        self.assertFalse(set(PROVISIONAL_ALPHABET) & set("0O1IL"))

    def test_provisional_password_drawn_with_secrets(self):
        with mock.patch.object(passwords.secrets, "choice",
                               wraps=secrets.choice) as choice:
            generate_provisional_password()
        self.assertEqual(choice.call_count, passwords.PROVISIONAL_LENGTH)

    def test_provisional_passwords_are_distinct_and_in_the_alphabet(self):
        drawn = [generate_provisional_password() for _ in range(20000)]
        self.assertEqual(len(set(drawn)), len(drawn))
        alphabet = set(PROVISIONAL_ALPHABET)
        self.assertTrue(all(set(p) <= alphabet for p in drawn))
        # Every symbol appears at about the expected frequency.
        counts = {c: 0 for c in PROVISIONAL_ALPHABET}
        for p in drawn:
            for c in p:
                counts[c] += 1
        expected = len(drawn) * len(drawn[0]) / len(alphabet)
        for c, n in counts.items():
            self.assertLess(abs(n - expected), 6 * math.sqrt(expected), c)

    def test_provisional_password_stored_encrypted_not_in_clear(self):
        pupil = self.make_student("SECRET", "Ana")
        clear = pupil._set_new_provisional_passwords()[pupil.id]
        self.env.cr.execute(
            "SELECT provisional_password_crypt FROM educonnect_student "
            "WHERE id = %s", [pupil.id])
        stored = self.env.cr.fetchone()[0]
        self.assertTrue(stored)
        self.assertNotIn(clear, stored)
        pupil.write({"state": "notified"})
        self.assertEqual(pupil.provisional_password, clear)

    def test_provisional_password_unreadable_with_another_key(self):
        pupil = self.make_student("SECRET", "Ana")
        pupil._set_new_provisional_passwords()
        pupil.write({"state": "notified"})
        from cryptography.fernet import Fernet
        with mock.patch.dict(config.options,
                             {"educonnect_secret_key": Fernet.generate_key().decode()}):
            pupil.invalidate_cache()
            self.assertFalse(pupil.provisional_password)

    def _user(self, login, group):
        return self.env["res.users"].with_context(no_reset_password=True).create({
            "name": login, "login": login, "company_id": self.college.id,
            "company_ids": [(6, 0, [self.college.id])],
            "groups_id": [(6, 0, [self.env.ref(group).id])]})

    def test_encrypted_provisional_password_not_readable_by_staff(self):
        pupil = self.make_student("SECRET", "Ana")
        pupil._set_new_provisional_passwords()
        agent = self._user("test.agent",
                           "educonnect_accounts.group_educonnect_manager")
        fields = self.env["educonnect.student"].sudo(agent).fields_get()
        self.assertNotIn("provisional_password_crypt", fields)
        self.assertIn("provisional_password", fields)
        with self.assertRaises(AccessError):
            pupil.sudo(agent).read(["provisional_password_crypt"])

    def test_provisional_password_not_readable_without_an_educonnect_role(self):
        pupil = self.make_student("SECRET", "Ana")
        pupil._set_new_provisional_passwords()
        pupil.write({"state": "notified"})
        user = self._user("test.nobody", "base.group_user")
        fields = self.env["educonnect.student"].sudo(user).fields_get()
        self.assertNotIn("provisional_password", fields)
        with self.assertRaises(AccessError):
            pupil.sudo(user).read(["provisional_password"])
