from odoo import _, api, models
from odoo.exceptions import UserError


class EduconnectResetWizard(models.TransientModel):
    """Modifier les comptes: reset the passwords (3.4, 4.4, 3.5)."""
    _name = "educonnect.reset.wizard"
    _inherit = "educonnect.account.wizard.mixin"
    _description = "Reset passwords"

    def _wizard_title(self):
        return _("Modify accounts (reset passwords)")

    @api.model
    def default_get(self, field_names):
        values = super().default_get(field_names)
        values["step"] = "confirm"
        return values

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        accounts = self._accounts()
        if not accounts:
            raise UserError(_("No account is selected."))
        if len(accounts) > self.env["educonnect.batch"]._threshold():
            return self._start_batch("reset", accounts, {})
        accounts._educonnect_reset()
        self.write({
            "step": "done",
            "result_message": _("The password was reset for the selected %s.")
            % self._population_label(),
        })
        return self._reopen()

    def _list_context(self):
        context = dict(self.env.context, active_model=self.source_model,
                       active_ids=self._source_records().ids)
        context.pop("active_domain", None)
        return context

    @api.multi
    def action_list(self):
        """Hand out the new credentials: the list of the reset accounts."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "educonnect.list.wizard",
            "name": _("List accounts"),
            "view_mode": "form", "target": "new",
            "context": self._list_context(),
        }
