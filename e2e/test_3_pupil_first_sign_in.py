"""Scenario 3: a pupil signs in on the normal login page with the identifiant
and provisional password of the letter the director printed, is held on the
activation screen until a password is chosen, and lands in the portal; the
director's list then shows « Activé » and today's last connection date."""
from dataset import COLLEGE, STAFF_PASSWORD, today
from documents import letter_credentials, pdf_pages
from test_1_director_notifies_pupils import choose_establishment_by_uai

PUPIL = "MOREL"          # 5A, « Non notifié » in the data set
CHOSEN = "Mon vélo bleu est rangé au garage"


def test_pupil_activates_with_the_letter_and_the_director_sees_it(
        browsers, admin, data):
    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    choose_establishment_by_uai(director, COLLEGE["educonnect_uai"],
                                COLLEGE["name"])
    director.open_menu("Élèves")
    director.wait_list()
    director.search_field("Nom ou prénom", PUPIL)
    rows = director.rows()
    assert len(rows) == 1 and rows[0][0].startswith(PUPIL), rows
    director.select_all()
    director.action("(Re)notifier les comptes")
    director.wait_dialog_text("Nombre de comptes")
    director.dialog_button("Suivant")
    director.wait_dialog_text("Confirmez votre demande")
    director.dialog_button("Confirmer")
    director.wait_dialog_text("La distribution a été effectuée avec succès")
    letter = director.download(
        lambda: director.dialog_button("Télécharger le courrier au format PDF"),
        ".pdf")
    pages = pdf_pages(letter)
    assert len(pages) == 1
    login, provisional = letter_credentials(pages[0])
    assert login and provisional, pages[0]
    director.close_dialog()

    # The pupil, at home, on the platform's normal login page.
    pupil = browsers("pupil")
    pupil.get("/web/login")
    pupil.find("input#login").send_keys(login)
    pupil.find("input#password").send_keys(provisional)
    pupil.screenshot("login page with the letter")
    pupil.click(pupil.find("form.oe_login_form button[type=submit]"))
    pupil.wait(lambda d: "/educonnect/first-login" in d.current_url,
               message="the letter's credentials do not lead to the activation")
    assert pupil.find("form.oe_login_form input[readonly]").get_attribute(
        "value") == login
    pupil.screenshot("activation page")

    # The gate: nothing else opens before the password is chosen.
    for path in ("/web", "/my"):
        pupil.get(path)
        pupil.wait(lambda d: "/web/login" in d.current_url,
                   message="%s opened before activation" % path)
    pupil.get("/educonnect/first-login")

    # Too short a password is refused in French, then a good one is taken.
    pupil.find("input#password").send_keys("court")
    pupil.find("input#confirm").send_keys("court")
    pupil.driver.execute_script(
        "document.querySelectorAll('input[minlength]').forEach("
        "function (i) { i.removeAttribute('minlength'); });")
    pupil.click_text("form.oe_login_form button", "Activer mon compte")
    pupil.find_text(".alert-danger", "au moins 12 caractères")
    pupil.screenshot("password too short")
    pupil.find("input#password").send_keys(CHOSEN)
    pupil.find("input#confirm").send_keys(CHOSEN)
    pupil.click_text("form.oe_login_form button", "Activer mon compte")
    pupil.wait(lambda d: d.current_url.rstrip("/").endswith("/my"),
               message="the pupil does not land in the portal")
    account = pupil.find(".o_educonnect_my_account")
    assert "Mon compte EduConnect" in account.text
    assert login in account.text and "Activé" in account.text
    pupil.screenshot("portal of the pupil")

    # The director's list: « Activé », last connection today.
    director.driver.refresh()
    director.wait_list()
    for facet in director.facets():
        director.remove_facet(facet)
    director.search_field("Nom ou prénom", PUPIL)
    headers = director.headers()
    row = director.rows()[0]
    assert row[headers.index("Statut du compte")] == "Activé", row
    assert row[headers.index("Date de dernière connexion")] == \
        today().strftime("%d/%m/%Y"), row
    director.screenshot("pupil activated in the list")
    assert admin("educonnect.student", "search_read",
                 [("login", "=", login)], ["state"])[0]["state"] == "activated"
