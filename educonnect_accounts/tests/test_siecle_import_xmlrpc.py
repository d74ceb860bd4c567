"""The SIECLE import over XML-RPC, against the Odoo this test serves: a
delegated agent cannot point the wizard at another establishment's import
report, nor at one of their own establishment that is not theirs to change,
and the files uploaded are not kept (issue 7); the report reads as a string
(issue 16)."""
import base64
import unittest
import xmlrpc.client

from odoo.tests.common import get_db_name

from .committed import committed_env, ensure_http_server
from .siecle_fixtures import generate_exports

PREFIX = "RPCSIECLE"
PASSWORD = "un mot de passe de test assez long"
ACCESS_ERROR = 4
UAI_A, UAI_B = "0990001N", "0990002P"
WIZARD = "educonnect.siecle.import.wizard"
REPORT_FIELDS = ["company_id", "user_id", "state", "pupil_created",
                 "file_names", "write_date", "line_ids"]


class TestSiecleImportOverXmlRpc(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.port = ensure_http_server()
        cls.db = get_db_name()
        url = "http://127.0.0.1:%s/xmlrpc/2/" % cls.port
        cls.common = xmlrpc.client.ServerProxy(url + "common")
        cls.object = xmlrpc.client.ServerProxy(url + "object", allow_none=True)
        with committed_env() as env:
            Company = env["res.company"]
            a = Company.create({"name": PREFIX + " Collège A",
                                "educonnect_uai": UAI_A})
            b = Company.create({"name": PREFIX + " Lycée B",
                                "educonnect_uai": UAI_B})
            Users = env["res.users"].with_context(no_reset_password=True)
            agent, director = (Users.create({
                "name": login, "login": login, "password": PASSWORD,
                "company_id": a.id, "company_ids": [(6, 0, a.ids)]})
                for login in ("rpcsiecle.agent", "rpcsiecle.direction"))
            Delegation = env["educonnect.delegation"]
            Delegation.create({"user_id": director.id, "company_id": a.id,
                               "role": "director"})
            Delegation.create({"user_id": agent.id, "company_id": a.id,
                               "role": "manager"})
            Import = env["educonnect.siecle.import"]
            reports = {}
            for key, company, user, state in (
                    ("b_done", b, env.user, "done"),
                    ("a_done", a, director, "done"),
                    ("a_agent_done", a, agent, "done"),
                    ("a_colleague_preview", a, director, "preview")):
                report = Import.create({
                    "company_id": company.id, "user_id": user.id,
                    "state": state, "file_names": "%s.xml" % key,
                    "pupil_created": 7,
                    "pending_export": state == "preview" and "{}"})
                report._write_lines([{
                    "kind": "pupil", "result": "rejected", "line": 1,
                    "siecle_id": "1", "name": PREFIX,
                    "reason": "Original line", "params": None}])
                reports[key] = report.id
            cls.ids = dict(reports, a=a.id, b=b.id, agent=agent.id,
                           director=director.id)
        cls.uid = cls.common.authenticate(cls.db, "rpcsiecle.agent",
                                          PASSWORD, {})
        cls.before = {key: cls.committed_report(cls.ids[key])
                      for key in reports}

    @classmethod
    def tearDownClass(cls):
        with committed_env() as env:
            cr = env.cr
            companies = (cls.ids["a"], cls.ids["b"])
            users = (cls.ids["agent"], cls.ids["director"])
            cr.execute("DELETE FROM educonnect_siecle_import_wizard "
                       "WHERE create_uid IN %s", [users])
            cr.execute("DELETE FROM educonnect_siecle_import "
                       "WHERE company_id IN %s", [companies])
            cr.execute("DELETE FROM educonnect_account_trace WHERE company_id "
                       "IN %s OR user_id IN %s", [companies, users])
            cr.execute("DELETE FROM educonnect_delegation WHERE user_id IN %s",
                       [users])
            for model in ("educonnect.guardian", "educonnect.student",
                          "educonnect.class"):
                env[model].with_context(active_test=False).search(
                    [("company_id", "in", companies)]).unlink()
            users = env["res.users"].browse(users)
            partners = users.mapped("partner_id")
            users.unlink()
            partners.unlink()
            companies = env["res.company"].browse(companies)
            company_partners = companies.mapped("partner_id")
            companies.unlink()
            company_partners.unlink()

    # -- helpers -------------------------------------------------------------

    @classmethod
    def committed_report(cls, report_id):
        with committed_env() as env:
            report = env["educonnect.siecle.import"].browse(report_id)
            values = report.read(REPORT_FIELDS)[0]
            values["line_ids"] = report.line_ids.mapped("reason")
            return values

    def call(self, model, method, args, kwargs=None):
        return self.object.execute_kw(self.db, self.uid, PASSWORD, model,
                                      method, args, kwargs or {})

    def refused(self, model, method, args, kwargs=None):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(model, method, args, kwargs)
        self.assertEqual(caught.exception.faultCode, ACCESS_ERROR,
                         caught.exception.faultString[:300])

    def assertReportsUnchanged(self):
        for key, values in self.before.items():
            self.assertEqual(self.committed_report(self.ids[key]), values, key)

    def upload(self):
        exports = generate_exports(UAI_A, pupils=3, seed=3)
        return {"pupils_file": base64.b64encode(exports["eleves"]).decode(),
                "pupils_filename": "ElevesSansAdresses.xml"}

    # -- probes --------------------------------------------------------------

    def test_agent_cannot_point_the_wizard_at_a_report_over_xmlrpc(self):
        targets = ("b_done", "a_done", "a_agent_done", "a_colleague_preview")
        for key in targets:
            self.refused(WIZARD, "create",
                         [dict(self.upload(), import_id=self.ids[key])])
            self.refused(WIZARD, "create", [self.upload()], {
                "context": {"default_import_id": self.ids[key]}})
        with committed_env() as env:
            self.assertFalse(env[WIZARD].search(
                [("create_uid", "=", self.ids["agent"])]))
        wizard_id = self.call(WIZARD, "create", [self.upload()])
        for key in targets:
            self.refused(WIZARD, "write",
                         [[wizard_id], {"import_id": self.ids[key]}])
        # The import then goes to a preview of the agent's own, and nothing
        # else changes.
        self.call(WIZARD, "action_preview", [[wizard_id]])
        wizard = self.call(WIZARD, "read", [[wizard_id], ["step", "import_id",
                                                          "error"]])[0]
        self.assertEqual((wizard["step"], wizard["error"]), ("preview", False))
        preview_id = wizard["import_id"][0]
        self.assertNotIn(preview_id, [self.ids[k] for k in targets])
        self.call(WIZARD, "action_confirm", [[wizard_id]])
        report = self.committed_report(preview_id)
        self.assertEqual((report["company_id"][0], report["user_id"][0],
                          report["state"], report["pupil_created"]),
                         (self.ids["a"], self.ids["agent"], "done", 3))
        self.assertReportsUnchanged()
        # Nor can the report be written directly.
        self.refused("educonnect.siecle.import", "write",
                     [[self.ids["a_agent_done"]], {"pupil_created": 0}])
        self.assertReportsUnchanged()

    def test_staff_reading_the_full_report_over_xmlrpc_get_a_string(self):
        """« Reading the full import report (report_html) over XML-RPC fails
        with « cannot marshal Markup objects » »: a string, in French."""
        for key in ("a_done", "a_agent_done"):
            report = self.call("educonnect.siecle.import", "read",
                               [[self.ids[key]], ["report_html"]])[0]
            self.assertIsInstance(report["report_html"], str)
            self.assertIn("o_siecle_counts", report["report_html"])
        # And through the wizard that shows it.
        wizard_id = self.call(WIZARD, "create", [self.upload()])
        self.call(WIZARD, "action_preview", [[wizard_id]])
        wizard = self.call(WIZARD, "read", [[wizard_id], ["report_html"]],
                           {"context": {"lang": "fr_FR"}})[0]
        self.assertIsInstance(wizard["report_html"], str)
        self.assertIn("<th>Élèves</th><td>3</td>", wizard["report_html"])

    def test_uploads_are_not_kept_and_previews_not_readable_over_xmlrpc(self):
        wizard_id = self.call(WIZARD, "create", [self.upload()])
        self.call(WIZARD, "action_preview", [[wizard_id]])
        with committed_env() as env:
            env.cr.execute(
                "SELECT pupils_file, pupils_filename, import_id FROM "
                "educonnect_siecle_import_wizard WHERE id = %s", [wizard_id])
            pupils_file, filename, preview_id = env.cr.fetchone()
        self.assertEqual((pupils_file, filename), (None, None))
        # The rows kept to confirm the preview are read by the import only.
        self.refused("educonnect.siecle.import", "read",
                     [[preview_id], ["pending_export"]])
        self.refused("educonnect.siecle.import", "search",
                     [[("pending_export", "ilike", "ELEVE")]])
        self.assertNotIn("pending_export", self.call(
            "educonnect.siecle.import", "fields_get", []))
        # A refused file is not kept either, and imports nothing.
        refused_id = self.call(WIZARD, "create", [{
            "pupils_file": base64.b64encode(b"<BEE_ELEVES>").decode(),
            "pupils_filename": "tronque.xml"}])
        self.call(WIZARD, "action_preview", [[refused_id]])
        wizard = self.call(WIZARD, "read", [[refused_id], ["error", "step",
                                                           "pupils_file"]])[0]
        self.assertEqual((wizard["step"], wizard["pupils_file"]),
                         ("upload", False))
        self.assertIn("tronque.xml", wizard["error"])
        self.assertReportsUnchanged()
