"""The shared people generator: deterministic, and what its callers need."""
import unittest

from ..tools import people


class TestPeople(unittest.TestCase):

    def school(self, seed, pupils=120):
        return list(people.People(seed).school(pupils, ["6 1", "5 1", "2nde 1"]))

    def test_same_seed_same_people_other_seed_others(self):
        self.assertEqual(self.school(1), self.school(1))
        self.assertNotEqual(self.school(1), self.school(2))

    def test_school_has_siblings_homonyms_and_families(self):
        rows = self.school(20260901, pupils=433)
        self.assertEqual(len(rows), 433)
        siblings = [pupil for pupil, _g, new in rows if not new]
        self.assertTrue(siblings)
        homonyms = [rows[40][0], rows[41][0]]
        self.assertEqual({(p["last_name"], p["first_name"], p["birth_date"])
                          for p in homonyms}, {("MARTIN", "Léa",
                                                homonyms[0]["birth_date"])})
        self.assertNotEqual(homonyms[0]["siecle_id"], homonyms[1]["siecle_id"])
        for pupil, guardians, _new in rows:
            self.assertIn(len(guardians), (1, 2))
            self.assertEqual(guardians[0]["civility"], "MME")
            self.assertEqual(pupil["last_name"], pupil["last_name"].upper())
            self.assertRegex(pupil["ine"], r"^\d{9}[A-HJK]$")
            for guardian in guardians:
                self.assertRegex(guardian["email"] or "a.b@example.fr",
                                 r"^[a-z]+\.[a-z]+\d*@example\.fr$")
                self.assertRegex(guardian["mobile"] or "0600000000",
                                 r"^06\d{8}$")
        ages = {p["class"]: 2026 - p["birth_date"].year for p, _g, _n in rows}
        self.assertEqual(ages, {"6 1": 11, "5 1": 12, "2nde 1": 15})

    def test_email_is_plain_ascii(self):
        self.assertEqual(people.email("Céline", "LEFÈVRE"),
                         "celine.lefevre@example.fr")
        self.assertEqual(people.email("Marie-Hélène", "N'Guessan", 7),
                         "mariehelene.nguessan7@example.fr")
        self.assertEqual(people.mail_part("Œuvrard Øster"), "oeuvrardoster")

    def test_charset_keeps_only_names_it_can_write(self):
        latin9 = people.People(7, charset="iso-8859-15")
        self.assertIn("Œuvrard", latin9.last_names)
        self.assertNotIn("Trần", latin9.last_names)
        self.assertNotIn("Thị Lan", latin9.first_names["F"])
        for _ in range(200):
            latin9.last_name().encode("iso-8859-15")
            latin9.first_name(latin9.gender()).encode("iso-8859-15")
