"""The attack surface with the statistics installed: the probes of the
accounts addon's test (see its docstring) over both addons. The cells the
statistics add (their models, their fields of the establishment and the
Accueil) are this addon's ``tests/data/attack_surface.csv``; the others
must be exactly the accounts addon's.

Regenerating this addon's cells::

    EDUCONNECT_WRITE_SURFACE=1 bin/test educonnect_accounts_stats/tests/test_stats_attack_surface.py
"""
import os

from odoo.addons.educonnect_accounts.tests import test_attack_surface as base

STATS_DATE = "2020-01-01"


class StatsSurfaceSpec(base.SurfaceSpec):
    addons = ("educonnect_accounts", "educonnect_accounts_stats")
    surface = os.path.join(os.path.dirname(__file__), "data",
                           "attack_surface.csv")
    base_surfaces = (base.SURFACE,)
    marked_tables = base.MARKED_TABLES + ("educonnect_stats_dashboard",)
    company_tables = base.SurfaceSpec.company_tables + (
        "educonnect_stats_line",)

    def transient_specs(self, pupil_id):
        return dict(super().transient_specs(pupil_id),
                    **{"educonnect.stats.dashboard": ({}, {})})

    def establishment_records(self, env, company):
        """The statistics of the establishment, computed for a past day."""
        Line = env["educonnect.stats.line"]
        Line._compute_statistics(company, STATS_DATE)
        line = Line.search([("company_id", "=", company.id),
                            ("date", "=", STATS_DATE)], limit=1)
        return {"educonnect.stats.line": line.id}


class TestStatsAttackSurface(base.TestAttackSurface):
    SPEC = StatsSurfaceSpec

    def test_the_statistics_models_are_probed(self):
        for model in ("educonnect.stats.dashboard", "educonnect.stats.line"):
            self.assertIn(model, self.models)
