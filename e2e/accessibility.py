"""The accessibility audit of the public pages: axe-core (e2e/axe, the
version pinned there) injected in the page and run with the WCAG 2.1 A and
AA rules, at a phone's width (360 px) and a desktop's (1440 px), with a
screenshot of each. The result of each page is printed in the test output;
any violation fails the test with axe's own explanation.

What axe cannot decide (« incomplete », to check by hand) is printed by rule
id on each page's line, each element with axe's reason (and the element it
blames). None is left on these pages: the one there was, color-contrast
at 360 px on the element across the bottom edge of <body> (« partially
obscured by another element [body] »: Odoo's layouts make <html> and
<body> as tall as the screen and the page overflows them), is gone since
public.css and portal.css let them grow with the page."""
import json
import pathlib

AXE_JS = pathlib.Path(__file__).resolve().parent / "axe" / "node_modules" \
    / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE, DESKTOP = 360, 1440

_RUN = """
var done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},
                   resultTypes: ['violations', 'incomplete']}).then(function (r) {
    done({version: axe.version, passes: r.passes.length,
          incomplete: r.incomplete.map(function (v) {
              return {id: v.id, nodes: v.nodes.map(function (n) {
                  var why = (n.any || []).concat(n.all || [], n.none || [])
                      .map(function (c) {
                          var related = (c.relatedNodes || []).map(function (r) {
                              return r.target.join(' '); }).join(', ');
                          return c.message + (related ? ' [' + related + ']' : '');
                      }).join(' / ');
                  return {target: n.target, why: why}; })};
          }),
          violations: r.violations.map(function (v) {
              return {id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.map(function (n) {
                          return n.target.join(' ') + ' — ' + n.failureSummary; })};
          })});
}, function (e) { done({error: String(e)}); });
"""


def set_width(browser, width):
    """The page as a phone (360 px, touch, its meta viewport obeyed) or a
    desktop screen shows it."""
    mobile = width < 600
    browser.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 780 if mobile else 1000,
        "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile})
    browser.driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled",
                                   {"enabled": mobile})


def axe(browser):
    """axe-core's result on the page shown (the script injected once)."""
    driver = browser.driver
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script(_RUN, TAGS)
    assert "error" not in result, result
    return result


def horizontal_overflow(browser):
    """Pixels the page is wider than the screen (0: nothing to scroll
    sideways, RGAA 10.11)."""
    return browser.driver.execute_script(
        "return Math.max(0, document.documentElement.scrollWidth"
        " - document.documentElement.clientWidth);")


def audit(browser, page, report, widths=(PHONE, DESKTOP)):
    """Screenshot and audit ``page`` (shown now) at each width; ``report``
    prints a line to the terminal. Fails on any violation or on a page
    wider than a phone."""
    failures = []
    for width in widths:
        set_width(browser, width)
        browser.screenshot("%s %dpx" % (page, width))
        result = axe(browser)
        overflow = horizontal_overflow(browser)
        report("axe-core %s | %-45s | %4d px | %d violations, %d rules passed, "
               "%d to check by hand %s | sideways scroll %d px" % (
                   result["version"], page, width, len(result["violations"]),
                   result["passes"], len(result["incomplete"]),
                   sorted(i["id"] for i in result["incomplete"]), overflow))
        for item in result["incomplete"]:
            for node in item["nodes"][:5]:
                where = " ".join(node["target"])
                report("    to check by hand: %s: %s — %s" % (
                    item["id"], where, node["why"]))
        for violation in result["violations"]:
            failures.append("%s @%dpx: %s (%s) %s" % (
                page, width, violation["id"], violation["impact"],
                json.dumps(violation["nodes"][:5], ensure_ascii=False)))
        if overflow > 1:
            failures.append("%s @%dpx: %d px of sideways scroll" % (
                page, width, overflow))
    set_width(browser, PHONE)
    assert not failures, "\n".join(failures)
