"""The statistics addon installed: its scheduled actions run by themselves
and every string it shows is in French."""
import os
import re

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

    def test_the_statistics_use_only_the_public_surface_of_the_accounts(self):
        """No import of the accounts addon's code and no SQL on its tables:
        the counts come from ``educonnect.account.count``, the role check
        from ``res.users._educonnect_has_role``, the PDF from
        ``ir.actions.report.render_educonnect_pdf``."""
        root = os.path.dirname(os.path.dirname(__file__))
        tables = {self.env[name]._table for name in self.env.registry
                  if name.startswith("educonnect.")
                  and not self.env[name]._abstract
                  and self.env[name]._original_module == "educonnect_accounts"}
        self.assertIn("educonnect_student", tables)
        # A table named after FROM, JOIN, INTO, UPDATE or TABLE in SQL.
        table_re = re.compile(r"\b(?:from|join|into|update|table)\s+(%s)\b"
                              % "|".join(sorted(tables)), re.IGNORECASE)
        found = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "tests"]
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                if re.search(r"odoo\.addons\.educonnect_accounts\b(?!_)", text):
                    found.append((path, "imports the accounts addon"))
                found += [(path, table) for table in table_re.findall(text)]
        self.assertEqual(found, [])
