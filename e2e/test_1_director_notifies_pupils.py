"""Scenario 1: a director holding two establishments chooses the collège by
its UAI, (re)notifies the « Non notifié » pupils of two classes by letter,
downloads the letters, then lists the accounts as CSV and XLSX."""
from dataset import COLLEGE, COLLEGE_PUPILS, LYCEE, STAFF_PASSWORD
from documents import csv_rows, letter_credentials, pdf_pages, xlsx_rows

CLASSES = ("6A", "6B")
NOT_NOTIFIED = sorted(p[1] for p in COLLEGE_PUPILS
                      if p[0] in CLASSES and p[4] == "not_notified")
IN_CLASSES = sorted(p[1] for p in COLLEGE_PUPILS if p[0] in CLASSES)


def choose_establishment_by_uai(browser, uai, name):
    browser.open_app("EduConnect")
    browser.autocomplete(
        ".o_form_view .o_field_widget[name=new_company_id] input", uai,
        "%s (%s)" % (name, uai))
    browser.screenshot("accueil establishment typed by UAI")
    browser.click_text(".o_form_view button", "Choisir un établissement",
                       exact=True)
    browser.wait(lambda d: name in browser.find(
        ".o_form_view .o_field_widget[name=company_id]").text,
        message="the current establishment is not %s" % name)
    browser.idle()


def test_director_notifies_not_notified_pupils_of_two_classes_by_letter(
        browsers, admin, data):
    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    director.open_app("EduConnect")
    director.find(".o_form_view .o_field_widget[name=company_id]")
    # Signed in on the lycée: the Accueil page says so.
    assert LYCEE["name"] in director.find(
        ".o_form_view .o_field_widget[name=company_id]").text
    director.screenshot("accueil on the lycee")

    choose_establishment_by_uai(director, COLLEGE["educonnect_uai"],
                                COLLEGE["name"])
    director.screenshot("accueil on the college")
    assert admin("res.users", "read", [data["director"]], ["company_id"])[0][
        "company_id"][0] == data["college"]

    director.open_menu("Élèves")
    director.wait_list()
    for klass in CLASSES:
        director.search_field("Classe", klass)
    director.toggle_filter("Non notifié")
    director.screenshot("pupils of two classes not notified")
    rows = director.rows()
    names = sorted(r[0].split()[0] for r in rows)
    assert names == NOT_NOTIFIED, rows
    assert all(r[4] == "Non notifié" for r in rows), rows

    director.select_all()
    director.action("(Re)notifier les comptes")
    director.wait_dialog_text("Nombre de comptes")
    director.screenshot("notify wizard options")
    director.dialog_button("Suivant")
    director.wait_dialog_text("Confirmez votre demande")
    assert "%d compte(s)" % len(NOT_NOTIFIED) in director.dialog_text()
    director.screenshot("notify wizard confirm")
    director.dialog_button("Confirmer")
    director.wait_dialog_text("La distribution a été effectuée avec succès")
    director.screenshot("notify wizard done")
    letters = director.download(
        lambda: director.dialog_button("Télécharger le courrier au format PDF"),
        ".pdf")

    # One page per pupil, each with the pupil's identifiant and a
    # provisional password.
    pages = pdf_pages(letters)
    assert len(pages) == len(NOT_NOTIFIED)
    pupils = admin("educonnect.student", "search_read",
                   [("id", "in", [data["college_pupils"][n]
                                  for n in NOT_NOTIFIED])],
                   ["last_name", "login", "state"])
    logins = {p["login"] for p in pupils}
    printed = {}
    for page in pages:
        login, password = letter_credentials(page)
        assert login in logins, page
        assert password and len(password) == 13, page
        printed[login] = password
    assert set(printed) == logins
    assert {p["state"] for p in pupils} == {"notified"}

    # The list now shows them « Notifié et non activé ».
    director.close_dialog()
    director.remove_facet("Non notifié")
    director.wait(lambda d: len(director.rows()) == len(IN_CLASSES),
                  message="the list does not show the pupils of both classes")
    rows = director.rows()
    director.screenshot("pupils of two classes after notification")
    for row in rows:
        if row[3] in logins:
            assert row[4] == "Notifié et non activé", row

    # Lister les comptes, CSV then XLSX: the same identifiants and passwords.
    for list_format, suffix, read in (("CSV", ".csv", csv_rows),
                                      ("XLSX (Excel)", ".xlsx", xlsx_rows)):
        director.select_all()
        director.action("Lister les comptes")
        director.dialog_radio(list_format)
        director.screenshot("list wizard %s" % suffix)
        director.dialog_button("Lister les comptes")
        director.wait_dialog_text("La liste est prête")
        path = director.download(
            lambda: director.dialog_button("Télécharger la liste"), suffix)
        table = read(path)
        assert table[0] == ["Nom", "Prénom", "MEF", "Classe", "Identifiant",
                            "Mot de passe"], table[0]
        assert len(table) - 1 == len(IN_CLASSES)
        listed = {row[4]: row[5] for row in table[1:]}
        for login, password in printed.items():
            assert listed[login] == password
        director.close_dialog()
