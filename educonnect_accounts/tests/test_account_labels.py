import os

from babel.messages.pofile import read_po

from odoo.tests.common import TransactionCase
from odoo.tools.translate import trans_generate

ADDONS = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def untranslated(addon):
    """The entries of ``addon``'s i18n/fr.po left without a French text."""
    path = os.path.join(ADDONS, addon, "i18n", "fr.po")
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    return len(catalog), [m.id for m in catalog if m.id and not m.string]


def not_in_fr_po(env, addon):
    """What Odoo exports for translation of ``addon`` (``_()`` of the code,
    fields, selections, views, menus, data) and its fr.po lacks: shown in
    English. Returns (how many strings were exported, the missing ones)."""
    path = os.path.join(ADDONS, addon, "i18n", "fr.po")
    with open(path, "rb") as handle:
        known = {m.id for m in read_po(handle) if m.id and m.string}
    exported = {row[4] for row in trans_generate("fr_FR", [addon], env.cr)
                if row[0] == addon}
    return len(exported), sorted(exported - known)


class TestAccountLabels(TransactionCase):

    def _labels(self, model, field):
        desc = self.env[model].with_context(lang="fr_FR").fields_get([field])
        return dict(desc[field]["selection"])

    def test_account_states_have_the_guide_labels(self):
        for model in ("educonnect.student", "educonnect.guardian",
                      "educonnect.guardian.link"):
            self.assertEqual(self._labels(model, "state"), {
                "not_notified": "Non notifié",
                "notified": "Notifié et non activé",
                "activating": "En cours d'activation",
                "activated": "Activé",
            })

    def test_account_origins_have_the_guide_labels(self):
        self.assertEqual(self._labels("educonnect.student", "origin"), {
            "aten": "ATEN",
            "ent": "ENT",
            "school": "Établissement",
            "franceconnect": "FranceConnect",
            "self_registration": "Responsable",
            "unknown": "Non renseigné",
        })

    def test_account_columns_have_the_guide_labels(self):
        fields = self.env["educonnect.student"].with_context(
            lang="fr_FR").fields_get()
        expected = {
            "login": "Identifiant",
            "state": "Statut du compte",
            "origin": "Origine du compte",
            "notification_date": "Date de notification",
            "last_login_date": "Date de dernière connexion",
            "class_id": "Classe",
            "mef_id": "MEF",
            "provisional_password": "Mot de passe provisoire",
        }
        for field, label in expected.items():
            self.assertEqual(fields[field]["string"], label, field)

    def test_pupil_list_columns_are_those_of_section_3_1(self):
        view = self.env["educonnect.student"].with_context(
            lang="fr_FR").fields_view_get(view_type="tree")
        from lxml import etree
        arch = etree.fromstring(view["arch"])
        names = [f.get("name") for f in arch.iter("field")]
        # The columns of 3.1, then « Verrouillé », which the list shows
        # only when an account of the page is locked (issue 17).
        self.assertEqual(names, ["name", "class_id", "mef_id", "login", "state",
                                 "origin", "notification_date",
                                 "last_login_date", "educonnect_locked"])
        locked = arch.findall("field")[-1]
        self.assertEqual((locked.get("widget"), locked.get("string")),
                         ("educonnect_locked", "Verrouillé"))
        self.assertEqual(arch.find("field").get("string"), "Élève")

    def test_guardian_list_columns_are_those_of_section_4_1(self):
        view = self.env["educonnect.guardian.link"].with_context(
            lang="fr_FR").fields_view_get(view_type="tree")
        from lxml import etree
        arch = etree.fromstring(view["arch"])
        visible = [f for f in arch.iter("field") if f.get("invisible") != "1"
                   and '"invisible": true' not in (f.get("modifiers") or "")]
        labels = [f.get("string") or view["fields"][f.get("name")]["string"]
                  for f in visible]
        self.assertEqual(labels, [
            "Élève", "Classe", "MEF", "Responsable", "Identifiant",
            "Messagerie", "Statut du compte", "Origine du compte",
            "Date de notification", "Date de dernière connexion"])

    def test_french_translation_is_complete(self):
        size, missing = untranslated("educonnect_accounts")
        self.assertFalse(missing, "untranslated %s" % missing)
        self.assertGreater(size, 20)

    def test_every_source_string_of_the_code_and_data_is_in_fr_po(self):
        """A string added without running bin/i18n would show in English."""
        exported, missing = not_in_fr_po(self.env, "educonnect_accounts")
        self.assertGreater(exported, 50)
        self.assertFalse(missing, "not in i18n/fr.po (run bin/i18n): %s"
                         % missing)
