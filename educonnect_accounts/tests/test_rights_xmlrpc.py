"""The rights over XML-RPC, against the Odoo this test serves: what the ORM
tests show holds for a real client too (a refused call changes nothing)."""
import unittest
import xmlrpc.client

from odoo.exceptions import AccessError
from odoo.tests.common import get_db_name

from .committed import committed_env, ensure_http_server

PREFIX = "RPCDROITS"
PASSWORD = "un mot de passe de test assez long"
ACCESS_ERROR = 4


class RightsOverXmlRpcCase(unittest.TestCase):
    """Two establishments, their staff and accounts, committed for the
    served Odoo; the helpers call it over XML-RPC as each of them (the
    statistics addon's tests reuse it)."""

    @classmethod
    def setUpClass(cls):
        cls.port = ensure_http_server()
        cls.db = get_db_name()
        url = "http://127.0.0.1:%s/xmlrpc/2/" % cls.port
        cls.common = xmlrpc.client.ServerProxy(url + "common")
        cls.object = xmlrpc.client.ServerProxy(url + "object", allow_none=True)
        with committed_env() as env:
            Company = env["res.company"]
            a = Company.create({"name": PREFIX + " Collège A"})
            b = Company.create({"name": PREFIX + " Lycée B"})
            Users = env["res.users"].with_context(no_reset_password=True)

            def user(login, companies):
                return Users.create({
                    "name": login, "login": login, "password": PASSWORD,
                    "company_id": companies[0].id,
                    "company_ids": [(6, 0, companies.ids)]})
            director = user("rpcdroits.direction", a)
            agent = user("rpcdroits.depannage", a)
            staff = user("rpcdroits.surveillant", a)
            other = user("rpcdroits.autre", a | b)
            Delegation = env["educonnect.delegation"]
            Delegation.create({"user_id": director.id, "company_id": a.id,
                               "role": "director"})
            Delegation.create({"user_id": agent.id, "company_id": a.id,
                               "role": "troubleshooter"})
            Student = env["educonnect.student"]
            pupil_a = Student.create({"last_name": PREFIX, "first_name": "Ana",
                                      "company_id": a.id})
            pupil_b = Student.create({"last_name": PREFIX, "first_name": "Bob",
                                      "company_id": b.id})
            guardian_a = env["educonnect.guardian"].create({
                "last_name": PREFIX, "first_name": "Gaëlle", "company_id": a.id})
            env["educonnect.guardian.link"].create({
                "student_id": pupil_a.id, "guardian_id": guardian_a.id})
            (pupil_a | pupil_b)._educonnect_notify()
            guardian_a._educonnect_notify()
            cls.ids = {
                "a": a.id, "b": b.id, "director": director.id,
                "agent": agent.id, "staff": staff.id, "other": other.id,
                "pupil_a": pupil_a.id, "pupil_b": pupil_b.id,
                "guardian_a": guardian_a.id,
            }
            cls.logins = {"director": director.login, "agent": agent.login,
                          "staff": staff.login, "other": other.login}

    @classmethod
    def tearDownClass(cls):
        with committed_env() as env:
            users = env["res.users"].browse([cls.ids[k] for k in (
                "director", "agent", "staff", "other")])
            companies = env["res.company"].browse([cls.ids["a"], cls.ids["b"]])
            cr = env.cr
            cr.execute("DELETE FROM educonnect_account_trace WHERE company_id IN %s "
                       "OR user_id IN %s", [tuple(companies.ids), tuple(users.ids)])
            for table in ("educonnect_reset_wizard", "educonnect_list_wizard",
                          "educonnect_notify_wizard"):
                cr.execute("DELETE FROM %s WHERE create_uid IN %%s" % table,
                           [tuple(users.ids)])
            cr.execute("DELETE FROM ir_attachment WHERE create_uid IN %s",
                       [tuple(users.ids)])
            cr.execute("DELETE FROM educonnect_delegation WHERE user_id IN %s",
                       [tuple(users.ids)])
            for model in ("educonnect.guardian", "educonnect.student"):
                env[model].with_context(active_test=False).search(
                    [("company_id", "in", companies.ids)]).unlink()
            partners = users.mapped("partner_id")
            users.unlink()
            partners.unlink()
            company_partners = companies.mapped("partner_id")
            companies.unlink()
            company_partners.unlink()

    # -- helpers -------------------------------------------------------------

    def login(self, who):
        uid = self.common.authenticate(self.db, self.logins[who], PASSWORD, {})
        self.assertTrue(uid, who)
        return uid

    def call(self, who, model, method, args, kwargs=None):
        return self.object.execute_kw(self.db, self.login(who), PASSWORD,
                                      model, method, args, kwargs or {})

    def refused(self, who, model, method, args, kwargs=None):
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.call(who, model, method, args, kwargs)
        self.assertEqual(caught.exception.faultCode, ACCESS_ERROR,
                         caught.exception.faultString[:300])

    def committed(self, model, record_id, field):
        with committed_env() as env:
            return env[model].browse(record_id).read([field])[0][field]

    def reset_pupil(self, who):
        ctx = {"active_model": "educonnect.student",
               "active_ids": [self.ids["pupil_a"]], "active_domain": []}
        wizard_id = self.call(who, "educonnect.reset.wizard", "create", [{}],
                              {"context": ctx})
        return self.call(who, "educonnect.reset.wizard", "action_confirm",
                         [[wizard_id]], {"context": ctx})


class TestRightsOverXmlRpc(RightsOverXmlRpcCase):

    # -- probes --------------------------------------------------------------

    def test_troubleshooting_agent_of_a_gets_refusals_over_xmlrpc(self):
        # Its own establishment's pupils: yes, with the password to print.
        rows = self.call("agent", "educonnect.student", "search_read",
                         [[("last_name", "=", PREFIX)]],
                         {"fields": ["name", "provisional_password"]})
        self.assertEqual([r["id"] for r in rows], [self.ids["pupil_a"]])
        self.assertTrue(rows[0]["provisional_password"])
        # Guardians: no.
        self.refused("agent", "educonnect.guardian", "search_read", [[]])
        self.refused("agent", "educonnect.guardian", "read",
                     [[self.ids["guardian_a"]], ["name", "provisional_password"]])
        self.refused("agent", "educonnect.guardian.link", "search_read", [[]])
        # Pupils of B, by id or by search: no.
        self.refused("agent", "educonnect.student", "read",
                     [[self.ids["pupil_b"]], ["name"]])
        self.refused("agent", "educonnect.student", "read",
                     [[self.ids["pupil_b"]], ["provisional_password"]])
        self.assertEqual(self.call("agent", "educonnect.student", "search",
                                   [[("company_id", "=", self.ids["b"])]]), [])
        # Secrets it may not print, in any way.
        self.refused("agent", "educonnect.student", "read",
                     [[self.ids["pupil_a"]], ["provisional_password_crypt"]])
        self.refused("agent", "educonnect.student", "search",
                     [[("provisional_password_crypt", "like", "g%")]])
        self.refused("agent", "educonnect.student", "read_group",
                     [[], ["provisional_password_crypt"],
                      ["provisional_password_crypt"]])
        self.refused("agent", "educonnect.student", "export_data",
                     [[self.ids["pupil_a"]], ["provisional_password_crypt"]])
        fields = self.call("agent", "educonnect.student", "fields_get", [])
        self.assertNotIn("provisional_password_crypt", fields)
        # Writes: nothing else than the troubleshooting.
        self.refused("agent", "educonnect.student", "write",
                     [[self.ids["pupil_a"]], {"last_name": "AUTRE"}])

    def test_nobody_but_the_administrator_writes_users_over_xmlrpc(self):
        group_system = self.call("director", "res.users", "read",
                                 [[self.ids["director"]], ["groups_id"]])
        self.assertTrue(group_system)
        for who in ("agent", "director"):
            for target in ("staff", "director" if who == "agent" else "agent"):
                for vals in ({"groups_id": [(4, 1)]},
                             {"company_id": self.ids["b"]},
                             {"company_ids": [(4, self.ids["b"])]},
                             {"login": "pirate"},
                             {"email": "pirate@example.fr"}):
                    self.refused(who, "res.users", "write",
                                 [[self.ids[target]], vals])
            # Their own groups, establishments and login neither.
            for vals in ({"groups_id": [(4, 1)]},
                         {"company_ids": [(4, self.ids["b"])]},
                         {"login": "pirate"}):
                self.refused(who, "res.users", "write", [[self.ids[who]], vals])
        self.assertEqual(self.committed("res.users", self.ids["staff"], "login"),
                         self.logins["staff"])
        self.assertEqual(self.committed("res.users", self.ids["agent"],
                                        "company_ids"), [self.ids["a"]])
        # Switching to an establishment not held is ignored by Odoo.
        self.call("agent", "res.users", "write",
                  [[self.ids["agent"]], {"company_id": self.ids["b"]}])
        self.assertEqual(self.committed("res.users", self.ids["agent"],
                                        "company_id")[0], self.ids["a"])

    def test_director_grants_then_withdraws_troubleshooting_over_xmlrpc(self):
        # Without the role, the staff member cannot reset.
        self.refused("staff", "educonnect.student", "read",
                     [[self.ids["pupil_a"]], ["name"]])
        delegation_id = self.call("director", "educonnect.delegation", "create",
                                  [{"user_id": self.ids["staff"],
                                    "role": "troubleshooter"}])
        before = self.committed("educonnect.student", self.ids["pupil_a"],
                                "provisional_password")
        self.reset_pupil("staff")
        after = self.committed("educonnect.student", self.ids["pupil_a"],
                               "provisional_password")
        self.assertNotEqual(after, before)
        self.call("director", "educonnect.delegation", "unlink",
                  [[delegation_id]])
        ctx = {"active_model": "educonnect.student",
               "active_ids": [self.ids["pupil_a"]], "active_domain": []}
        wizard_id = self.call("staff", "educonnect.reset.wizard", "create", [{}],
                              {"context": ctx})
        self.refused("staff", "educonnect.reset.wizard", "action_confirm",
                     [[wizard_id]], {"context": ctx})
        self.assertEqual(self.committed("educonnect.student",
                                        self.ids["pupil_a"],
                                        "provisional_password"), after)
        # The director cannot hand out a role in an establishment not held,
        # nor the director role.
        self.refused("director", "educonnect.delegation", "create",
                     [{"user_id": self.ids["other"], "company_id": self.ids["b"],
                       "role": "troubleshooter"}])
        self.refused("director", "educonnect.delegation", "create",
                     [{"user_id": self.ids["staff"], "role": "director"}])
        with committed_env() as env:
            self.assertFalse(env["educonnect.delegation"].search(
                [("user_id", "in", [self.ids["staff"], self.ids["other"]])]))

    def test_mail_queue_is_closed_to_staff_portal_and_anonymous_over_xmlrpc(self):
        """The mail queue is no way round the rules: the queued activation mail of a guardian of A is
        neither readable nor changeable by A's own staff or by a pupil; the
        queued body holds no link anyway (drawn when the mail leaves)."""
        with committed_env() as env:
            guardian = env["educonnect.guardian"].browse(self.ids["guardian_a"])
            guardian.email = "gaelle.rpcdroits@example.fr"
            guardian._educonnect_send_activation_emails()
            mail = env["mail.mail"].search(
                [("email_to", "=", "gaelle.rpcdroits@example.fr")])
            self.assertEqual(len(mail), 1)
            self.assertNotIn("token=", mail.body_html.replace(
                "token=EDUCONNECT-SECRET-SENT-SEPARATELY", ""))
            pupil = env["educonnect.student"].create({
                "last_name": PREFIX, "first_name": "Paul",
                "company_id": self.ids["a"]})
            pupil._educonnect_notify()
            user = pupil._educonnect_activate(PASSWORD)
            self.logins["pupil"] = pupil.login
            mail_id = mail.id
        try:
            for who in ("director", "agent", "staff"):
                self.assertEqual(self.call(who, "mail.mail", "search",
                                           [[("id", "=", mail_id)]]), [], who)
                self.refused(who, "mail.mail", "read", [[mail_id], ["body_html"]])
                self.refused(who, "mail.mail", "write",
                             [[mail_id], {"email_to": "pirate@example.fr"}])
            self.refused("pupil", "mail.mail", "search_read", [[]])
            self.refused("pupil", "mail.mail", "create",
                         [{"email_to": "victime@example.fr", "body_html": "x"}])
            self.assertEqual(self.committed("mail.mail", mail_id, "email_to"),
                             "gaelle.rpcdroits@example.fr")
        finally:
            with committed_env() as env:
                env["mail.mail"].browse(mail_id).unlink()
                env.cr.execute("DELETE FROM educonnect_account_trace "
                               "WHERE user_id = %s", [user.id])
                user = env["res.users"].browse(user.id)
                partner = user.partner_id
                env["educonnect.student"].search([("user_id", "=", user.id)]).unlink()
                user.unlink()
                partner.unlink()

    # -- issue 15: what Odoo exposes by default --------------------------------

    def test_read_only_account_fields_and_the_portal_user_are_not_writable_over_xmlrpc(self):
        """C2 and P16: the form's read-only fields are read-only on the
        server; pointing an account at another user is refused."""
        before = {f: self.committed("educonnect.student", self.ids["pupil_a"], f)
                  for f in ("state", "login", "user_id", "letter_expiry_date")}
        for vals in ({"user_id": self.ids["director"]}, {"user_id": 1},
                     {"state": "activated"}, {"origin": "franceconnect"},
                     {"email_confirmed": True}, {"letter_expiry_date": False},
                     {"login": "admin"}, {"active": False},
                     {"company_id": self.ids["b"]}, {"siecle_id": "X"},
                     {"notification_date": "2020-01-01"}):
            self.refused("director", "educonnect.student", "write",
                         [[self.ids["pupil_a"]], vals])
        self.refused("director", "educonnect.guardian", "write",
                     [[self.ids["guardian_a"]], {"mobile_confirmed": True}])
        for field, value in before.items():
            self.assertEqual(self.committed("educonnect.student",
                                            self.ids["pupil_a"], field), value)
        # What staff may correct: the person's details.
        self.call("director", "educonnect.student", "write",
                  [[self.ids["pupil_a"]], {"first_name": "Anaïs"}])
        self.assertEqual(self.committed("educonnect.student", self.ids["pupil_a"],
                                        "first_name"), "Anaïs")

    def test_an_account_linked_to_another_user_never_sets_its_password(self):
        """C2: even linked in the database, activation does not touch a
        user that is not the account's own portal user."""
        with committed_env() as env:
            env.cr.execute("UPDATE educonnect_student SET user_id = %s WHERE id = %s",
                           [self.ids["director"], self.ids["pupil_b"]])
        try:
            with committed_env() as env, self.assertRaises(AccessError):
                env["educonnect.student"].browse(self.ids["pupil_b"]) \
                    ._educonnect_activate("mot de passe du pirate")
            self.assertTrue(self.login("director"))
        finally:
            with committed_env() as env:
                env.cr.execute("UPDATE educonnect_student SET user_id = NULL "
                               "WHERE id = %s", [self.ids["pupil_b"]])

    def test_internal_context_flags_are_ignored_over_xmlrpc(self):
        """H1 / P17: a director cannot appoint a director nor write a trace
        naming someone else by sending the addon's internal flags."""
        flags = {"educonnect_delegation_sync": True,
                 "educonnect_acting_uid": self.ids["other"]}
        self.refused("director", "educonnect.delegation", "create",
                     [{"user_id": self.ids["staff"], "role": "director"}],
                     {"context": flags})
        delegation_id = self.call(
            "director", "educonnect.delegation", "create",
            [{"user_id": self.ids["staff"], "role": "troubleshooter"}],
            {"context": flags})
        with committed_env() as env:
            delegation = env["educonnect.delegation"].browse(delegation_id)
            trace = env["educonnect.account.trace"].search(
                [("delegate_user_id", "=", self.ids["staff"])], limit=1)
            self.assertEqual(delegation.granted_by_id.id, self.ids["director"])
            self.assertEqual(trace.user_id.id, self.ids["director"])
            self.assertTrue(env["res.users"].browse(self.ids["staff"]).has_group(
                "educonnect_accounts.group_educonnect_troubleshooter"),
                "the groups were kept in step: the flag was ignored")
        self.call("director", "educonnect.delegation", "unlink", [[delegation_id]])

    def test_staff_do_not_read_pupils_and_guardians_through_res_users_or_res_partner(self):
        """H2: the portal user of an activated pupil of A is invisible to
        the staff of A and of B over res.users and res.partner."""
        with committed_env() as env:
            pupil = env["educonnect.student"].create({
                "last_name": PREFIX + "PORTAIL", "first_name": "Lina",
                "email": "lina.rpcdroits@example.fr", "company_id": self.ids["a"]})
            pupil._educonnect_notify()
            user = pupil._educonnect_activate(PASSWORD)
            user_id, partner_id = user.id, user.partner_id.id
        try:
            for who in ("director", "agent", "staff", "other"):
                self.assertEqual(self.call(who, "res.users", "search",
                                           [[("id", "=", user_id)]]), [], who)
                self.assertEqual(self.call(who, "res.partner", "search",
                                           [[("id", "=", partner_id)]]), [], who)
                self.assertEqual(self.call(who, "res.partner", "search_read",
                                           [[("email", "ilike", "rpcdroits")]],
                                           {"fields": ["name", "email"]}), [], who)
                self.refused(who, "res.partner", "read", [[partner_id], ["email"]])
        finally:
            with committed_env() as env:
                env.cr.execute("DELETE FROM educonnect_account_trace "
                               "WHERE user_id = %s", [user_id])
                env["educonnect.student"].search([("user_id", "=", user_id)]).unlink()
                user = env["res.users"].browse(user_id)
                partner = user.partner_id
                user.unlink()
                partner.unlink()

    def test_the_search_of_a_wizard_is_never_evaluated_on_the_server(self):
        """H3: a domain holding an expression is refused at once; a real
        search still works."""
        ctx = {"active_model": "educonnect.student",
               "active_ids": [self.ids["pupil_a"]]}
        for hostile in ("[('id', '>', 10 ** 10 ** 8)]",
                        "[('id', '>', (lambda: 1)())]",
                        "[(''.join(['i', 'd']), '=', 1)]", "x" * 30000):
            wizard_id = self.call("agent", "educonnect.list.wizard", "create",
                                  [{"scope": "search", "source_domain": hostile}],
                                  {"context": dict(ctx, active_domain=[])})
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self.call("agent", "educonnect.list.wizard", "read",
                          [[wizard_id], ["account_count"]], {"context": ctx})
            self.assertIn("La recherche de la liste n'a pas pu être lue",
                          caught.exception.faultString)
        wizard_id = self.call(
            "agent", "educonnect.list.wizard", "create",
            [{"scope": "search"}],
            {"context": dict(ctx, active_domain=[("last_name", "=", PREFIX)])})
        self.assertEqual(self.call("agent", "educonnect.list.wizard", "read",
                                   [[wizard_id], ["account_count"]],
                                   {"context": ctx})[0]["account_count"], 1)

    def test_reading_or_exporting_provisional_passwords_is_traced(self):
        def traces():
            with committed_env() as env:
                return env["educonnect.account.trace"].search_count([
                    ("action", "=", "password_view"),
                    ("user_id", "=", self.ids["agent"]),
                    ("student_ids", "in", self.ids["pupil_a"])])
        before = traces()
        self.call("agent", "educonnect.student", "read",
                  [[self.ids["pupil_a"]], ["provisional_password"]])
        # Odoo's export is refused to staff (issue 17): the guide's list
        # (« Lister les comptes ») hands out passwords, traced as a list.
        self.refused("agent", "educonnect.student", "export_data",
                     [[self.ids["pupil_a"]], ["login", "provisional_password"]])
        self.call("agent", "educonnect.student", "read",
                  [[self.ids["pupil_a"]], ["name"]])
        self.assertEqual(traces(), before + 1)

    def test_files_of_letters_and_lists_cannot_be_made_public_or_moved(self):
        """P15: a list of passwords cannot be made downloadable by anyone
        (Odoo's ``public`` flag) by the staff member who made it."""
        ctx = {"active_model": "educonnect.student",
               "active_ids": [self.ids["pupil_a"]], "active_domain": []}
        wizard_id = self.call("agent", "educonnect.list.wizard", "create",
                              [{"list_format": "csv"}], {"context": ctx})
        self.call("agent", "educonnect.list.wizard", "action_confirm",
                  [[wizard_id]], {"context": ctx})
        attachment = self.call("agent", "educonnect.list.wizard", "read",
                               [[wizard_id], ["attachment_id"]])[0]["attachment_id"][0]
        for vals in ({"public": True}, {"res_model": "res.partner"},
                     {"access_token": "x"}):
            self.refused("agent", "ir.attachment", "write", [[attachment], vals])
        self.refused("agent", "ir.attachment", "create", [{
            "name": "x", "res_model": "educonnect.list.wizard",
            "res_id": wizard_id, "public": True, "datas": "eA=="}])
        self.assertFalse(self.committed("ir.attachment", attachment, "public"))
        # It is the agent's to download.
        self.assertTrue(self.call("agent", "ir.attachment", "read",
                                  [[attachment], ["datas"]])[0]["datas"])

    def test_staff_cannot_queue_mails_through_the_schools_relay(self):
        """Staff and pupils cannot write to Odoo's mail queue at all."""
        for who in ("director", "agent", "staff"):
            self.refused(who, "mail.mail", "create", [{
                "email_to": "victime@example.fr", "subject": "x",
                "body_html": "<p>x</p>"}])
