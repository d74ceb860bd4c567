"""Scenario 6: the administrator opens a staff member's user form and sees,
on the « Rôles EduConnect » tab, the role that member holds in the
establishment chosen (the troubleshooting agent of the collège)."""
from selenium.webdriver.common.by import By


def test_administrator_sees_the_role_of_a_staff_member_in_the_establishment(
        browsers, admin, data):
    browser = browsers("administrator")
    browser.login("admin", "admin")
    # Configuration › Utilisateurs › the agent.
    browser.get("/web#id=%d&model=res.users&view_type=form&action=%d"
                % (data["troubleshooter"], admin.ref("base.action_res_users")))
    browser.find(".o_form_view")
    browser.idle()
    browser.click_text(".o_form_view .o_notebook .nav-tabs a",
                       "Rôles EduConnect", exact=True)
    pane = browser.find(".o_form_view .o_notebook .tab-pane.active")
    browser.find(".o_form_view .o_notebook .tab-pane.active .o_list_view")
    assert "l'établissement choisi en ce moment" in pane.text, pane.text
    headers = [" ".join(th.text.split()) for th in pane.find_elements(
        By.CSS_SELECTOR, ".o_list_view thead th") if th.text.strip()]
    assert headers[:2] == ["Établissement", "Rôle"], headers
    rows = [[" ".join(td.text.split()) for td in tr.find_elements(
        By.CSS_SELECTOR, "td")] for tr in pane.find_elements(
        By.CSS_SELECTOR, ".o_list_view tbody tr.o_data_row")]
    college = admin("res.company", "read", [data["college"]], ["name"])[0]["name"]
    assert [r[:2] for r in rows] == [[college, "Agent de dépannage (dépannage des comptes élèves)"]], rows
    browser.screenshot("roles of the troubleshooting agent")
