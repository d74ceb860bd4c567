from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..reports.report_account_list import LIST_FORMATS


class EduconnectListWizard(models.TransientModel):
    """Lister les comptes (3.3, 4.3): PDF, CSV or XLSX lists of identifiants
    and provisional passwords, with exactly the columns of the guide. The
    rows come from the account models, the file from the list report."""
    _name = "educonnect.list.wizard"
    _inherit = "educonnect.account.wizard.mixin"
    _description = "List accounts"

    list_format = fields.Selection(
        LIST_FORMATS, string="Format of the list", default="pdf", required=True)

    def _wizard_title(self):
        return _("List accounts")

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        records = self._list_rows()
        if not records:
            raise UserError(_("No account is selected."))
        Accounts = self._account_model()
        if len(records) > self.env["educonnect.batch"]._threshold():
            return self._start_batch(
                "list", Accounts._educonnect_list_order(records),
                {"list_format": self.list_format})
        rows = Accounts._educonnect_list_rows(records)
        name, content, mimetype = self.env[
            "report.educonnect_accounts.report_account_list"] \
            ._educonnect_list_file(rows, self.list_format, self.population,
                                   self.env.user.company_id)
        self.attachment_id = self._attach(name, content, mimetype)
        self._accounts()._educonnect_trace(
            "list", _("Format: %s") % self.list_format.upper())
        self.write({"step": "done",
                    "result_message": _("The list is ready.")})
        return self._reopen()
