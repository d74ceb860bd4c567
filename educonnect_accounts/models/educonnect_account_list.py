"""The rows of « Lister les comptes » (3.3, 4.3): one per pupil, or one per
(pupil, guardian) pair, sorted by class (school order: 6e → 3e, 2nde → Tle)
then name, with the guide's values; and the order of the letters, by class
too, so that each professeur principal gets the pack of the class.

Part of ``educonnect.account.mixin`` (see that file for the cut). Called on
the account model of the population (``env["educonnect.student"]`` or
``env["educonnect.guardian"]``) with the rows of its list: pupils, or
pupil–guardian links.
"""
from odoo import api, models

_ROWS = {
    "educonnect.student": """
        SELECT s.id, s.last_name, s.first_name, m.name, c.name, s.login
          FROM educonnect_student s
          LEFT JOIN educonnect_class c ON c.id = s.class_id
          LEFT JOIN educonnect_mef m ON m.id = s.mef_id
         WHERE s.id IN %s
         ORDER BY c.school_rank, c.name, s.last_name, s.first_name, s.id""",
    "educonnect.guardian": """
        SELECT l.guardian_id, co.educonnect_uai, co.name, s.last_name,
               s.first_name, m.name, c.name, g.last_name, g.first_name, g.login
          FROM educonnect_guardian_link l
          JOIN educonnect_student s ON s.id = l.student_id
          JOIN educonnect_guardian g ON g.id = l.guardian_id
          JOIN res_company co ON co.id = s.company_id
          LEFT JOIN educonnect_class c ON c.id = s.class_id
          LEFT JOIN educonnect_mef m ON m.id = s.mef_id
         WHERE l.id IN %s
         ORDER BY c.school_rank, c.name, s.last_name, s.first_name, l.legal_level, l.id""",
}
_KEYS = {
    "educonnect.student": ("last_name", "first_name", "mef", "class", "login"),
    "educonnect.guardian": ("uai", "school", "student_last_name",
                            "student_first_name", "mef", "class", "last_name",
                            "first_name", "login"),
}
_ORDER = {
    "educonnect.student": """
        SELECT s.id, row_number() OVER (
                 ORDER BY c.school_rank, c.name, s.last_name, s.first_name, s.id) AS n
          FROM educonnect_student s
          LEFT JOIN educonnect_class c ON c.id = s.class_id
         WHERE s.id IN %s ORDER BY n""",
    "educonnect.guardian": """
        SELECT l.id, row_number() OVER (
                 ORDER BY c.school_rank, c.name, s.last_name, s.first_name,
                          l.legal_level, l.id) AS n
          FROM educonnect_guardian_link l
          JOIN educonnect_student s ON s.id = l.student_id
          LEFT JOIN educonnect_class c ON c.id = s.class_id
         WHERE l.id IN %s ORDER BY n""",
}


#: Each account with the class its letter goes to, in the letters' order. A
#: guardian's letter goes with the first of their children in school order.
_LETTER_CLASSES = {
    "educonnect.student": """
        SELECT s.id, c.name
          FROM educonnect_student s
          LEFT JOIN educonnect_class c ON c.id = s.class_id
         WHERE s.id IN %s
         ORDER BY c.school_rank, c.name, s.last_name, s.first_name, s.id""",
    "educonnect.guardian": """
        SELECT g.id, fc.name
          FROM educonnect_guardian g
          LEFT JOIN LATERAL (
                SELECT c.school_rank, c.name
                  FROM educonnect_guardian_link l
                  JOIN educonnect_student s ON s.id = l.student_id
                  JOIN educonnect_class c ON c.id = s.class_id
                 WHERE l.guardian_id = g.id
                 ORDER BY s.active DESC, c.school_rank, c.name
                 LIMIT 1) fc ON TRUE
         WHERE g.id IN %s
         ORDER BY fc.school_rank, fc.name, g.last_name, g.first_name, g.id""",
}


class EduconnectAccountList(models.AbstractModel):
    _inherit = "educonnect.account.mixin"

    @api.model
    def _educonnect_list_accounts(self, rows):
        """The accounts of ``rows`` (pupils, or links: their guardians)."""
        if rows._name == "educonnect.guardian.link":
            return rows._educonnect_guardians()
        return rows

    @api.model
    def _educonnect_list_rows(self, rows, company=None):
        """The list's rows for ``rows`` (records of the list), each a dict
        of the guide's values with the password column.

        Read in one query: the records were found through the ORM, and are
        checked here (access rights and establishment rules), the password
        column by :meth:`_educonnect_list_password`.
        """
        rows = rows.with_env(self._educonnect_in_company(company).env)
        rows.check_access_rights("read")
        rows.check_access_rule("read")
        if not rows:
            return []
        passwords = self._educonnect_list_accounts(rows) \
            ._educonnect_list_password(company)
        self.env.cr.execute(_ROWS[self._name], [tuple(rows.ids)])
        result = []
        for account_id, *values in self.env.cr.fetchall():
            row = {key: value or "" for key, value in zip(_KEYS[self._name],
                                                          values)}
            row["password"] = passwords[account_id]
            result.append(row)
        return result

    @api.model
    def _educonnect_list_order(self, rows):
        """``rows`` in the order of the list, so that the chunks of a
        background batch, each sorted, follow one another."""
        self.env.cr.execute(_ORDER[self._name], [tuple(rows.ids)])
        return rows.browse([row[0] for row in self.env.cr.fetchall()])

    @api.multi
    def _educonnect_letter_classes(self):
        """[(account id, class name or None)] in the letters' order: by class
        in school order, then name."""
        if not self:
            return []
        self.env.cr.execute(_LETTER_CLASSES[self._name], [tuple(self.ids)])
        return self.env.cr.fetchall()

    @api.multi
    def _educonnect_letter_order(self):
        """These accounts in the letters' order (see above)."""
        return self.browse([row[0] for row in self._educonnect_letter_classes()])
