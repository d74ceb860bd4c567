"""A generated export of a few hundred pupils: every row accounted for, in
bulk (issue 7). The 5,000-pupil run is a benchmark: bench/bench_siecle_import.py."""
import re
from collections import Counter

from .siecle_common import SiecleCase
from .siecle_fixtures import generate_exports


class TestSiecleImportLarge(SiecleCase):

    def test_generated_export_is_imported_and_every_row_accounted_for(self):
        exports = generate_exports("0750680G", pupils=300, seed=11)
        files = [("ElevesSansAdresses.xml", exports["eleves"]),
                 ("ResponsablesAvecAdresses.xml", exports["responsables"]),
                 ("Nomenclature.xml", exports["nomenclature"])]
        contacts = exports["responsables"].count(b"<RESP_LEGAL>0<")
        self.assertGreater(contacts, 0)
        preview = self.run_import(files=files, apply=False)
        self.assertFalse(self.imported_pupils())
        report = self.run_import(files=files)
        self.assertEveryRowAccountedFor(report)
        self.assertEqual((report.pupil_rows, report.pupil_created), (300, 300))
        self.assertEqual(report.guardian_rows, 540 + contacts)
        self.assertEqual((report.guardian_created, report.guardian_rejected),
                         (540, contacts))
        self.assertEqual((report.link_created, report.link_rejected),
                         (600, contacts))
        classes = set(re.findall(rb"<CODE_STRUCTURE>([^<]+)<",
                                 exports["eleves"]))
        self.assertEqual(report.class_created, len(classes))
        self.assertEqual(report.mef_created, 4)
        for field in ("pupil_created", "guardian_created", "link_created",
                      "quality_count"):
            self.assertEqual(preview[field], report[field], field)

        pupils = self.imported_pupils()
        guardians = self.env["educonnect.guardian"].search(
            [("company_id", "=", self.college.id), ("siecle_id", "!=", False)])
        self.assertEqual((len(pupils), len(guardians)), (300, 540))
        logins = pupils.mapped("login") + guardians.mapped("login")
        self.assertTrue(all(logins))
        self.assertEqual(len({l.lower() for l in logins}), 840)
        links = self.env["educonnect.guardian.link"].search(
            [("company_id", "=", self.college.id)])
        self.assertEqual(set(Counter(l.student_id.id for l in links).values()),
                         {2})
        self.assertEqual(
            set(pupils.mapped("class_id.name")), {c.decode() for c in classes})

        again = self.run_import(files=files)
        self.assertTrue(again._nothing_changed())
        self.assertEqual((again.pupil_unchanged, again.guardian_unchanged,
                          again.link_unchanged), (300, 540, 600))
