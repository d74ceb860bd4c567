"""Scenario 98 (issue 17): the guide's action bar above the pupil list
(« N élève(s) sélectionné(s) | (Re)Notifier | Lister | Modifier ») and the
selection of the whole search, beyond the 80 rows of a page: listed, the
file holds every pupil of the search."""
from selenium.webdriver.common.by import By

from dataset import COLLEGE, COLLEGE_PUPILS, LYCEE, STAFF_PASSWORD
from documents import csv_rows
from test_1_director_notifies_pupils import choose_establishment_by_uai

LEVEL = "1ère"
CLASSES = ["%s %d" % (LEVEL, n) for n in range(1, 15)]
PUPILS = 433  # the collège of the issue: far more than the 80 rows of a page


def make_premieres(admin, lycee):
    """The lycée's 1ère classes, 433 pupils in all (about 31 a class)."""
    admin.run_code("educonnect.student", (
        "company = env['res.company'].browse(%d)\n"
        "classes = [env['educonnect.class'].create({'name': name,"
        " 'company_id': company.id}) for name in %r]\n"
        "Student = env['educonnect.student'].with_context(tracking_disable=True)\n"
        "for n in range(%d):\n"
        "    Student.create({'last_name': 'PAQUET%%03d' %% n, 'first_name': 'Élise',"
        " 'class_id': classes[n %% len(classes)].id, 'company_id': company.id})\n")
        % (lycee, CLASSES, PUPILS))
    return admin("educonnect.student", "search",
                 [("company_id", "=", lycee), ("class_id.name", "in", CLASSES)])


def click_link(browser, css):
    """A link of the bar, clicked as a user does."""
    # (A link whose text was beside it, not in it, once: the text is what
    # a user clicks.)
    link = browser.find(css)
    assert link.text.strip(), link.get_attribute("outerHTML")
    browser.click(link)
    browser.idle()


def bar_text(browser):
    return " ".join(browser.find(".o_educonnect_action_bar").text.split())


def test_action_bar_selects_the_whole_search_and_lists_it(browsers, admin, data):
    ids = make_premieres(admin, data["lycee"])
    assert len(ids) == PUPILS
    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    choose_establishment_by_uai(director, LYCEE["educonnect_uai"], LYCEE["name"])
    director.open_menu("Élèves")
    director.wait_list()
    assert "0 élève(s) sélectionné(s)" in bar_text(director), bar_text(director)
    director.search_field("Classe", LEVEL)
    director.wait(lambda d: len(director.rows()) == 80,
                  message="the first page does not show 80 rows")

    # One row, then the whole page, then the whole search.
    director.click(director.find(
        ".o_list_view tbody tr.o_data_row .o_list_record_selector .o_checkbox"))
    director.wait(lambda d: "1 élève(s) sélectionné(s)" in bar_text(director),
                  message=bar_text(director))
    director.select_all()
    director.wait(lambda d: "80 élève(s) sélectionné(s)" in bar_text(director),
                  message=bar_text(director))
    assert "Les 80 lignes de cette page sont sélectionnées." in bar_text(director)
    director.screenshot("action bar with the page selected")
    assert "Sélectionner les %d lignes de la recherche" % PUPILS in bar_text(director)
    click_link(director, ".o_educonnect_select_search")
    director.wait(lambda d: "%d élève(s) sélectionné(s)" % PUPILS in bar_text(director),
                  message=bar_text(director))
    assert "Les %d lignes de la recherche sont sélectionnées." % PUPILS \
        in bar_text(director)
    director.screenshot("action bar with the whole search selected")

    # Clearing the selection greys the buttons out again.
    assert "Annuler la sélection" in bar_text(director)
    click_link(director, ".o_educonnect_clear_search")
    director.wait(lambda d: "0 élève(s) sélectionné(s)" in bar_text(director),
                  message=bar_text(director))
    assert not director.find(".o_educonnect_action_bar .o_educonnect_action").is_enabled()

    # The whole search again, and « Lister »: the wizard acts on every pupil
    # of the search.
    director.select_all()
    assert "Sélectionner les %d lignes de la recherche" % PUPILS in bar_text(director)
    click_link(director, ".o_educonnect_select_search")
    director.click_text(".o_educonnect_action_bar button", "Lister les comptes",
                        exact=True)
    director.wait_dialog_text("Format de la liste")
    text = director.dialog_text()
    assert "Nombre de comptes %d" % PUPILS in text, text
    director.screenshot("list wizard on the whole search")
    director.dialog_radio("CSV")
    director.dialog_button("Lister les comptes")
    director.wait_dialog_text("La liste est prête")
    path = director.download(
        lambda: director.dialog_button("Télécharger la liste"), ".csv")
    rows = csv_rows(path)
    assert len(rows) == 1 + PUPILS, len(rows)
    assert {r[3] for r in rows[1:]} == set(CLASSES)
    assert sorted(r[0] for r in rows[1:]) == ["PAQUET%03d" % n for n in range(PUPILS)]
    director.close_dialog()


def test_a_search_that_matches_nothing_says_so(browsers, data):
    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    director.open_app("EduConnect")
    director.open_menu("Élèves")
    director.wait_list()
    director.search_field("Nom ou prénom", "PERSONNE-INCONNUE")
    helper = " ".join(director.find(".o_view_nocontent_smiling_face").text.split())
    assert helper == "Aucun élève ne correspond à la recherche.", helper
    director.screenshot("search matching nothing")


def test_class_picker_in_school_order_and_first_name_search(browsers, data):
    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    choose_establishment_by_uai(director, COLLEGE["educonnect_uai"],
                                COLLEGE["name"])
    director.open_menu("Élèves")
    director.wait_list()
    director.click(director.find(".o_educonnect_class_toggle"))
    menu = director.find(".o_educonnect_class_menu")
    labels = [" ".join(label.text.split()) for label in
              menu.find_elements(By.CSS_SELECTOR, "label")]
    assert labels == ["Sélectionner tout", "6A", "6B", "5A"], labels
    director.click(menu.find_element(By.CSS_SELECTOR, ".o_educonnect_class_all"))
    items = menu.find_elements(By.CSS_SELECTOR, ".o_educonnect_class_item")
    assert all(i.is_selected() for i in items)
    director.click(items[2])  # 5A off: « Sélectionner tout » goes off too
    assert not menu.find_element(
        By.CSS_SELECTOR, ".o_educonnect_class_all").is_selected()
    director.screenshot("class picker")
    director.click(menu.find_element(By.CSS_SELECTOR, ".o_educonnect_class_apply"))
    director.wait(lambda d: any(f.startswith("Classe(s)") for f in director.facets()),
                  message="no class facet: %s" % director.facets())
    in_6 = sorted(p[1] for p in COLLEGE_PUPILS if p[0] in ("6A", "6B"))
    director.wait(lambda d: len(director.rows()) == len(in_6),
                  message="not the pupils of 6A and 6B")
    assert sorted(r[1] for r in director.rows()) == ["6A"] * 4 + ["6B"] * 3
    director.screenshot("pupils of the classes picked")

    # « Prénom Nom », as people say it.
    director.search_field("Nom ou prénom", "Léa DUPONT")
    director.wait(lambda d: len(director.rows()) == 1,
                  message="« Léa DUPONT » does not find the pupil")
    assert director.rows()[0][0] == "DUPONT Léa", director.rows()
