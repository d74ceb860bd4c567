"""Hostile or broken SIECLE files are refused with a French message and
change nothing (issue 7): no DOCTYPE, no entity, no network access."""
from odoo.exceptions import UserError

from ..tools import siecle_files
from .siecle_common import SiecleCase, data
from .siecle_fixtures import zipped


class TestSiecleImportFiles(SiecleCase):

    def assertRefused(self, files, expected):
        pupils_before = self.env["educonnect.student"].with_context(
            active_test=False).search_count([])
        imports_before = self.env["educonnect.siecle.import"].search_count([])
        with self.assertRaises(UserError) as caught:
            self.run_import(files=files)
        self.assertIn(expected, caught.exception.name)
        self.assertEqual(self.env["educonnect.student"].with_context(
            active_test=False).search_count([]), pupils_before)
        self.assertEqual(self.env["educonnect.siecle.import"].search_count([]),
                         imports_before)
        return caught.exception.name

    def test_entity_expansion_and_external_entities_are_refused(self):
        for name in ("hostile_billion_laughs.xml", "hostile_xxe.xml"):
            message = self.assertRefused(
                [(name, data(name))],
                "Le fichier %s est refusé : il contient un DOCTYPE ou des "
                "déclarations d'entités" % name)
            self.assertNotIn("root:", message)
        # Inside a zip too, and next to good files.
        self.assertRefused(
            [("export.zip", zipped({
                "siecle_eleves_1.xml": data("siecle_eleves_1.xml"),
                "ResponsablesAvecAdresses.xml": data("hostile_xxe.xml")}))],
            "export.zip/ResponsablesAvecAdresses.xml est refusé")

    def test_the_parser_never_expands_nor_fetches_entities(self):
        for name in ("hostile_billion_laughs.xml", "hostile_xxe.xml"):
            content = data(name)
            # Even past the DOCTYPE check, the parser itself expands and
            # fetches nothing (libxml2 may also refuse the entity loop).
            try:
                root = siecle_files.etree.fromstring(
                    content, siecle_files._hardened_parser())
            except siecle_files.etree.XMLSyntaxError as exc:
                self.assertIn("entity", str(exc))
                continue
            text = siecle_files.etree.tostring(root)
            self.assertNotIn(b"root:", text)
            self.assertLess(len(text), 2 * len(content))

    def test_wrong_encoding_is_refused(self):
        self.assertRefused([("bad_encoding.xml", data("bad_encoding.xml"))],
                           "Le fichier bad_encoding.xml est illisible : ses "
                           "caractères ne correspondent pas à l'encodage "
                           "déclaré (ligne 15)")

    def test_truncated_file_is_refused(self):
        self.assertRefused([("truncated.xml", data("truncated.xml"))],
                           "Le fichier truncated.xml est illisible : ce n'est "
                           "pas du XML bien formé ou il est tronqué")

    def test_wrong_root_is_refused(self):
        self.assertRefused(
            [("siecle_eleves_1.xml", data("siecle_eleves_1.xml")),
             ("wrong_root.xml", data("wrong_root.xml"))],
            "Le fichier wrong_root.xml n'est pas un export SIECLE (élément "
            "racine <BEE_STRUCTURES>")

    def test_export_of_another_establishment_is_refused(self):
        self.assertRefused(
            [("other_uaj.xml", data("other_uaj.xml"))],
            "Le fichier other_uaj.xml est l'export de l'établissement "
            "0597126A, pas de l'établissement courant (0750680G) : rien n'a "
            "été importé.")

    def test_guardians_export_of_another_establishment_is_refused(self):
        content = data("siecle_responsables_1.xml").replace(
            b"0750680G", b"0597126A")
        self.assertRefused(
            [("siecle_eleves_1.xml", data("siecle_eleves_1.xml")),
             ("ResponsablesAvecAdresses.xml", content)],
            "Le fichier ResponsablesAvecAdresses.xml est l'export de "
            "l'établissement 0597126A")

    def test_missing_pupils_export_empty_and_damaged_files_are_refused(self):
        self.assertRefused(
            [("siecle_responsables_1.xml", data("siecle_responsables_1.xml"))],
            "L'export des élèves (ElevesSansAdresses.xml ou "
            "ElevesAvecAdresses.xml, racine BEE_ELEVES) est obligatoire.")
        self.assertRefused([("vide.xml", b"  \n")],
                           "Le fichier vide.xml est vide.")
        self.assertRefused([("export.zip", b"PK\x03\x04 pas un zip")],
                           "L'archive export.zip est illisible")
        self.assertRefused(
            [("a.xml", data("siecle_eleves_1.xml")),
             ("b.xml", data("siecle_eleves_2.xml"))],
            "Les fichiers a.xml et b.xml sont le même export")

    def test_a_bad_file_among_good_ones_changes_nothing(self):
        self.run_import("siecle_eleves_1.xml")
        lea = self.pupil("1001")
        self.assertEqual(lea.class_id.name, "6A")
        self.assertRefused(
            [("siecle_eleves_2.xml", data("siecle_eleves_2.xml")),
             ("siecle_responsables_2.xml", data("truncated.xml"))],
            "est illisible")
        self.assertEqual(lea.class_id.name, "6A")
        self.assertTrue(self.pupil("1003").active)

    def test_wizard_shows_the_refusal_and_stays_on_the_files(self):
        wizard = self.open_wizard(pupils="hostile_xxe.xml")
        wizard.action_preview()
        self.assertEqual(wizard.step, "upload")
        self.assertFalse(wizard.import_id)
        self.assertIn("Le fichier hostile_xxe.xml est refusé : il contient un "
                      "DOCTYPE", wizard.error)
        empty = self.staff_env()["educonnect.siecle.import.wizard"].create({})
        empty.action_preview()
        self.assertEqual(empty.error,
                         "Choisissez les fichiers d'export SIECLE à importer.")
