"""Scenario 5: the nightly statistics run by themselves at their scheduled
time (the administrator only moves the scheduled action's next call to now);
the director opens Statistiques: the synthesis tables show the figures of
that computation, and the history graph renders."""
import datetime

from selenium.webdriver.common.by import By

from dataset import STAFF_PASSWORD, run_cron_now, today, wait_until

STATES = ("not_notified", "notified", "activated")


def test_director_sees_the_figures_of_the_day_and_the_activation_history(
        browsers, admin, data):
    admin("res.users", "write", [data["director"]],
          {"company_id": data["college"]})
    # The night comes: Odoo's cron worker runs the computation by itself.
    run_cron_now(admin, "educonnect_accounts_stats.ir_cron_compute_statistics")
    days = sorted({today().isoformat(),
                   datetime.datetime.utcnow().date().isoformat()})
    _found, waited = wait_until(lambda: admin(
        "educonnect.stats.line", "search_count",
        [("company_id", "=", data["college"]), ("date", "in", days)]),
        180, "the nightly statistics did not run")
    print("nightly statistics computed by the cron worker after %.0f s" % waited)
    nextcall = admin("ir.cron", "read", [admin.ref(
        "educonnect_accounts_stats.ir_cron_compute_statistics")], ["nextcall"])[0]
    assert nextcall["nextcall"] > (today().isoformat()), nextcall
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

    # Earlier nights, one of them missed (the server was off 3 nights):
    # each night is placed by its date, the gap shows on the axis.
    nights = [today() - datetime.timedelta(days=n) for n in (6, 5, 1)]
    earlier = [admin("educonnect.stats.line", "create", {
        "date": night.isoformat(), "company_id": data["college"],
        "population": population, "breakdown": "origin", "origin": "school",
        "state": "activated", "account_count": 10 + n, "activated_count": 10 + n})
        for n, night in enumerate(nights) for population in ("student", "guardian")]
    try:
        director.open_menu("Statistiques", "Historique de l'activation")
        director.find(".o_graph svg, .o_graph_svg_container svg")
        director.find(".o_graph .nv-lineChart, .o_graph .nv-line")
        assert not director.find_all(".o_graph .o_view_nocontent, "
                                     ".o_graph .oe_view_nocontent")
        director.screenshot("activation history graph")
        # Each point's x is its night's day (counted from the first night),
        # and the axis is drawn to that scale.
        days = director.driver.execute_script(
            "return d3.select('.o_graph svg').datum()[0].values.map(p => p.x);")
        assert any(all(first + n in days for n in (0, 1, 5, 6)) for first in days), days
        ticks = director.driver.execute_script(
            "return Array.from(document.querySelectorAll('.o_graph .nv-x .tick'))"
            ".map(t => [t.textContent, t.transform.baseVal.consolidate().matrix.e]);")
        # (The last night's tick is drawn by the axis' maximum.)
        assert 3 <= len(ticks) <= len(days), (ticks, days)
        unit = (ticks[-1][1] - ticks[0][1]) / (days[len(ticks) - 1] - days[0])
        assert unit > 0 and all(abs(x - ticks[0][1] - unit * (day - days[0])) < 2
                                for (_label, x), day in zip(ticks, days)), (ticks, days)
        assert any(label.endswith(str(nights[0].year)) for label, _x in ticks), ticks
    finally:
        admin("educonnect.stats.line", "unlink", earlier)
