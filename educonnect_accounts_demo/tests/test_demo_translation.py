import os

from babel.messages.pofile import read_po

from odoo.tests.common import TransactionCase
from odoo.tools.translate import trans_generate

ADDON = "educonnect_accounts_demo"
FR_PO = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n",
                     "fr.po")


class TestDemoTranslation(TransactionCase):

    def test_every_source_string_of_the_demo_addon_is_in_fr_po(self):
        """What Odoo exports for translation of this addon is all translated
        in its fr.po: a string added without updating it would show in
        English."""
        with open(FR_PO, "rb") as handle:
            catalog = read_po(handle)
        self.assertFalse([m.id for m in catalog if m.id and not m.string])
        known = {m.id for m in catalog if m.id and m.string}
        exported = {row[4] for row in trans_generate(
            "fr_FR", [ADDON], self.env.cr) if row[0] == ADDON}
        self.assertIn("EduConnect demo data generator", exported)
        self.assertFalse(sorted(exported - known))
