"""Scenario 8: the public pages of pupils and guardians, on a phone.

Every page a pupil or guardian meets (sign-in, forgotten password, codes,
self-registration, first sign-in with the letter, the portal « Mon compte
EduConnect » and « Mes coordonnées ») is audited by axe-core with the WCAG
2.1 A/AA rules at 360 px and 1440 px (a screenshot of each; the result of
each page printed in the test output; 0 violations required), is French
for the browser too (``lang``, validation messages), and asks for codes,
addresses and passwords with the right keyboard and autocomplete hints.
A guardian activates with the letter on a phone, changes the address
before the code is confirmed, watches the wait before a new code count
down (the button enabled at its end; a browser without the script is told
to wait by the server), gets a new code that replaces the first, sees each
child's account, and confirms a new mobile number with the code received
by SMS; a locked identifiant is told for how long, the same way whether or
not it exists."""
import base64
import re
import subprocess
import tempfile

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from accessibility import PHONE, audit, axe, horizontal_overflow, set_width
from test_7_runs_by_itself import as_director, links_of, notify

CHOSEN = "Le chat dort sur le canapé bleu"
GUARDIAN = "ROUSSEAU"          # « Non notifié », no e-mail: a letter
CODE_RE = re.compile(r"<strong>(\d{6})</strong>")
TICK_RE = re.compile(r"^Vous pourrez demander un nouveau code dans (\d+) s$")
RESEND_PARAM = "educonnect.code_resend_seconds"


@pytest.fixture
def report(capsys):
    """Print a line in the test output, whatever pytest captures."""
    def out(line):
        with capsys.disabled():
            print(line)
    return out


def attr(browser, css, name):
    return browser.find(css).get_attribute(name)


def submit(browser, text):
    browser.click_text("form button[type=submit]", text)


def submit_login(browser):
    browser.click(browser.find("form.oe_login_form button[type=submit]"))


def validation_message(browser, css):
    return browser.driver.execute_script(
        "return document.querySelector(arguments[0]).validationMessage;", css)


def tab_through(browser, count):
    """What the keyboard reaches, in order, with the Tab key; each stop
    shows an outline (a visible focus, RGAA 10.7)."""
    stops = []
    for _n in range(count):
        ActionChains(browser.driver).send_keys(Keys.TAB).perform()
        stops.append(browser.driver.execute_script(
            "var e = document.activeElement, s = getComputedStyle(e);"
            "return [e.id || e.textContent.trim(),"
            "        s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2];"))
    return stops


def countdown(browser):
    """The seconds the code page shows before « Renvoyer le code » (the
    visible line, which screen readers skip), checking that the button is
    disabled meanwhile and that the polite live region holds the wait
    once, in words."""
    tick = browser.find("#resend_tick")
    assert tick.get_attribute("aria-hidden") == "true"
    seconds = int(TICK_RE.match(" ".join(tick.text.split())).group(1))
    button = browser.find("#resend_button")
    assert not button.is_enabled()
    assert button.get_attribute("aria-describedby") == "resend_wait"
    status = browser.driver.find_element(By.CSS_SELECTOR, "#resend_wait")
    assert (status.get_attribute("role"), status.get_attribute("aria-live")) \
        == ("status", "polite")
    assert "sr-only" in status.get_attribute("class")
    browser.wait(lambda _d: re.match(
        r"^Vous pourrez demander un nouveau code dans \d+ secondes\.$",
        status.get_attribute("textContent").strip()),
        message="the live region does not say the wait")
    return seconds


def resend_without_script(browser):
    """« Renvoyer le code » as a browser without JavaScript sends it (the
    button enabled): the server decides."""
    browser.driver.execute_script(
        "var b = document.getElementById('resend_button');"
        "b.disabled = false; b.click();")


def assert_french_page(browser, title_part):
    assert browser.driver.execute_script(
        "return document.documentElement.lang;") == "fr"
    assert title_part in browser.driver.title, browser.driver.title
    assert browser.driver.title.endswith("EduConnect"), browser.driver.title
    viewport = browser.driver.find_element(
        By.CSS_SELECTOR, "meta[name=viewport]").get_attribute("content")
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport


def test_every_public_page_passes_axe_at_360_and_1440_px(browsers, data, report):
    visitor = browsers("visitor")
    visitor.get("/web/login")
    assert_french_page(visitor, "Connexion")
    assert attr(visitor, "input#login", "autocomplete") == "username"
    assert attr(visitor, "input#password", "autocomplete") == "current-password"
    # Focus order: the fields, the button, then the ways back, each with a
    # visible focus (focus starts in the identifiant).
    stops = tab_through(visitor, 5)
    report("tab order on the sign-in page: %s" % [s[0] for s in stops])
    assert [s[0] for s in stops] == [
        "password", "Connexion", "Mot de passe oublié ?", "Identifiant oublié ?",
        "Responsable sans courrier : créer mon compte"], stops
    assert all(visible for _name, visible in stops), stops
    audit(visitor, "connexion", report)
    # 200 % zoom of a 1280 px screen is 640 CSS px; WCAG's reflow asks 320:
    # nothing to scroll sideways there either.
    for width in (640, 320):
        set_width(visitor, width)
        visitor.screenshot("connexion %dpx (zoom)" % width)
        assert horizontal_overflow(visitor) == 0, width
    set_width(visitor, PHONE)
    # The audit sees what it must: an image without a text alternative.
    visitor.driver.execute_script(
        "var i = document.createElement('img'); i.src = '/web/binary/company_logo';"
        "document.body.appendChild(i);")
    assert "image-alt" in [v["id"] for v in axe(visitor)["violations"]]
    visitor.driver.refresh()

    # The browser's own messages are French, shown under the field and tied
    # to it.
    submit_login(visitor)
    assert validation_message(visitor, "input#login") == \
        "Ce champ est obligatoire : complétez-le."
    error = visitor.find("#login_error")
    assert error.text.endswith("Ce champ est obligatoire : complétez-le.")
    assert "login_error" in attr(visitor, "input#login", "aria-describedby")
    audit(visitor, "connexion champ vide", report)

    visitor.find("input#login").send_keys("personne.inconnue")
    visitor.find("input#password").send_keys("pas le bon")
    submit_login(visitor)
    alert = visitor.find("#educonnect_error[role=alert]")
    assert "Identifiant ou mot de passe incorrect" in alert.text
    assert "educonnect_error" in attr(visitor, "input#password", "aria-describedby")
    audit(visitor, "connexion refusée", report)

    visitor.click_text("a", "Mot de passe oublié ?")
    assert_french_page(visitor, "Mot de passe oublié")
    audit(visitor, "mot de passe oublié", report)
    visitor.find("input#login").send_keys("personne.inconnue")
    submit(visitor, "Recevoir un code")
    code = visitor.find("input#code")
    assert (code.get_attribute("inputmode"), code.get_attribute("autocomplete"),
            code.get_attribute("pattern")) == ("numeric", "one-time-code", "[0-9]{6}")
    assert attr(visitor, "input#password", "autocomplete") == "new-password"
    # The wait before a new code, counted down (60 s by default).
    assert 55 <= countdown(visitor) <= 60
    assert_french_page(visitor, "Saisir le code reçu")
    audit(visitor, "code de récupération", report)
    code.send_keys("12ab")
    submit(visitor, "Confirmer")
    assert validation_message(visitor, "input#code") == \
        "Saisissez les 6 chiffres du code reçu."
    resend_without_script(visitor)
    visitor.find_text("#educonnect_error", "avant de demander un nouveau code")
    assert countdown(visitor) <= 60
    audit(visitor, "renvoi trop tôt", report)

    visitor.get("/web/login")
    visitor.click_text("a", "Identifiant oublié ?")
    assert_french_page(visitor, "Identifiant oublié")
    assert attr(visitor, "input#contact", "inputmode") == "email"
    audit(visitor, "identifiant oublié", report)
    visitor.find("input#contact").send_keys("personne@example.fr")
    submit(visitor, "Recevoir mon identifiant")
    visitor.find_text("[role=status]", "son identifiant vient d'y être envoyé")
    audit(visitor, "identifiant oublié envoyé", report)

    visitor.get("/educonnect/self-registration")
    assert_french_page(visitor, "Créer mon compte responsable")
    birth = visitor.find("input#child_birth_date")
    assert (birth.get_attribute("type"), birth.get_attribute("inputmode")) \
        == ("text", "numeric")
    assert "05/03/2012" in visitor.find("#child_birth_date_help").text
    assert attr(visitor, "input#last_name", "autocomplete") == "family-name"
    audit(visitor, "auto-inscription", report)
    submit(visitor, "Recevoir un code")
    assert visitor.find("#last_name_error").text.endswith(
        "Ce champ est obligatoire : complétez-le.")
    audit(visitor, "auto-inscription champs vides", report)

    visitor.get("/educonnect/activation?token=plus-valable")
    assert_french_page(visitor, "Activer votre compte")
    audit(visitor, "lien d'activation expiré", report)
    visitor.get("/educonnect/confirm-email?token=plus-valable")
    audit(visitor, "lien de confirmation expiré", report)


def guardian_letter(admin, data, odoo_url):
    """The identifiant and provisional password of the letter the director
    prints for the guardian (as in scenario 7)."""
    director = as_director(odoo_url, data["college"])
    wizard, _result = notify(director, "educonnect.guardian.link",
                             links_of(admin, data["guardians"][GUARDIAN]),
                             notification_type="letter")
    attachment = director("educonnect.notify.wizard", "read", [wizard],
                          ["attachment_id"])[0]["attachment_id"][0]
    pdf = base64.b64decode(director("ir.attachment", "read", [attachment],
                                    ["datas"])[0]["datas"])
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        text = subprocess.run(["pdftotext", handle.name, "-"], check=True,
                              stdout=subprocess.PIPE).stdout.decode()
    return (re.search(r"Identifiant\s*:\s*(\S+)", text).group(1),
            re.search(r"Mot de passe provisoire\s*:\s*(\S+)", text).group(1))


def test_a_guardian_activates_on_a_phone_and_sees_the_children(
        browsers, admin, data, smtp, sms, odoo_url, report):
    login, provisional = guardian_letter(admin, data, odoo_url)
    guardian = browsers("guardian")
    guardian.get("/web/login")
    guardian.find("input#login").send_keys(login)
    guardian.find("input#password").send_keys(provisional)
    submit_login(guardian)
    guardian.wait(lambda d: "/educonnect/first-login" in d.current_url,
                  message="the letter does not open the activation")
    assert_french_page(guardian, "Activer votre compte")
    email = guardian.find("input#email")
    assert (email.get_attribute("type"), email.get_attribute("autocomplete")) \
        == ("email", "email")
    audit(guardian, "première connexion responsable", report)
    email.send_keys("franck.rousseau")
    submit(guardian, "M'envoyer un code")
    assert "valide" in validation_message(guardian, "input#email")

    # A typo in the address: back before the code is confirmed.
    typo = "franck.rouseau@example.fr"
    right = "franck.rousseau@example.fr"
    guardian.find("input#email").clear()
    guardian.find("input#email").send_keys(typo)
    submit(guardian, "M'envoyer un code")
    guardian.find("input#code")
    # The wait before « Renvoyer le code » counts down, the button disabled.
    first = countdown(guardian)
    assert 55 <= first <= 60, first
    guardian.wait(lambda _d: countdown(guardian) < first, timeout=5,
                  message="the wait does not count down")
    audit(guardian, "code d'activation", report)
    # A browser without the script: the server asks to wait.
    resend_without_script(guardian)
    guardian.find_text("#educonnect_error", "avant de demander un nouveau code")
    audit(guardian, "renvoi du code trop tôt", report)
    guardian.click_text("a", "Changer d'adresse")
    assert guardian.find("input#email").get_attribute("value") == typo
    audit(guardian, "changer d'adresse", report)

    # A short wait, set as an administrator sets it, to see its end.
    wait_before = admin("ir.config_parameter", "get_param", RESEND_PARAM)
    admin("ir.config_parameter", "set_param", RESEND_PARAM, "4")
    try:
        guardian.find("input#email").clear()
        guardian.find("input#email").send_keys(right)
        submit(guardian, "M'envoyer un code")
        guardian.find_text("p", "f***@example.fr")
        started = countdown(guardian)
        assert 1 <= started <= 4, started
        # From now on, every change of the live region is counted: the
        # seconds tick elsewhere, it speaks once more, at the end.
        guardian.driver.execute_script(
            "window.educonnectLiveWrites = 0; new MutationObserver(function (r) {"
            "  window.educonnectLiveWrites += r.length; }).observe("
            "  document.getElementById('resend_wait'),"
            "  {childList: true, characterData: true, subtree: true});")
        messages, waited = smtp.wait_for(right, seconds=60)
        report("activation code arrived after %.1f s" % waited)
        from smtp_catcher import message_text
        old_code = CODE_RE.search(message_text(messages[-1]["message"])).group(1)
        guardian.wait(lambda _d: guardian.find("#resend_button").is_enabled(),
                      timeout=10, message="the button stays disabled")
        assert not guardian.find_all("#resend_tick")
        assert guardian.driver.execute_script(
            "return window.educonnectLiveWrites;") == 1
        guardian.find_text("#resend_wait[role=status]",
                           "Vous pouvez maintenant demander un nouveau code.")
        audit(guardian, "renvoi du code possible", report)
        guardian.click_text("form button[type=submit]", "Renvoyer le code")
        guardian.find_text("[role=status]", "Un nouveau code a été envoyé")
        messages, waited = smtp.wait_for(right, count=2, seconds=60)
        report("new code arrived after %.1f s" % waited)
        code = CODE_RE.search(message_text(messages[-1]["message"])).group(1)
        assert code != old_code
    finally:
        admin("ir.config_parameter", "set_param", RESEND_PARAM,
              wait_before or False)
    # The first code is dead.
    guardian.find("input#code").send_keys(old_code)
    guardian.find("input#password").send_keys(CHOSEN)
    guardian.find("input#confirm").send_keys(CHOSEN)
    submit(guardian, "Activer mon compte")
    guardian.find_text("#educonnect_error", "Le code est incorrect ou a expiré")
    guardian.find("input#code").clear()
    guardian.find("input#code").send_keys(code)
    guardian.find("input#password").send_keys(CHOSEN)
    guardian.find("input#confirm").send_keys(CHOSEN)
    submit(guardian, "Activer mon compte")
    guardian.wait(lambda d: d.current_url.rstrip("/").endswith("/my"),
                  message="the guardian does not land in the portal")
    assert_french_page(guardian, "Mon compte EduConnect")
    account = guardian.find(".o_educonnect_my_account")
    assert login in account.text and "Activé" in account.text
    children = guardian.find("table.educonnect_children").text
    assert "ROUSSEAU Inès" in children or "Inès" in children, children
    # The child's account state as the school's list shows it.
    pupil_id = data["college_pupils"][GUARDIAN]
    state = admin("educonnect.student", "read", [pupil_id], ["state"])[0]["state"]
    labels = dict(admin("educonnect.student", "fields_get", ["state"],
                        context={"lang": "fr_FR"})["state"]["selection"])
    assert "%s %s" % ("6B", labels[state]) in children, (labels[state], children)
    page = guardian.driver.page_source
    assert "Vos documents" not in page and "Your logo" not in page
    audit(guardian, "portail mon compte", report)

    guardian.click(guardian.find(".o_portal_my_details a[href='/my/account']"))
    assert_french_page(guardian, "Mes coordonnées")
    labels = [e.text for e in guardian.find_all("form.educonnect_contact_form label")]
    assert not [l for l in labels if "société" in l.lower() or "pays" in l.lower()]
    assert attr(guardian, "input#mobile", "type") == "tel"
    audit(guardian, "mes coordonnées", report)
    guardian.find("input#mobile").send_keys("06 12 34 56 78")
    guardian.find("input#current_password").send_keys("pas le bon mot de passe")
    submit(guardian, "Enregistrer mes coordonnées")
    guardian.find_text("#current_password_error", "mot de passe actuel est incorrect")
    assert "current_password_error" in attr(guardian, "input#current_password",
                                            "aria-describedby")
    audit(guardian, "mes coordonnées erreur", report)
    guardian.find("input#mobile").clear()
    guardian.find("input#mobile").send_keys("06 12 34 56 78")
    guardian.find("input#current_password").send_keys(CHOSEN)
    submit(guardian, "Enregistrer mes coordonnées")
    guardian.find_text(".alert-success", "Un code a été envoyé par SMS")
    assert guardian.find("form.educonnect_mobile_form input#code").get_attribute(
        "inputmode") == "numeric"
    audit(guardian, "confirmer le numéro", report)
    saved = admin("educonnect.guardian", "read", [data["guardians"][GUARDIAN]],
                  ["mobile", "mobile_confirmed", "email_confirmed"])[0]
    assert (saved["mobile"], saved["mobile_confirmed"], saved["email_confirmed"]) \
        == ("06 12 34 56 78", False, True)

    # The code arrives by SMS at the gateway (the suite's loopback one).
    texts, waited = sms.wait_for("+33612345678", seconds=60)
    report("SMS code arrived after %.1f s" % waited)
    assert texts[-1]["authorization"] == "Bearer cle-de-la-suite"
    sms_code = re.search(r"\b(\d{6})\b", texts[-1]["message"]).group(1)
    code = guardian.find("form.educonnect_mobile_form input#code")
    code.send_keys("12ab")
    submit(guardian, "Confirmer mon numéro")
    assert validation_message(guardian, "form.educonnect_mobile_form input#code") \
        == "Saisissez les 6 chiffres du code reçu."
    code.clear()
    code.send_keys(sms_code)
    submit(guardian, "Confirmer mon numéro")
    guardian.find_text(".alert-success[role=status]",
                       "Votre numéro de téléphone portable est confirmé.")
    assert not guardian.find_all("form.educonnect_mobile_form")
    audit(guardian, "numéro confirmé", report)
    assert admin("educonnect.guardian", "read", [data["guardians"][GUARDIAN]],
                 ["mobile_confirmed"])[0]["mobile_confirmed"] is True
    guardian.get("/my")
    guardian.find_text(".o_educonnect_my_account", "06 12 34 56 78 (confirmé par SMS)")


def test_a_locked_identifiant_is_told_for_how_long_known_or_not(
        browsers, admin, data, report):
    known = admin("educonnect.guardian", "read", [data["guardians"][GUARDIAN]],
                  ["login"])[0]["login"]
    answers = {}
    visitor = browsers("visitor")
    for login in (known, "personne.inexistante"):
        for n in range(10):
            visitor.get("/web/login")
            visitor.find("input#login").send_keys(login)
            visitor.find("input#password").send_keys("mauvais %d" % n)
            submit_login(visitor)
            visitor.find("#educonnect_error")
        visitor.get("/web/login")
        visitor.find("input#login").send_keys(login)
        visitor.find("input#password").send_keys(CHOSEN)
        submit_login(visitor)
        answers[login] = visitor.find("#educonnect_error").text
    report("lock message: %s" % answers[known])
    assert "bloquée pendant encore" in answers[known]
    assert answers[known] == answers["personne.inexistante"]
    audit(visitor, "identifiant verrouillé", report)


def test_a_guardian_follows_the_emailed_activation_link_on_a_phone(
        browsers, admin, data, smtp, odoo_url, report):
    guardian_id = data["guardians"]["FONTAINE"]      # « Notifié », an address
    address = admin("educonnect.guardian", "read", [guardian_id],
                    ["email"])[0]["email"]
    before = len(smtp.to(address))
    director = as_director(odoo_url, data["college"])
    notify(director, "educonnect.guardian.link", links_of(admin, guardian_id),
           notification_type="email")
    messages, waited = smtp.wait_for(address, count=before + 1, seconds=60)
    report("activation link arrived after %.1f s" % waited)
    from smtp_catcher import message_text
    link = re.search(r'href="([^"]*/educonnect/activation\?token=[^"]+)"',
                     message_text(messages[-1]["message"])).group(1)
    guardian = browsers("guardian")
    guardian.driver.get(link.replace("&amp;", "&"))
    assert_french_page(guardian, "Activer votre compte")
    assert attr(guardian, "input#password", "autocomplete") == "new-password"
    audit(guardian, "lien d'activation", report)
    guardian.find("input#password").send_keys("court")
    submit(guardian, "Activer mon compte")
    assert "12" in validation_message(guardian, "input#password")
    guardian.find("input#password").clear()
    guardian.find("input#password").send_keys(CHOSEN)
    guardian.find("input#confirm").send_keys(CHOSEN + " !")
    submit(guardian, "Activer mon compte")
    guardian.find_text("#educonnect_error", "différents")
    audit(guardian, "lien d'activation erreur", report)
    guardian.find("input#password").send_keys(CHOSEN)
    guardian.find("input#confirm").send_keys(CHOSEN)
    submit(guardian, "Activer mon compte")
    guardian.wait(lambda d: d.current_url.rstrip("/").endswith("/my"),
                  message="the guardian does not land in the portal")
    assert "Activé" in guardian.find(".o_educonnect_my_account").text
