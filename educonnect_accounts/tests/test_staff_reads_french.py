"""Issue 17: what staff read of the history, the delegations and the
batches is French and human: a trace's breadcrumb names its action and
date, a role granted reads in the reader's language, the administrator is
« Administrateur », and a batch over the guardian list counts accounts (a
guardian of two pupils is one account on two rows), as its wizard does."""
from odoo import SUPERUSER_ID

from .common import AccountActionCase


class TestStaffReadsFrench(AccountActionCase):

    def fr(self, records):
        return records.with_context(lang="fr_FR")

    def test_a_trace_is_named_by_its_action_and_date(self):
        self.make_guide_pupils()
        trace = self.mila.sudo(self.agent)._educonnect_trace("reset")
        name = self.fr(trace.sudo(self.agent)).name_get()[0][1]
        self.assertTrue(name.startswith("Réinitialiser les mots de passe – "),
                        name)
        self.assertNotIn("educonnect", name)

    def test_a_role_granted_reads_in_the_readers_language(self):
        staff = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Personnel", "login": "test.personnel",
            "company_id": self.college.id,
            "company_ids": [(6, 0, [self.college.id])]})
        # Granted by an administrator working in English.
        self.env["educonnect.delegation"].with_context(lang="en_US").create({
            "user_id": staff.id, "company_id": self.college.id,
            "role": "troubleshooter"})
        trace = self.env["educonnect.account.trace"].search(
            [("delegate_user_id", "=", staff.id)])
        self.assertEqual(trace.role, "troubleshooter")
        self.assertEqual(self.fr(trace).summary,
                         "Agent de dépannage (dépannage des comptes élèves)")
        # Traces of older versions held the English label.
        self.env.cr.execute("UPDATE educonnect_account_trace SET role = NULL, "
                            "details = 'Delegated agent' WHERE id = %s",
                            [trace.id])
        trace.invalidate_cache()
        self.assertEqual(self.fr(trace).summary,
                         "Agent délégué (administration des comptes)")

    def test_the_administrator_is_named_in_french(self):
        admin = self.fr(self.env["res.users"].browse(SUPERUSER_ID))
        if admin.name != "Administrator":
            self.skipTest("the administrator was renamed in this database")
        self.assertEqual(admin.name_get()[0][1], "Administrateur")
        # Its partner too: the author of its messages (a batch's chatter).
        self.assertEqual(admin.partner_id.name_get()[0][1], "Administrateur")
        # Another user keeps the name it has.
        self.assertEqual(self.fr(self.agent).name_get()[0][1], "test.agent")

    def test_a_batch_over_the_guardian_list_counts_accounts(self):
        self.make_guide_pupils()
        both = self.make_guardian("ADAM019", "Sophie", self.mila | self.noemie)
        one = self.make_guardian("ADAMS019", "Paul", self.bernard)
        rows = both.link_ids | one.link_ids
        self.assertEqual(len(rows), 3)
        batch = self.fr(self.env["educonnect.batch"].sudo(self.agent))._start(
            "list", "guardian", rows._name, rows.ids, {"list_format": "csv"})
        self.assertEqual(batch.account_count, 2)
        self.assertEqual(batch.total_count, 3)
        self.assertEqual(batch.name, "Lister les comptes (2 comptes)")
        pupils = self.mila | self.noemie | self.bernard
        batch = self.fr(self.env["educonnect.batch"].sudo(self.agent))._start(
            "list", "student", pupils._name, pupils.ids, {"list_format": "csv"})
        self.assertEqual((batch.account_count, batch.total_count), (3, 3))
