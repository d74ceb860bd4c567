"""Import from SIECLE (issue 7): first import, re-import, rows, report, rights."""
from odoo.exceptions import AccessError, UserError

from .siecle_common import SiecleCase, data
from .siecle_fixtures import zipped

FIRST = ("siecle_eleves_1.xml", "siecle_responsables_1.xml",
         "siecle_nomenclature.xml")
SECOND = ("siecle_eleves_2.xml", "siecle_responsables_2.xml",
          "siecle_nomenclature.xml")


class TestSiecleImport(SiecleCase):

    def test_first_import_creates_pupils_guardians_and_responsibilities(self):
        report = self.run_import(*FIRST)
        self.assertEqual(report.state, "done")
        self.assertEqual(
            (report.pupil_rows, report.pupil_created, report.pupil_rejected),
            (10, 5, 5))
        self.assertEqual((report.guardian_rows, report.guardian_created,
                          report.guardian_rejected), (6, 4, 2))
        self.assertEqual((report.link_rows, report.link_created,
                          report.link_rejected), (8, 5, 3))
        self.assertEqual((report.class_created, report.mef_created), (2, 1))
        self.assertEveryRowAccountedFor(report)

        lea = self.pupil("1001")
        # The usage name wins; the birth name is kept; groups are ignored.
        self.assertEqual((lea.last_name, lea.first_name, lea.birth_name),
                         ("DUPONT", "Léa", "DURAND"))
        self.assertEqual((lea.class_id.name, lea.mef_id.code, lea.mef_id.name),
                         ("6A", "10010012110", "6ème"))
        self.assertEqual(lea.class_id.mef_id, lea.mef_id)
        self.assertEqual((lea.ine, lea.birth_date, lea.gender),
                         ("070123456AB", "2014-05-04", "F"))
        self.assertEqual((lea.login, lea.state, lea.origin, lea.active),
                         ("l.dupont", "not_notified", "unknown", True))
        self.assertEqual(self.pupil("1002").gender, "M")
        self.assertFalse(self.pupil("1004").class_id)

        marie, paul = self.guardian("P1"), self.guardian("P2")
        self.assertEqual((marie.civility, marie.mobile, marie.email,
                          marie.accept_sms, marie.login),
                         ("MME", "06 12 34 56 78", "marie.dupont@example.fr",
                          True, "m.dupont"))
        self.assertEqual(paul.login, "p.dupont")
        links = lea.guardian_link_ids.sorted("legal_level")
        self.assertEqual([(l.guardian_id, l.legal_level, l.relationship)
                          for l in links],
                         [(marie, "1", "mother"), (paul, "2", "father")])
        # The list of guardians (4.1) shows the pupil's name and class.
        self.assertEqual(set(links.mapped("student_name")), {"DUPONT Léa"})
        self.assertEqual(links.mapped("class_id"), lea.class_id)
        self.assertEqual(set(links.mapped("company_id")), {self.college})
        # Newer files give NIVEAU_RESPONSABILITE instead of RESP_LEGAL.
        self.assertEqual(self.pupil("1004").guardian_link_ids.mapped(
            "guardian_id.siecle_id"), ["P6"])
        # Every new person got an identifiant; all are distinct.
        logins = self.imported_pupils().mapped("login") + self.env[
            "educonnect.guardian"].search([("siecle_id", "!=", False)]).mapped(
                "login")
        self.assertEqual(len(logins), 9)
        self.assertTrue(all(logins))
        self.assertEqual(len(set(logins)), 9)

    def test_rejected_rows_keep_their_reason_and_the_others_go_through(self):
        report = self.run_import(*FIRST)
        self.assertEqual(self.reasons(report, "pupil"), {
            ("1005", "Date de naissance « 31/02/2014 » invalide (jj/mm/aaaa "
                     "attendu)."),
            ("1006", "Nom ou prénom manquant."),
            ("1001", "ELEVE_ID 1001 présent deux fois dans le fichier "
                     "(d'abord ligne 11)."),
            ("1008", "A quitté l'établissement le 05/07/2020 : non créé."),
            ("1009", "INE 070123456AB attribué à deux élèves du fichier "
                     "(ELEVE_ID 1001)."),
        })
        self.assertEqual(self.reasons(report, "guardian"), {
            ("P4", "N'est responsable légal d'aucun élève importé : pas de "
                   "compte ÉduConnect."),
            ("P5", "Nom manquant."),
        })
        self.assertEqual(self.reasons(report, "link"), {
            ("1001 / P4", "N'est pas responsable légal (niveau 1 ou 2) : pas "
                          "de compte ÉduConnect."),
            ("1005 / P1", "L'élève ELEVE_ID 1005 n'est pas importé (absent "
                          "de l'export des élèves ou rejeté)."),
            ("9999 / P6", "L'élève ELEVE_ID 9999 n'est pas importé (absent "
                          "de l'export des élèves ou rejeté)."),
        })
        lines = report.sudo().line_ids.filtered(lambda l: l.siecle_id == "1005")
        self.assertEqual((lines.line, lines.name), (50, "LEFÈVRE Chloé"))
        self.assertEqual(sorted(self.imported_pupils().mapped("siecle_id")),
                         ["1001", "1002", "1003", "1004", "1010"])
        self.assertEqual(self.pupil("1001").first_name, "Léa")

    def test_preview_changes_nothing_and_announces_what_the_import_does(self):
        wizard = self.open_wizard(pupils="siecle_eleves_1.xml",
                                  guardians="siecle_responsables_1.xml",
                                  nomenclature="siecle_nomenclature.xml")
        wizard.action_preview()
        self.assertEqual(wizard.step, "preview")
        preview = wizard.import_id
        self.assertEqual(preview.state, "preview")
        self.assertFalse(self.imported_pupils())
        self.assertFalse(self.env["educonnect.class"].search(
            [("name", "=", "6A")]))
        self.assertIn("Date de naissance « 31/02/2014 » invalide",
                      wizard.report_html)
        self.assertIn("<th>Élèves</th><td>10</td><td>5</td><td>0</td>",
                      wizard.report_html)
        counts = preview.read()[0]
        wizard.action_confirm()
        self.assertEqual(wizard.step, "done")
        done = wizard.import_id
        self.assertEqual(done, preview)
        self.assertEqual(done.state, "done")
        for field in ("pupil_created", "pupil_rejected", "guardian_created",
                      "guardian_rejected", "link_created", "link_rejected",
                      "quality_count"):
            self.assertEqual(done[field], counts[field], field)
        self.assertEqual(len(self.imported_pupils()), 5)
        # The uploaded files (personal data) are not kept.
        self.assertFalse(wizard.pupils_file)
        action = wizard.action_open_report()
        self.assertEqual((action["res_model"], action["res_id"]),
                         ("educonnect.siecle.import", done.id))

    def test_previews_never_confirmed_are_not_kept(self):
        old = self.run_import(*FIRST, apply=False)
        self.assertTrue(old.sudo().line_ids)
        self.env.cr.execute(
            "UPDATE educonnect_siecle_import SET create_date = "
            "create_date - interval '2 days' WHERE id = %s", [old.id])
        new = self.run_import(*FIRST, apply=False)
        self.assertFalse(old.sudo().exists())
        self.assertEqual(self.env["educonnect.siecle.import"].search(
            [("state", "=", "preview")]), new)

    def test_reimport_updates_in_place_and_keeps_the_accounts(self):
        self.run_import(*FIRST)
        lea, hugo, hugo_b = (self.pupil("1001"), self.pupil("1002"),
                             self.pupil("1003"))
        lea._educonnect_notify()
        hugo._educonnect_notify()
        hugo_b._educonnect_notify()
        user = self.activate(hugo)
        self.assertTrue(hugo_b.provisional_password)
        before = {p.id: (p.login, p.state, p.origin, p.notification_date)
                  for p in (lea, hugo, hugo_b)}

        report = self.run_import(*SECOND)
        self.assertEveryRowAccountedFor(report)
        self.assertEqual(
            (report.pupil_rows, report.pupil_created, report.pupil_updated,
             report.pupil_unchanged, report.pupil_archived,
             report.pupil_rejected, report.pupil_absent), (5, 1, 1, 2, 1, 0, 1))
        self.assertEqual(
            (report.guardian_rows, report.guardian_created,
             report.guardian_updated, report.guardian_unchanged,
             report.guardian_archived, report.guardian_rejected),
            (5, 1, 1, 2, 1, 0))
        self.assertEqual((report.link_rows, report.link_created,
                          report.link_unchanged), (5, 1, 4))
        self.env.cache.invalidate()
        # Same records, same accounts: class change only.
        self.assertEqual(self.pupil("1001"), lea)
        self.assertEqual(lea.class_id.name, "6B")
        for pupil in (lea, hugo, hugo_b):
            self.assertEqual((pupil.login, pupil.state, pupil.origin,
                              pupil.notification_date), before[pupil.id])
        self.assertEqual(lea.guardian_link_ids.mapped("class_id"), lea.class_id)
        # Departure (DATE_SORTIE passed): archived, account disabled.
        self.assertFalse(hugo.active)
        self.assertEqual(hugo.leave_date, "2026-10-15")
        self.assertFalse(user.active)
        self.assertFalse(hugo.guardian_link_ids.with_context(
            active_test=False).mapped("active")[0])
        # Absent from the full export: archived, provisional password gone.
        self.assertFalse(hugo_b.active)
        self.assertFalse(hugo_b.provisional_password)
        self.assertIn(("1003", "Absent de l'export : archivé, compte "
                               "désactivé."),
                      self.reasons(report, "pupil", "archived"))
        # Nothing is deleted; their history says why.
        self.assertEqual(len(self.imported_pupils()), 6)
        trace = self.env["educonnect.account.trace"].with_context(
            active_test=False).search(
            [("action", "=", "siecle_archive"), ("population", "=", "student")])
        self.assertEqual(trace.student_ids, hugo | hugo_b)
        self.assertEqual(trace.user_id, self.agent)
        self.assertEqual(trace.with_context(lang="fr_FR").details,
                         "A quitté l'établissement ou est absent de l'export "
                         "SIECLE : compte désactivé.")
        guardian_trace = self.env["educonnect.account.trace"].with_context(
            active_test=False).search([("action", "=", "siecle_archive"),
                                       ("population", "=", "guardian")])
        self.assertEqual(guardian_trace.guardian_ids, self.guardian("P3"))
        # The new pupil and the new guardian.
        leo = self.pupil("1011")
        anne = self.guardian("P7")
        self.assertEqual(leo.guardian_link_ids.guardian_id, anne)
        self.assertEqual((leo.login, anne.login), ("l.roux", "a.roux"))
        # A guardian whose only pupil left is archived; one got a mobile.
        self.assertFalse(self.guardian("P3").active)
        self.assertEqual(self.guardian("P6").mobile, "06 71 22 33 44")
        # The pupils still in the lists.
        visible = self.env["educonnect.student"].search(
            [("siecle_id", "!=", False)])
        self.assertEqual(sorted(visible.mapped("siecle_id")),
                         ["1001", "1004", "1010", "1011"])

    def test_reimporting_the_same_export_changes_nothing_and_says_so(self):
        self.run_import(*SECOND)
        pupils = self.imported_pupils()
        stamps = {p.id: (p.write_date, p.login) for p in pupils}
        report = self.run_import(*SECOND)
        self.assertEqual(
            (report.pupil_created, report.pupil_updated,
             report.pupil_archived, report.pupil_absent,
             report.pupil_unchanged), (0, 0, 0, 0, 4))
        self.assertEqual((report.guardian_created, report.guardian_updated,
                          report.guardian_unchanged), (0, 0, 4))
        self.assertEqual((report.link_created, report.link_updated,
                          report.link_removed, report.link_unchanged),
                         (0, 0, 0, 4))
        self.assertEveryRowAccountedFor(report)
        self.assertTrue(report._nothing_changed())
        self.assertIn("Aucun changement", report.report_html)
        self.env.cache.invalidate()
        self.assertEqual(self.imported_pupils(), pupils)
        self.assertEqual({p.id: (p.write_date, p.login)
                          for p in pupils}, stamps)

    def test_returning_pupil_is_reactivated_with_the_same_account(self):
        self.run_import(*FIRST)
        hugo_b = self.pupil("1003")
        login = hugo_b.login
        self.run_import("siecle_eleves_2.xml")
        self.assertFalse(hugo_b.active)
        report = self.run_import(*FIRST)
        self.env.cache.invalidate()
        self.assertTrue(hugo_b.active)
        self.assertEqual(hugo_b.login, login)
        self.assertEqual((report.pupil_updated, report.pupil_absent), (3, 1))

    def test_a_rejected_row_leaves_the_pupil_and_guardians_as_they_are(self):
        self.run_import(*FIRST)
        lea = self.pupil("1001")
        typo = data("siecle_eleves_1.xml").replace(
            b"04/05/2014</DATE_NAISS>", b"04/05/20144</DATE_NAISS>")
        report = self.run_import(files=[
            ("ElevesSansAdresses.xml", typo),
            ("siecle_responsables_1.xml", data("siecle_responsables_1.xml"))])
        self.assertIn(("1001", "Date de naissance « 04/05/20144 » invalide "
                               "(jj/mm/aaaa attendu)."),
                      self.reasons(report, "pupil"))
        self.assertEqual((report.pupil_absent, report.guardian_absent,
                          report.link_removed), (0, 0, 0))
        self.env.cache.invalidate()
        self.assertTrue(lea.active)
        self.assertEqual(lea.birth_date, "2014-05-04")
        self.assertEqual(lea.guardian_link_ids.mapped("guardian_id.siecle_id"),
                         ["P1", "P2"])
        self.assertTrue(all(lea.guardian_link_ids.mapped("guardian_id.active")))

    def test_without_full_export_absent_pupils_stay(self):
        self.run_import(*FIRST)
        report = self.run_import("siecle_eleves_2.xml", archive_absent=False)
        self.assertEqual(report.pupil_absent, 0)
        self.assertTrue(self.pupil("1003").active)

    def test_data_quality_report(self):
        report = self.run_import(*FIRST)
        quality = self.reasons(report, result="quality")
        self.assertEqual(quality, {
            ("P2", "Ni téléphone portable ni adresse électronique : ce "
                   "responsable ne peut pas s'auto-inscrire."),
            ("P3", "Numéro de téléphone « 0612 » invalide."),
            ("P3", "Adresse électronique « sophie.martin@ » invalide : non "
                   "importée."),
            ("1004", "Élève sans classe."),
            ("1004", "Élève sans MEF."),
            ("1010", "MEF 99999999999 inconnu : importez l'export des "
                     "nomenclatures (Nomenclature.xml) avec les élèves."),
            ("1002", "Homonymes nés le même jour (12/03/2014) : ELEVE_ID "
                     "1002, 1003. Vérifiez qu'il s'agit d'élèves "
                     "différents."),
        })
        self.assertEqual(report.quality_count, 7)
        self.assertFalse(self.guardian("P3").email)
        # A valid landline is kept, formatted.
        self.assertEqual(self.guardian("P6").phone, "01 45 67 89 10")
        self.assertIn("Qualité des données (7)", report.report_html)

    def test_a_zip_of_the_exports_is_imported_like_the_files(self):
        archive = zipped({name: data(name) for name in FIRST})
        report = self.run_import(files=[("export_siecle.zip", archive)])
        self.assertEqual((report.pupil_created, report.guardian_created,
                          report.link_created), (5, 4, 5))
        self.assertIn("export_siecle.zip/siecle_eleves_1.xml",
                      report.file_names)

    def test_directors_and_delegated_agents_import(self):
        report = self.run_import(*FIRST, user=self.director)
        self.assertEqual(report.pupil_created, 5)
        self.assertEqual(report.user_id, self.director)
        # The delegated agent creates classes (a director's right) through
        # the import only.
        report = self.run_import(*SECOND, user=self.agent)
        self.assertEqual(report.pupil_created, 1)
        self.assertEqual(len(self.env["educonnect.siecle.import"].sudo(
            self.agent).search([("state", "=", "done")])), 2)

    def test_troubleshooting_agents_cannot_import(self):
        with self.assertRaises(AccessError):
            self.run_import(*FIRST, user=self.troubleshooter)
        # The wizard does not even take their files.
        with self.assertRaises(AccessError):
            self.open_wizard(user=self.troubleshooter,
                             pupils="siecle_eleves_1.xml")
        wizard = self.open_wizard(pupils="siecle_eleves_1.xml")
        with self.assertRaises(AccessError):
            wizard.sudo(self.troubleshooter).action_preview()
        self.assertFalse(self.imported_pupils())
        with self.assertRaises(AccessError):
            self.env["educonnect.siecle.import"].sudo(
                self.troubleshooter).search([])
        menu = self.env.ref(
            "educonnect_accounts.educonnect_siecle_import_wizard_menu")
        visible = self.env["ir.ui.menu"].sudo(self.troubleshooter)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)
        self.assertIn(menu.id, self.env["ir.ui.menu"].sudo(
            self.agent)._visible_menu_ids())
        self.assertEqual(menu.with_context(lang="fr_FR").name,
                         "Importer depuis SIECLE")

    def test_only_into_the_current_establishment(self):
        lycee_agent = self.env["res.users"].with_context(
            no_reset_password=True).create({
                "name": "agent lycée", "login": "agent.lycee.siecle",
                "company_id": self.lycee.id,
                "company_ids": [(6, 0, [self.lycee.id])],
                "groups_id": [(6, 0, [self.env.ref(
                    "educonnect_accounts.group_educonnect_manager").id])]})
        with self.assertRaises(UserError) as caught:
            self.run_import(*FIRST, user=lycee_agent)
        self.assertIn("l'export de l'établissement 0750680G", str(
            caught.exception.name))
        self.assertFalse(self.imported_pupils())
        # The imports of an establishment are not shown in another one.
        self.run_import(*FIRST)
        self.assertFalse(self.env["educonnect.siecle.import"].sudo(
            lycee_agent).search([]))
