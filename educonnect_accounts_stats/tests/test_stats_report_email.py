import email
import re

from odoo.exceptions import AccessError

from odoo.addons.educonnect_accounts.tests.common import AccountActionCase, pdf_pages
from odoo.addons.educonnect_accounts.tests.committed import (
    SmtpCatcher, message_text, really_sending_mail)


class TestStatsReportEmail(AccountActionCase):
    """The scheduled statistics e-mail: to the directors, PDF attached, a
    French summary with the rates and their change; it really leaves through
    SMTP, and a failing recipient does not block the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.smtp = SmtpCatcher()
        cls.env["ir.mail_server"].create({
            "name": "loopback", "smtp_host": "127.0.0.1",
            "smtp_port": cls.smtp.port, "sequence": 1})
        cls.director.partner_id.email = "direction@college.example.fr"
        pupils = cls.env["educonnect.student"]
        for i in range(4):
            pupils |= cls.make_student("RAPPORT%d" % i, "Jules", cls.c61)
        pupils._educonnect_notify()
        pupils[0]._educonnect_activate("un mot de passe bien long")
        cls.pupils = pupils
        cls.env["educonnect.stats.line"]._compute_statistics(cls.college, "2026-11-27")

    @classmethod
    def tearDownClass(cls):
        cls.smtp.stop()
        super().tearDownClass()

    def send(self):
        self.smtp.messages.clear()
        self.college._educonnect_send_stats_report()
        mails = self.env["mail.mail"].search([
            ("educonnect_res_model", "=", "res.company"),
            ("educonnect_res_id", "=", self.college.id),
            ("state", "=", "outgoing")])
        with really_sending_mail():
            mails.send(auto_commit=False)
        return mails

    def test_stats_report_reaches_the_directors_with_the_pdf(self):
        self.send()
        self.assertEqual(len(self.smtp.messages), 1)
        _from, rcpt, message = self.smtp.messages[0]
        self.assertEqual(rcpt, ["direction@college.example.fr"])
        self.assertIn("Statistiques des comptes EduConnect", str(
            email.header.make_header(email.header.decode_header(message["Subject"]))))
        text = message_text(message)
        self.assertIn("Comptes élèves activés : 25,0 %", text)
        pdfs = [part.get_payload(decode=True) for part in message.walk()
                if part.get_content_type() == "application/pdf"]
        self.assertEqual(len(pdfs), 1)
        pdf_text = " ".join(" ".join(pdf_pages(pdfs[0])).split())
        self.assertIn("Synthèse des comptes élèves de la structure", pdf_text)
        self.assertIn("Dernière mise à jour le 27/11/2026", pdf_text)

    def test_stats_report_gives_the_change_since_the_last_report(self):
        self.send()
        for pupil in self.pupils[1:3]:
            pupil._educonnect_activate("un mot de passe bien long")
        self.env["educonnect.stats.line"]._compute_statistics(self.college, "2026-11-28")
        self.send()
        text = message_text(self.smtp.messages[0][2])
        self.assertIn("Comptes élèves activés : 75,0 % (+50,0 points depuis "
                      "le dernier envoi)", text)

    def test_stats_report_a_failing_recipient_does_not_block_the_others(self):
        nobody = self.env["res.partner"].create({"name": "Sans adresse"})
        refused = self.env["res.partner"].create({"name": "Gestionnaire",
                                                  "email": "refus@example.fr"})
        other = self.env["res.partner"].create({"name": "Adjoint",
                                                "email": "adjoint@example.fr"})
        self.college.educonnect_stats_recipient_ids = nobody | refused | other
        self.smtp.refuse.add("refus@example.fr")
        try:
            mails = self.send()
        finally:
            self.smtp.refuse.clear()
        # No mail for the partner without an address; the refused one is
        # queued again for a later try.
        self.assertEqual(len(mails), 2)
        self.assertEqual([m[1] for m in self.smtp.messages], [["adjoint@example.fr"]])
        self.assertEqual(mails.exists().mapped("state"), ["outgoing"])

    def test_stats_report_schedule_weekly_by_default(self):
        self.assertEqual(self.college.educonnect_stats_frequency, "weekly")
        self.env["res.company"]._cron_send_stats_reports()
        self.assertTrue(self.college.educonnect_stats_next_send)
        self.assertTrue(self.env["mail.mail"].search_count(
            [("educonnect_res_model", "=", "res.company"),
             ("educonnect_res_id", "=", self.college.id)]))


class TestStatsReportRecipients(AccountActionCase):
    """The report goes to the directors of the establishment (their role in
    it), not to every holder of the director group; without any address it
    does not leave, says so, and keeps its date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["educonnect.stats.line"]._compute_statistics(cls.college, "2026-11-27")
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        # Director of the lycée, also on the collège's staff without a role.
        cls.proviseure = Users.create({
            "name": "Proviseure", "login": "test.proviseure",
            "email": "proviseure@lycee.example.fr",
            "company_id": cls.lycee.id,
            "company_ids": [(6, 0, (cls.lycee | cls.college).ids)]})
        cls.env["educonnect.delegation"].create({
            "user_id": cls.proviseure.id, "company_id": cls.lycee.id,
            "role": "director"})

    def test_stats_report_goes_to_the_directors_of_this_establishment_only(self):
        self.director.partner_id.email = "principal@college.example.fr"
        self.assertTrue(self.proviseure.has_group(
            "educonnect_accounts.group_educonnect_director"))
        self.assertEqual(self.college._educonnect_stats_recipients().mapped("email"),
                         ["principal@college.example.fr"])
        self.assertEqual(self.lycee._educonnect_stats_recipients().mapped("email"),
                         ["proviseure@lycee.example.fr"])
        self.assertFalse(self.college.educonnect_stats_warning)

    def test_stats_report_without_any_address_says_so_and_keeps_its_date(self):
        self.director.partner_id.email = False
        self.college.write({"educonnect_stats_frequency": "daily",
                            "educonnect_stats_next_send": "2026-11-01"})
        self.assertIn("aucun de ses destinataires n'a d'adresse électronique",
                      self.college.with_context(lang="fr_FR")
                      .educonnect_stats_warning)
        home = self.env["educonnect.home"].sudo(self.director).with_context(
            lang="fr_FR").create({})
        self.assertEqual(home.company_id, self.college)
        self.assertIn("ne peut pas être envoyé", home.stats_warning)
        self.env["res.company"].with_context(lang="fr_FR")._cron_send_stats_reports()
        self.assertEqual(self.college.educonnect_stats_next_send, "2026-11-01")
        self.assertIn("aucun destinataire n'a d'adresse électronique",
                      self.college.educonnect_stats_last_status)
        self.assertFalse(self.env["mail.mail"].search(
            [("educonnect_res_model", "=", "res.company"),
             ("educonnect_res_id", "=", self.college.id)]))
        # An address given: the next run sends it and moves the date on.
        self.director.partner_id.email = "principal@college.example.fr"
        self.env["res.company"]._cron_send_stats_reports()
        self.assertGreater(self.college.educonnect_stats_next_send, "2026-11-01")
        self.assertEqual(self.env["mail.mail"].search(
            [("educonnect_res_model", "=", "res.company"),
             ("educonnect_res_id", "=", self.college.id)]).mapped("recipient_ids.email"),
            ["principal@college.example.fr"])

    def test_stats_report_pdf_is_not_readable_by_staff_or_pupils(self):
        self.director.partner_id.email = "principal@college.example.fr"
        self.college._educonnect_send_stats_report()
        mail = self.env["mail.mail"].search(
            [("educonnect_res_model", "=", "res.company"),
             ("educonnect_res_id", "=", self.college.id)])
        pdf = mail.attachment_ids
        self.assertEqual(len(pdf), 1)
        self.assertEqual((pdf.res_model, pdf.res_id),
                         ("mail.message", mail.mail_message_id.id))
        for user in (self.troubleshooter, self.agent, self.director):
            with self.assertRaises(AccessError):
                pdf.sudo(user).read(["datas"])
