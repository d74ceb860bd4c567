"""The statistics addon installed: its scheduled actions run by themselves
and every string it shows is in French."""
from odoo.tests.common import TransactionCase

from odoo.addons.educonnect_accounts.tests import test_account_labels

ADDON = "educonnect_accounts_stats"


class TestStatsInstallation(TransactionCase):

    def test_the_nightly_statistics_and_the_report_run_by_themselves(self):
        for xmlid in ("educonnect_accounts_stats.ir_cron_compute_statistics",
                      "educonnect_accounts_stats.ir_cron_send_stats_reports"):
            cron = self.env.ref(xmlid)
            self.assertTrue(cron.active and cron.numbercall == -1, xmlid)

    def test_french_translation_is_complete(self):
        size, missing = test_account_labels.untranslated(ADDON)
        self.assertFalse(missing, "untranslated %s" % missing)
        self.assertGreater(size, 20)

    def test_every_source_string_of_the_code_and_data_is_in_fr_po(self):
        exported, missing = test_account_labels.not_in_fr_po(self.env, ADDON)
        self.assertGreater(exported, 50)
        self.assertFalse(missing, "not in i18n/fr.po (run bin/i18n): %s"
                         % missing)
