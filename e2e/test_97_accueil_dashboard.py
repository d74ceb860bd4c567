"""Scenario 97 (issue 17): each EduConnect role lands on its Accueil after
signing in (not on Discuss), and every figure of the dashboard opens the
list of what it counts."""
import datetime

from selenium.webdriver.common.by import By

from dataset import COLLEGE, STAFF_PASSWORD, today
from test_1_director_notifies_pupils import choose_establishment_by_uai

HOME_FORM = ".o_form_view .o_educonnect_home"


def stat(browser, css_class):
    """The number shown on a dashboard button (its statinfo value)."""
    button = browser.find(HOME_FORM + " button." + css_class)
    return int(button.find_element(By.CSS_SELECTOR, ".o_stat_value").text)


def open_stat(browser, css_class, empty=False):
    """Click a figure: its list (``empty``: none, the list says so)."""
    browser.click(browser.find(HOME_FORM + " button." + css_class))
    if empty:
        browser.find(".o_view_nocontent_smiling_face")
        browser.idle()
    else:
        browser.wait_list()


def back_to_accueil(browser):
    browser.open_menu("Accueil")
    browser.find(HOME_FORM)
    browser.idle()


def test_director_lands_on_the_accueil_and_follows_its_figures(
        browsers, admin, data):
    college = data["college"]
    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    # /web opens the Accueil, not Discuss and its notification banner.
    director.find(HOME_FORM)
    assert "Bienvenue" in director.find(HOME_FORM + " h1").text
    assert not director.find_all(".o_mail_chat, .o_mail_annoying_notification_bar")
    director.screenshot("landing page of the director")
    if COLLEGE["name"] not in director.find(
            HOME_FORM + " .o_field_widget[name=company_id]").text:
        choose_establishment_by_uai(director, COLLEGE["educonnect_uai"],
                                    COLLEGE["name"])
    director.find(HOME_FORM + " .o_educonnect_class_rates")
    director.screenshot("dashboard of the college")

    def count(model, domain):
        return admin(model, "search_count",
                     [("company_id", "=", college)] + domain)
    pupils = count("educonnect.student", [])
    activated = count("educonnect.student", [("state", "=", "activated")])
    not_notified = count("educonnect.student", [("state", "=", "not_notified")])
    until = (today() + datetime.timedelta(days=30)).isoformat()
    expiring = count("educonnect.student", [
        ("state", "=", "notified"), ("letter_expiry_date", ">=", today().isoformat()),
        ("letter_expiry_date", "<=", until)])
    undelivered = count("educonnect.guardian",
                        [("email_delivery_state", "=", "failed")])
    assert stat(director, "o_educonnect_link_students_not_notified") == not_notified
    assert stat(director, "o_educonnect_link_students_expiring") == expiring
    assert stat(director, "o_educonnect_link_undelivered") == undelivered
    rate = director.find(HOME_FORM + " .o_educonnect_rate_student").text
    assert "%d / %d" % (activated, pupils) in " ".join(rate.split()), rate

    # The bars per class: the collège's classes in school order.
    classes = [" ".join(th.text.split()) for th in director.find_all(
        HOME_FORM + " .o_educonnect_class_rates tbody th")]
    assert classes == ["6A", "6B", "5A"], classes

    # « Élèves non notifiés » opens the pupil list with that filter.
    open_stat(director, "o_educonnect_link_students_not_notified")
    assert "Non notifié" in director.facets(), director.facets()
    rows = director.rows()
    assert len(rows) == not_notified and all(r[4] == "Non notifié" for r in rows), rows
    director.screenshot("pupils not notified from the dashboard")
    back_to_accueil(director)

    # Letters expiring within 30 days: a list filtered on them, and when
    # none matches, the list says so (not « no pupil yet »).
    open_stat(director, "o_educonnect_link_students_expiring", empty=not expiring)
    if expiring:
        assert len(director.rows()) == expiring
    else:
        helper = director.find(".o_view_nocontent_smiling_face").text
        assert "Aucun élève ne correspond à la recherche" in helper, helper
    director.screenshot("letters expiring from the dashboard")
    back_to_accueil(director)

    # « Responsables »: the guardian list.
    director.click(director.find(HOME_FORM + " button[name=action_open_guardians]"))
    director.wait_list()
    assert len(director.rows()) == admin(
        "educonnect.guardian.link", "search_count", [("company_id", "=", college)])


def test_troubleshooter_lands_on_the_troubleshooting_accueil(browsers, admin,
                                                             data):
    agent = browsers("troubleshooter")
    agent.login("depannage.college", STAFF_PASSWORD)
    agent.find(HOME_FORM)
    text = " ".join(agent.find(HOME_FORM).text.split())
    # Its own, narrower page: what the troubleshooting module is for, the
    # pupils only.
    assert "réinitialiser son mot de passe" in text, text
    assert not agent.find_all(HOME_FORM + " button[name=action_open_guardians]")
    assert not agent.find_all(HOME_FORM + " .o_educonnect_rate_guardian")
    agent.screenshot("landing page of the troubleshooter")
    pupils = admin("educonnect.student", "search_count",
                   [("company_id", "=", data["college"])])
    assert stat(agent, "o_educonnect_link_students_locked") == admin(
        "educonnect.student", "search_count",
        [("company_id", "=", data["college"]), ("educonnect_locked", "=", True)])
    # « N Élèves » opens the troubleshooting list (a reset button per row).
    agent.click(agent.find(HOME_FORM + " button[name=action_open_students]"))
    agent.wait_list()
    assert "Mot de passe" in agent.headers(), agent.headers()
    assert len(agent.rows()) == pupils
    assert agent.find_all(".o_list_view tbody tr.o_data_row button")
    agent.screenshot("troubleshooting list from the accueil")
