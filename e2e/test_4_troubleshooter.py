"""Scenario 4: a troubleshooting agent sees only the troubleshooting app,
resets the password of a pupil who forgot it and prints the new
credentials; the administration module is absent for them."""
from dataset import COLLEGE_PUPILS, LYCEE_PUPILS, STAFF_PASSWORD
from documents import pdf_pages

APP = "Dépannage des comptes élèves"


def test_troubleshooter_resets_a_pupil_password_and_prints_the_new_credentials(
        browsers, admin, data):
    agent = browsers("troubleshooter")
    agent.login("depannage.college", STAFF_PASSWORD)
    apps = agent.app_names()
    agent.screenshot("apps of the troubleshooter")
    assert APP in apps
    # The administration module (EduConnect: Élèves, Responsables,
    # Statistiques, Configuration) is not there.
    assert "EduConnect" not in apps, apps
    agent.open_app(APP)
    menus = agent.menu_names()
    assert menus == ["Accueil", "Élèves"], menus
    for admin_menu in ("Responsables", "Statistiques", "Configuration",
                       "Synthèse"):
        assert admin_menu not in menus

    agent.open_menu("Élèves")
    agent.wait_list()
    headers = agent.headers()
    assert headers[:7] == ["Élève", "Classe", "MEF", "Identifiant",
                           "Mot de passe", "Statut du compte",
                           "Adresse électronique"], headers
    names = [r[0] for r in agent.rows()]
    # The pupils of the collège only.
    assert len(names) == len(COLLEGE_PUPILS)
    assert not any(p[1] in n for p in LYCEE_PUPILS for n in names)
    agent.screenshot("pupils of the troubleshooter")

    pupil_id = data["college_pupils"]["MARTIN"]
    pupil = admin("educonnect.student", "read", [pupil_id],
                  ["login", "state"])[0]
    assert pupil["state"] == "activated"
    agent.search_field("Nom ou prénom", "MARTIN")
    rows = agent.rows()
    assert len(rows) == 1 and rows[0][3] == pupil["login"], rows
    assert rows[0][4] == "*****" and rows[0][5] == "Activé", rows
    agent.screenshot("pupil who forgot the password")

    agent.click(agent.find(".o_list_view tbody tr.o_data_row button"))
    agent.wait_dialog_text("Confirmer")
    agent.wait_dialog_text("compte(s) activé(s)")
    # From a row's button: that pupil only, never « every account of the
    # search ».
    assert "Tous les comptes de la recherche" not in agent.dialog_text()
    assert "Nombre de comptes 1" in agent.dialog_text()
    agent.screenshot("reset wizard")
    agent.dialog_button("Confirmer")
    agent.wait_dialog_text("Le mot de passe a bien été réinitialisé")
    agent.screenshot("reset done")
    agent.dialog_button("Distribuer les nouveaux mots de passe (liste)")
    agent.wait_dialog_text("Format de la liste")
    assert "Tous les comptes de la recherche" not in agent.dialog_text()
    agent.screenshot("list of the new credentials")
    agent.dialog_button("Lister les comptes")
    agent.wait_dialog_text("La liste est prête")
    path = agent.download(lambda: agent.dialog_button("Télécharger la liste"),
                          ".pdf")
    pages = pdf_pages(path)
    assert len(pages) == 1
    text = " ".join(pages[0].split())
    assert pupil["login"] in text
    agent.close_dialog()

    # The list now shows the new provisional password, the one printed.
    agent.driver.refresh()
    agent.wait_list()
    agent.search_field("Nom ou prénom", "MARTIN")
    row = agent.rows()[0]
    assert row[5] == "Notifié et non activé", row
    new_password = row[4]
    assert len(new_password) == 13 and new_password in text, (row, text)
    agent.screenshot("pupil with a new provisional password")
