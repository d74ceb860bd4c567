"""Fixtures of the browser tests.

bin/test serves a fresh database (copied from the test template) and gives
its address in E2E_URL and E2E_DB; the suite creates its own data over
XML-RPC (dataset.py), its loopback SMTP catcher and, for the scenarios
that need one, its loopback SMS gateway.
"""
import os
import pathlib
import pytest

import dataset
from browser import Browser
from sms_catcher import SmsCatcher
from smtp_catcher import SmtpCatcher

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCREENSHOTS = pathlib.Path(os.environ.get(
    "E2E_SCREENSHOTS", ROOT / "var" / "e2e-screenshots"))


@pytest.fixture(scope="session")
def odoo_url():
    url = os.environ.get("E2E_URL")
    if not url:
        pytest.exit("E2E_URL is not set: run the browser tests with 'bin/test' "
                    "or 'bin/test e2e'", returncode=2)
    return url


@pytest.fixture(scope="session")
def admin(odoo_url):
    return dataset.Rpc(odoo_url, os.environ["E2E_DB"], "admin", "admin")


@pytest.fixture(scope="session")
def smtp():
    catcher = SmtpCatcher()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="session")
def sms(admin):
    """The SMS gateway of the served Odoo, for the session: its address and
    key set as an administrator sets them (system parameters), put back
    afterwards."""
    catcher = SmsCatcher()
    params = {"educonnect.sms_url": catcher.url,
              "educonnect.sms_api_key": "cle-de-la-suite"}
    old = {key: admin("ir.config_parameter", "get_param", key)
           for key in params}
    for key, value in params.items():
        admin("ir.config_parameter", "set_param", key, value)
    yield catcher
    for key, value in old.items():
        admin("ir.config_parameter", "set_param", key, value or False)
    catcher.stop()


@pytest.fixture(scope="session")
def data(admin, smtp, odoo_url):
    return dataset.build(admin, smtp.port, odoo_url)


@pytest.fixture(scope="session", autouse=True)
def clean_screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()


@pytest.fixture
def browsers(request, odoo_url):
    """browsers('director') opens a new browser (its own profile) for a
    person. Each fails the test on any JavaScript error in its console."""
    opened = []
    scenario = request.node.name.replace("test_", "", 1)[:40]

    def open_browser(person):
        browser = Browser(odoo_url, SCREENSHOTS, "%s-%s" % (scenario, person))
        opened.append(browser)
        return browser

    yield open_browser
    errors = []
    for browser in opened:
        try:
            if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
                browser.screenshot("failure")
            errors += ["%s: %s" % (browser.name, e["message"])
                       for e in browser.javascript_errors()]
        finally:
            browser.quit()
    assert not errors, "JavaScript errors in the browser console:\n" + "\n".join(errors)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)

