"""Partners (``res.partner``) as staff read them: the administrator's
partner named in the reader's language (Odoo's installation data names it
« Administrator », never translated), as ``res.users.name_get`` does."""
from odoo import SUPERUSER_ID, _, api, models

from .res_users import ODOO_ADMIN_NAME


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.multi
    def name_get(self):
        result = super(ResPartner, self).name_get()
        # sudo: the administrator's partner, whoever reads a message of it.
        admin = self.env["res.users"].sudo().browse(SUPERUSER_ID).partner_id.id
        label = _("Administrator")
        return [(pid, label if pid == admin and name == ODOO_ADMIN_NAME
                 else name) for pid, name in result]
