from odoo import fields, models, tools

from odoo.addons.educonnect_accounts.models.educonnect_account_mixin import (
    ACCOUNT_ORIGINS, ACCOUNT_STATES)


class EduconnectAccountSummary(models.Model):
    """Live counts of accounts by establishment, population, origin and state,
    class and MEF: the figures of section 5, aggregated by PostgreSQL."""
    _name = "educonnect.account.summary"
    _description = "Account summary"
    _auto = False
    _order = "company_id, population, origin, state"

    company_id = fields.Many2one("res.company", string="Establishment",
                                 readonly=True)
    population = fields.Selection([("student", "Pupils"),
                                   ("guardian", "Guardians")], readonly=True)
    origin = fields.Selection(ACCOUNT_ORIGINS, string="Account origin",
                              readonly=True)
    state = fields.Selection(ACCOUNT_STATES, string="Account state",
                             readonly=True)
    class_id = fields.Many2one("educonnect.class", string="Class", readonly=True)
    mef_id = fields.Many2one("educonnect.mef", string="MEF", readonly=True)
    account_count = fields.Integer(string="Number of accounts", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # A guardian is counted once per class/MEF of their children, and
        # once overall: the per-class rows of guardians use their first child.
        self.env.cr.execute("""
            CREATE VIEW educonnect_account_summary AS
            SELECT row_number() OVER () AS id, * FROM (
                SELECT s.company_id, 'student'::varchar AS population,
                       s.origin, s.state, s.class_id, s.mef_id,
                       count(*) AS account_count
                  FROM educonnect_student s
                 WHERE s.active
                 GROUP BY s.company_id, s.origin, s.state, s.class_id, s.mef_id
                UNION ALL
                SELECT g.company_id, 'guardian'::varchar, g.origin, g.state,
                       first_link.class_id, first_link.mef_id, count(*)
                  FROM educonnect_guardian g
                  LEFT JOIN LATERAL (
                        SELECT l.class_id, l.mef_id
                          FROM educonnect_guardian_link l
                         WHERE l.guardian_id = g.id AND l.active
                         ORDER BY l.legal_level, l.id LIMIT 1) first_link ON true
                 WHERE g.active
                 GROUP BY g.company_id, g.origin, g.state,
                          first_link.class_id, first_link.mef_id
            ) counts
        """)
