"""The « Importer depuis SIECLE » wizard keeps no upload (personal data of
minors) once it is read, and changes no import report but the user's own
preview, whatever a client writes in it (issue 7)."""
from odoo.exceptions import AccessError, UserError

from .siecle_common import SiecleCase, data

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

    def report_state(self, record):
        record = record.sudo()
        record.invalidate_cache()
        return (record.company_id, record.user_id, record.state,
                record.pupil_created, record.file_names,
                sorted(record.line_ids.mapped("reason")))

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

    # -- the report -----------------------------------------------------------

    def test_the_report_of_the_wizard_is_set_by_the_server_only(self):
        other = self.run_import("siecle_eleves_1.xml", user=self.director)
        Wizard = self.staff_env()["educonnect.siecle.import.wizard"]
        with self.assertRaises(AccessError):
            Wizard.create({"import_id": other.id})
        with self.assertRaises(AccessError):
            Wizard.with_context(default_import_id=other.id).create({})
        wizard = self.open_wizard(pupils="siecle_eleves_2.xml")
        with self.assertRaises(AccessError):
            wizard.write({"import_id": other.id})
        self.assertFalse(wizard.import_id)

    def test_only_the_users_own_preview_is_planned_again_or_confirmed(self):
        done = self.run_import("siecle_eleves_1.xml")
        colleague = self.run_import("siecle_eleves_1.xml", apply=False,
                                    user=self.director)
        # Even the agent's own preview, once they work in the collège.
        lycee = self.env["educonnect.siecle.import"].create({
            "company_id": self.lycee.id, "user_id": self.agent.id,
            "pending_export": colleague.sudo().pending_export})
        files = [("siecle_eleves_2.xml", data("siecle_eleves_2.xml"))]
        Import = self.staff_env()["educonnect.siecle.import"]
        for target, error in ((done, UserError), (colleague, AccessError),
                              (lycee, AccessError)):
            before = self.report_state(target)
            with self.assertRaises(error):
                Import._siecle_run(files, record=target)
            with self.assertRaises(error):
                Import.browse(target.id)._siecle_confirm()
            # Through the wizard, as if a client had chosen the report.
            wizard = self.open_wizard(pupils="siecle_eleves_2.xml")
            wizard.sudo().write({"import_id": target.id})
            with self.assertRaises(error):
                wizard.action_confirm()
            if error is AccessError:
                with self.assertRaises(AccessError):
                    wizard.action_preview()
            else:
                wizard.action_preview()
                self.assertEqual(wizard.error, "Cet import SIECLE est déjà "
                                 "effectué : choisissez de nouveau les "
                                 "fichiers pour les importer.")
            self.assertEqual(self.report_state(target), before)
        self.assertEqual(len(self.imported_pupils()), 5)
