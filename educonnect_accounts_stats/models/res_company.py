import base64
import json

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models

FREQUENCIES = {"daily": relativedelta(days=1), "weekly": relativedelta(weeks=1),
               "monthly": relativedelta(months=1)}


class ResCompany(models.Model):
    """The scheduled statistics e-mail of each establishment."""
    _inherit = "res.company"

    educonnect_stats_recipient_ids = fields.Many2many(
        "res.partner", "educonnect_stats_recipient_rel", "company_id",
        "partner_id", string="Statistics report recipients",
        help="Empty: the directors of the establishment.")
    educonnect_stats_frequency = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly"),
         ("never", "Never")], string="Statistics report frequency",
        default="weekly", required=True)
    educonnect_stats_next_send = fields.Date(string="Next statistics report")
    educonnect_stats_last_rates = fields.Char(
        string="Rates of the last report", readonly=True)

    @api.model
    def _educonnect_director_settings_fields(self):
        return super()._educonnect_director_settings_fields() | {
            "educonnect_stats_recipient_ids", "educonnect_stats_frequency",
            "educonnect_stats_next_send"}

    def _educonnect_stats_recipients(self):
        self.ensure_one()
        if self.educonnect_stats_recipient_ids:
            return self.educonnect_stats_recipient_ids
        directors = self.env.ref(
            "educonnect_accounts.group_educonnect_director").users.filtered(
                lambda u: self in u.company_ids and u.email and u.id != 1)
        return directors.mapped("partner_id")

    def _educonnect_stats_rates(self, data):
        """Activation rate (%) of pupils and guardians from the synthesis."""
        rates = {}
        for table in data["tables"]:
            if table["breakdown"] == "origin":
                total = table["total"]["total"]
                activated = table["total"]["counts"][-1]
                rates[table["population"]] = round(
                    100.0 * activated / total, 1) if total else 0.0
        return rates

    def _educonnect_stats_summary(self, rates, previous):
        lines = []
        for population, label in (("student", _("Pupil accounts activated")),
                                  ("guardian", _("Guardian accounts activated"))):
            line = "%s : %s %%" % (label, ("%.1f" % rates[population]).replace(".", ","))
            if population in previous:
                change = rates[population] - previous[population]
                line += " (%s%s %s)" % ("+" if change >= 0 else "−",
                                        ("%.1f" % abs(change)).replace(".", ","),
                                        _("points since the last report"))
            lines.append(line)
        return lines

    @api.multi
    def _educonnect_send_stats_report(self):
        """E-mail the statistics PDF to the recipients, one message each
        (a failing address does not hold back the others)."""
        template = self.env.ref(
            "educonnect_accounts_stats.mail_template_stats_report")
        for company in self:
            recipients = company._educonnect_stats_recipients()
            if not recipients:
                continue
            dashboard = self.env["educonnect.stats.dashboard"].with_context(
                lang="fr_FR").create({"company_id": company.id})
            data = dashboard._tables_data()
            rates = company._educonnect_stats_rates(data)
            previous = json.loads(company.educonnect_stats_last_rates or "{}")
            summary = company._educonnect_stats_summary(rates, previous)
            attachment = self.env["ir.attachment"].create({
                "name": dashboard._export_name("pdf"),
                "datas_fname": dashboard._export_name("pdf"),
                "datas": base64.b64encode(dashboard._pdf()),
                "mimetype": "application/pdf",
                "res_model": "res.company", "res_id": company.id})
            for partner in recipients:
                template.with_context(
                    lang="fr_FR", summary_lines=summary,
                    date_label=data["date_label"]).send_mail(
                        company.id, email_values={
                            "recipient_ids": [(6, 0, partner.ids)],
                            "attachment_ids": attachment.ids})
            company.write({"educonnect_stats_last_rates": json.dumps(rates)})

    @api.model
    def _cron_send_stats_reports(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        companies = self.search([
            ("educonnect_stats_frequency", "!=", "never"), "|",
            ("educonnect_stats_next_send", "=", False),
            ("educonnect_stats_next_send", "<=", fields.Date.to_string(today))])
        for company in companies:
            with self.env.cr.savepoint():
                company._educonnect_send_stats_report()
                company.educonnect_stats_next_send = fields.Date.to_string(
                    today + FREQUENCIES[company.educonnect_stats_frequency])
