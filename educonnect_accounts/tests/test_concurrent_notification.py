import base64
import threading
import unittest

import odoo

from odoo.service import model as rpc
from odoo.tests.common import get_db_name

from .common import pdf_pages
from .committed import committed_env

PREFIX = "CONCURRENT"
PUPILS = 40


class TestConcurrentNotification(unittest.TestCase):
    """Two staff members notify the same pupils at the same moment: each
    pupil ends with exactly one provisional password, the one on the letter
    printed last, and no error reaches either of them."""

    @classmethod
    def setUpClass(cls):
        with committed_env() as env:
            company = env.ref("base.main_company")
            group = env.ref("educonnect_accounts.group_educonnect_manager")
            Users = env["res.users"].with_context(no_reset_password=True)
            cls.agents = [Users.create({
                "name": "Agent %d" % n, "login": "concurrent.agent%d" % n,
                "lang": "fr_FR", "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [(6, 0, [group.id])]}).id for n in (1, 2)]
            cls.pupil_ids = [env["educonnect.student"].create({
                "last_name": PREFIX, "first_name": "Élève%02d" % n,
                "company_id": company.id}).id for n in range(PUPILS)]

    @classmethod
    def tearDownClass(cls):
        with committed_env() as env:
            env.cr.execute("DELETE FROM educonnect_account_trace WHERE user_id IN %s",
                           [tuple(cls.agents)])
            env["educonnect.student"].browse(cls.pupil_ids).unlink()
            users = env["res.users"].browse(cls.agents)
            partners = users.mapped("partner_id")
            users.unlink()
            partners.unlink()

    def run_both(self, reset):
        """Both agents confirm at once; returns the letters each printed."""
        db = get_db_name()
        context = {"active_model": "educonnect.student",
                   "active_ids": self.pupil_ids, "lang": "fr_FR"}
        wizards = [rpc.execute(db, uid, "educonnect.notify.wizard", "create",
                               {"reset_password": reset}, context=context)
                   for uid in self.agents]
        barrier = threading.Barrier(2)
        errors = []

        def confirm(uid, wizard_id):
            try:
                barrier.wait()
                with odoo.api.Environment.manage():
                    rpc.execute(db, uid, "educonnect.notify.wizard",
                                "action_confirm", [wizard_id], context=context)
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=confirm, args=pair)
                   for pair in zip(self.agents, wizards)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
        self.assertEqual(errors, [])
        letters = []
        with committed_env() as env:
            for wizard in env["educonnect.notify.wizard"].browse(wizards):
                pages = pdf_pages(base64.b64decode(wizard.attachment_id.datas))
                self.assertEqual(len(pages), PUPILS)
                letters.append(pages)
            pupils = env["educonnect.student"].browse(self.pupil_ids)
            final = {p.login: p.provisional_password for p in pupils}
            self.assertEqual(set(pupils.mapped("state")), {"notified"})
        return final, letters

    def passwords_on(self, pages, final):
        return {login: password for login, password in final.items()
                if any(login in page and password in page for page in pages)}

    def test_concurrent_notification_one_password_per_pupil(self):
        final, letters = self.run_both(reset=False)
        # Without reset, both letters carry the same, single password.
        for pages in letters:
            self.assertEqual(self.passwords_on(pages, final), final)
        # With reset, the second transaction waited for the first and was
        # replayed: the passwords that work are all those of one letter (the
        # last printed), none of the other's.
        final_reset, letters = self.run_both(reset=True)
        matches = sorted(len(self.passwords_on(pages, final_reset))
                         for pages in letters)
        self.assertEqual(matches, [0, PUPILS])
        self.assertFalse(set(final_reset.values()) & set(final.values()))
