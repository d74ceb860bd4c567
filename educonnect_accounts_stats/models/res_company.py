import base64
import json

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import ValidationError

FREQUENCIES = {"daily": relativedelta(days=1), "weekly": relativedelta(weeks=1),
               "monthly": relativedelta(months=1)}


class ResCompany(models.Model):
    """The scheduled statistics e-mail of each establishment."""
    _inherit = "res.company"

    # The statistics are for the establishment's management (not its
    # troubleshooting agents, pupils or guardians, who may read the
    # establishment's name and address).
    educonnect_stats_recipient_ids = fields.Many2many(
        "res.partner", "educonnect_stats_recipient_rel", "company_id",
        "partner_id", string="Statistics report recipients",
        groups="educonnect_accounts.group_educonnect_manager",
        help="Empty: the directors of the establishment.")
    educonnect_stats_frequency = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly"),
         ("never", "Never")], string="Statistics report frequency",
        default="weekly", required=True, groups="educonnect_accounts.group_educonnect_manager")
    educonnect_stats_next_send = fields.Date(string="Next statistics report",
                                             groups="educonnect_accounts.group_educonnect_manager")
    educonnect_stats_last_rates = fields.Char(
        string="Rates of the last report", readonly=True, groups="educonnect_accounts.group_educonnect_manager")

    @api.model
    def _educonnect_director_settings_fields(self):
        return super()._educonnect_director_settings_fields() | {
            "educonnect_stats_recipient_ids", "educonnect_stats_frequency",
            "educonnect_stats_next_send"}

    educonnect_stats_last_status = fields.Char(
        string="Last statistics report", readonly=True,
        groups="educonnect_accounts.group_educonnect_manager",
        help="When the last report left, or why it could not.")
    educonnect_stats_warning = fields.Char(
        string="Statistics report warning", compute="_compute_educonnect_stats_warning",
        groups="educonnect_accounts.group_educonnect_manager")

    def _educonnect_stats_recipients(self):
        """Who the report goes to: the recipients chosen, else the directors
        of this establishment (by their role in it, not the global group: a
        director of another school who also holds this one as a member of
        staff does not get it)."""
        self.ensure_one()
        if self.educonnect_stats_recipient_ids:
            return self.educonnect_stats_recipient_ids
        # The delegated agents reading the settings cannot read the delegations.
        directors = self.env["educonnect.delegation"].sudo().search([
            ("company_id", "=", self.id), ("role", "=", "director")]).mapped(
                "user_id").filtered(lambda u: u.active and u.id != SUPERUSER_ID)
        return directors.mapped("partner_id")

    @api.constrains("educonnect_stats_recipient_ids")
    def _check_educonnect_stats_recipients(self):
        """The report goes to people of the establishment's staff or to
        outside addresses (an inspector), never to a pupil's or guardian's
        portal account."""
        # The portal users behind the partners are hidden from staff.
        for company in self.sudo():
            portal = company.educonnect_stats_recipient_ids.filtered(
                lambda p: p.user_ids and all(u.share for u in p.user_ids))
            if portal:
                raise ValidationError(_(
                    "The statistics report cannot be sent to pupils or "
                    "guardians: %s.") % ", ".join(portal.mapped("name")))

    @api.depends("educonnect_stats_frequency", "educonnect_stats_recipient_ids",
                 "educonnect_stats_recipient_ids.email")
    def _compute_educonnect_stats_warning(self):
        for company in self:
            company.educonnect_stats_warning = \
                company.educonnect_stats_frequency != "never" \
                and not company._educonnect_stats_recipients().filtered("email") \
                and _("The statistics report cannot be sent: none of its "
                      "recipients has an e-mail address. Give the directors "
                      "an e-mail address (their preferences) or choose the "
                      "recipients.") or False

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
        """E-mail the statistics PDF to the recipients, one message each (a
        failing address does not hold back the others). Returns how many
        were queued: none when no recipient has an address (said on the
        establishment's settings and on the Accueil). Run by the scheduled
        action as the superuser: the mails and their files are the system's."""
        self.ensure_one()
        recipients = self._educonnect_stats_recipients().filtered("email")
        if not recipients:
            self.educonnect_stats_last_status = _(
                "Not sent on %s: no recipient has an e-mail address.") % \
                fields.Date.from_string(fields.Date.context_today(self)) \
                .strftime("%d/%m/%Y")
            return 0
        template = self.env.ref(
            "educonnect_accounts_stats.mail_template_stats_report")
        dashboard = self.env["educonnect.stats.dashboard"].with_context(
            lang="fr_FR").create({"company_id": self.id})
        data = dashboard._tables_data()
        rates = self._educonnect_stats_rates(data)
        previous = json.loads(self.educonnect_stats_last_rates or "{}")
        summary = self._educonnect_stats_summary(rates, previous)
        pdf = base64.b64encode(dashboard._pdf())
        Mail = self.env["mail.mail"]
        mails = Mail.browse()
        for partner in recipients:
            # Not linked to the establishment's record: anyone may read an
            # establishment, so its attachments too. The PDF belongs to the
            # message, which only its author and recipients may read.
            mails |= Mail.browse(template.with_context(
                lang="fr_FR", summary_lines=summary,
                date_label=data["date_label"]).send_mail(
                    self.id, email_values={
                        "model": False, "res_id": False,
                        "email_from": self._educonnect_mail_from(),
                        "recipient_ids": [(6, 0, partner.ids)],
                        "educonnect_res_model": self._name,
                        "educonnect_res_id": self.id}))
        for mail in mails:
            mail.attachment_ids = self.env["ir.attachment"].create({
                "name": dashboard._export_name("pdf"),
                "datas_fname": dashboard._export_name("pdf"),
                "datas": pdf, "mimetype": "application/pdf",
                "res_model": "mail.message", "res_id": mail.mail_message_id.id})
        mails._educonnect_send_soon()
        self.write({"educonnect_stats_last_rates": json.dumps(rates),
                    "educonnect_stats_last_status": _(
                        "Queued on %s for %d recipient(s).") % (
                        fields.Datetime.context_timestamp(
                            self, fields.Datetime.from_string(
                                fields.Datetime.now())).strftime("%d/%m/%Y %H:%M"),
                        len(recipients))})
        return len(mails)

    @api.multi
    def _educonnect_mail_status(self, status, reason=None, mail=None):
        """How the report's e-mails went (see mail.mail)."""
        when = fields.Datetime.context_timestamp(self, fields.Datetime.from_string(
            fields.Datetime.now())).strftime("%d/%m/%Y %H:%M")
        to = ", ".join(mail.recipient_ids.mapped("email")) if mail else ""
        text = {
            "sent": _("Sent on %s to %s.") % (when, to),
            "retry": _("Not delivered yet to %s (%s): tried again later.") % (to, reason),
            "failed": _("Not delivered to %s (%s).") % (to, reason),
        }[status]
        # Reported by the mail queue, whichever user's job sent the mail.
        self.sudo().write({"educonnect_stats_last_status": text})

    @api.model
    def _cron_send_stats_reports(self):
        """The reports due today. An establishment whose report found no
        address keeps its date: the report leaves at the first run after a
        director gives one."""
        today = fields.Date.from_string(fields.Date.context_today(self))
        companies = self.search([
            ("educonnect_stats_frequency", "!=", "never"), "|",
            ("educonnect_stats_next_send", "=", False),
            ("educonnect_stats_next_send", "<=", fields.Date.to_string(today))])
        for company in companies:
            with self.env.cr.savepoint():
                if company._educonnect_send_stats_report():
                    company.educonnect_stats_next_send = fields.Date.to_string(
                        today + FREQUENCIES[company.educonnect_stats_frequency])
