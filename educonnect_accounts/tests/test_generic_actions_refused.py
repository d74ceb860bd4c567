"""Issue 17: Odoo's generic actions (Créer, Dupliquer, Supprimer, Importer,
Exporter) are not the guide's. Pupils, guardians and their links come from
SIECLE and leave by its archive: every EduConnect role is refused them by
the server, with a French sentence, whatever the client; the troubleshooting
agent reads no civil data of the pupils; access errors name roles, not
Odoo's English groups, and no model in code."""
from odoo.exceptions import AccessError

from .common import AccountActionCase
from .test_rights_xmlrpc import RightsOverXmlRpcCase

SIECLE_ONLY = ("Les élèves et les responsables viennent de SIECLE : ils ne "
               "sont ni créés, ni dupliqués, ni importés, ni supprimés ici.")
NO_EXPORT = "Les élèves et les responsables ne s'exportent pas ainsi"


class TestGenericActionsRefused(AccountActionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_guide_pupils()
        cls.guardian = cls.make_guardian("ADAM019", "Sophie",
                                         cls.mila | cls.noemie)
        cls.link = cls.guardian.link_ids[:1]

    def as_role(self, user, record):
        return record.sudo(user).with_context(lang="fr_FR")

    def assert_refused(self, call, expected):
        with self.assertRaises(AccessError) as caught:
            call()
        message = caught.exception.name
        self.assertIn(expected, message)
        self.assertNotIn("educonnect.", message)
        self.assertNotIn("EduConnect/", message)
        return message

    def test_every_role_is_refused_the_generic_actions_in_french(self):
        for user in (self.director, self.agent, self.troubleshooter):
            for record in (self.mila, self.guardian, self.link):
                with self.subTest(user=user.login, model=record._name):
                    mine = self.as_role(user, record)
                    Model = mine.browse()
                    self.assert_refused(lambda: mine.copy(), SIECLE_ONLY)
                    self.assert_refused(lambda: mine.unlink(), SIECLE_ONLY)
                    self.assert_refused(lambda: Model.load(
                        ["last_name"], [["INTRUS"]]), SIECLE_ONLY)
                    self.assert_refused(lambda: mine.export_data(["id"]),
                                        NO_EXPORT)
        for user in (self.director, self.agent, self.troubleshooter):
            Student = self.env["educonnect.student"].sudo(user).with_context(
                lang="fr_FR")
            self.assert_refused(lambda: Student.create({
                "last_name": "INTRUS", "first_name": "Ian",
                "company_id": self.college.id}), "ni créés")
        # Nothing was made, deleted or copied.
        Student = self.env["educonnect.student"].with_context(active_test=False)
        self.assertFalse(Student.search([("last_name", "=", "INTRUS")]))
        self.assertEqual(Student.search_count(
            [("last_name", "in", ("ADAM019", "ADAMS019"))]), 3)
        self.assertTrue(self.link.exists() and self.guardian.exists())

    def test_a_copy_is_refused_even_to_the_administrator(self):
        # Same INE, same SIECLE person, a second identifiant: never.
        with self.assertRaises(AccessError):
            self.mila.with_context(lang="fr_FR").copy()

    def test_the_troubleshooting_agent_reads_no_civil_data_of_pupils(self):
        self.mila.write({"birth_date": "2012-03-04", "ine": "123456789AB",
                         "birth_name": "NAISSANCE", "gender": "F"})
        mine = self.as_role(self.troubleshooter, self.mila)
        for field in ("birth_date", "ine", "birth_name", "gender"):
            with self.subTest(field=field):
                with self.assertRaises(AccessError):
                    mine.read([field])
                with self.assertRaises(AccessError):
                    mine.search([(field, "!=", False)])
        self.assertNotIn("ine", mine.fields_get())
        # What its list of the guide shows stays readable.
        row = mine.read(["name", "class_id", "mef_id", "login", "state",
                         "email", "list_password"])[0]
        self.assertEqual(row["name"], self.mila.name)
        # The administrators still read and correct them.
        agent_view = self.as_role(self.agent, self.mila)
        self.assertEqual(agent_view.read(["ine"])[0]["ine"], "123456789AB")

    def test_access_errors_name_the_roles_in_french(self):
        mine = self.as_role(self.troubleshooter, self.mila)
        message = self.assert_refused(
            lambda: mine.write({"email": "autre@example.org"}),
            "Votre rôle dans cet établissement ne vous permet pas de modifier")
        self.assertIn("Élève", message)
        self.assertIn("Personnel de direction", message)
        self.assertIn("Agent délégué", message)
        self.assertNotIn("Director", message)

    def test_the_troubleshooter_opens_a_pupil_of_its_list(self):
        """Its list opens a read-only form of the same columns (the issue's
        « Erreur d'accès » on a click)."""
        action = self.env.ref(
            "educonnect_accounts.educonnect_student_action_troubleshooting")
        form = dict((mode, view) for view, mode in
                    action.sudo(self.troubleshooter).read(["views"])[0]["views"])["form"]
        Student = self.env["educonnect.student"].sudo(self.troubleshooter) \
            .with_context(lang="fr_FR")
        view = Student.fields_view_get(view_id=form, view_type="form")
        self.assertEqual(set(view["fields"]), {
            "educonnect_locked", "state", "name", "company_id", "class_id", "mef_id",
            "email", "login", "list_password"})
        self.assertIn('edit="0"', view["arch"].replace("false", "0"))
        row = Student.browse(self.mila.id).read(list(view["fields"]))[0]
        self.assertEqual(row["login"], self.mila.login)
        # The administration form, if reached, hides the civil data.
        admin_form = Student.fields_view_get(view_type="form")
        self.assertNotIn("ine", admin_form["fields"])
        self.assertNotIn("birth_date", admin_form["fields"])
        row = Student.browse(self.mila.id).read(list(admin_form["fields"]))[0]
        self.assertEqual(row["name"], self.mila.name)


class TestGenericActionsRefusedOverXmlRpc(RightsOverXmlRpcCase):
    """The same, as a real client does it (XML-RPC, French user)."""

    def refused_in_french(self, who, model, method, args, expected):
        kwargs = {"context": {"lang": "fr_FR"}}
        try:
            self.call(who, model, method, args, kwargs)
        except Exception as error:  # xmlrpc.client.Fault
            self.assertEqual(getattr(error, "faultCode", None), 4, error)
            self.assertIn(expected, error.faultString)
            return
        self.fail("%s %s.%s was not refused" % (who, model, method))

    def test_generic_actions_are_refused_over_xmlrpc(self):
        pupil, guardian = self.ids["pupil_a"], self.ids["guardian_a"]
        for who in ("director", "agent"):
            for model, rec_id in (("educonnect.student", pupil),
                                  ("educonnect.guardian", guardian)):
                if who == "agent" and model == "educonnect.guardian":
                    continue  # not even readable by the troubleshooter
                with self.subTest(who=who, model=model):
                    self.refused_in_french(who, model, "copy", [[rec_id]],
                                           "ni dupliqués")
                    self.refused_in_french(who, model, "unlink", [[rec_id]],
                                           "ni supprimés")
                    self.refused_in_french(who, model, "create", [{
                        "last_name": "INTRUS", "company_id": self.ids["a"]}],
                        "ni créés")
                    self.refused_in_french(
                        who, model, "export_data",
                        [[rec_id], ["login", "last_name"]], "ne s'exportent pas")
                    self.refused_in_french(
                        who, model, "load",
                        [["id", "last_name"], [["__export__.x", "INTRUS"]]],
                        "ni importés")
        with self.subTest("nothing changed"):
            self.assertEqual(self.committed("educonnect.student", pupil,
                                            "last_name"), "RPCDROITS")
