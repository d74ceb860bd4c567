"""Headless Debian Chromium driven by Selenium, with the gestures of an Odoo 11
back-office user (menus, search facets, list selection, Action menu, dialogs),
screenshots and the browser console checked for JavaScript errors."""
import os
import pathlib
import re
import shutil
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import (StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("E2E_CHROMEDRIVER", "/usr/bin/chromedriver")
TIMEOUT = float(os.environ.get("E2E_TIMEOUT", "30"))


def xpath_literal(text):
    if "'" not in text:
        return "'%s'" % text
    return "concat('%s')" % "', \"'\", '".join(text.split("'"))


class Browser:
    """One person's browser: its own profile, cookies and downloads."""

    def __init__(self, base_url, screenshot_dir, name):
        self.base_url = base_url.rstrip("/")
        self.screenshot_dir = pathlib.Path(screenshot_dir)
        self.screenshot_dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.shots = 0
        self.console = []
        self.profile = tempfile.mkdtemp(prefix="e2e-chromium-")
        self.downloads = pathlib.Path(tempfile.mkdtemp(prefix="e2e-downloads-"))
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-quic", "--no-first-run",
                     "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1400,1000",
                     "--lang=fr-FR", "--user-data-dir=%s" % self.profile):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        options.add_experimental_option("prefs", {
            "download.default_directory": str(self.downloads),
            "download.prompt_for_download": False,
            "intl.accept_languages": "fr-FR,fr",
        })
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER),
                                       options=options)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {
            "behavior": "allow", "downloadPath": str(self.downloads)})

    # -- life cycle ----------------------------------------------------------

    def quit(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
            shutil.rmtree(self.downloads, ignore_errors=True)

    def screenshot(self, step):
        self.shots += 1
        name = "%s-%02d-%s.png" % (self.name, self.shots,
                                    re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-"))
        path = self.screenshot_dir / name
        self.driver.save_screenshot(str(path))
        return path

    def collect_console(self):
        """Browser console entries since the last call, kept in ``console``."""
        try:
            entries = self.driver.get_log("browser")
        except WebDriverException:
            entries = []
        self.console.extend(entries)
        return entries

    def javascript_errors(self):
        self.collect_console()
        return [e for e in self.console if e.get("level") == "SEVERE"]

    # -- waiting and finding ---------------------------------------------------

    def wait(self, condition, timeout=TIMEOUT, message=""):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.2,
                             ignored_exceptions=(StaleElementReferenceException,)
                             ).until(condition, message)

    def find(self, css, timeout=TIMEOUT):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)),
                         timeout, "no visible %s" % css)

    def find_all(self, css):
        """The visible elements matching ``css`` (those the web client
        removes meanwhile are left out)."""
        found = []
        for element in self.driver.find_elements(By.CSS_SELECTOR, css):
            try:
                if element.is_displayed():
                    found.append(element)
            except StaleElementReferenceException:
                continue
        return found

    def find_text(self, css, text, timeout=TIMEOUT, exact=False):
        """The visible element matching ``css`` whose text is (or contains)
        ``text``."""
        def found(_driver):
            for element in self.find_all(css):
                content = " ".join(element.text.split())
                if (content == text) if exact else (text in content):
                    return element
            return False
        return self.wait(found, timeout, "no %s with text %r" % (css, text))

    def click(self, element):
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center'});", element)
        try:
            element.click()
        except WebDriverException:
            self.driver.execute_script("arguments[0].click();", element)

    def click_text(self, css, text, exact=False):
        self.click(self.find_text(css, text, exact=exact))

    def autocomplete(self, css, typed, choice):
        """Type in a many2one input and pick ``choice`` in its drop-down."""
        def picked(_driver):
            # Everything is looked up again on each try: the form and the
            # drop-down are re-rendered while they load.
            field = self.find(css)
            value = field.get_attribute("value")
            if value == choice:
                return not self.find_all("ul.ui-autocomplete li")
            if not value:
                self.click(field)
                field.send_keys(typed)
                return False
            for item in self.find_all("ul.ui-autocomplete li"):
                if " ".join(item.text.split()) == choice:
                    self.click(item)
                    break
            return False
        self.wait(picked, message="%r is not chosen" % choice)
        self.idle()

    def idle(self):
        """The web client has no RPC in flight and no blocking overlay."""
        def ready(driver):
            return driver.execute_script(
                "var busy = Array.prototype.some.call("
                "  document.querySelectorAll('.o_loading, .blockUI'),"
                "  function (e) { return e.getClientRects().length > 0"
                "    && getComputedStyle(e).display !== 'none'"
                "    && getComputedStyle(e).visibility !== 'hidden'; });"
                "return document.readyState === 'complete' && !busy;")
        self.wait(ready, message="the web client stays busy")

    # -- pages -------------------------------------------------------------------

    def get(self, path):
        self.driver.get(self.base_url + path)

    def login(self, login, password):
        self.get("/web/login")
        self.find("input#login").send_keys(login)
        self.find("input#password").send_keys(password)
        self.screenshot("login page")
        self.click(self.find("form.oe_login_form button[type=submit]"))
        self.find("#oe_main_menu_navbar")
        # Staff land on their Accueil (an inline form: its control panel is
        # there but hidden, so any one of these visible will do).
        self.wait(lambda d: self.find_all(
            ".o_web_client .o_control_panel, .o_web_client .o_mail_chat, "
            ".o_web_client .o_educonnect_home"),
            message="the web client does not open after signing in")
        self.idle()

    # Odoo 11 Community: the applications are in the top bar, their menus in
    # the left column (one .oe_secondary_menu per application).
    APPS = "#oe_main_menu_navbar .oe_application_menu_placeholder > li > a"

    def app_names(self):
        return [" ".join(a.get_attribute("textContent").split())
                for a in self.driver.find_elements(By.CSS_SELECTOR, self.APPS)]

    def open_app(self, name):
        app = self.find_text(self.APPS, name, exact=True)
        menu_id = app.get_attribute("data-menu")
        self.click(app)
        self.find(".o_sub_menu .oe_secondary_menu[data-menu-parent='%s']" % menu_id)
        self.find(".o_content > *")
        self.idle()

    def menu_names(self):
        """Every menu of the current app (section titles and links)."""
        menu = self.wait(lambda d: (self.find_all(".o_sub_menu .oe_secondary_menu")
                                    or [False])[0], message="no menu shown")
        return [" ".join(e.get_attribute("textContent").split())
                for e in menu.find_elements(
                    By.CSS_SELECTOR, ".oe_secondary_menu_section, "
                                     ".oe_secondary_submenu a")]

    def open_menu(self, *path):
        """Click a menu of the current app: open_menu('Statistiques',
        'Synthèse') (the last name is the menu clicked)."""
        link = self.find_text(".o_sub_menu .oe_secondary_menu a", path[-1],
                              exact=True)
        self.click(link)
        self.wait(lambda d: "active" in (link.find_element(
            By.XPATH, "..").get_attribute("class") or ""),
            message="menu %r not opened" % (path,))
        self.idle()

    def breadcrumb(self):
        return " ".join(self.find(".o_control_panel .breadcrumb").text.split())

    # -- list views ----------------------------------------------------------------

    def wait_list(self):
        self.find(".o_content .o_list_view")
        self.idle()

    def search_field(self, label, value):
        """Type in the search box and choose « Rechercher value dans label »
        with the keyboard, as a user does."""
        box = self.find(".o_searchview_input")
        before = len(self.facets())
        box.send_keys(value)
        self.find_text(".o_searchview_autocomplete li", label)
        for _ in range(10):
            focused = self.find(".o_searchview_autocomplete li.o-selection-focus")
            if label in focused.text:
                break
            box.send_keys(Keys.ARROW_DOWN)
        box.send_keys(Keys.ENTER)
        self.wait(lambda d: len(self.facets()) > before or any(
            value in f for f in self.facets()), message="no facet for %r" % value)
        self.idle()

    def toggle_filter(self, name):
        """Filtres › name (the options under the search box are shown by the
        magnifier button when hidden)."""
        if not self.find_all(".o_search_options .o_dropdown_toggler_btn"):
            self.click(self.find(".o_searchview_more"))
        button = self.find_text(".o_search_options .o_dropdown_toggler_btn",
                                "Filtres")
        self.click(button)
        self.click_text(".o_search_options .o_filters_menu a", name, exact=True)
        self.click(button)
        self.idle()

    def facets(self):
        return self.stable(lambda: [" ".join(f.text.split()) for f in
                                    self.find_all(".o_searchview_facet")])

    def remove_facet(self, text):
        facet = self.find_text(".o_searchview_facet", text)
        self.click(facet.find_element(By.CSS_SELECTOR, ".o_facet_remove"))
        self.idle()

    def stable(self, read):
        """``read()`` again while the web client re-renders what it reads."""
        for _ in range(20):
            try:
                return read()
            except StaleElementReferenceException:
                time.sleep(0.2)
        return read()

    def rows(self):
        """The rows of the list: each a list of its cell texts."""
        self.wait_list()
        return self.stable(lambda: [
            [" ".join(td.text.split()) for td in
             tr.find_elements(By.CSS_SELECTOR, "td")[1:]]
            for tr in self.find_all(".o_list_view tbody tr.o_data_row")])

    def headers(self):
        return self.stable(lambda: [
            " ".join(th.text.split()) for th in
            self.find_all(".o_list_view thead th")][1:])

    def select_all(self):
        box = self.find(".o_list_view thead .o_list_record_selector input")
        if not box.is_selected():
            self.driver.execute_script("arguments[0].click();", box)
        self.wait(lambda d: all(
            i.is_selected() for i in d.find_elements(
                By.CSS_SELECTOR, ".o_list_view tbody .o_list_record_selector input")),
            message="rows not selected")

    def action(self, name, dialog=True):
        """Action › <name> in the control panel of a list with a selection;
        the dialog it opens (``dialog``: whether it opens one)."""
        self.click_text(".o_cp_sidebar .o_dropdown_toggler_btn", "Action")
        self.click_text(".o_cp_sidebar .dropdown-menu a", name, exact=True)
        return self.dialog() if dialog else None

    # -- dialogs -------------------------------------------------------------------

    def dialog(self):
        modal = self.find(".modal.in .modal-dialog, .modal.show .modal-dialog")
        self.idle()
        return modal

    def dialog_button(self, text):
        self.click_text(".modal .modal-footer button", text, exact=True)
        self.idle()

    def close_dialog(self):
        """« Fermer »: the dialog goes away."""
        self.dialog_button("Fermer")
        self.wait(lambda d: not self.find_all(".modal .modal-dialog"),
                  message="the dialog does not close")
        self.idle()

    def dialog_radio(self, label):
        self.click_text(".modal .o_field_radio label", label, exact=True)
        self.idle()

    def dialog_text(self):
        return " ".join(self.dialog().text.split())

    def wait_dialog_text(self, text):
        self.wait(lambda d: text in self.dialog_text(),
                  message="the dialog never shows %r" % text)

    # -- downloads -----------------------------------------------------------------

    def download(self, click, suffix):
        """Click something that downloads a file; return its path."""
        before = set(self.downloads.iterdir())
        click()

        def done(_driver):
            new = [p for p in self.downloads.iterdir() if p not in before
                   and p.name.endswith(suffix)]
            return new[0] if new else False
        path = self.wait(done, message="no %s file was downloaded" % suffix)
        # The name is final only once Chromium wrote the whole file.
        size = -1
        while path.stat().st_size != size:
            size = path.stat().st_size
            time.sleep(0.2)
        return path
