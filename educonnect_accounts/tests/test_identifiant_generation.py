import threading
import unicodedata

import psycopg2

import odoo
from odoo.exceptions import ValidationError
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from odoo.addons.educonnect_accounts.tools.logins import login_base

from .common import EduconnectCase


class TestIdentifiantGeneration(EduconnectCase):

    def test_identifiant_is_first_initial_dot_last_name_as_in_the_guide(self):
        # Guide 3.1: « ADAM019 Mila » -> m.adam…, « ADAMS019 Bernard » -> b.adams
        mila = self.make_student("ADAM019", "Mila")
        bernard = self.make_student("ADAMS019", "Bernard", self.c53)
        self.assertEqual(mila.login, "m.adam")
        self.assertEqual(bernard.login, "b.adams")

    def test_identifiant_collision_adds_a_number(self):
        first = self.make_student("ADAMS", "Bernard")
        second = self.make_student("Adams", "Bruno")
        third = self.make_student("ADAMS", "Benoît", self.c62)
        self.assertEqual((first.login, second.login, third.login),
                         ("b.adams", "b.adams2", "b.adams3"))

    def test_identifiant_accents_are_removed(self):
        self.assertEqual(login_base("Éléonore", "LEFÈVRE"), "e.lefevre")
        self.assertEqual(login_base("Zoé", "Müller"), "z.muller")
        self.assertEqual(login_base("Noël", "Lê"), "n.le")
        self.assertEqual(login_base("Thị Lan", "Trần"), "t.tran")
        self.assertEqual(login_base("Œdipe", "Œuvrard"), "o.oeuvrard")
        self.assertEqual(login_base("Ørjan", "Øster"), "o.oster")
        self.assertEqual(login_base("Çelik", "Koç"), "c.koc")

    def test_identifiant_nfc_and_nfd_names_give_the_same_login(self):
        nfc = unicodedata.normalize("NFC", "Zoé N'Guessan-Müller")
        nfd = unicodedata.normalize("NFD", "Zoé N'Guessan-Müller")
        self.assertNotEqual(nfc, nfd)
        first_nfc, last_nfc = nfc.split(" ", 1)
        first_nfd, last_nfd = nfd.split(" ", 1)
        self.assertEqual(login_base(first_nfc, last_nfc), "z.nguessan-muller")
        self.assertEqual(login_base(first_nfd, last_nfd), "z.nguessan-muller")

    def test_identifiant_apostrophes_straight_and_curly_are_dropped(self):
        self.assertEqual(login_base("Awa", "N'Guessan"), "a.nguessan")
        self.assertEqual(login_base("Awa", "N’Guessan"), "a.nguessan")
        self.assertEqual(login_base("Liam", "O'Connor"), "l.oconnor")

    def test_identifiant_compound_names_keep_hyphens_and_drop_spaces(self):
        self.assertEqual(login_base("Jean-Baptiste", "MARTIN-DURAND"),
                         "j.martin-durand")
        self.assertEqual(login_base("Anne Sophie", "De La Fontaine"),
                         "a.delafontaine")
        self.assertEqual(login_base("Paul", "Van den Berg"), "p.vandenberg")
        self.assertEqual(login_base("Marc", "-Le--Goff -"), "m.le-goff")

    def test_identifiant_digits_of_test_data_are_dropped(self):
        self.assertEqual(login_base("Noemie", "ADAM019"), "n.adam")

    def test_identifiant_without_first_name_or_letters(self):
        self.assertEqual(login_base("", "Durand"), "durand")
        self.assertEqual(login_base("Léa", "123"), "l.compte")

    def test_identifiant_of_a_255_character_name_is_bounded(self):
        student = self.make_student("A" * 255, "Zoé")
        self.assertLessEqual(len(student.login), 40)
        self.assertTrue(student.login.startswith("z.aaaa"))
        again = self.make_student("A" * 255, "Zoé")
        self.assertEqual(again.login, student.login + "2")

    def test_identifiant_homonyms_get_distinct_logins(self):
        a = self.make_student("MARTIN", "Léa", birth_date="2014-01-01")
        b = self.make_student("MARTIN", "Léa", self.c62, birth_date="2014-01-01")
        self.assertEqual((a.login, b.login), ("l.martin", "l.martin2"))

    def test_identifiant_unique_across_pupils_guardians_and_establishments(self):
        pupil = self.make_student("DUPONT", "Marie")
        lycee_pupil = self.make_student("Dupont", "Mathis", self.lycee_class)
        guardian = self.make_guardian("DUPONT", "Michel", pupil)
        self.assertEqual({pupil.login, lycee_pupil.login, guardian.login},
                         {"m.dupont", "m.dupont2", "m.dupont3"})

    def test_identifiant_unique_case_insensitively_in_python(self):
        pupil = self.make_student("ROBIN", "Hugo")
        other = self.make_student("ROBIN", "Inès")
        with self.assertRaises(ValidationError):
            other.write({"login": pupil.login.upper()})
        with self.assertRaises(ValidationError):
            self.make_guardian("X", "Y", other, login="H.Robin")

    def test_identifiant_unique_case_insensitively_in_the_database(self):
        pupil = self.make_student("ROBIN", "Hugo")
        guardian = self.make_guardian("ROBIN", "Henri", pupil)
        # Bypass the ORM: the database itself refuses the duplicate.
        with self.assertRaises(psycopg2.IntegrityError), \
                mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE educonnect_guardian SET login = %s WHERE id = %s",
                [pupil.login.upper(), guardian.id])

    def test_identifiant_freed_when_the_account_is_deleted(self):
        pupil = self.make_student("LAMY", "Rose")
        pupil.unlink()
        again = self.make_student("LAMY", "Rémi")
        self.assertEqual(again.login, "r.lamy")

    def test_identifiant_not_taken_from_an_existing_odoo_user(self):
        self.env["res.users"].with_context(no_reset_password=True).create(
            {"login": "p.portal", "name": "Someone"})
        pupil = self.make_student("PORTAL", "Pierre")
        self.assertEqual(pupil.login, "p.portal2")

    def test_identifiant_bulk_assignment_of_a_recordset(self):
        Student = self.env["educonnect.student"].with_context(
            educonnect_defer_logins=True)
        pupils = Student.browse()
        for first in ("Mila", "Maxime", "Manon", "Mila"):
            pupils |= Student.create({"last_name": "ADAM", "first_name": first,
                                      "company_id": self.college.id})
        self.assertFalse(any(pupils.mapped("login")))
        pupils._assign_logins()
        self.assertEqual(pupils.mapped("login"),
                         ["m.adam", "m.adam2", "m.adam3", "m.adam4"])


class TestIdentifiantConcurrency(EduconnectCase):
    """Two transactions creating the same identifiant: one gets a suffix."""

    def _new_pupil(self, cr):
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        return env["educonnect.student"].create({
            "last_name": "CONCURRENCE", "first_name": "Zéphyrin",
            "company_id": env.ref("base.main_company").id})

    def test_identifiant_unique_under_two_concurrent_transactions(self):
        registry = odoo.registry(get_db_name())
        results = {}
        cr_a = registry.cursor()
        cr_b = registry.cursor()
        try:
            pupil_a = self._new_pupil(cr_a)
            results["a"] = pupil_a.login

            def other_transaction():
                # Blocks on A's uncommitted identifiant until A commits,
                # then the database refuses it and the next number is used.
                try:
                    with odoo.api.Environment.manage():
                        results["b"] = self._new_pupil(cr_b).login
                        cr_b.commit()
                except Exception as exc:  # reported by the assertion below
                    results["error"] = repr(exc)

            thread = threading.Thread(target=other_transaction)
            thread.start()
            thread.join(1.0)
            self.assertTrue(thread.is_alive(),
                            "B should wait for A's identifiant")
            cr_a.commit()
            thread.join(30)
            self.assertNotIn("error", results)
            self.assertEqual(results["a"], "z.concurrence")
            self.assertEqual(results["b"], "z.concurrence2")
        finally:
            for cr in (cr_a, cr_b):
                cr.rollback()
                cr.execute("DELETE FROM educonnect_student "
                           "WHERE last_name = 'CONCURRENCE'")
                cr.commit()
                cr.close()
