import re
import time
import unittest

import requests

from .committed import (SmtpCatcher, committed_env, ensure_http_server,
                        message_text, really_sending_mail, run_queued_jobs)

PREFIX = "MAILTEST"


class MailCase(unittest.TestCase):
    """A served Odoo whose outgoing mail server is a loopback catcher, an
    agent, a pupil and two guardians (one with an address), committed."""

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
            env["mail.mail"].search([("email_to", "like", "mailtest")]).unlink()
            partners = users.mapped("partner_id")
            users.unlink()
            partners.unlink()


class TestGuardianEmailNotification(MailCase):
    """4.2: guardians notified by e-mail get their identifiant and a
    single-use activation link, never a password; the mail really leaves
    through SMTP; guardians without an address get a letter."""

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


class TestMailDelivery(MailCase):
    """Issue 14: the e-mails leave at once through the job runner, hold no
    secret while queued, are retried when refused and then shown « non
    remis », with a way to send them again."""

    def guardian(self, first, address):
        with committed_env() as env:
            company = env.ref("base.main_company")
            pupil = env["educonnect.student"].create({
                "last_name": PREFIX, "first_name": "Enfant " + first,
                "company_id": company.id})
            guardian = env["educonnect.guardian"].create({
                "last_name": PREFIX, "first_name": first,
                "company_id": company.id, "email": address})
            link = env["educonnect.guardian.link"].create({
                "student_id": pupil.id, "guardian_id": guardian.id})
            return guardian.id, link.id

    def notify(self, link_ids):
        with committed_env(self.agent_id) as env:
            wizard = env["educonnect.notify.wizard"].with_context(
                active_model="educonnect.guardian.link",
                active_ids=link_ids).create({"notification_type": "email"})
            wizard.action_confirm()
            return wizard.id

    def read(self, guardian_id, *names):
        with committed_env() as env:
            return env["educonnect.guardian"].browse(guardian_id).read(
                list(names) or ["email_delivery_state", "email_delivery_date",
                                "email_delivery_error", "email_delivery_label"])[0]

    def set_retries(self, minutes):
        with committed_env() as env:
            env["ir.config_parameter"].set_param(
                "educonnect_accounts.mail_retry_minutes", minutes)

    def tearDown(self):
        self.set_retries(False)
        self.smtp.refuse.clear()

    def test_queued_activation_mail_holds_no_link_the_link_is_drawn_as_it_leaves(self):
        address = "ines.mailtest@example.fr"
        guardian_id, link_id = self.guardian("Inès", address)
        self.notify([link_id])
        with committed_env() as env:
            mails = env["mail.mail"].search([("email_to", "=", address)])
            self.assertEqual(len(mails), 1)
            self.assertFalse(re.search(r"token=(?!EDUCONNECT-SECRET)", mails.body_html))
            self.assertIn("activation?token=EDUCONNECT-SECRET-SENT-SEPARATELY",
                          mails.body_html)
            self.assertFalse(env["educonnect.guardian"].browse(guardian_id)
                             .sudo().activation_token_hash,
                             "no link exists before the mail leaves")
            jobs = env["queue.job"].search([("model_name", "=", "mail.mail"),
                                            ("record_ids", "like", str(mails.id))])
            self.assertEqual(jobs.mapped("state"), ["pending"])
        self.assertEqual(self.read(guardian_id)["email_delivery_state"], "pending")
        self.assertEqual(self.smtp.tries.get(address), None,
                         "nothing leaves before the commit")
        run_queued_jobs()
        text = message_text(self.smtp.messages[-1][2])
        link = re.search(r'href="(%s/educonnect/activation\?token=[^"]+)"'
                         % re.escape(self.base_url), text).group(1)
        self.assertNotIn("EDUCONNECT-SECRET", text)
        status = self.read(guardian_id)
        self.assertEqual(status["email_delivery_state"], "sent")
        self.assertTrue(status["email_delivery_date"])
        self.assertTrue(status["email_delivery_label"].startswith("Envoyé le "),
                        status["email_delivery_label"])
        page = requests.get(link.replace("&amp;", "&"), timeout=30)
        self.assertIn("Activer votre compte EduConnect", page.text)

    def test_refused_mail_is_retried_then_not_delivered_and_can_be_sent_again(self):
        address = "refus.mailtest@example.fr"
        guardian_id, link_id = self.guardian("Refus", address)
        self.smtp.refuse.add(address)
        self.set_retries("0,0")
        self.notify([link_id])
        run_queued_jobs()
        status = self.read(guardian_id)
        self.assertEqual(status["email_delivery_state"], "pending")
        self.assertIn("451", status["email_delivery_error"])
        # The mail queue's cron takes the retries (here: no delay).
        for _ in range(2):
            time.sleep(1.1)
            with committed_env() as env, really_sending_mail():
                env["mail.mail"].process_email_queue()
        self.assertEqual(self.smtp.tries[address], 3)
        status = self.read(guardian_id)
        self.assertEqual(status["email_delivery_state"], "failed")
        self.assertTrue(status["email_delivery_label"].startswith("Non remis : "),
                        status["email_delivery_label"])
        with committed_env() as env:
            mail = env["mail.mail"].search([("email_to", "=", address)])
            self.assertEqual((mail.state, mail.educonnect_gave_up), ("exception", True),
                             "a failed mail stays, it never disappears")
            self.assertIn(link_id, env["educonnect.guardian.link"].search(
                [("email_delivery_state", "=", "failed")]).ids,
                "« Courriel non remis » finds it")
        # The address is fixed on the relay: « Renvoyer le courriel ».
        self.smtp.refuse.clear()
        with committed_env(self.agent_id) as env:
            env["educonnect.guardian"].browse(guardian_id).action_educonnect_resend_email()
        self.assertEqual(self.read(guardian_id)["email_delivery_state"], "pending")
        run_queued_jobs()
        self.assertEqual(self.read(guardian_id)["email_delivery_state"], "sent")
        self.assertEqual(self.smtp.tries[address], 4)

    def test_unreachable_smtp_server_is_retried_too(self):
        address = "panne.mailtest@example.fr"
        guardian_id, link_id = self.guardian("Panne", address)
        with committed_env() as env:
            server = env["ir.mail_server"].browse(self.server_id)
            server.smtp_port, port = 1, server.smtp_port
        try:
            self.notify([link_id])
            run_queued_jobs()
        finally:
            with committed_env() as env:
                env["ir.mail_server"].browse(self.server_id).smtp_port = port
        status = self.read(guardian_id)
        self.assertEqual(status["email_delivery_state"], "pending")
        with committed_env() as env:
            mail = env["mail.mail"].search([("email_to", "=", address)])
            self.assertEqual((mail.state, mail.educonnect_attempts), ("outgoing", 1))
            self.assertTrue(mail.scheduled_date > str(mail.create_date))

    def test_notify_wizard_says_how_many_mails_left_wait_or_failed(self):
        ok, ok_link = self.guardian("Bon", "bon.mailtest@example.fr")
        ko, ko_link = self.guardian("Mauvais", "mauvais.mailtest@example.fr")
        self.smtp.refuse.add("mauvais.mailtest@example.fr")
        self.set_retries("none")
        wizard_id = self.notify([ok_link, ko_link])
        with committed_env(self.agent_id) as env:
            wizard = env["educonnect.notify.wizard"].browse(wizard_id)
            self.assertEqual((wizard.email_count, wizard.email_pending_count), (2, 2))
        run_queued_jobs()
        with committed_env(self.agent_id) as env:
            wizard = env["educonnect.notify.wizard"].browse(wizard_id)
            self.assertEqual((wizard.email_sent_count, wizard.email_pending_count,
                              wizard.email_failed_count), (1, 0, 1))
