"""Benchmark of the nightly statistics (issue 6): an académie-size database.

Generates E establishments of P pupils and G guardians on average (defaults:
100 × 1,000 + 2,000 = 300,000 accounts) with ``bench_data.generate_academie``
(states and origins as in section 5 of the guide), then times the nightly job over every
establishment (median of several runs, each rolled back) and prints a
Markdown row for BENCHMARKS.md.
"""
import argparse
import statistics
import time

import odoo
from odoo import SUPERUSER_ID, api

from bench_account_actions import QueryCounter
from bench_data import generate_academie


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--establishments", type=int, default=100)
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--guardians", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            start = time.time()
            # States and origins spread as in section 5 of the guide.
            generate_academie(env, args.establishments,
                              args.establishments * args.pupils,
                              args.establishments * args.guardians)
            generation = time.time() - start
            # As autovacuum would after such a load: fresh planner statistics.
            cr.execute("ANALYZE educonnect_student; ANALYZE educonnect_guardian; "
                       "ANALYZE educonnect_guardian_link")
            cr.execute("SELECT (SELECT count(*) FROM educonnect_student) + "
                       "(SELECT count(*) FROM educonnect_guardian)")
            accounts = cr.fetchone()[0]
            times, queries, lines = _measure(env, args.runs)
            companies = env["res.company"].search_count([])
    print("\n%d establishments, %d accounts (generated in %.0f s), %d statistics "
          "lines a night\n" % (companies, accounts, generation, lines))
    print("| operation | median (s) | min–max (s) | queries | target |")
    print("|---|---|---|---|---|")
    print("| Nightly statistics, every establishment | %.2f | %.2f–%.2f | %d | ≤ 30 s |"
          % (statistics.median(times), min(times), max(times),
             int(statistics.median(queries))))



def _measure(env, runs):
    """The nightly computation ``runs`` times, each rolled back: times,
    queries, statistics lines written."""
    cr = env.cr
    times, queries = [], []
    for _ in range(runs):
        cr.execute("SAVEPOINT bench")
        begin = time.time()
        with QueryCounter(cr) as counter:
            failed = env["educonnect.stats.line"]._cron_compute_statistics(
                "2026-11-28")
        times.append(time.time() - begin)
        queries.append(counter.count)
        assert not failed
        cr.execute("SELECT count(*) FROM educonnect_stats_line")
        lines = cr.fetchone()[0]
        cr.execute("ROLLBACK TO SAVEPOINT bench")
    return times, queries, lines


if __name__ == "__main__":
    main()
