"""Retention and secrets: files holding provisional
passwords are kept out of the full-text index and deleted after their
retention time; traces and imports too; a password that can no longer be
decrypted stops the action loudly; a letter's validity is bounded."""
import datetime

from cryptography.fernet import Fernet

from odoo import fields
from odoo.exceptions import UserError, ValidationError

from .common import AccountActionCase


def days_ago(days):
    return fields.Datetime.to_string(
        datetime.datetime.utcnow() - datetime.timedelta(days=days))


class TestRetentionAndSecrets(AccountActionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pupil = cls.make_student("RETENTION", "Lou", cls.c61)
        cls.pupil._educonnect_notify()

    def test_csv_list_with_passwords_is_not_in_the_full_text_index(self):
        wizard = self.wizard("educonnect.list.wizard", self.pupil,
                             list_format="csv")
        wizard.action_confirm()
        content = self.attachment_content(wizard).decode("utf-8-sig")
        self.assertIn(self.pupil.provisional_password, content)
        self.env.cr.execute("SELECT index_content FROM ir_attachment WHERE id = %s",
                            [wizard.sudo().attachment_id.id])
        self.assertFalse(self.env.cr.fetchone()[0])

    def test_retention_deletes_old_batch_files_traces_and_imports_keeps_recent_ones(self):
        Batch = self.env["educonnect.batch"]
        old_batch, new_batch = [Batch.create({
            "name": "Lot", "action": "list", "population": "student",
            "user_id": self.agent.id, "company_id": self.college.id})
            for _ in range(2)]
        files = [batch._attach("liste.csv", b"identifiant;mot de passe",
                               "text/csv") for batch in (old_batch, new_batch)]
        old_batch.attachment_id, new_batch.attachment_id = files
        trace_old = self.pupil._educonnect_trace("list")
        trace_new = self.pupil._educonnect_trace("list")
        imports = self.env["educonnect.siecle.import"].create(
            {"company_id": self.college.id})
        for table, ids, age in (("ir_attachment", [files[0].id], 8),
                                ("educonnect_account_trace", [trace_old.id], 400),
                                ("educonnect_batch", [old_batch.id], 2),
                                ("educonnect_siecle_import", [imports.id], 400)):
            self.env.cr.execute("UPDATE %s SET create_date = %%s WHERE id IN %%s"
                                % table, [days_ago(age), tuple(ids)])
        self.env.cache.invalidate()
        counts = self.env["educonnect.retention"]._cron_purge()
        self.assertFalse(files[0].exists(), "password file of 8 days: deleted")
        self.assertTrue(files[1].exists())
        self.assertTrue(old_batch.exists(), "the batch itself is kept a year")
        self.assertFalse(trace_old.exists())
        self.assertTrue(trace_new.exists())
        self.assertFalse(imports.exists())
        self.assertEqual((counts["password_files"], counts["traces"],
                          counts["imports"]), (1, 1, 1))
        self.assertTrue(self.env.ref("educonnect_accounts.ir_cron_retention").active)

    def test_unreadable_provisional_password_stops_the_letters_and_says_what_to_do(self):
        other_key = Fernet(Fernet.generate_key())
        self.env.cr.execute(
            "UPDATE educonnect_student SET provisional_password_crypt = %s "
            "WHERE id = %s", [other_key.encrypt(b"ABCD-EFGH-JKLM").decode(),
                              self.pupil.id])
        self.pupil.invalidate_cache()
        wizard = self.wizard("educonnect.notify.wizard", self.pupil,
                             user=self.director)
        with self.assertRaises(UserError) as caught:
            wizard.with_context(lang="fr_FR").action_confirm()
        self.assertIn("ne peut plus être lu", caught.exception.name)
        lists = self.wizard("educonnect.list.wizard", self.pupil, list_format="csv")
        with self.assertRaises(UserError):
            lists.action_confirm()

    def test_letter_validity_is_between_one_and_twenty_four_months(self):
        for months in (-5, 0, 25, 100000):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.college.educonnect_letter_validity_months = months
        self.college.educonnect_letter_validity_months = 12
        self.assertEqual(self.college.educonnect_letter_validity_months, 12)
