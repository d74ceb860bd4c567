"""The statistics' rows of the rights matrix (tests/data/rights_matrix.csv
of this addon): the lines of each establishment, reading the tables and
recomputing them, checked as the accounts addon checks its own rows."""
import os

from odoo.addons.educonnect_accounts.tests import test_rights_matrix as base

MATRIX = os.path.join(os.path.dirname(__file__), "data", "rights_matrix.csv")
LINE = "educonnect.stats.line"


class TestStatsRightsMatrix(base.TestRightsMatrix):
    MATRIX = MATRIX
    OTHER_MATRICES = (base.MATRIX,)
    SCOPED_MODELS = (LINE,)
    PORTAL_MODELS = ()
    ACTIONS = ("statistics",)
    READ_ACTIONS = ("action:statistics",)
    READ_FIELD = dict(base.READ_FIELD, **{LINE: "account_count"})
    WRITE_VALS = dict(base.WRITE_VALS, **{LINE: {"account_count": 999}})

    def test_matrix_administrator(self):
        """The statistics' rows name no administrator (they never did: the
        administrator's own rows are the accounts addon's)."""
        self.assertFalse([r for r in self.matrix
                          if r["role"] == "administrator"])

    @classmethod
    def establishment_data(cls, company):
        Line = cls.env[LINE]
        Line._compute_statistics(company, "2026-11-01")
        return {LINE: Line.search([("company_id", "=", company.id)], limit=1)}

    def create_vals(self, role, model, company):
        if model == LINE:
            return {"date": "2026-01-01", "company_id": company.id,
                    "population": "student", "breakdown": "origin",
                    "account_count": 1}
        return super().create_vals(role, model, company)

    def throwaway(self, model, company):
        if model == LINE:
            return self.env[model].create(self.create_vals(
                "administrator", model, company))
        return super().throwaway(model, company)

    def action_probe(self, env, role, action, company):
        if action == "statistics":
            return (lambda: env["educonnect.stats.dashboard"].create(
                        {"company_id": company.id}).tables_html,
                    lambda: None)
        if action == "recompute_statistics":
            return (lambda: env["educonnect.stats.dashboard"].create(
                        {}).action_recompute(),
                    lambda: self.env[LINE].search_count([]))
        return super().action_probe(env, role, action, company)
