"""P19 — no traceback to anonymous visitors, pupils or guardians: a plain
French message (JSON-RPC and HTTP); staff keep Odoo's detailed errors."""
import json

import requests

from .signin_common import SigninCase

GENERIC = "L'opération n'a pas pu aboutir"


class TestErrorAnswers(SigninCase):

    def assert_plain_json_error(self, answer, message=GENERIC):
        self.assertIn("error", answer)
        text = json.dumps(answer)
        for leak in ("Traceback", 'File \\"', ".py", "site-packages"):
            self.assertNotIn(leak, text)
        self.assertEqual(answer["error"]["data"]["debug"], "")
        self.assertIn(message, answer["error"]["data"]["message"])

    def assert_plain_page(self, response, status, message):
        self.assertEqual(response.status_code, status)
        for leak in ("Traceback", 'File "', ".py", "site-packages"):
            self.assertNotIn(leak, response.text)
        self.assertIn(message, response.text)

    def test_anonymous_json_rpc_errors_are_plain_french(self):
        visitor = requests.Session()
        expired = self.json_rpc(visitor, "/web/dataset/call_kw", {
            "model": "res.partner", "method": "search_read", "args": [[]],
            "kwargs": {}})
        self.assert_plain_json_error(expired, "Votre session a expiré")
        self.assertEqual(expired["error"]["code"], 100)
        broken = self.json_rpc(visitor, "/web/session/get_session_info",
                               {"unexpected": 1})
        self.assert_plain_json_error(broken)

    def test_portal_json_rpc_errors_are_plain_french(self):
        _id, _login, session = self.activated_pupil("Erreur")
        for params in (
                {"model": "res.partner", "method": "search_read",
                 "args": [[["no_such_field", "=", 1]]], "kwargs": {}},
                {"model": "educonnect.account.trace", "method": "search_read",
                 "args": [[]], "kwargs": {}},
                {"model": "res.users", "method": "read", "args": ["x"],
                 "kwargs": {}}):
            with self.subTest(params=params):
                self.assert_plain_json_error(
                    self.json_rpc(session, "/web/dataset/call_kw", params))

    def test_staff_keep_odoo_error_details(self):
        staff, response = self.web_login("admin", "admin")
        self.assertEqual(response.status_code, 200)
        answer = self.json_rpc(staff, "/web/dataset/call_kw", {
            "model": "res.partner", "method": "search_read",
            "args": [[["no_such_field", "=", 1]]], "kwargs": {}})
        self.assertIn("Traceback", answer["error"]["data"]["debug"])

    def test_anonymous_http_errors_are_plain_french_pages(self):
        broken = requests.get(self.base_url + "/web/content", params={
            "model": "res.users", "id": "abc", "field": "x"}, timeout=30)
        self.assert_plain_page(broken, 500, GENERIC)
        missing = requests.get(self.base_url + "/educonnect/no-such-page", timeout=30)
        self.assert_plain_page(missing, 404, "Page introuvable")

    def test_portal_export_error_is_a_plain_french_page(self):
        _id, _login, session = self.activated_pupil("Export")
        # Odoo answers a failed export with its JSON error, traceback included.
        response = session.get(self.base_url + "/web/export/csv", params={
            "data": "pas du JSON", "token": "1"}, timeout=30)
        self.assert_plain_page(response, 500, GENERIC)
