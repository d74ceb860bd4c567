from odoo.exceptions import AccessError

from .common import AccountActionCase


class TestAccountTraces(AccountActionCase):
    """Every action on accounts leaves one trace (who, when, establishment,
    accounts, what), without any secret; staff cannot change traces."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pupils = cls.make_student("TRACE", "Ana", cls.c61) | \
            cls.make_student("TRACE", "Bob", cls.c61)
        cls.Trace = cls.env["educonnect.account.trace"]

    def last_trace(self):
        return self.Trace.search([], limit=1)

    def test_notify_reset_and_list_each_leave_one_trace(self):
        for model, values, action in [
                ("educonnect.notify.wizard", {}, "notify"),
                ("educonnect.reset.wizard", {}, "reset"),
                ("educonnect.list.wizard", {"list_format": "csv"}, "list")]:
            count = self.Trace.search_count([])
            wizard = self.wizard(model, self.pupils, **values)
            wizard.action_confirm()
            self.assertEqual(self.Trace.search_count([]), count + 1)
            trace = self.last_trace()
            self.assertEqual((trace.action, trace.user_id, trace.company_id,
                              trace.student_ids, trace.account_count),
                             (action, self.agent, self.college, self.pupils, 2))

    def test_traces_hold_no_secret(self):
        wizard = self.wizard("educonnect.notify.wizard", self.pupils)
        wizard.action_confirm()
        self.env.cr.execute("SELECT * FROM educonnect_account_trace")
        dump = repr(self.env.cr.fetchall())
        for pupil in self.pupils:
            self.assertNotIn(pupil.provisional_password, dump)

    def test_staff_cannot_change_or_delete_traces(self):
        wizard = self.wizard("educonnect.reset.wizard", self.pupils)
        wizard.action_confirm()
        trace = self.last_trace().sudo(self.director)
        self.assertTrue(trace.read(["action"]))
        with self.assertRaises(AccessError):
            trace.write({"details": "effacé"})
        with self.assertRaises(AccessError):
            trace.unlink()
        with self.assertRaises(AccessError):
            self.Trace.sudo(self.director).create({
                "action": "reset", "user_id": self.director.id,
                "company_id": self.college.id})

    def test_traces_of_another_establishment_are_not_visible(self):
        wizard = self.wizard("educonnect.reset.wizard", self.pupils)
        wizard.action_confirm()
        lycee_director = self.env["res.users"].with_context(
            no_reset_password=True).create({
                "name": "Proviseur", "login": "test.proviseur",
                "company_id": self.lycee.id,
                "company_ids": [(6, 0, [self.lycee.id])],
                "groups_id": [(6, 0, [self.env.ref(
                    "educonnect_accounts.group_educonnect_director").id])]})
        # Only the role given to them in the lycée (DELEG-CE) is there.
        self.assertEqual(self.Trace.sudo(lycee_director).search([]).mapped(
            "action"), ["delegate"])
        self.assertFalse(self.Trace.sudo(lycee_director).search(
            [("action", "=", "reset")]))
