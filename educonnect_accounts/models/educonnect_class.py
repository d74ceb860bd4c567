import re

from odoo import api, fields, models

# School order of the levels: 6e → 3e (collège), then 2nde → Tle (lycée,
# general and vocational alike). A MEF code says the level in its first and
# third digits (100 6e, 101 5e, 102 4e, 103 3e; 200/240 2nde, 201/241 1re,
# 202/242 Tle); a class without MEF is read from its name (« 6 2 », « 2nde 1 »,
# « Tle S »).
_NAME_LEVELS = [(r"^\s*6", 10), (r"^\s*5", 11), (r"^\s*4", 12), (r"^\s*3", 13),
                (r"^\s*(2|seconde)", 20), (r"^\s*(1|premi)", 21),
                (r"^\s*(t|term)", 22)]
UNKNOWN_RANK = 99


def school_rank(mef_code, class_name):
    """10 (6e) … 13 (3e), 20 (2nde) … 22 (Tle), 99 when unknown."""
    code = (mef_code or "").strip()
    if len(code) >= 3 and code[0] in "12" and code[2] in "0123" \
            and code[:3].isdigit():
        return int(code[0]) * 10 + int(code[2])
    for pattern, rank in _NAME_LEVELS:
        if re.match(pattern, class_name or "", re.IGNORECASE):
            return rank
    return UNKNOWN_RANK


class EduconnectClass(models.Model):
    """A class (division) of one establishment, e.g. « 6 2 »."""
    _name = "educonnect.class"
    _inherit = ["educonnect.field.guard"]
    _description = "Class"
    # School order: every list, picker, letter pack and statistic of classes
    # reads 6e → 3e, 2nde → Tle, not the alphabet (« 2nde » before « 6 1 »).
    _order = "company_id, school_rank, name"

    name = fields.Char(required=True)
    code = fields.Char(help="CODE_STRUCTURE in SIECLE.")
    mef_id = fields.Many2one("educonnect.mef", string="MEF",
                             help="Usual MEF of the pupils of this class.")
    school_rank = fields.Integer(
        string="Level order", compute="_compute_school_rank", store=True,
        index=True, help="10 for 6e to 13 for 3e, 20 for 2nde to 22 for "
                         "Terminale: the order of the classes everywhere.")
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

    @api.depends("mef_id.code", "name")
    def _compute_school_rank(self):
        for rec in self:
            rec.school_rank = school_rank(rec.mef_id.code, rec.name)

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

    @api.multi
    def _educonnect_class_wizard(self, xmlid):
        """Open a wizard of the pupil list (« (Re)notifier », « Lister ») on
        the pupils of this class: the same wizard, rules and traces as from
        the list, with the class as its search."""
        self.ensure_one()
        # Only on a class the user may read (its establishment, staff).
        self.check_access_rights("read")
        self.check_access_rule("read")
        action = self.env.ref(xmlid).read()[0]
        domain = [("class_id", "=", self.id)]
        action["context"] = {
            "active_model": "educonnect.student",
            "active_ids": self.env["educonnect.student"].search(domain).ids,
            "active_domain": domain, "default_scope": "search"}
        return action

    @api.multi
    def action_class_letters(self):
        """« Courriers de la classe » (the notify wizard, letters)."""
        return self._educonnect_class_wizard(
            "educonnect_accounts.educonnect_notify_wizard_action_student")

    @api.multi
    def action_class_list(self):
        """« Liste de la classe » (the list wizard)."""
        return self._educonnect_class_wizard(
            "educonnect_accounts.educonnect_list_wizard_action_student")
