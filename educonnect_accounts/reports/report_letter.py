from odoo import api, fields, models


class ReportLetterMixin(models.AbstractModel):
    _name = "report.educonnect_accounts.letter_mixin"
    _description = "EduConnect letters"

    _account_model = None

    @api.model
    def get_report_values(self, docids, data=None):
        docs = self.env[self._account_model].browse(docids)
        # The clear passwords come from the action that just set them; a
        # letter printed any other way carries no password.
        passwords = (data or {}).get("passwords") or {}
        # System parameter: the address printed on the letters.
        base_url = self.env["ir.config_parameter"].sudo().get_param(
            "web.base.url") or ""
        return {
            "doc_ids": docids, "doc_model": self._account_model, "docs": docs,
            "passwords": {int(k): v for k, v in passwords.items()},
            "login_url": base_url.rstrip("/") + "/web/login",
            "today": fields.Date.from_string(fields.Date.context_today(self)),
            "fmt_date": lambda d: fields.Date.from_string(d).strftime("%d/%m/%Y")
            if d else "",
        }


class ReportLetterStudent(models.AbstractModel):
    _name = "report.educonnect_accounts.report_letter_student"
    _inherit = "report.educonnect_accounts.letter_mixin"
    _description = "Pupil letters"
    _account_model = "educonnect.student"


class ReportLetterGuardian(models.AbstractModel):
    _name = "report.educonnect_accounts.report_letter_guardian"
    _inherit = "report.educonnect_accounts.letter_mixin"
    _description = "Guardian letters"
    _account_model = "educonnect.guardian"
