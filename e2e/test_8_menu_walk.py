"""Scenario 8: the director, the delegated agent and the troubleshooting
agent of the collège walk every menu of their EduConnect apps: each list,
the first record of each, every entry of the Action menu (each wizard is
cancelled), every link of the Accueil (back to it by its breadcrumb), in French, without an error dialog or a console error, and
without a word of the committed list e2e/forbidden_words.txt (Odoo's English,
raw model names). Odoo's generic actions are absent from pupils and
guardians (Créer, Importer, Exporter, Archiver, Supprimer, Dupliquer), and
the director's change of establishment from the top bar, with a pupil of
the other establishment open, lands on the list."""
import pathlib
import re
import urllib.parse

from selenium.webdriver.common.by import By

from dataset import COLLEGE, LYCEE, STAFF_PASSWORD

WORDS = pathlib.Path(__file__).with_name("forbidden_words.txt")
APPS = ("EduConnect", "Dépannage des comptes élèves")
SIECLE_MODELS = ("educonnect.student", "educonnect.guardian",
                 "educonnect.guardian.link")
GENERIC = ("Exporter", "Archiver", "Désarchiver", "Supprimer", "Dupliquer",
           "Importer")
# Entries run at once, without a wizard to cancel: their scenarios cover
# them (2: the activation e-mail sent again).
NOT_CLICKED = ("Renvoyer le courriel d'activation",)
# The Accueil's links: the lists its figures count, the settings.
HOME_LINKS = ".o_content .o_educonnect_home button[name^=action_open]"
ERROR_DIALOGS = ".modal .o_dialog_warning, .modal .o_dialog_error"


def forbidden_patterns():
    patterns = []
    for line in WORDS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("re:"):
            patterns.append((line, re.compile(line[3:])))
        else:
            patterns.append((line, re.compile(
                r"(?<![\w-])%s(?![\w-])" % re.escape(line))))
    return patterns


class Walk:
    """One person's walk; ``problems`` lists what a user should not see."""

    def __init__(self, browser, who):
        self.b = browser
        self.who = who
        self.patterns = forbidden_patterns()
        self.problems = []
        self.pages = []

    # -- what is on the screen -------------------------------------------------

    def state(self):
        fragment = self.b.driver.execute_script("return window.location.hash")
        return {k: v[0] for k, v in urllib.parse.parse_qs(
            fragment.lstrip("#")).items()}

    def check(self, where):
        b = self.b
        b.idle()
        self.pages.append(where)
        text = b.driver.execute_script("return document.body.innerText")
        for label, pattern in self.patterns:
            found = pattern.search(text)
            if found:
                around = text[max(0, found.start() - 60):found.end() + 60]
                self.problems.append("%s › %s: « %s » (%s) in « %s »" % (
                    self.who, where, found.group(0), label,
                    " | ".join(around.split("\n"))))
        for dialog in b.find_all(ERROR_DIALOGS):
            self.problems.append("%s › %s: error dialog « %s »" % (
                self.who, where, " ".join(dialog.text.split())[:300]))
        for entry in b.collect_console():
            if entry.get("level") == "SEVERE":
                self.problems.append("%s › %s: console: %s" % (
                    self.who, where, entry["message"][:300]))
        if b.find_all(ERROR_DIALOGS):
            b.screenshot("error " + where)
            self.close_dialogs()

    def close_dialogs(self):
        b = self.b
        for _ in range(5):
            modals = b.find_all(".modal .modal-dialog")
            if not modals:
                return
            buttons = [e for e in b.find_all(".modal .modal-footer button")
                       if " ".join(e.text.split()) in ("Annuler", "Fermer", "Ok")]
            closers = buttons or b.find_all(".modal .modal-header .close")
            if not closers:
                self.problems.append("%s: a dialog cannot be closed" % self.who)
                return
            b.click(closers[-1])
            b.wait(lambda d, n=len(modals): len(b.find_all(".modal .modal-dialog")) < n,
                   message="the dialog does not close")
            b.idle()

    def sidebar(self, name):
        """The entries of the control panel's « Action » or « Imprimer »
        menu (empty when there is none)."""
        b = self.b
        togglers = [e for e in b.find_all(".o_cp_sidebar .o_dropdown_toggler_btn")
                    if " ".join(e.text.split()) == name]
        if not togglers:
            return []
        b.click(togglers[0])
        menu = togglers[0].find_element(By.XPATH, "..")
        entries = [" ".join(a.text.split()) for a in menu.find_elements(
            By.CSS_SELECTOR, ".dropdown-menu a") if a.is_displayed()]
        b.click(togglers[0])
        return entries

    # -- the walk ------------------------------------------------------------------

    def walk_apps(self):
        apps = [app for app in self.b.app_names() if app in APPS]
        assert apps, self.b.app_names()
        for app in apps:
            self.b.open_app(app)
            # The landing page (Discuss) stays until the app's first
            # action replaces it.
            self.b.wait(lambda d: not self.b.find_all(".o_mail_chat"),
                        message="%s does not replace Discuss" % app)
            self.check(app)
            links = [(" ".join(a.get_attribute("textContent").split()),
                      a.get_attribute("data-action-id"))
                     for a in self.b.find_all(".o_sub_menu .oe_secondary_menu a[data-action-id]")]
            for name, action in links:
                # The page of the menu, not the previous one still shown
                # (the menu may open the same action again).
                self.b.driver.execute_script(
                    "document.querySelectorAll('.o_content > *').forEach("
                    "function (e) { e.dataset.walked = '1'; });")
                self.b.open_menu(name)
                self.b.wait(lambda d, action=action: (
                    self.state().get("action") == action and self.b.driver.execute_script(
                        "return !!document.querySelector('.o_content > :not([data-walked])');"))
                    # A menu opening a wizard (Importer depuis SIECLE).
                    or self.b.find_all(".modal .modal-dialog"),
                    message="%s › %s does not open its action" % (app, name))
                self.walk_page("%s › %s" % (app, name))

    def walk_page(self, where):
        b = self.b
        b.idle()
        if b.find_all(".modal .modal-dialog"):
            # A menu opening a wizard (Importer depuis SIECLE).
            self.check(where)
            b.screenshot(where)
            self.close_dialogs()
            return
        self.check(where)
        b.screenshot(where)
        if b.find_all(".o_content .o_list_view"):
            self.walk_list(where)
        elif b.find_all(".o_content .o_form_view"):
            self.walk_form(where)

    def walk_list(self, where):
        b = self.b
        model = self.state().get("model")
        if model in SIECLE_MODELS:
            for button in (".o_list_button_add", ".o_button_import"):
                if b.find_all(button):
                    self.problems.append("%s › %s: %s shown" % (self.who, where, button))
        rows = b.find_all(".o_list_view tbody tr.o_data_row")
        if not rows:
            return
        self.walk_action_menu(where, model, select=True)
        cell = b.find_all(".o_list_view tbody tr.o_data_row td.o_data_cell")[0]
        b.click(cell)
        b.find(".o_content .o_form_view")
        self.check(where + " › first record")
        b.screenshot(where + " first record")
        self.walk_form(where + " › first record")
        crumbs = b.find_all(".o_control_panel .breadcrumb li a")
        b.click(crumbs[-1])
        b.find(".o_content .o_list_view")
        b.idle()

    def walk_form(self, where):
        b = self.b
        model = self.state().get("model")
        if model == "res.company" and self.sidebar("Imprimer"):
            self.problems.append("%s › %s: Odoo's Imprimer menu" % (self.who, where))
        if model in SIECLE_MODELS:
            edit = [" ".join(e.text.split()) for e in b.find_all(".o_form_button_edit")]
            if "Modifier" in edit:
                self.problems.append("%s › %s: « Modifier » on a SIECLE record"
                                     % (self.who, where))
        self.walk_action_menu(where, model, select=False)
        if model == "educonnect.home":
            self.walk_home(where)

    def walk_home(self, where):
        """Every link of the Accueil (the lists its figures count, the
        establishment's settings), then back to it by the breadcrumb, which
        names it."""
        b = self.b
        self.home_ready()
        links = [e.get_attribute("name") for e in b.find_all(HOME_LINKS)]
        if not links:
            self.problems.append("%s › %s: an Accueil without links" % (self.who, where))
        if where.startswith(APPS[1]):
            # The troubleshooting module's Accueil: pupils only, whatever
            # else the person may do in the administration module.
            text = " ".join(b.find(".o_content .o_educonnect_home").text.split())
            for name in links:
                if "guardian" in name or "undelivered" in name:
                    self.problems.append("%s › %s: « %s » on the troubleshooting Accueil"
                                         % (self.who, where, name))
            if "Responsables" in text or "module d'administration" in text:
                self.problems.append("%s › %s: the administration module's Accueil"
                                     % (self.who, where))
        for name in links:
            here = "%s › %s" % (where, name)
            buttons = [e for e in b.find_all(HOME_LINKS) if e.get_attribute("name") == name]
            if not buttons:
                self.problems.append("%s: the link is gone after coming back" % here)
                continue
            b.click(buttons[0])
            b.wait(lambda d: len(b.find_all(".o_control_panel .breadcrumb li")) > 1,
                   message="%s opens nothing" % here)
            self.check(here)
            b.screenshot(here)
            crumb = " ".join(b.find_all(".o_control_panel .breadcrumb li")[0].text.split())
            if crumb != "Accueil":
                self.problems.append("%s: the breadcrumb reads « %s »" % (here, crumb))
            b.click(b.find_all(".o_control_panel .breadcrumb li a")[0])
            self.home_ready()

    def home_ready(self):
        """The Accueil drawn whole (its establishment shown): a button
        clicked before would act on a form being replaced."""
        b = self.b
        b.wait(lambda d: any(e.text.strip() for e in b.find_all(
            ".o_content .o_educonnect_home .o_field_widget[name=company_id]")),
            message="the Accueil does not show its establishment")
        b.idle()

    def walk_action_menu(self, where, model, select):
        b = self.b
        if select:
            self.select_first_row()
        entries = self.sidebar("Action")
        if model in SIECLE_MODELS:
            for generic in GENERIC:
                if generic in entries:
                    self.problems.append("%s › %s: « %s » in the Action menu"
                                         % (self.who, where, generic))
        for entry in entries:
            if entry in NOT_CLICKED or entry in GENERIC:
                continue
            depth = len(b.find_all(".o_control_panel .breadcrumb li"))
            if select:
                self.select_first_row()
            b.action(entry, dialog=False)
            b.idle()
            here = "%s › Action › %s" % (where, entry)
            self.check(here)
            b.screenshot(here)
            self.close_dialogs()
            crumbs = b.find_all(".o_control_panel .breadcrumb li a")
            if len(b.find_all(".o_control_panel .breadcrumb li")) > depth and crumbs:
                b.click(crumbs[depth - 1])
                b.idle()
        if select:
            self.select_first_row(tick=False)

    def select_first_row(self, tick=True):
        def toggle():
            # Looked up again if the list re-renders meanwhile.
            box = self.b.find(".o_list_view tbody tr.o_data_row "
                              ".o_list_record_selector input")
            if box.is_selected() != tick:
                self.b.driver.execute_script("arguments[0].click();", box)
        self.b.stable(toggle)
        self.b.idle()

    # -- the top bar -------------------------------------------------------------

    def current_company(self):
        return " ".join(self.b.find(".o_switch_company_menu .oe_topbar_name").text.split())

    def switch_company(self, name):
        b = self.b
        b.click(b.find(".o_switch_company_menu > a"))
        b.click_text(".o_switch_company_menu .dropdown-menu a", name)
        b.wait(lambda d: self.current_company() == name,
               message="the establishment is not %s" % name)
        b.find(".o_content > *")
        b.idle()


def test_director_switching_establishment_with_a_pupil_open_lands_on_the_list(
        browsers, data):
    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    walk = Walk(director, "direction.college")
    if walk.current_company() != LYCEE["name"]:
        walk.switch_company(LYCEE["name"])
    director.open_app("EduConnect")
    director.open_menu("Élèves")
    director.wait_list()
    director.click(director.find_all(".o_list_view tbody tr.o_data_row td.o_data_cell")[0])
    director.find(".o_content .o_form_view")
    assert walk.state().get("id"), walk.state()
    director.screenshot("a pupil of the lycee open")
    walk.switch_company(COLLEGE["name"])
    director.wait_list()
    walk.check("after the switch")
    director.screenshot("the collège's pupils after the switch")
    assert "id" not in walk.state() and walk.state().get("view_type") == "list", walk.state()
    names = [row[0] for row in director.rows()]
    assert any("MARTIN" in name for name in names), names
    assert not walk.problems, "\n".join(walk.problems)


def walk_as(browsers, person, login):
    browser = browsers(person)
    browser.login(login, STAFF_PASSWORD)
    walk = Walk(browser, login)
    if walk.b.find_all(".o_switch_company_menu") and \
            walk.current_company() != COLLEGE["name"]:
        walk.switch_company(COLLEGE["name"])
    walk.walk_apps()
    return walk


def test_director_walks_every_menu_in_french(browsers, data):
    walk = walk_as(browsers, "director", "direction.college")
    assert len(walk.pages) > 20, walk.pages
    assert not walk.problems, "\n".join(walk.problems)


def test_delegated_agent_walks_every_menu_in_french(browsers, data):
    walk = walk_as(browsers, "agent", "agent.college")
    assert not walk.problems, "\n".join(walk.problems)


def test_troubleshooter_walks_every_menu_in_french(browsers, data):
    walk = walk_as(browsers, "troubleshooter", "depannage.college")
    # Its pupils: the list, a pupil's form (read-only, no « Modifier »),
    # the reset wizard from the Action menu.
    assert any("Élèves › first record" in p for p in walk.pages), walk.pages
    assert not walk.problems, "\n".join(walk.problems)
