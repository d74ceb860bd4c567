import email
import re

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
        mails = self.env["mail.mail"].search([("model", "=", "res.company"),
                                              ("res_id", "=", self.college.id),
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
        other = self.env["res.partner"].create({"name": "Adjoint",
                                                "email": "adjoint@example.fr"})
        self.college.educonnect_stats_recipient_ids = nobody | other
        mails = self.send()
        self.assertEqual(len(mails), 2)
        self.assertEqual([m[1] for m in self.smtp.messages], [["adjoint@example.fr"]])

    def test_stats_report_schedule_weekly_by_default(self):
        self.assertEqual(self.college.educonnect_stats_frequency, "weekly")
        self.env["res.company"]._cron_send_stats_reports()
        self.assertTrue(self.college.educonnect_stats_next_send)
        self.assertTrue(self.env["mail.mail"].search_count(
            [("model", "=", "res.company"), ("res_id", "=", self.college.id)]))
