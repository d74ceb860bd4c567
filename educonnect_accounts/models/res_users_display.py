"""The administrator's name as staff read it.

Odoo's administrator (user and partner) is named « Administrator » by its
installation data (never translated): every delegation it made reads
« Délégué par Administrator », every action it ran « Par Administrator »,
every message it posted (a batch's chatter) the same. Unless the site
renamed it, it reads in the reader's language.
"""
from odoo import SUPERUSER_ID, _, api, models

ODOO_DEFAULT_NAME = "Administrator"


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.multi
    def name_get(self):
        result = super().name_get()
        # Outside the comprehension: Odoo's _() finds the language in the
        # caller's frame (self).
        label = _("Administrator")
        return [(uid, label if uid == SUPERUSER_ID and name == ODOO_DEFAULT_NAME
                 else name) for uid, name in result]


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.multi
    def name_get(self):
        result = super().name_get()
        # sudo: the administrator's partner, whoever reads a message of it.
        admin = self.env["res.users"].sudo().browse(SUPERUSER_ID).partner_id.id
        label = _("Administrator")
        return [(pid, label if pid == admin and name == ODOO_DEFAULT_NAME
                 else name) for pid, name in result]
