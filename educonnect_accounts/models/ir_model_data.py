"""Odoo's e-mails to staff in the school's words: while
``res.users.action_reset_password`` runs with the flag
``educonnect_signup_templates``, auth_signup's two templates, which it takes
with ``env.ref``, are answered with ours. No request can set the flag: the
addon's ``educonnect_*`` context keys are dropped from every context a client
sends (``ir_http.py``)."""
from odoo import api, models

SIGNUP_TEMPLATES = {
    "auth_signup.set_password_email":
        "educonnect_accounts.mail_template_staff_invitation",
    "auth_signup.reset_password_email":
        "educonnect_accounts.mail_template_staff_password_reset",
}


class IrModelData(models.Model):
    _inherit = "ir.model.data"

    @api.model
    def xmlid_to_object(self, xmlid, raise_if_not_found=False):
        if self.env.context.get("educonnect_signup_templates"):
            xmlid = SIGNUP_TEMPLATES.get(xmlid, xmlid)
        return super().xmlid_to_object(xmlid, raise_if_not_found=raise_if_not_found)
