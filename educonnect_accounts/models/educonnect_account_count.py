from odoo import SUPERUSER_ID, api, fields, models, tools

from .educonnect_account_mixin import ACCOUNT_ORIGINS, ACCOUNT_STATES

POPULATIONS = [("student", "Pupils"), ("guardian", "Guardians")]


class EduconnectAccountCount(models.Model):
    """How many EduConnect accounts there are, for other addons.

    This read-only model (a PostgreSQL view, like Odoo's ``*.report``
    models) is the API through which other addons (the statistics of
    ``educonnect_accounts_stats``) count the accounts: they read it with the
    ORM (``read_group``, ``search_read``) and never the accounts' tables.

    One row per establishment (``company_id``), population (``student`` or
    ``guardian``), account state (``state``), account origin (``origin``),
    class (``class_id``) and MEF (``mef_id``) where there is at least one
    active account; ``account_count`` is how many. A guardian is counted
    once, with the class and MEF of their first child (legal guardian 1
    first, then the oldest link; none when no child is active), so that
    every breakdown adds up to the same total. The row ids are stable while
    the accounts do not change (the smallest account id of the row).

    Readable by the delegated agents and the directors, in the
    establishment chosen at the moment and where they administer the
    accounts (the record rules, as on the accounts).
    """
    _name = "educonnect.account.count"
    _description = "Account counts"
    _auto = False
    _order = "company_id, population, state, origin"
    _rec_name = "population"

    company_id = fields.Many2one("res.company", string="Establishment",
                                 readonly=True)
    population = fields.Selection(POPULATIONS, readonly=True)
    state = fields.Selection(ACCOUNT_STATES, string="Account state",
                             readonly=True)
    origin = fields.Selection(ACCOUNT_ORIGINS, string="Account origin",
                              readonly=True)
    class_id = fields.Many2one("educonnect.class", string="Class",
                               readonly=True)
    mef_id = fields.Many2one("educonnect.mef", string="MEF", readonly=True)
    account_count = fields.Integer(string="Number of accounts",
                                   readonly=True, group_operator="sum")

    @api.model_cr
    def init(self):
        # Even ids for pupils, odd ones for guardians: unique across both.
        # A guardian's first child: the first of their rows (pupil and
        # guardian are of the same establishment, the row's company_id is
        # the pupil's), chosen for a whole establishment at once. A filter
        # on company_id reaches the rows, the pupils and the guardians of
        # that establishment only (it is a DISTINCT ON column), and
        # PostgreSQL joins them by hashing: a lookup per guardian (LATERAL
        # … LIMIT 1) cost 100 ms per establishment of 4,000 guardians, two
        # minutes a night for 600 establishments.
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW %s AS (
                SELECT min(s.id) * 2 AS id, s.company_id,
                       'student'::varchar AS population, s.state, s.origin,
                       s.class_id, s.mef_id, count(*) AS account_count
                  FROM educonnect_student s
                 WHERE s.active
                 GROUP BY s.company_id, s.state, s.origin, s.class_id, s.mef_id
                UNION ALL
                SELECT min(g.id) * 2 + 1, g.company_id, 'guardian', g.state,
                       g.origin, child.class_id, child.mef_id, count(*)
                  FROM educonnect_guardian g
                  LEFT JOIN (
                        SELECT DISTINCT ON (l.company_id, l.guardian_id)
                               l.company_id, l.guardian_id, st.class_id,
                               st.mef_id
                          FROM educonnect_guardian_link l
                          JOIN educonnect_student st
                            ON st.id = l.student_id
                           AND st.company_id = l.company_id
                         WHERE st.active
                         ORDER BY l.company_id, l.guardian_id, l.legal_level,
                                  l.id) child
                    ON child.guardian_id = g.id
                   AND child.company_id = g.company_id
                 WHERE g.active
                 GROUP BY g.company_id, g.state, g.origin, child.class_id,
                          child.mef_id
            )""" % self._table)

    #: The columns :meth:`_rows_of_companies` returns, in order.
    ROW_COLUMNS = ("company_id", "population", "state", "origin", "class_id",
                   "mef_id", "account_count")

    @api.model
    def _rows_of_companies(self, company_ids):
        """The rows of these establishments as plain dicts (ids, no
        display names), in one query: for the nightly statistics of a whole
        académie, one pass over the accounts instead of one per
        establishment. ``read_group`` would format 100,000 groups for 600
        establishments (40 s of Python); these are the view's rows as they
        are. The record rules apply: a user other than the superuser gets
        the establishments their rules show only."""
        self.check_access_rights("read")
        company_ids = list(company_ids)
        if self.env.uid != SUPERUSER_ID:
            company_ids = [g["company_id"][0] for g in self.read_group(
                [("company_id", "in", company_ids)], ["company_id"],
                ["company_id"])]
        self.env.cr.execute(
            "SELECT %s FROM %s WHERE company_id = ANY(%%s)" % (
                ", ".join(self.ROW_COLUMNS), self._table), [company_ids])
        return [dict(zip(self.ROW_COLUMNS, row))
                for row in self.env.cr.fetchall()]
