from odoo.addons.educonnect_accounts.tests.common import EduconnectCase


class TestAccountSummary(EduconnectCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pupils = cls.env["educonnect.student"]
        for i, (klass, state, origin) in enumerate([
                (cls.c61, "activated", "school"), (cls.c61, "notified", "school"),
                (cls.c62, "activated", "school"), (cls.c53, "not_notified", "unknown"),
                (cls.c53, "activated", "ent")]):
            pupil = cls.make_student("STAT%d" % i, "Eva", klass)
            pupil.write({"state": state, "origin": origin})
            pupils |= pupil
        cls.pupils = pupils
        cls.make_guardian("STAT", "Mère", pupils[0] | pupils[1]).write(
            {"state": "activated", "origin": "franceconnect"})
        cls.make_guardian("STAT", "Père", pupils[0] | pupils[1]).write(
            {"state": "activating", "origin": "self_registration"})
        cls.make_guardian("STAT", "Tuteur", pupils[3])
        cls.make_student("LYCEE", "Léo", cls.lycee_class)

    def summary(self, population, groupby):
        groups = self.env["educonnect.account.summary"].read_group(
            [("company_id", "=", self.college.id), ("population", "=", population)],
            ["account_count"] + groupby, groupby, lazy=False)
        return {tuple(g[f][0] if isinstance(g[f], tuple) else g[f]
                      for f in groupby): g["account_count"] for g in groups}

    def test_summary_of_pupils_by_origin_and_state_equals_the_data(self):
        counts = self.summary("student", ["origin", "state"])
        self.assertEqual(counts, {("school", "activated"): 2,
                                  ("school", "notified"): 1,
                                  ("unknown", "not_notified"): 1,
                                  ("ent", "activated"): 1})

    def test_summary_counts_each_guardian_once(self):
        counts = self.summary("guardian", ["origin", "state"])
        self.assertEqual(counts, {("franceconnect", "activated"): 1,
                                  ("self_registration", "activating"): 1,
                                  ("unknown", "not_notified"): 1})

    def test_summary_by_class_adds_up_to_the_total(self):
        by_class = self.summary("student", ["class_id"])
        self.assertEqual(by_class, {(self.c61.id,): 2, (self.c62.id,): 1,
                                    (self.c53.id,): 2})
        self.assertEqual(sum(by_class.values()), len(self.pupils))
