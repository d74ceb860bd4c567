from odoo import api, fields, models

from .pdf import format_date

#: What the letters print of each account, read at once for the whole
#: document (the ORM would otherwise read every column of the accounts).
LETTER_FIELDS = {
    "educonnect.student": ["name", "login", "company_id", "class_id",
                           "letter_expiry_date"],
    "educonnect.guardian": ["name", "login", "company_id",
                            "letter_expiry_date", "link_ids"],
}


class ReportLetterMixin(models.AbstractModel):
    _name = "report.educonnect_accounts.letter_mixin"
    _description = "EduConnect letters"

    _account_model = None

    @api.model
    def get_report_values(self, docids, data=None):
        # By class in school order (the service sorts them already; a letter
        # printed another way is sorted the same).
        docs = self.env[self._account_model].browse(docids)
        classes = docs._educonnect_letter_classes()
        docs = docs.browse([account_id for account_id, _name in classes])
        docs.read(LETTER_FIELDS[self._account_model])
        # The clear passwords come from the action that just set them; a
        # letter printed any other way carries no password.
        passwords = (data or {}).get("passwords") or {}
        return {
            "doc_ids": docs.ids, "doc_model": self._account_model, "docs": docs,
            "passwords": {int(k): v for k, v in passwords.items()},
            "letter_classes": dict(classes),
            "login_urls": {c.id: c._educonnect_signin_url()
                           for c in docs.mapped("company_id")},
            "today": fields.Date.from_string(fields.Date.context_today(self)),
            "fmt_date": format_date,
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
