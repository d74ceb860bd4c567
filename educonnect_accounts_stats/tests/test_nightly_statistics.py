import base64
import io
from unittest import mock

import openpyxl

from odoo.exceptions import AccessError

from odoo.addons.educonnect_accounts.tests.common import (
    AccountActionCase, pdf_pages)

D1, D2 = "2026-11-27", "2026-11-28"
STATES = {"student": ["not_notified", "notified", "activated"],
          "guardian": ["not_notified", "notified", "activating", "activated"]}


class TestNightlyStatistics(AccountActionCase):
    """Section 5: the counts by origin × state, by class and by MEF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Line = cls.env["educonnect.stats.line"]
        pupils = cls.env["educonnect.student"]
        for i, klass in enumerate([cls.c61] * 4 + [cls.c62] * 3 + [cls.c53] * 3):
            pupils |= cls.make_student("STAT%d" % i, "Eva", klass)
        cls.pupils = pupils
        guardians = cls.env["educonnect.guardian"]
        for i, pupil in enumerate(pupils):
            guardians |= cls.make_guardian("PARENT%d" % i, "Léa", pupil)
        # Siblings: one guardian of two pupils of different classes.
        cls.env["educonnect.guardian.link"].create({
            "student_id": pupils[9].id, "guardian_id": guardians[0].id,
            "legal_level": "2"})
        cls.guardians = guardians
        # A mix of the actions of the guide.
        pupils[:6]._educonnect_notify()
        for pupil in pupils[:3]:
            pupil._educonnect_activate("un mot de passe bien long")
        pupils[2]._educonnect_reset_passwords()
        pupils[6].write({"state": "activated", "origin": "ent"})
        guardians[:5]._educonnect_notify()
        guardians[0]._educonnect_activate("un mot de passe bien long")
        guardians[5].write({"state": "activating", "origin": "self_registration"})
        guardians[6].write({"state": "activated", "origin": "franceconnect"})
        cls.make_student("AUTRE", "Lycée", cls.lycee_class)

    def dashboard(self, user=None):
        return self.env["educonnect.stats.dashboard"].sudo(
            user or self.director).create({})

    def direct_count(self, population, domain):
        model = "educonnect.%s" % population
        return self.env[model].search_count(
            [("company_id", "=", self.college.id)] + domain)

    def check_tables_equal_the_data(self):
        data = self.dashboard()._tables_data()
        origins = {"ATEN": "aten", "ENT": "ent", "Établissement": "school",
                   "FranceConnect": "franceconnect", "Responsable": "self_registration",
                   "N/A": "unknown"}
        for table in data["tables"]:
            population, states = table["population"], STATES[table["population"]]
            if table["breakdown"] == "origin":
                self.assertEqual([r["label"] for r in table["rows"]], list(origins))
                for row in table["rows"]:
                    for state, count in zip(states, row["counts"]):
                        self.assertEqual(count, self.direct_count(population, [
                            ("origin", "=", origins[row["label"]]),
                            ("state", "=", state)]), (population, row, state))
            for i, state in enumerate(states):
                self.assertEqual(table["total"]["counts"][i],
                                 self.direct_count(population, [("state", "=", state)]),
                                 (table["title"], state))
            self.assertEqual(table["total"]["total"],
                             self.direct_count(population, []))
        return data

    def test_statistics_equal_a_direct_count_of_the_accounts(self):
        self.Line._compute_statistics(self.college, D1)
        data = self.check_tables_equal_the_data()
        self.assertEqual(data["date_label"], "27/11/2026")
        pupils_by_origin = data["tables"][0]
        self.assertEqual(pupils_by_origin["title"],
                         "Synthèse des comptes élèves de la structure")

    def test_statistics_follow_later_actions(self):
        self.Line._compute_statistics(self.college, D1)
        self.pupils[6:]._educonnect_notify()
        self.guardians._educonnect_reset_passwords()
        self.Line._compute_statistics(self.college, D2)
        self.check_tables_equal_the_data()

    def test_statistics_by_class_and_by_mef_add_up_to_the_synthesis(self):
        self.Line._compute_statistics(self.college, D1)
        tables = {(t["population"], t["breakdown"]): t
                  for t in self.dashboard()._tables_data()["tables"]}
        for population in ("student", "guardian"):
            synthesis = tables[(population, "origin")]["total"]
            for breakdown in ("class", "mef"):
                self.assertEqual(tables[(population, breakdown)]["total"], synthesis)
        by_class = {r["label"]: r["total"]
                    for r in tables[("student", "class")]["rows"]}
        self.assertEqual(by_class, {"6 1": 4, "6 2": 3, "5 3": 3})

    def test_statistics_recomputed_for_a_date_replace_its_figures(self):
        self.Line._compute_statistics(self.college, D1)
        before = self.Line.search_read([("date", "=", D1)],
                                       ["population", "breakdown", "origin", "state",
                                        "class_id", "mef_id", "account_count"])
        self.Line._compute_statistics(self.college, D1)
        after = self.Line.search_read([("date", "=", D1)],
                                      ["population", "breakdown", "origin", "state",
                                       "class_id", "mef_id", "account_count"])
        strip = lambda rows: sorted(tuple(sorted((k, v) for k, v in r.items()
                                                 if k != "id")) for r in rows)
        self.assertEqual(strip(before), strip(after))

    def test_statistics_history_keeps_every_night(self):
        self.Line._compute_statistics(self.college, D1)
        self.pupils[6:]._educonnect_notify()
        for pupil in self.pupils[6:]:
            pupil._educonnect_activate("un mot de passe bien long")
        self.Line._compute_statistics(self.college, D2)
        groups = self.Line.read_group(
            [("company_id", "=", self.college.id), ("population", "=", "student"),
             ("breakdown", "=", "origin")],
            ["activated_count", "date"], ["date:day"])
        activated = [g["activated_count"] for g in groups]
        self.assertEqual(len(activated), 2)
        self.assertEqual(sorted(activated), [3, 6])  # pupils 0, 1, 6 then 6-9
        self.assertEqual(self.dashboard()._tables_data()["date_label"], "28/11/2026")

    def test_statistics_never_computed_say_not_provided(self):
        data = self.dashboard()._tables_data()
        self.assertEqual(data["date_label"], "Non renseigné")
        self.assertIn("Dernière mise à jour le Non renseigné",
                      self.dashboard().with_context(lang="fr_FR").tables_html)

    def test_nightly_job_computes_every_establishment_despite_a_failure(self):
        Line = self.Line
        original = type(Line)._compute_statistics

        def failing(model, company, date):
            if company == self.lycee:
                raise ValueError("broken establishment")
            return original(model, company, date)

        with mock.patch.object(type(Line), "_compute_statistics", failing):
            failed = Line._cron_compute_statistics(D1)
        self.assertEqual(failed, [self.lycee])
        self.assertTrue(Line.search_count([("company_id", "=", self.college.id),
                                           ("date", "=", D1)]))

    def test_statistics_of_another_establishment_are_not_visible(self):
        self.Line._compute_statistics(self.college, D1)
        self.Line._compute_statistics(self.lycee, D1)
        proviseur = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Proviseur", "login": "stats.proviseur", "lang": "fr_FR",
            "company_id": self.lycee.id, "company_ids": [(6, 0, [self.lycee.id])],
            "groups_id": [(6, 0, [self.env.ref(
                "educonnect_accounts.group_educonnect_director").id])]})
        lines = self.Line.sudo(proviseur).search([])
        self.assertEqual(lines.mapped("company_id"), self.lycee)
        totals = self.dashboard(proviseur)._tables_data()["tables"][0]["total"]
        self.assertEqual(totals["total"], 1)

    def test_only_directors_recompute_now(self):
        with self.assertRaises(AccessError):
            self.dashboard(self.agent).action_recompute()
        self.dashboard(self.director).action_recompute()
        self.assertTrue(self.Line.search_count([("company_id", "=", self.college.id)]))

    def test_statistics_pdf_and_xlsx_exports(self):
        self.Line._compute_statistics(self.college, D1)
        dashboard = self.dashboard()
        dashboard.action_export_pdf()
        pdf = base64.b64decode(dashboard.sudo().attachment_id.datas)
        text = " ".join(" ".join(pdf_pages(pdf)).split())
        for title in ("Synthèse des comptes élèves de la structure",
                      "Synthèse des comptes responsables de la structure par classe",
                      "Synthèse des comptes élèves de la structure par MEF",
                      "Dernière mise à jour le 27/11/2026"):
            self.assertIn(title, text)
        dashboard.action_export_xlsx()
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(
            dashboard.sudo().attachment_id.datas)))
        self.assertEqual(len(workbook.sheetnames), 6)
        sheet = workbook.worksheets[0]
        self.assertEqual(sheet["A1"].value, "Synthèse des comptes élèves de la structure")
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        self.assertEqual(rows[0][:5], ("Origine du compte", "Nombre de comptes élèves",
                                       "Nombre de comptes non notifiés",
                                       "Nombre de comptes notifiés et non activés",
                                       "Nombre de comptes activés"))
        total = [r for r in rows if r[0] == "Total"][0]
        self.assertEqual(total[1], len(self.pupils))
