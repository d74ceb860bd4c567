from odoo.exceptions import ValidationError
from odoo.tests.common import TransactionCase

from odoo.addons.educonnect_accounts.tools.uai import is_valid_uai, uai_check_letter


class TestUaiValidation(TransactionCase):

    def test_uai_valid_keys_are_accepted(self):
        # 750680 mod 23 = 6 -> G (Lycée Henri-IV, Paris)
        for uai in ("0750680G", "0597125Z", "0597126A", "0130001F"):
            self.assertTrue(is_valid_uai(uai), uai)

    def test_uai_check_letter_alphabet_skips_i_o_q(self):
        letters = {uai_check_letter("%07d" % n) for n in range(23)}
        self.assertEqual(len(letters), 23)
        self.assertFalse(letters & {"I", "O", "Q"})

    def test_uai_invalid_values_are_refused(self):
        for uai in ("0750680H", "075068G", "07506800G", "0750680", "A750680G",
                    "0750680I", "", "0750 680G"):
            self.assertFalse(is_valid_uai(uai), uai)

    def test_uai_lower_case_and_spaces_are_normalised(self):
        company = self.env["res.company"].create(
            {"name": "Collège Saisie", "educonnect_uai": " 0750680g "})
        self.assertEqual(company.educonnect_uai, "0750680G")

    def test_uai_with_a_wrong_key_cannot_be_saved(self):
        with self.assertRaises(ValidationError) as ctx:
            self.env["res.company"].create(
                {"name": "Collège Erreur", "educonnect_uai": "0750680H"})
        self.assertIn("0750680H", str(ctx.exception))
        company = self.env["res.company"].create({"name": "Collège Sans UAI"})
        with self.assertRaises(ValidationError):
            company.educonnect_uai = "1234567X"

    def test_uai_message_is_in_french(self):
        env_fr = self.env(context={"lang": "fr_FR"})
        with self.assertRaises(ValidationError) as ctx:
            env_fr["res.company"].create(
                {"name": "Collège Erreur", "educonnect_uai": "0750680H"})
        self.assertIn("n'est pas valide", ctx.exception.name)

    def test_establishment_found_by_uai_or_name(self):
        company = self.env["res.company"].create(
            {"name": "Collège Victor Hugo", "educonnect_uai": "0750680G"})
        by_uai = self.env["res.company"].name_search("0750680")
        by_name = self.env["res.company"].name_search("victor hugo")
        self.assertIn(company.id, [r[0] for r in by_uai])
        self.assertIn(company.id, [r[0] for r in by_name])
