"""Issue 14: the instance runs by itself and is the school's, not Odoo's demo.

What the served Odoo does over the night (cron worker, job runner, SMTP) is
shown by the browser scenario 7 (e2e/test_7_runs_by_itself.py); here, the
conditions for it, read from the database and the files as they are."""
import base64
import configparser
import email.header
import os
import stat

import requests

from odoo.modules import module as odoo_module
from odoo.tests.common import TransactionCase
from odoo.tools import config

from .committed import ensure_http_server


class TestRunsByItself(TransactionCase):

    def test_no_module_is_left_half_installed(self):
        """A module « to install », « to upgrade » or « to remove » makes
        Odoo's scheduler skip the database: no cron, no e-mail, ever."""
        self.env.cr.execute(
            "SELECT name, state FROM ir_module_module "
            "WHERE state IN ('to install', 'to upgrade', 'to remove')")
        self.assertEqual(self.env.cr.fetchall(), [])

    def test_every_addon_in_the_path_has_its_dependencies(self):
        """The cause: no addon that can never be installed is in the path
        (bin/prune_addons.py removes them from the Odoo wheels)."""
        found = set(odoo_module.get_modules())
        missing = {}
        for name in found:
            manifest = odoo_module.load_information_from_description_file(name)
            if manifest.get("installable", True):
                lacking = set(manifest.get("depends", [])) - found
                if lacking:
                    missing[name] = sorted(lacking)
        self.assertEqual(missing, {})

    def test_mail_queue_runs_every_minute_and_the_server_does_not_call_home(self):
        mail_cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        self.assertEqual((mail_cron.active, mail_cron.interval_number,
                          mail_cron.interval_type), (True, 1, "minutes"))
        self.assertFalse(self.env.ref(
            "mail.ir_cron_module_update_notification").active)
        for xmlid in ("educonnect_accounts.ir_cron_batch_watchdog",
                      "educonnect_accounts.ir_cron_verification_gc"):
            cron = self.env.ref(xmlid)
            self.assertTrue(cron.active and cron.numbercall == -1, xmlid)

    def test_generated_config_and_key_are_private_and_master_password_is_not_admin(self):
        path = config.rcfile
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
        parser = configparser.ConfigParser()
        parser.read(path)
        master = parser.get("options", "admin_passwd")
        self.assertNotIn(master, ("", "admin"))
        self.assertGreaterEqual(len(master), 24)
        key = os.path.join(os.path.dirname(path), "educonnect.key")
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600, key)

    def test_establishments_have_the_neutral_logo_not_odoos(self):
        odoo_logo = self.env["res.company"]._get_logo()
        new = self.env["res.company"].create({"name": "Collège Neuf"})
        for company in self.env["res.company"].search([]) | new:
            self.assertNotEqual(company.logo, odoo_logo, company.name)
        self.assertTrue(base64.b64decode(new.logo).startswith(b"\x89PNG"))

    def test_mails_leave_from_the_establishment_or_the_no_reply_address(self):
        company = self.env["res.company"].create({
            "name": "Collège Jules Ferry", "email": "ce.0590001a@ac-lille.fr"})
        def sender():
            value = company._educonnect_mail_from()
            return str(email.header.make_header(email.header.decode_header(value)))
        self.assertEqual(sender(), "Collège Jules Ferry <ce.0590001a@ac-lille.fr>")
        company.email = False
        self.env["ir.config_parameter"].set_param(
            "educonnect_accounts.mail_noreply", "ne-pas-repondre@ac-lille.fr")
        self.assertEqual(sender(), "Collège Jules Ferry <ne-pas-repondre@ac-lille.fr>")

    def test_smtp_server_is_set_in_the_general_settings(self):
        settings = self.env["res.config.settings"].create({
            "educonnect_smtp_host": "smtp.ac-lille.fr", "educonnect_smtp_port": 587,
            "educonnect_smtp_encryption": "starttls",
            "educonnect_smtp_user": "ce.0597125z", "educonnect_smtp_password": "s3cret"})
        settings.execute()
        server = self.env["ir.mail_server"].search([("smtp_host", "=", "smtp.ac-lille.fr")])
        self.assertEqual((server.smtp_port, server.smtp_encryption, server.smtp_user,
                          server.sequence), (587, "starttls", "ce.0597125z", 1))
        again = self.env["res.config.settings"].create({})
        self.assertEqual(again.educonnect_smtp_host, "smtp.ac-lille.fr")
        again.write({"educonnect_smtp_port": 465, "educonnect_smtp_encryption": "ssl"})
        again.execute()
        self.assertEqual(self.env["ir.mail_server"].search_count(
            [("smtp_host", "=", "smtp.ac-lille.fr")]), 1)
        server.invalidate_cache()
        self.assertEqual((server.smtp_port, server.smtp_encryption), (465, "ssl"))

    def test_login_page_is_the_schools_identifiant_and_no_odoo(self):
        port = ensure_http_server()
        page = requests.get("http://127.0.0.1:%s/web/login" % port, timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn('<label for="login" class="control-label">Identifiant</label>',
                      page.text)
        for odoo in ("Powered by", "Propulsé par", "odoo.com",
                     "/web/database/manager"):
            self.assertNotIn(odoo, page.text)
        logo = requests.get("http://127.0.0.1:%s/web/binary/company_logo" % port,
                            timeout=30)
        odoo_logo = base64.b64decode(self.env["res.company"]._get_logo())
        self.assertTrue(logo.content.startswith(b"\x89PNG"))
        self.assertNotEqual(logo.content, odoo_logo)

    def test_letters_carry_the_establishments_logo(self):
        import subprocess
        import tempfile
        company = self.env["res.company"].create({"name": "Collège au logo"})
        Student = self.env["educonnect.student"]
        pupils = Student.browse([Student.create({
            "last_name": "LOGO", "first_name": first,
            "company_id": company.id}).id for first in ("Ana", "Léo")])
        printed = pupils._educonnect_notify()
        pdf = pupils._educonnect_letters_pdf(printed)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            images = subprocess.run(["pdfimages", "-list", handle.name],
                                    stdout=subprocess.PIPE, check=True).stdout.decode()
        # One image (the logo, with its transparency mask) on each letter.
        pages = [line.split()[0] for line in images.splitlines()[2:]
                 if line.split()[2] == "image"]
        self.assertEqual(pages, ["1", "2"], images)

    def test_staff_invitation_and_reset_e_mails_are_the_schools_not_odoos(self):
        from .committed import SmtpCatcher, message_text, really_sending_mail
        smtp = SmtpCatcher()
        try:
            self.env["ir.mail_server"].create({
                "name": "catcher", "smtp_host": "127.0.0.1",
                "smtp_port": smtp.port, "sequence": 0})
            company = self.env["res.company"].create({
                "name": "Collège Victor Hugo", "email": "ce.0590002b@ac-lille.fr"})
            with really_sending_mail():
                user = self.env["res.users"].create({
                    "name": "Nouvelle CPE", "login": "cpe.hugo",
                    "email": "cpe.hugo@ac-lille.fr", "lang": "fr_FR",
                    "company_id": company.id, "company_ids": [(6, 0, company.ids)]})
                user.action_reset_password()
        finally:
            smtp.stop()
        self.assertEqual(len(smtp.messages), 2)
        for _from, rcpt, message in smtp.messages:
            subject = str(email.header.make_header(
                email.header.decode_header(message["Subject"])))
            text = message_text(message)
            sender = str(email.header.make_header(
                email.header.decode_header(message["From"])))
            self.assertEqual(rcpt, ["cpe.hugo@ac-lille.fr"])
            self.assertIn("Collège Victor Hugo", subject)
            self.assertEqual(sender, "Collège Victor Hugo <ce.0590002b@ac-lille.fr>")
            self.assertNotIn("Odoo", subject + text)
            self.assertIn("cpe.hugo", text)
        self.assertIn("Choisir mon mot de passe", message_text(smtp.messages[0][2]))
        self.assertIn("Changer mon mot de passe", message_text(smtp.messages[1][2]))
