"""Scenario 7: the platform runs by itself, as a school's server does for
months. Odoo is served as in production (HTTP workers, a cron worker, the
queue_job runner, the outgoing mail server set in the general settings); the
tests do only what people do, in the browser or over RPC — nobody runs a
scheduled action or the mail queue:

- a guardian's codes (letter activation, self-registration, recovery) reach
  the mailbox within a minute, and work;
- a mail the SMTP server refuses is tried again, then shown « Non remis »,
  and « Renvoyer le courriel » sends it once the relay takes it;
- the nightly statistics and the statistics e-mail run at their time (the
  administrator only moves their next call to now), the report reaching
  the directors of each establishment and nobody else;
- a background batch of 1,000 letters completes through the job runner.
"""
import base64
import datetime
import re
import subprocess
import tempfile

import requests

from dataset import (COLLEGE, LYCEE, STAFF_PASSWORD, Rpc, run_cron_now, today,
                     wait_until)
from smtp_catcher import message_text

CHOSEN = "Une phrase de passe pour la famille"
CODE_RE = re.compile(r"<strong>(\d{6})</strong>")


def form_token(session, url):
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[-500:]
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def code_in(message):
    return CODE_RE.search(message_text(message)).group(1)


def as_director(odoo_url, company):
    """The director over RPC, in ``company`` (as chosen on the Accueil)."""
    director = Rpc(odoo_url, director_db(), "direction.college", STAFF_PASSWORD)
    director("res.users", "write", [director.uid], {"company_id": company})
    return director


def director_db():
    import os
    return os.environ["E2E_DB"]


def notify(user, model, ids, **values):
    """« (Re)notifier les comptes » on ``ids`` of the list ``model``, as the
    list's Action menu does; returns the wizard (or the batch's action)."""
    context = {"active_model": model, "active_ids": ids,
               "active_domain": [("id", "in", ids)], "lang": "fr_FR"}
    wizard = user("educonnect.notify.wizard", "create", values, context=context)
    user("educonnect.notify.wizard", "action_next", [wizard], context=context)
    result = user("educonnect.notify.wizard", "action_confirm", [wizard],
                  context=context)
    return wizard, result


def links_of(admin, guardian_id):
    return admin("educonnect.guardian.link", "search",
                 [("guardian_id", "=", guardian_id)])


def test_a_guardian_activating_with_the_letter_gets_the_code_within_a_minute(
        admin, data, smtp, odoo_url):
    guardian_id = data["guardians"]["DUPONT"]       # « Non notifié »
    director = as_director(odoo_url, data["college"])
    wizard, _result = notify(director, "educonnect.guardian.link",
                             links_of(admin, guardian_id),
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
    login = re.search(r"Identifiant\s*:\s*(\S+)", text).group(1)
    provisional = re.search(r"Mot de passe provisoire\s*:\s*(\S+)", text).group(1)

    guardian = requests.Session()
    token = form_token(guardian, odoo_url + "/web/login")
    answer = guardian.post(odoo_url + "/web/login", data={
        "csrf_token": token, "login": login, "password": provisional},
        timeout=30)
    assert "/educonnect/first-login" in answer.url, answer.url
    address = "isabelle.dupont@example.fr"
    token = form_token(guardian, odoo_url + "/educonnect/first-login")
    page = guardian.post(odoo_url + "/educonnect/first-login", data={
        "csrf_token": token, "email": address}, timeout=30)
    assert "code" in page.text.lower()
    messages, waited = smtp.wait_for(address, seconds=60)
    print("letter activation code arrived after %.1f s" % waited)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = guardian.post(odoo_url + "/educonnect/first-login/code", data={
        "csrf_token": token, "code": code_in(messages[-1]["message"]),
        "password": CHOSEN, "confirm": CHOSEN}, timeout=30)
    assert done.status_code == 200, done.text[-500:]
    account = admin("educonnect.guardian", "read", [guardian_id],
                    ["state", "email_confirmed"])[0]
    assert (account["state"], account["email_confirmed"]) == ("activated", True)


def test_a_guardian_without_letter_registers_with_a_code_within_a_minute(
        admin, data, smtp, odoo_url):
    guardian_id = data["guardians"]["GARCIA"]        # « Non notifié »
    pupil = admin("educonnect.student", "read", [data["college_pupils"]["GARCIA"]],
                  ["birth_date"])[0]
    address = "valerie.garcia@example.fr"
    session = requests.Session()
    token = form_token(session, odoo_url + "/educonnect/self-registration")
    page = session.post(odoo_url + "/educonnect/self-registration", data={
        "csrf_token": token, "last_name": "Garcia", "first_name": "Valérie",
        "child_last_name": "GARCIA", "child_first_name": "Hugo",
        "child_birth_date": pupil["birth_date"], "contact": address},
        timeout=30)
    assert page.status_code == 200
    messages, waited = smtp.wait_for(address, seconds=60)
    print("self-registration code arrived after %.1f s" % waited)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = session.post(odoo_url + "/educonnect/self-registration/code", data={
        "csrf_token": token, "code": code_in(messages[-1]["message"]),
        "password": CHOSEN, "confirm": CHOSEN}, timeout=30)
    assert "Votre compte EduConnect est activé" in done.text, done.text[-800:]
    account = admin("educonnect.guardian", "read", [guardian_id],
                    ["state", "origin"])[0]
    assert (account["state"], account["origin"]) == ("activated",
                                                     "self_registration")


def test_an_activated_guardian_recovers_the_password_with_a_code_within_a_minute(
        admin, data, smtp, odoo_url):
    # Activated by the first test, with a confirmed address.
    guardian_id = data["guardians"]["DUPONT"]
    account = admin("educonnect.guardian", "read", [guardian_id],
                    ["login", "email_confirmed"])[0]
    assert account["email_confirmed"]
    address = "isabelle.dupont@example.fr"
    before = len(smtp.to(address))
    session = requests.Session()
    token = form_token(session, odoo_url + "/educonnect/forgot-password")
    page = session.post(odoo_url + "/educonnect/forgot-password", data={
        "csrf_token": token, "login": account["login"]}, timeout=30)
    messages, waited = smtp.wait_for(address, count=before + 1, seconds=60)
    print("recovery code arrived after %.1f s" % waited)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    new_password = "Un tout nouveau mot de passe"
    session.post(odoo_url + "/educonnect/forgot-password/code", data={
        "csrf_token": token, "code": code_in(messages[-1]["message"]),
        "password": new_password, "confirm": new_password}, timeout=30)
    assert Rpc(odoo_url, director_db(), account["login"], new_password).uid


def test_a_refused_email_is_retried_then_shown_not_delivered_and_sent_again(
        admin, data, smtp, odoo_url, browsers):
    guardian_id = data["guardians"]["BERNARD"]       # « Non notifié »
    address = "helene.bernard@example.fr"
    smtp.refuse.add(address)
    director = as_director(odoo_url, data["college"])
    notify(director, "educonnect.guardian.link", links_of(admin, guardian_id),
           notification_type="email")

    def state():
        return admin("educonnect.guardian", "read", [guardian_id],
                     ["email_delivery_state"])[0]["email_delivery_state"]
    _failed, waited = wait_until(lambda: state() == "failed", 240,
                                 "the refused mail is not shown failed")
    print("refused mail tried %d times, shown « non remis » after %.0f s"
          % (smtp.tries[address], waited))
    assert smtp.tries[address] >= 2, "the refused mail was not tried again"

    browser = browsers("director")
    browser.login("direction.college", STAFF_PASSWORD)
    browser.open_app("EduConnect")
    browser.open_menu("Responsables")
    browser.wait_list()
    browser.toggle_filter("Courriel non remis")
    rows = browser.rows()
    assert len(rows) == 1 and rows[0][3].startswith("BERNARD"), rows
    label = open_row_and_read(browser, "Courriel d'activation")
    assert label.startswith("Non remis : ") and "451" in label, label
    browser.screenshot("e-mail not delivered")

    # The relay takes it again: « Renvoyer le courriel d'activation ».
    smtp.refuse.discard(address)
    browser.driver.back()
    browser.wait_list()
    browser.select_all()
    browser.action("Renvoyer le courriel d'activation", dialog=False)
    messages, waited = smtp.wait_for(address, seconds=60)
    assert "/educonnect/activation?token=" in message_text(messages[-1]["message"])
    wait_until(lambda: state() == "sent", 30, "the guardian is not shown sent")
    browser.wait_list()
    browser.search_field("Responsable", "BERNARD")
    label = open_row_and_read(browser, "Courriel d'activation")
    assert label.startswith("Envoyé le "), label
    browser.screenshot("e-mail sent again")


def open_row_and_read(browser, label):
    """Open the first row of the list; the value of the field ``label``."""
    browser.click(browser.find(".o_list_view tbody tr.o_data_row td:nth-child(2)"))
    browser.find(".o_form_view")
    cell = browser.find_text(".o_form_view td.o_td_label", label)
    return cell.find_element("xpath", "following-sibling::td[1]").text.strip()


def test_the_night_runs_by_itself_and_the_report_reaches_each_establishments_directors(
        admin, data, smtp, odoo_url):
    college, lycee = data["college"], data["lycee"]
    # The lycée's proviseure also belongs to the collège's staff (without
    # any role there): she must not get the collège's report.
    proviseure = admin("res.users", "create", {
        "login": "direction.lycee", "name": "Hélène Vasseur (proviseure)",
        "password": STAFF_PASSWORD, "email": "direction.lycee@ac-lille.example",
        "company_id": lycee, "company_ids": [(6, 0, [lycee, college])],
        "groups_id": [(6, 0, [admin.ref("base.group_user"),
                              admin.ref("base.group_multi_company")])]})
    admin("educonnect.delegation", "create", {
        "user_id": proviseure, "company_id": lycee, "role": "director"})
    for company in (college, lycee):
        director = as_director(odoo_url, company)
        director("res.company", "write", [company], {
            "educonnect_stats_frequency": "daily",
            "educonnect_stats_next_send": today().isoformat()})
    before = len(smtp.messages)
    run_cron_now(admin, "educonnect_accounts_stats.ir_cron_compute_statistics")
    run_cron_now(admin, "educonnect_accounts_stats.ir_cron_send_stats_reports")

    def reports():
        return [m for m in smtp.messages[before:]
                if "Statistiques des comptes EduConnect" in m["message"]["Subject"]]
    _found, waited = wait_until(lambda: len(reports()) >= 3, 180,
                                "the statistics reports did not leave")
    print("statistics reports received after %.0f s" % waited)
    to = {}
    for message in reports():
        school = COLLEGE["name"] if COLLEGE["name"] in message["message"]["Subject"] \
            else LYCEE["name"]
        to.setdefault(school, set()).update(message["to"])
    assert to == {
        COLLEGE["name"]: {"direction.college@ac-lille.example"},
        LYCEE["name"]: {"direction.college@ac-lille.example",
                        "direction.lycee@ac-lille.example"},
    }, to
    assert not [m for m in reports()
                if "depannage.college@ac-lille.example" in m["to"]]
    for message in reports():
        assert "ac-lille.example" in message["message"]["From"], message["message"]["From"]
    days = {today().isoformat(), datetime.datetime.utcnow().date().isoformat()}
    assert admin("educonnect.stats.line", "search_count", [
        ("company_id", "=", college), ("date", "in", sorted(days))])


def test_a_batch_of_1000_letters_completes_through_the_job_runner(
        admin, data, odoo_url):
    lycee = data["lycee"]
    klass = data["classes"]["2nde 1"]
    admin.run_code("educonnect.student", (
        "company = env['res.company'].browse(%d)\n"
        "klass = env['educonnect.class'].browse(%d)\n"
        "Student = env['educonnect.student'].with_context(\n"
        "    tracking_disable=True, educonnect_defer_logins=True)\n"
        "for n in range(1000):\n"
        "    Student.create({'last_name': 'LOT%%04d' %% n, 'first_name': 'Élève',"
        " 'class_id': klass.id, 'mef_id': klass.mef_id.id,"
        " 'company_id': company.id})\n") % (lycee, klass))
    ids = admin("educonnect.student", "search",
                [("company_id", "=", lycee), ("last_name", "=like", "LOT%")])
    assert len(ids) == 1000
    director = as_director(odoo_url, lycee)
    _wizard, action = notify(director, "educonnect.student", ids,
                             notification_type="letter")
    assert action["res_model"] == "educonnect.batch", action
    batch_id = action["res_id"]

    def batch():
        return director("educonnect.batch", "read", [batch_id],
                        ["state", "done_count", "attachment_id",
                         "result_message"])[0]
    done, waited = wait_until(lambda: batch()["state"] in ("done", "failed")
                              and batch(), 600, "the batch did not finish")
    print("batch of 1,000 letters done through the job runner in %.0f s" % waited)
    assert done["state"] == "done", done
    assert done["done_count"] == 1000
    pdf = base64.b64decode(director("ir.attachment", "read",
                                    [done["attachment_id"][0]], ["datas"])[0]["datas"])
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], check=True,
                              stdout=subprocess.PIPE).stdout.decode()
    assert re.search(r"Pages:\s+1000\b", info), info
    states = admin("educonnect.student", "read_group",
                   [("id", "in", ids)], ["state"], ["state"])
    assert [(s["state"], s["state_count"]) for s in states] == [("notified", 1000)]


def test_staff_see_the_schools_platform_not_odoo(browsers, data):
    """Issue 14: no « Propulsé par Odoo », no Odoo documentation, support or
    Odoo.com account, « Identifiant » on the login page, the tab reads
    EduConnect."""
    browser = browsers("director")
    browser.get("/web/login")
    page = browser.driver.page_source
    assert "Identifiant" in browser.find("label[for=login]").text
    for odoo in ("Propulsé par", "Powered by", "odoo.com"):
        assert odoo not in page, odoo
    browser.login("direction.college", STAFF_PASSWORD)
    browser.wait(lambda d: "EduConnect" in d.title and "Odoo" not in d.title,
                 message="the tab title still says Odoo")
    assert "odoo.com" not in browser.driver.page_source
    browser.click(browser.find(".o_user_menu > a"))
    items = [" ".join(a.text.split()) for a in browser.find_all(
        ".o_user_menu .dropdown-menu li a")]
    assert items == ["Préférences", "Déconnexion"], items
    browser.screenshot("user menu")
