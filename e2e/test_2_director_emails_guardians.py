"""Scenario 2: the director (re)notifies by e-mail the guardians « Notifié et
non activé » who have an e-mail address; the mails leave by themselves (job
runner, no hand on the mail queue) and the list says « Envoyé le … »; a
guardian follows the activation link of the message that reached the
loopback SMTP catcher."""
import re

from dataset import COLLEGE_GUARDIANS, STAFF_PASSWORD
from smtp_catcher import message_text

TO_EMAIL = sorted(g[2] for g in COLLEGE_GUARDIANS.values()
                  if g[3] == "notified" and g[2])


def test_director_emails_activation_links_to_notified_guardians_with_an_email(
        browsers, admin, data, smtp):
    admin("res.users", "write", [data["director"]],
          {"company_id": data["college"]})
    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    director.open_app("EduConnect")
    director.open_menu("Responsables")
    director.wait_list()
    director.toggle_filter("Notifié et non activé")
    director.toggle_filter("Avec adresse électronique")
    director.screenshot("guardians notified with an e-mail")
    rows = director.rows()
    headers = director.headers()
    email_column = headers.index("Messagerie")
    assert sorted(r[email_column] for r in rows) == TO_EMAIL, rows

    director.select_all()
    director.action("(Re)notifier les comptes")
    director.wait_dialog_text("Type de notification")
    director.dialog_radio("Par mail")
    director.screenshot("notify wizard e-mail")
    director.dialog_button("Suivant")
    director.wait_dialog_text("Confirmez votre demande")
    director.dialog_button("Confirmer")
    director.wait_dialog_text("La distribution a été effectuée avec succès")
    director.screenshot("notify wizard e-mails sent")
    director.close_dialog()

    # Nobody runs the mail queue: the mails must arrive by themselves,
    # within five minutes (a guardian's patience), in fact seconds.
    waits = {address: smtp.wait_for(address, seconds=300)[1]
             for address in TO_EMAIL}
    print("notification e-mails arrived after (s):", waits)
    for address in TO_EMAIL:
        assert len(smtp.to(address)) == 1, address
    # Each guardian says how the e-mail went.
    for guardian in admin("educonnect.guardian", "search_read",
                          [("email", "in", TO_EMAIL)], ["email_delivery_label"]):
        assert guardian["email_delivery_label"].startswith("Envoyé le "), guardian
    director.click(director.find(".o_list_view tbody tr.o_data_row td:nth-child(2)"))
    director.find_text(".o_form_view td.o_td_label", "Courriel d'activation")
    director.screenshot("guardian e-mail sent")
    director.driver.back()
    director.wait_list()
    guardian_id = data["guardians"]["GARNIER"]
    guardian = admin("educonnect.guardian", "read", [guardian_id],
                     ["login", "email", "state"])[0]
    message = smtp.to(guardian["email"])[0]["message"]
    text = message_text(message)
    assert guardian["login"] in text
    assert "Mot de passe provisoire" not in text
    link = re.search(r'href="([^"]*/educonnect/activation\?token=[^"]+)"', text)
    assert link, text
    url = link.group(1).replace("&amp;", "&")

    # The guardian, in a browser of their own, follows the link.
    parent = browsers("guardian")
    parent.driver.get(url)
    parent.find("form.oe_login_form input#password")
    assert parent.find("form.oe_login_form input[readonly]").get_attribute(
        "value") == guardian["login"]
    parent.screenshot("activation page")
    chosen = "Ma phrase de passe très secrète"
    parent.find("input#password").send_keys(chosen)
    parent.find("input#confirm").send_keys(chosen)
    parent.click_text("form.oe_login_form button", "Activer mon compte")
    parent.wait(lambda d: "/my" in d.current_url,
                message="the guardian does not land in the portal")
    welcome = parent.find(".o_educonnect_my_account")
    assert "Mon compte EduConnect" in welcome.text
    assert "Activé" in welcome.text
    assert guardian["login"] in welcome.text
    parent.screenshot("portal of the guardian")
    assert admin("educonnect.guardian", "read", [guardian_id],
                 ["state"])[0]["state"] == "activated"

    # The director's list shows the account activated.
    director.driver.refresh()
    director.wait_list()
    for facet in director.facets():
        director.remove_facet(facet)
    director.search_field("Responsable", "GARNIER")
    row = director.rows()[0]
    assert row[headers.index("Statut du compte")] == "Activé", row
    director.screenshot("guardian activated in the list")
