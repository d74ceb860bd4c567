from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.educonnect_account_distribution import NOTIFICATION_TYPES


class EduconnectNotifyWizard(models.TransientModel):
    """(Re)notifier les comptes: the steps of sections 3.2 and 4.2."""
    _name = "educonnect.notify.wizard"
    _inherit = "educonnect.account.wizard.mixin"
    _description = "(Re)notify accounts"

    notification_type = fields.Selection(
        NOTIFICATION_TYPES, string="Notification type", default="letter", required=True)
    reset_password = fields.Boolean(
        string="Reset the password",
        help="Use with care: every selected account gets a new provisional "
             "password, and activated accounts must be activated again.")
    leave_out_sensitive = fields.Boolean(
        string="Leave out the activated accounts and those from FranceConnect, "
               "self-registration or a transition path")
    letter_count = fields.Integer(string="Letters", readonly=True)
    email_count = fields.Integer(string="E-mails", readonly=True)
    left_out_count = fields.Integer(string="Left out", readonly=True)
    emailed_ids = fields.Char(string="Accounts e-mailed", readonly=True)
    email_sent_count = fields.Integer(compute="_compute_email_delivery",
                                      string="E-mails sent")
    email_pending_count = fields.Integer(compute="_compute_email_delivery",
                                         string="E-mails waiting to be sent")
    email_failed_count = fields.Integer(compute="_compute_email_delivery",
                                        string="E-mails not delivered")

    @api.depends("emailed_ids")
    def _compute_email_delivery(self):
        for wizard in self:
            ids = [int(i) for i in (wizard.emailed_ids or "").split(",") if i]
            counts = self.env["educonnect.guardian"].browse(ids) \
                ._educonnect_delivery_counts()
            wizard.email_sent_count = counts["sent"]
            wizard.email_pending_count = counts["pending"]
            wizard.email_failed_count = counts["failed"]

    @api.multi
    def action_refresh(self):
        """« Actualiser »: the e-mails sent since."""
        return self._reopen()

    def _wizard_title(self):
        return _("(Re)notify accounts")

    @api.onchange("population")
    def _onchange_population(self):
        if self.population == "student":
            self.notification_type = "letter"

    @api.multi
    def action_next(self):
        self.ensure_one()
        if not self.account_count:
            raise UserError(_("No account is selected."))
        if self.population == "student" and self.notification_type == "email":
            raise UserError(_("Pupils are notified by printable letter."))
        self.step = "confirm"
        return self._reopen()

    @api.multi
    def action_back(self):
        self.step = "options"
        return self._reopen()

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        accounts = self._accounts()
        left_out = self._sensitive(accounts) if self.leave_out_sensitive \
            else accounts.browse()
        accounts -= left_out
        if not accounts:
            raise UserError(_("No account left to notify."))
        if len(accounts) > self.env["educonnect.batch"]._threshold():
            # In the letters' order (by class): the chunks' PDFs, joined,
            # make one pack per class.
            return self._start_batch(
                "notify", accounts._educonnect_letter_order(), {
                "notification_type": self.notification_type,
                "reset_password": self.reset_password,
            }, left_out_count=len(left_out))
        by_letter, emailed, pdf = accounts._educonnect_distribute(
            self.notification_type, reset=self.reset_password)
        if pdf:
            self.attachment_id = self._attach(
                _("EduConnect letters %s.pdf") % fields.Date.context_today(self),
                pdf, "application/pdf")
        self.write({
            "step": "done", "letter_count": len(by_letter),
            "email_count": len(emailed), "left_out_count": len(left_out),
            "emailed_ids": ",".join(str(i) for i in emailed.ids),
            "result_message": _("The distribution was carried out successfully "
                                "for the selected account(s)."),
        })
        return self._reopen()
