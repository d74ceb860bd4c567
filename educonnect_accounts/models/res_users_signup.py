"""Odoo's e-mails to staff in the school's words.

When the administrator creates a staff member with an e-mail address, or a
staff member asks for a new password, Odoo (auth_signup) sends its own
templates: « <school> invitation to connect on Odoo », « Sent by <school>
using Odoo ». The flow stays Odoo's (signup token, expiry, sending); only
the two templates are ours. auth_signup takes them with ``env.ref`` inside
``action_reset_password``, so for that call the two references are answered
with our templates (a flag in the context, which no request can set: see
models/ir_http.py).
"""
from odoo import api, models

SIGNUP_TEMPLATES = {
    "auth_signup.set_password_email":
        "educonnect_accounts.mail_template_staff_invitation",
    "auth_signup.reset_password_email":
        "educonnect_accounts.mail_template_staff_password_reset",
}


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.multi
    def action_reset_password(self):
        return super(ResUsers, self.with_context(
            educonnect_signup_templates=True)).action_reset_password()


class IrModelData(models.Model):
    _inherit = "ir.model.data"

    @api.model
    def xmlid_to_object(self, xmlid, raise_if_not_found=False):
        if self.env.context.get("educonnect_signup_templates"):
            xmlid = SIGNUP_TEMPLATES.get(xmlid, xmlid)
        return super().xmlid_to_object(xmlid, raise_if_not_found=raise_if_not_found)
