import base64
import os

from .common import AccountActionCase

DATA = os.path.join(os.path.dirname(__file__), "data")


def data(name):
    with open(os.path.join(DATA, name), "rb") as handle:
        return handle.read()


class SiecleCase(AccountActionCase):
    """Imports run as the staff does, in French."""

    def staff_env(self, user=None):
        return self.env(user=user or self.agent,
                        context=dict(self.env.context, lang="fr_FR"))

    def run_import(self, *names, user=None, apply=True, archive_absent=True,
                   files=None):
        files = files or [(name, data(name)) for name in names]
        return self.staff_env(user)["educonnect.siecle.import"]._siecle_run(
            files, apply=apply, archive_absent=archive_absent)

    def open_wizard(self, user=None, **files):
        """The wizard of the « Importer depuis SIECLE » menu, files chosen."""
        values = {}
        for field, name in files.items():
            values[field + "_file"] = base64.b64encode(data(name))
            values[field + "_filename"] = name
        return self.staff_env(user)["educonnect.siecle.import.wizard"].create(
            values)

    def pupil(self, siecle_id):
        pupil = self.env["educonnect.student"].with_context(
            active_test=False).search([("company_id", "=", self.college.id),
                                       ("siecle_id", "=", siecle_id)])
        self.assertEqual(len(pupil), 1, siecle_id)
        return pupil

    def guardian(self, siecle_id):
        guardian = self.env["educonnect.guardian"].with_context(
            active_test=False).search([("company_id", "=", self.college.id),
                                       ("siecle_id", "=", siecle_id)])
        self.assertEqual(len(guardian), 1, siecle_id)
        return guardian

    def imported_pupils(self):
        return self.env["educonnect.student"].with_context(
            active_test=False).search([("company_id", "=", self.college.id),
                                       ("siecle_id", "!=", False)])

    def reasons(self, record, kind=None, result="rejected"):
        return {(l.siecle_id, l.reason) for l in record.sudo().line_ids
                if l.result == result and (kind is None or l.kind == kind)}

    def assertEveryRowAccountedFor(self, record):
        for prefix in ("pupil", "guardian", "link"):
            total = sum(record["%s_%s" % (prefix, c)] for c in (
                "created", "updated", "unchanged", "archived", "rejected"))
            self.assertEqual(total, record[prefix + "_rows"], prefix)
        # And every rejected row has its line with its reason.
        lines = record.sudo().line_ids
        for prefix, kind in (("pupil", "pupil"), ("guardian", "guardian"),
                             ("link", "link")):
            rejected = lines.filtered(
                lambda l: l.kind == kind and l.result == "rejected")
            self.assertEqual(len(rejected), record[prefix + "_rejected"], kind)
            self.assertTrue(all(rejected.mapped("reason")))
