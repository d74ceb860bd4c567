from odoo import api, fields, models


class EduconnectStudent(models.Model):
    """A pupil (élève) of an establishment and their EduConnect account."""
    _name = "educonnect.student"
    _inherit = "educonnect.account.mixin"
    _description = "Pupil"
    _order = "last_name, first_name, id"

    company_id = fields.Many2one(
        "res.company", string="Establishment", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    class_id = fields.Many2one(
        "educonnect.class", string="Class", index=True, ondelete="restrict",
        domain="[('company_id', '=', company_id)]")
    mef_id = fields.Many2one("educonnect.mef", string="MEF", index=True,
                             ondelete="restrict")
    birth_date = fields.Date(string="Birth date")
    gender = fields.Selection([("M", "Male"), ("F", "Female")])
    ine = fields.Char(string="INE", help="National pupil identifier.")
    siecle_id = fields.Char(string="SIECLE id", index=True, copy=False)
    guardian_link_ids = fields.One2many("educonnect.guardian.link", "student_id",
                                        string="Guardians")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("siecle_id_company_unique", "UNIQUE(company_id, siecle_id)",
         "A pupil with this SIECLE id already exists in this establishment."),
    ]

    @api.onchange("class_id")
    def _onchange_class_id(self):
        if self.class_id.mef_id and not self.mef_id:
            self.mef_id = self.class_id.mef_id
