import re
import unittest

import requests

from .committed import (SmtpCatcher, committed_env, ensure_http_server,
                        message_text, really_sending_mail)

PREFIX = "MAILTEST"


class TestGuardianEmailNotification(unittest.TestCase):
    """4.2: guardians notified by e-mail get their identifiant and a
    single-use activation link, never a password; the mail really leaves
    through SMTP; guardians without an address get a letter."""

    @classmethod
    def setUpClass(cls):
        cls.smtp = SmtpCatcher()
        cls.base_url = "http://127.0.0.1:%s" % ensure_http_server()
        with committed_env() as env:
            params = env["ir.config_parameter"]
            cls._old_base_url = params.get_param("web.base.url")
            params.set_param("web.base.url", cls.base_url)
            cls.server_id = env["ir.mail_server"].create({
                "name": "loopback catcher", "smtp_host": "127.0.0.1",
                "smtp_port": cls.smtp.port, "sequence": 1}).id
            company = env.ref("base.main_company")
            agent = env["res.users"].with_context(no_reset_password=True).create({
                "name": "Agent mail", "login": "mailtest.agent", "lang": "fr_FR",
                "email": "agent@example.fr",
                "company_id": company.id, "company_ids": [(6, 0, company.ids)],
                "groups_id": [(6, 0, [env.ref(
                    "educonnect_accounts.group_educonnect_manager").id])]})
            pupil = env["educonnect.student"].create({
                "last_name": PREFIX, "first_name": "Lou", "company_id": company.id})
            with_mail = env["educonnect.guardian"].create({
                "last_name": PREFIX, "first_name": "Sophie", "company_id": company.id,
                "email": "sophie.mailtest@example.fr"})
            without = env["educonnect.guardian"].create({
                "last_name": PREFIX, "first_name": "Karim", "company_id": company.id})
            for guardian in with_mail | without:
                env["educonnect.guardian.link"].create({
                    "student_id": pupil.id, "guardian_id": guardian.id})
            cls.agent_id, cls.with_mail_id, cls.without_id = \
                agent.id, with_mail.id, without.id
            cls.link_ids = pupil.guardian_link_ids.ids

    @classmethod
    def tearDownClass(cls):
        cls.smtp.stop()
        with committed_env() as env:
            env["ir.config_parameter"].set_param("web.base.url", cls._old_base_url)
            env["ir.mail_server"].browse(cls.server_id).unlink()
            guardians = env["educonnect.guardian"].with_context(
                active_test=False).search([("last_name", "=", PREFIX)])
            users = guardians.mapped("user_id") | env["res.users"].browse(cls.agent_id)
            env.cr.execute("DELETE FROM educonnect_account_trace WHERE user_id IN %s",
                           [tuple(users.ids)])
            guardians.unlink()
            env["educonnect.student"].search([("last_name", "=", PREFIX)]).unlink()
            partners = users.mapped("partner_id")
            users.unlink()
            partners.unlink()

    def notify_by_email(self):
        with committed_env(self.agent_id) as env:
            wizard = env["educonnect.notify.wizard"].with_context(
                active_model="educonnect.guardian.link",
                active_ids=self.link_ids).create({"notification_type": "email"})
            wizard.action_confirm()
            result = (wizard.letter_count, wizard.email_count)
        with committed_env() as env, really_sending_mail():
            mails = env["mail.mail"].search([("email_to", "like", "mailtest")])
            mails.send(auto_commit=False)
        return result

    def test_email_carries_login_and_link_never_a_password(self):
        letters, emails = self.notify_by_email()
        self.assertEqual((letters, emails), (1, 1))
        self.assertEqual(len(self.smtp.messages), 1)
        _from, rcpt, message = self.smtp.messages[0]
        self.assertEqual(rcpt, ["sophie.mailtest@example.fr"])
        text = message_text(message)
        with committed_env() as env:
            guardian = env["educonnect.guardian"].browse(self.with_mail_id)
            self.assertEqual(guardian.state, "notified")
            self.assertIn(guardian.login, text)
            self.assertNotIn(guardian.provisional_password, text)
            self.assertFalse(env["mail.mail"].search(
                [("email_to", "like", "mailtest")]), "sent mails are deleted")
        self.assertIn("Activer mon compte EduConnect", text)
        link = re.search(r'href="(%s/educonnect/activation\?token=[^"]+)"'
                         % re.escape(self.base_url), text)
        self.assertTrue(link, text)
        self.check_link_works_once(link.group(1).replace("&amp;", "&"))

    def check_link_works_once(self, url):
        session = requests.Session()
        page = session.get(url, timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Activer votre compte EduConnect", page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
        # Too short a password is refused, and changes nothing.
        short = session.post(self.base_url + "/educonnect/activation", data={
            "csrf_token": csrf, "token": token, "password": "court",
            "confirm": "court"}, timeout=30)
        self.assertIn("au moins 12 caractères", short.text)
        done = session.post(self.base_url + "/educonnect/activation", data={
            "csrf_token": csrf, "token": token,
            "password": "notre famille à Lille", "confirm": "notre famille à Lille"},
            timeout=30, allow_redirects=False)
        self.assertIn(done.status_code, (302, 303), done.text[-3000:])
        self.assertTrue(done.headers["Location"].endswith("/my"))
        with committed_env() as env:
            guardian = env["educonnect.guardian"].browse(self.with_mail_id)
            self.assertEqual((guardian.state, guardian.origin), ("activated", "school"))
            self.assertTrue(guardian.user_id.has_group("base.group_portal"))
            self.assertFalse(guardian.provisional_password)
            uid = env["res.users"].authenticate(
                env.cr.dbname, guardian.login, "notre famille à Lille", {})
            self.assertEqual(uid, guardian.user_id.id)
        again = requests.get(url, timeout=30)
        self.assertIn("Ce lien n'est plus valide", again.text)
