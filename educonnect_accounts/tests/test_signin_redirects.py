"""P19 — no open redirect: after signing in or out, the browser only goes
to a page of this site, whatever the link's ``redirect=`` says."""
from urllib.parse import urlencode, urlsplit

import requests

from .signin_common import CHOSEN, SigninCase

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
]


class TestRedirects(SigninCase):

    def elsewhere(self):
        return ELSEWHERE + ["http://127.0.0.1:%d@evil.example/" % self.port]

    def login_with_redirect(self, login, password, redirect):
        session = requests.Session()
        token = self.csrf(session, "/web/login?" + urlencode({"redirect": redirect}))
        return session.post(self.base_url + "/web/login", data={
            "csrf_token": token, "login": login, "password": password,
            "redirect": redirect}, allow_redirects=False, timeout=30)

    def assert_goes_to(self, response, path):
        """Odoo answers a sign-in with a page that sets window.location."""
        self.assertEqual(response.status_code, 200, response.text[-1500:])
        self.assertIn("window.location = '%s'" % path, response.text)
        self.assertNotIn("evil", response.text)

    def test_sign_in_follows_only_a_local_redirect(self):
        _id, login, _s = self.activated_pupil("Redirection")
        for target in self.elsewhere():
            with self.subTest(target=target):
                self.assert_goes_to(
                    self.login_with_redirect(login, CHOSEN, target), "/my")
        self.assert_goes_to(
            self.login_with_redirect(login, CHOSEN, "/my/home?page=2"),
            "/my/home?page=2")
        # Odoo's own links after a session expired hold this site's address.
        self.assert_goes_to(self.login_with_redirect(
            login, CHOSEN, self.base_url + "/my/home"), "/my/home")

    def test_login_page_form_keeps_no_foreign_redirect(self):
        for target in self.elsewhere():
            page = requests.get(self.base_url + "/web/login", params={
                "redirect": target}, timeout=30)
            self.assertEqual(page.status_code, 200)
            self.assertNotIn("evil", page.text, target)

    def test_signed_in_visitor_is_not_sent_away_by_the_login_page(self):
        _id, _login, session = self.activated_pupil("Deja")
        for target in self.elsewhere():
            page = session.get(self.base_url + "/web/login", params={
                "redirect": target}, allow_redirects=False, timeout=30)
            self.assertNotIn("evil", page.headers.get("Location", ""), target)
            self.assertNotIn("evil", page.text, target)

    def test_sign_out_follows_only_a_local_redirect(self):
        for target in self.elsewhere():
            response = requests.get(self.base_url + "/web/session/logout", params={
                "redirect": target}, allow_redirects=False, timeout=30)
            self.assertEqual(response.status_code, 303, target)
            location = urlsplit(response.headers["Location"])
            self.assertIn(location.netloc, ("", "127.0.0.1:%d" % self.port), target)
            self.assertEqual(location.path, "/web", target)
        response = requests.get(self.base_url + "/web/session/logout", params={
            "redirect": "/web/login?db=x"}, allow_redirects=False, timeout=30)
        self.assertTrue(response.headers["Location"].endswith("/web/login?db=x"))
