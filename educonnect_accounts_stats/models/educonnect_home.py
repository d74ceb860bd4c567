from odoo import fields, models


class EduconnectHome(models.TransientModel):
    """Accueil: says when the statistics report cannot leave."""
    _inherit = "educonnect.home"

    stats_warning = fields.Char(related="company_id.educonnect_stats_warning",
                                readonly=True,
                                groups="educonnect_accounts.group_educonnect_manager")
