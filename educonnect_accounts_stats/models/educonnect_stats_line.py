import logging
import uuid

from psycopg2.extras import execute_values

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

BREAKDOWNS = [("origin", "By origin"), ("class", "By class"), ("mef", "By MEF")]
#: The column of the accounts' counts that each breakdown groups by.
BREAKDOWN_FIELDS = {"origin": "origin", "class": "class_id", "mef": "mef_id"}
#: The account counts of the accounts addon: the only way the statistics
#: read the accounts (a guardian counted once, with the class and MEF of
#: their first child, so that every breakdown adds up to the synthesis).
COUNTS = "educonnect.account.count"
#: The nightly job's counts of every establishment, read at once, while it
#: writes each establishment's lines: {token in the context: {company id:
#: rows}} (the context itself must stay hashable).
_PREFETCHED = {}


class EduconnectStatsLine(models.Model):
    """The figures of section 5 for one establishment and one night."""
    _name = "educonnect.stats.line"
    _description = "Account statistics"
    _order = "date desc, company_id, population, breakdown"
    _rec_name = "date"

    date = fields.Date(required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", string="Establishment",
                                 required=True, index=True, readonly=True,
                                 ondelete="cascade")
    population = fields.Selection([("student", "Pupils"),
                                   ("guardian", "Guardians")],
                                  required=True, readonly=True)
    breakdown = fields.Selection(BREAKDOWNS, required=True, readonly=True)
    origin = fields.Selection("_selection_origin", string="Account origin",
                              readonly=True)
    state = fields.Selection("_selection_state", string="Account state",
                             readonly=True)
    class_id = fields.Many2one("educonnect.class", string="Class",
                               readonly=True, ondelete="set null")
    mef_id = fields.Many2one("educonnect.mef", string="MEF", readonly=True,
                             ondelete="set null")
    account_count = fields.Integer(string="Number of accounts", readonly=True,
                                   group_operator="sum")
    activated_count = fields.Integer(string="Activated accounts",
                                     readonly=True, group_operator="sum")

    @api.model
    def _selection_origin(self):
        # The accounts' own values and labels (translated there).
        return self.env[COUNTS]._fields["origin"]._description_selection(
            self.env)

    @api.model
    def _selection_state(self):
        return self.env[COUNTS]._fields["state"]._description_selection(
            self.env)

    @api.model
    def _count_rows(self, company):
        """{(population, breakdown): [(key, state, count)]} of ``company``'s
        accounts. PostgreSQL counts, in one grouped read of the counts per
        establishment (every column of every breakdown at once: the
        guardians' first child is looked up once, not once per breakdown);
        the breakdowns only add up those few hundred groups. Run as the
        superuser, as the whole computation is (the nightly job; a
        director's recompute, once their role is checked): the counts'
        record rules would hide an establishment other than the one
        chosen. The nightly job reads every establishment's groups at once
        first (:meth:`_count_rows_all`): they are taken from there."""
        prefetched = _PREFETCHED.get(
            self.env.context.get("educonnect_stats_prefetch"), {})
        if company.id in prefetched:
            return prefetched[company.id]
        groups = self.env[COUNTS].read_group(
            [("company_id", "=", company.id)],
            ["account_count", "population", "state", "origin", "class_id",
             "mef_id"],
            ["population", "state", "origin", "class_id", "mef_id"],
            lazy=False)
        return self._sum_groups(groups)

    @api.model
    def _count_rows_all(self, companies):
        """{company id: what :meth:`_count_rows` returns} for ``companies``,
        from the counts' rows of all of them at once (the accounts addon's
        ``_rows_of_companies``): PostgreSQL joins the accounts of the whole
        académie once (about 15 s for 600 establishments and 1.5 million
        accounts, on a loaded 2-core machine) instead of once per
        establishment (77 s)."""
        by_company = {company.id: [] for company in companies}
        for row in self.env[COUNTS]._rows_of_companies(companies.ids):
            by_company[row["company_id"]].append(row)
        return {company: self._sum_groups(company_groups)
                for company, company_groups in by_company.items()}

    @api.model
    def _sum_groups(self, groups):
        sums = {}
        for group in groups:
            for breakdown, key in BREAKDOWN_FIELDS.items():
                value = group[key]
                if isinstance(value, tuple):  # many2one: (id, name)
                    value = value[0]
                cell = (group["population"], breakdown, value or None,
                        group["state"])
                sums[cell] = sums.get(cell, 0) + group["account_count"]
        rows = {}
        for (population, breakdown, key, state), count in sorted(
                sums.items(), key=lambda item: str(item[0])):
            rows.setdefault((population, breakdown), []).append(
                (key, state, count))
        return rows

    @api.model
    def _compute_statistics(self, company, date):
        """Replace the figures of ``company`` for ``date`` (idempotent)."""
        cr = self.env.cr
        cr.execute("DELETE FROM educonnect_stats_line "
                   "WHERE company_id = %s AND date = %s", [company.id, date])
        values = []
        counted = self._count_rows(company)
        for population in ("student", "guardian"):
            for breakdown in BREAKDOWN_FIELDS:
                for key, state, count in counted.get(
                        (population, breakdown), []):
                    values.append((
                        date, company.id, population, breakdown,
                        key if breakdown == "origin" else None,
                        state,
                        key if breakdown == "class" else None,
                        key if breakdown == "mef" else None,
                        count, count if state == "activated" else 0,
                        self.env.uid, self.env.uid))
        if values:
            # Lines are the addon's own table, written in one statement
            # (the ORM would take a query per line, hundreds per school).
            execute_values(cr, """
                INSERT INTO educonnect_stats_line (date, company_id,
                    population, breakdown, origin, state, class_id, mef_id,
                    account_count, activated_count, create_uid, write_uid,
                    create_date, write_date) VALUES %s""", values,
                template="(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                         "now() at time zone 'UTC', now() at time zone 'UTC')")
        self.invalidate_cache()

    @api.model
    def _cron_compute_statistics(self, date=None):
        """The nightly computation, every establishment in turn: one that
        fails is logged and reported, the others are computed."""
        date = date or fields.Date.context_today(self)
        companies = self.env["res.company"].search([])
        failed = []
        token = uuid.uuid4().hex
        try:
            with self.env.cr.savepoint():
                _PREFETCHED[token] = self._count_rows_all(companies)
        except Exception:
            # Each establishment then counts its own accounts.
            _logger.exception("EduConnect statistics: the counts of every "
                              "establishment at once failed")
        lines = self.with_context(educonnect_stats_prefetch=token)
        try:
            for company in companies:
                try:
                    with self.env.cr.savepoint():
                        lines._compute_statistics(company, date)
                except Exception:
                    _logger.exception("EduConnect statistics of %s (%s) "
                                      "failed", company.name,
                                      company.educonnect_uai)
                    failed.append(company)
        finally:
            _PREFETCHED.pop(token, None)
        return failed

    @api.model
    def _last_date(self, company):
        self.env.cr.execute(
            "SELECT max(date) FROM educonnect_stats_line WHERE company_id = %s",
            [company.id])
        return self.env.cr.fetchone()[0]

    @api.model
    def _stats_table(self, company, date, population, breakdown):
        """{key: {state: count}} for one table of section 5."""
        self.env.cr.execute("""
            SELECT origin, class_id, mef_id, state, account_count
              FROM educonnect_stats_line
             WHERE company_id = %s AND date = %s AND population = %s
               AND breakdown = %s""", [company.id, date, population, breakdown])
        key_index = {"origin": 0, "class": 1, "mef": 2}[breakdown]
        table = {}
        for row in self.env.cr.fetchall():
            cells = table.setdefault(row[key_index], {})
            cells[row[3]] = cells.get(row[3], 0) + row[4]
        return table
