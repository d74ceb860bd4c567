import logging

from odoo import _, api, fields, models

from odoo.addons.educonnect_accounts.models.educonnect_account_mixin import (
    ACCOUNT_ORIGINS, ACCOUNT_STATES)

_logger = logging.getLogger(__name__)

BREAKDOWNS = [("origin", "By origin"), ("class", "By class"), ("mef", "By MEF")]

# One statement per population and breakdown: PostgreSQL counts, never Python.
# A guardian is counted once, with the class and MEF of their first child
# (legal guardian 1 first), so that every breakdown adds up to the synthesis.
_INSERT = """
    INSERT INTO educonnect_stats_line (date, company_id, population, breakdown,
        origin, state, class_id, mef_id, account_count, activated_count,
        create_uid, write_uid, create_date, write_date)
    SELECT %(date)s, s.company_id, %(population)s, %(breakdown)s, {origin},
           s.state, {class_id}, {mef_id}, count(*),
           count(*) FILTER (WHERE s.state = 'activated'),
           %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
"""
_GROUP = """
     WHERE s.company_id = %(company)s AND s.active
     GROUP BY s.company_id, s.state, {group}
"""
_STUDENTS = _INSERT + "  FROM educonnect_student s" + _GROUP
_GUARDIANS = _INSERT + """
      FROM educonnect_guardian s
      LEFT JOIN LATERAL (
            SELECT st.class_id, st.mef_id
              FROM educonnect_guardian_link l
              JOIN educonnect_student st ON st.id = l.student_id
             WHERE l.guardian_id = s.id AND st.active
             ORDER BY l.legal_level, l.id LIMIT 1) child ON true""" + _GROUP
_COLUMNS = {
    # breakdown: (origin, class_id, mef_id, group by)
    "origin": ("s.origin", "NULL::int", "NULL::int", "s.origin"),
    "class": ("NULL", "{table}.class_id", "NULL::int", "{table}.class_id"),
    "mef": ("NULL", "NULL::int", "{table}.mef_id", "{table}.mef_id"),
}


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
    origin = fields.Selection(ACCOUNT_ORIGINS, string="Account origin",
                              readonly=True)
    state = fields.Selection(ACCOUNT_STATES, string="Account state",
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
    def _compute_statistics(self, company, date):
        """Replace the figures of ``company`` for ``date`` (idempotent)."""
        cr = self.env.cr
        cr.execute("DELETE FROM educonnect_stats_line "
                   "WHERE company_id = %s AND date = %s", [company.id, date])
        params = {"date": date, "company": company.id, "uid": self.env.uid}
        for population, query in (("student", _STUDENTS),
                                  ("guardian", _GUARDIANS)):
            table = "s" if population == "student" else "child"
            for breakdown, columns in _COLUMNS.items():
                origin, class_id, mef_id, group = (
                    c.format(table=table) for c in columns)
                cr.execute(query.format(origin=origin, class_id=class_id,
                                        mef_id=mef_id, group=group),
                           dict(params, breakdown=breakdown,
                                population=population))
        self.invalidate_cache()

    @api.model
    def _cron_compute_statistics(self, date=None):
        """The nightly computation, every establishment in turn: one that
        fails is logged and reported, the others are computed."""
        date = date or fields.Date.context_today(self)
        companies = self.env["res.company"].search([])
        failed = []
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    self._compute_statistics(company, date)
            except Exception:
                _logger.exception("EduConnect statistics of %s (%s) failed",
                                  company.name, company.educonnect_uai)
                failed.append(company)
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
