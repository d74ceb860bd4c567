"""The « Importer depuis SIECLE » wizard keeps no upload (personal data of
minors) once it is read (SECURITY.md P18)."""
from .siecle_common import SiecleCase

FILES = {"pupils": "siecle_eleves_1.xml",
         "guardians": "siecle_responsables_1.xml",
         "nomenclature": "siecle_nomenclature.xml"}
UPLOAD_COLUMNS = ("pupils_file", "guardians_file", "nomenclature_file",
                  "pupils_filename", "guardians_filename",
                  "nomenclature_filename")


class TestSiecleImportWizard(SiecleCase):

    def stored_upload(self, wizard):
        """What the database holds of the wizard's files: its columns and
        any attachment."""
        self.env.cr.execute(
            "SELECT " + ", ".join(UPLOAD_COLUMNS) + " FROM "
            "educonnect_siecle_import_wizard WHERE id = %s", [wizard.id])
        values = [v for v in self.env.cr.fetchone() if v]
        self.env.cr.execute(
            "SELECT count(*) FROM ir_attachment WHERE res_model = %s",
            [wizard._name])
        return values + ["attachment"] * self.env.cr.fetchone()[0]

    # -- uploads -------------------------------------------------------------

    def test_the_upload_is_erased_once_previewed_and_the_preview_confirmed(self):
        wizard = self.open_wizard(**FILES)
        self.assertTrue(self.stored_upload(wizard))
        wizard.action_preview()
        self.assertEqual(wizard.step, "preview")
        self.assertEqual(self.stored_upload(wizard), [])
        # The preview keeps the rows read, not the files.
        pending = wizard.import_id.sudo().pending_export
        self.assertIn('"siecle_id":"1001"', pending)
        self.assertNotIn("<ELEVE", pending)
        self.assertNotIn("<PERSONNE", pending)
        # What was previewed is imported, without the files.
        wizard.action_confirm()
        self.assertEqual(wizard.step, "done")
        self.assertEqual(len(self.imported_pupils()), 5)
        self.assertEqual(wizard.import_id.pupil_created, 5)
        self.assertFalse(wizard.import_id.sudo().pending_export)
        self.assertEqual(self.stored_upload(wizard), [])

    def test_a_refused_upload_is_erased_and_nothing_imported(self):
        for name in ("hostile_xxe.xml", "truncated.xml", "other_uaj.xml"):
            wizard = self.open_wizard(pupils=name)
            wizard.action_preview()
            self.assertEqual(wizard.step, "upload")
            self.assertIn("Le fichier %s" % name, wizard.error)
            self.assertEqual(self.stored_upload(wizard), [], name)
            self.assertFalse(wizard.import_id)
        self.assertFalse(self.env["educonnect.siecle.import"].search([]))
        self.assertFalse(self.imported_pupils())

    def test_files_uploaded_after_the_preview_are_not_kept_nor_imported(self):
        wizard = self.open_wizard(pupils="siecle_eleves_1.xml")
        wizard.action_preview()
        again = self.open_wizard(pupils="siecle_eleves_2.xml")
        wizard.write({"pupils_file": again.pupils_file})
        wizard.action_confirm()
        self.assertEqual(self.stored_upload(wizard), [])
        # The export previewed (1001…1010), not the one uploaded after.
        self.assertEqual(sorted(self.imported_pupils().mapped("siecle_id")),
                         ["1001", "1002", "1003", "1004", "1010"])
