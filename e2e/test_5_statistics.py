"""Scenario 5: the director opens Statistiques: the synthesis tables show the
figures of the day's computation, and the history graph renders."""
from selenium.webdriver.common.by import By

from dataset import STAFF_PASSWORD, today

STATES = ("not_notified", "notified", "activated")


def test_director_sees_the_figures_of_the_day_and_the_activation_history(
        browsers, admin, data):
    admin("res.users", "write", [data["director"]],
          {"company_id": data["college"]})
    # The nightly computation, run now (the served Odoo has no cron thread).
    cron = admin.ref("educonnect_accounts_stats.ir_cron_compute_statistics")
    admin("ir.cron", "method_direct_trigger", [cron])
    expected = {state: admin("educonnect.student", "search_count", [
        ("company_id", "=", data["college"]), ("state", "=", state)])
        for state in STATES}

    director = browsers("director")
    director.login("direction.college", STAFF_PASSWORD)
    director.open_app("EduConnect")
    director.open_menu("Statistiques", "Synthèse")
    director.find(".o_educonnect_stats table")
    director.screenshot("statistics summary")
    assert "Dernière mise à jour le %s" % today().strftime("%d/%m/%Y") in \
        director.find(".o_educonnect_stats").text

    # The first table: the pupil accounts of the collège by origin.
    table = director.find(".o_educonnect_stats details table")
    title = director.find(".o_educonnect_stats details summary").text
    assert "élèves" in title, title
    headers = [" ".join(th.text.split()) for th in
               table.find_elements(By.CSS_SELECTOR, "thead th")]
    assert headers == ["Origine du compte", "Nombre de comptes élèves",
                       "Nombre de comptes non notifiés",
                       "Nombre de comptes notifiés et non activés",
                       "Nombre de comptes activés"], headers
    total = [td.text for td in table.find_elements(
        By.CSS_SELECTOR, "tbody tr:last-child td")]
    assert total == ["Total", str(sum(expected.values()))] + [
        str(expected[s]) for s in STATES], total
    # The collège's pupils only, not the lycée's.
    assert int(total[1]) == len(data["college_pupils"])

    director.open_menu("Statistiques", "Historique de l'activation")
    director.find(".o_graph svg, .o_graph_svg_container svg")
    director.find(".o_graph .nv-lineChart, .o_graph .nv-line")
    assert not director.find_all(".o_graph .o_view_nocontent, "
                                 ".o_graph .oe_view_nocontent")
    director.screenshot("activation history graph")
