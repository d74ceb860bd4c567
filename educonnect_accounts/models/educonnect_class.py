from odoo import api, fields, models


class EduconnectClass(models.Model):
    """A class (division) of one establishment, e.g. « 6 2 »."""
    _name = "educonnect.class"
    _inherit = ["educonnect.field.guard"]
    _description = "Class"
    _order = "company_id, name"

    name = fields.Char(required=True)
    code = fields.Char(help="CODE_STRUCTURE in SIECLE.")
    mef_id = fields.Many2one("educonnect.mef", string="MEF",
                             help="Usual MEF of the pupils of this class.")
    company_id = fields.Many2one(
        "res.company", string="Establishment", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    student_ids = fields.One2many("educonnect.student", "class_id",
                                  string="Pupils")
    student_count = fields.Integer(compute="_compute_student_count",
                                   string="Number of pupils")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_company_unique", "UNIQUE(company_id, name)",
         "This class already exists in this establishment."),
    ]

    def _compute_student_count(self):
        data = self.env["educonnect.student"].read_group(
            [("class_id", "in", self.ids)], ["class_id"], ["class_id"])
        counts = {d["class_id"][0]: d["class_id_count"] for d in data}
        for rec in self:
            rec.student_count = counts.get(rec.id, 0)

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        # Odoo 11 checks the rules before a write only.
        self.check_access_rule("write")
        return result
