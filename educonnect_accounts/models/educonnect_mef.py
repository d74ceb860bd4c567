from odoo import api, fields, models


class EduconnectMef(models.Model):
    """MEF: module élémentaire de formation, from the national nomenclature."""
    _name = "educonnect.mef"
    _description = "MEF"
    _order = "code"

    code = fields.Char(required=True, index=True, size=11,
                       help="National MEF code (11 digits), e.g. 10010012110.")
    name = fields.Char(string="Short label", required=True,
                       help="Label printed in lists (LIBELLE_EDITION), e.g. 6EME.")
    long_name = fields.Char(string="Long label")
    formation = fields.Char()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "This MEF code already exists."),
    ]

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        if name:
            mefs = self.search(["|", ("name", operator, name),
                                ("code", "=like", name + "%")] + (args or []),
                               limit=limit)
            return mefs.name_get()
        return super().name_search(name, args, operator, limit)
