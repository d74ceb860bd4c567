"""Benchmark of the SIECLE import (issue 7).

Generates SIECLE exports (ElevesSansAdresses, ResponsablesAvecAdresses,
Nomenclature) of N pupils and M legal guardians (families of two, some
siblings, 5 % of pupils with a non-legal contact who is rejected), then
measures, each as the median of several runs rolled back between runs:
  - the preview (read, check and plan, nothing written);
  - the first import into an empty establishment (the target: 5,000 pupils
    and 9,000 guardians in 60 s at most);
  - the re-import of the same export (nothing changes);
  - the re-import of next year's export (every pupil changes class, 10 %
    left, new pupils and guardians).
Run through `bin/bench siecle`; prints a Markdown table for BENCHMARKS.md.
"""
import argparse
import os
import re
import sys
import time

import psutil

import odoo
from odoo import SUPERUSER_ID, api

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_account_actions import measure  # noqa: E402

UAI = "0599999Y"


def next_year(exports, pupils):
    """The export a year later: classes renamed, 10 % left, 10 % new."""
    eleves = exports["eleves"].decode("iso-8859-15")
    eleves = re.sub(r"<CODE_STRUCTURE>(\d)", lambda m: "<CODE_STRUCTURE>N%s"
                    % m.group(1), eleves)
    left = 0

    def leave(match):
        nonlocal left
        if int(match.group(1)) % 10 == 0:
            left += 1
            return match.group(0).replace(
                "<DATE_ENTREE>", "<DATE_SORTIE>05/07/2026</DATE_SORTIE>"
                "<DATE_ENTREE>")
        return match.group(0)
    eleves = re.sub(r'<ELEVE ELEVE_ID="(\d+)".*?</ELEVE>', leave, eleves)
    return eleves.encode("iso-8859-15"), left


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--pupils", type=int, default=5000)
    parser.add_argument("--guardians", type=int, default=9000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"lang": "fr_FR",
                                                     "tracking_disable": True})
            rows, info = run(env, args.pupils, args.guardians, args.runs)
            cr.rollback()
    _print_report(rows, info)


def run(env, pupils, guardians, runs, commit=True):
    """Generate the exports, create the establishment, measure; returns
    (rows, a sentence on the exports). ``commit``: commit the establishment
    and the first import before the re-imports (a fresh bench database);
    without, everything stays in the caller's transaction (the académie
    database is kept: the caller rolls back)."""
    from odoo.addons.educonnect_accounts.tests.siecle_fixtures import (
        generate_exports)
    cr = env.cr
    start = time.time()
    exports = generate_exports(UAI, pupils=pupils, families=guardians // 2,
                               seed=2026)
    generation = time.time() - start
    files = [("ElevesSansAdresses.xml", exports["eleves"]),
             ("ResponsablesAvecAdresses.xml", exports["responsables"]),
             ("Nomenclature.xml", exports["nomenclature"])]
    sizes = sum(len(d) for _n, d in files) / 2 ** 20
    company = env["res.company"].create({
        "name": "Collège de mesure SIECLE", "educonnect_uai": UAI,
        "educonnect_type": "clg", "educonnect_academy": "lille"})
    env.user.write({"company_ids": [(4, company.id)],
                    "company_id": company.id})
    if commit:
        cr.commit()
    Import = env["educonnect.siecle.import"]
    rows = [measure(env, runs, "Preview (read, check, plan)",
                    _run(Import, files, False)),
            measure(env, runs, "First import into an empty establishment",
                    _run(Import, files, True))]
    record = Import._siecle_run(files, apply=True)
    if commit:
        cr.commit()
    env.cache.invalidate()
    rows.append(measure(env, runs, "Re-import of the same export",
                        _run(Import, files, True)))
    changed, left = next_year(exports, pupils)
    rows.append(measure(env, runs,
                        "Re-import: every pupil changes class, %d left" % left,
                        _run(Import, [("ElevesSansAdresses.xml", changed)]
                             + files[1:], True)))
    students = env["educonnect.student"].search_count(
        [("company_id", "=", company.id)])
    guardian_count = env["educonnect.guardian"].search_count(
        [("company_id", "=", company.id)])
    assert students == record.pupil_created, students
    return rows, ("%d pupils, %d legal guardians, %.1f MiB of XML (generated "
                  "in %.1f s); after the first import: %d pupils, %d "
                  "guardians" % (pupils, guardians, sizes, generation,
                                 students, guardian_count))


def _run(Import, files, apply):
    def go():
        rec = Import._siecle_run(files, apply=apply)
        return ("%d pupils, %d guardians, %d responsibilities created; %d "
                "updated; %d archived; %d rows rejected; %d unchanged" % (
                    rec.pupil_created, rec.guardian_created, rec.link_created,
                    rec.pupil_updated + rec.guardian_updated,
                    rec.pupil_archived + rec.pupil_absent
                    + rec.guardian_archived + rec.guardian_absent,
                    rec.pupil_rejected + rec.guardian_rejected
                    + rec.link_rejected,
                    rec.pupil_unchanged + rec.guardian_unchanged
                    + rec.link_unchanged))
    return go


def _print_report(rows, exports):
    cpu = ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(l.split(":", 1)[1].strip() for l in handle
                       if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("\nMachine: %s, %d cores, %.0f GiB; %s" % (
        cpu, psutil.cpu_count(), psutil.virtual_memory().total / 2 ** 30,
        time.strftime("%Y-%m-%d")))
    print("Exports: %s\n" % exports)
    print("| operation | median (s) | min–max (s) | queries | what |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| %s | %.2f | %.2f–%.2f | %d | %s |" % (
            row["label"], row["median"], row["min"], row["max"],
            row["queries"], row["detail"]))


if __name__ == "__main__":
    main()
