"""Shared set-up of the sign-in tests: a served Odoo, a loopback SMTP
catcher, a loopback SMS gateway, people committed in the database (and
removed afterwards), and a log recorder to prove no secret is logged."""
import http.server
import json
import logging
import re
import threading
import traceback
import unittest
import xmlrpc.client

import requests

from .committed import (SmtpCatcher, committed_env, ensure_http_server,
                        message_text, run_queued_jobs)

PREFIX = "SIGNINTEST"
CHOSEN = "un mot de passe choisi bien long"


class SmsCatcher(http.server.ThreadingHTTPServer):
    """A loopback SMS gateway: keeps what is POSTed to it."""

    def __init__(self):
        self.messages = []
        catcher = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                catcher.messages.append((dict(self.headers), json.loads(body)))
                self.send_response(201)
                self.end_headers()
                self.wfile.write(b'{"status": "queued"}')

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%s/sms" % self.server_address[1]
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self.shutdown()
        self.server_close()


class LogRecorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        try:
            line = record.getMessage()
        except Exception:  # a badly formatted record is still recorded
            line = str(record.msg)
        if record.exc_info:
            line += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.lines.append(line)


class SigninCase(unittest.TestCase):

    PARAMS = {
        "educonnect.throttle_login_max": "10",
        "educonnect.throttle_address_max": "1000",
        "educonnect.throttle_delay": "60",
    }

    @classmethod
    def setUpClass(cls):
        cls.smtp = SmtpCatcher()
        cls.sms = SmsCatcher()
        cls.port = ensure_http_server()
        cls.base_url = "http://127.0.0.1:%s" % cls.port
        cls.log = LogRecorder()
        logging.getLogger().addHandler(cls.log)
        cls._old_level = logging.getLogger().level
        logging.getLogger().setLevel(logging.DEBUG)
        with committed_env() as env:
            params = env["ir.config_parameter"]
            cls._old_params = {}
            values = dict(cls.PARAMS, **{
                "educonnect.sms_url": cls.sms.url,
                "educonnect.sms_api_key": "cle-de-test",
                "web.base.url": cls.base_url})
            for key, value in values.items():
                cls._old_params[key] = params.get_param(key)
                params.set_param(key, value)
            cls.server_id = env["ir.mail_server"].create({
                "name": "loopback catcher", "smtp_host": "127.0.0.1",
                "smtp_port": cls.smtp.port, "sequence": 1}).id
            env.cr.execute("DELETE FROM educonnect_auth_throttle")
            cls.company_id = env.ref("base.main_company").id

    @classmethod
    def tearDownClass(cls):
        logging.getLogger().removeHandler(cls.log)
        logging.getLogger().setLevel(cls._old_level)
        cls.smtp.stop()
        cls.sms.stop()
        with committed_env() as env:
            params = env["ir.config_parameter"]
            for key, value in cls._old_params.items():
                params.set_param(key, value or False)
            env["ir.mail_server"].browse(cls.server_id).unlink()
            env.cr.execute("DELETE FROM educonnect_auth_throttle")
            env.cr.execute("DELETE FROM educonnect_verification")
            people = []
            for model in ("educonnect.guardian", "educonnect.student"):
                people.append(env[model].with_context(active_test=False).search(
                    [("last_name", "=like", PREFIX + "%")]))
            users = people[0].mapped("user_id") | people[1].mapped("user_id")
            for records in people:
                field = "%s_ids" % records._educonnect_population
                traces = env["educonnect.account.trace"].search(
                    [(field, "in", records.ids)]) if records else []
                if traces:
                    env.cr.execute("DELETE FROM educonnect_account_trace WHERE id IN %s",
                                   [tuple(traces.ids)])
                records.unlink()
            partners = users.mapped("partner_id")
            users.unlink()
            partners.unlink()

    # -- people --------------------------------------------------------------
    @classmethod
    def make_pupil(cls, first, notify=True, **vals):
        with committed_env() as env:
            pupil = env["educonnect.student"].create(dict(
                vals, last_name=PREFIX, first_name=first,
                company_id=cls.company_id))
            password = pupil._educonnect_notify()[pupil.id] if notify else None
            return pupil.id, pupil.login, password

    @classmethod
    def make_guardian(cls, first, child_first, birth_date="2012-03-04", notify=True,
                      **vals):
        with committed_env() as env:
            pupil = env["educonnect.student"].create({
                "last_name": PREFIX + "ENFANT", "first_name": child_first,
                "birth_date": birth_date, "company_id": cls.company_id})
            guardian = env["educonnect.guardian"].create(dict(
                vals, last_name=PREFIX, first_name=first, company_id=cls.company_id))
            env["educonnect.guardian.link"].create({
                "student_id": pupil.id, "guardian_id": guardian.id,
                "legal_level": "1"})
            password = guardian._educonnect_notify()[guardian.id] if notify else None
            return guardian.id, guardian.login, password

    def account(self, model, account_id):
        with committed_env() as env:
            account = env[model].browse(account_id)
            return account.read(["state", "origin", "login", "email",
                                 "email_confirmed", "last_login_date",
                                 "user_id", "letter_expiry_date"])[0]

    # -- HTTP ----------------------------------------------------------------
    def csrf(self, session, path):
        page = session.get(self.base_url + path, timeout=30)
        self.assertEqual(page.status_code, 200, page.text[-2000:])
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def web_login(self, login, password, session=None):
        session = session or requests.Session()
        token = self.csrf(session, "/web/login")
        response = session.post(self.base_url + "/web/login", data={
            "csrf_token": token, "login": login, "password": password},
            allow_redirects=False, timeout=30)
        return session, response

    def post(self, session, path, form_path, **data):
        data["csrf_token"] = self.csrf(session, form_path) if form_path else \
            data.pop("csrf_token")
        return session.post(self.base_url + path, data=data,
                            allow_redirects=False, timeout=30)

    @staticmethod
    def normalised(response, *variable):
        """A response body without what legitimately differs between two
        requests: the CSRF token and the login typed back into the form."""
        text = re.sub(r'name="csrf_token" value="[^"]+"', "", response.text)
        text = re.sub(r"csrf_token: \"[^\"]+\"", "", text)
        for value in variable:
            if value:
                text = text.replace('value="%s"' % value, "")
        return text

    def json_rpc(self, session, path, params):
        """A JSON-RPC call as the web client makes it; the decoded answer."""
        response = session.post(self.base_url + path, json={
            "jsonrpc": "2.0", "method": "call", "params": params, "id": 1},
            timeout=30)
        return response.json()

    def activated_pupil(self, first, password=CHOSEN):
        """A pupil who activated their account with ``password``:
        (id, identifiant, signed-in browser session)."""
        pupil_id, login, provisional = self.make_pupil(first)
        session, _r = self.web_login(login, provisional)
        done = self.post(session, "/educonnect/first-login",
                         "/educonnect/first-login", password=password,
                         confirm=password)
        self.assertEqual(done.status_code, 303, done.text[-1500:])
        return pupil_id, login, session

    @staticmethod
    def session_id(session):
        return session.cookies.get("session_id")

    def db(self):
        with committed_env() as env:
            return env.cr.dbname

    def xmlrpc_login(self, login, password):
        common = xmlrpc.client.ServerProxy(self.base_url + "/xmlrpc/2/common")
        with committed_env() as env:
            db = env.cr.dbname
        return common.login(db, login, password)

    def send_mail_queue(self):
        """The job runner's work after the request: codes and e-mails sent."""
        run_queued_jobs()

    def last_mail_to(self, address):
        for _from, rcpt, message in reversed(self.smtp.messages):
            if address in rcpt:
                return message_text(message)
        self.fail("no mail to %s" % address)

    def code_mailed_to(self, address):
        """The code of the last verification mail sent to ``address``."""
        for _from, rcpt, message in reversed(self.smtp.messages):
            text = message_text(message)
            if address in rcpt and "code de vérification" in text:
                return re.search(r"<strong>(\d{6})</strong>", text).group(1)
        self.fail("no code mailed to %s" % address)

    def assert_login_ok(self, response):
        """Odoo answers a successful sign-in with a redirection page."""
        self.assertEqual(response.status_code, 200, response.text[-1500:])
        self.assertIn("window.location = '/my'", response.text)

    def assert_signed_in_portal(self, session):
        page = session.get(self.base_url + "/my", allow_redirects=False, timeout=30)
        self.assertEqual(page.status_code, 200, page.headers.get("Location"))
        self.assertIn("/web/session/logout", page.text)

    def assert_not_signed_in(self, session):
        for path in ("/my", "/web"):
            page = session.get(self.base_url + path, allow_redirects=False, timeout=30)
            self.assertIn(page.status_code, (302, 303), path)
            self.assertIn("/web/login", page.headers["Location"], path)
        rpc = session.post(self.base_url + "/web/dataset/call_kw", json={
            "jsonrpc": "2.0", "method": "call", "params": {
                "model": "educonnect.student", "method": "search_read",
                "args": [[]], "kwargs": {"fields": ["login"]}}}, timeout=30)
        self.assertIn("error", rpc.json())
        self.assertNotIn("result", rpc.json())
