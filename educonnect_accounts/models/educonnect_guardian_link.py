from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools.trigram import ensure_trigram_indexes
from .educonnect_account_mixin import (ACCOUNT_ORIGINS, ACCOUNT_STATES,
                                       delivery_label)

RELATIONSHIPS = [
    ("mother", "Mother"),
    ("father", "Father"),
    ("guardian", "Legal guardian"),
    ("other_family", "Other family member"),
    ("institution", "Institution (ASE)"),
    ("other", "Other"),
]


#: The guardian's account columns shown on each row of the guardian list.
ACCOUNT_COLUMNS = ("login", "email", "state", "origin", "notification_date",
                   "last_login_date", "email_delivery_state",
                   "email_delivery_date", "email_delivery_error")


class EduconnectGuardianLink(models.Model):
    """A guardian's legal responsibility for a pupil.

    The guardian list of the guide (4.1) shows one row per (pupil, guardian):
    this model is that list, with the account of the guardian alongside.
    """
    _name = "educonnect.guardian.link"
    _inherit = ["educonnect.field.guard", "educonnect.siecle.record"]
    _description = "Pupil–guardian link"
    _order = "student_name, legal_level, guardian_name, id"
    _rec_name = "guardian_name"

    student_id = fields.Many2one("educonnect.student", string="Pupil",
                                 required=True, index=True, ondelete="cascade")
    guardian_id = fields.Many2one("educonnect.guardian", string="Guardian",
                                  required=True, index=True, ondelete="cascade")
    legal_level = fields.Selection(
        [("1", "Legal guardian 1"), ("2", "Legal guardian 2")],
        string="Legal responsibility", required=True, default="1")
    relationship = fields.Selection(RELATIONSHIPS)
    company_id = fields.Many2one(related="student_id.company_id", store=True,
                                 index=True, readonly=True,
                                 string="Establishment")
    active = fields.Boolean(related="student_id.active", store=True, readonly=True)
    # The columns of 4.1, stored to search, sort and group on them.
    student_name = fields.Char(related="student_id.name", store=True,
                               readonly=True, string="Pupil name")
    class_id = fields.Many2one(related="student_id.class_id", store=True,
                               readonly=True, string="Class")
    mef_id = fields.Many2one(related="student_id.mef_id", store=True,
                             readonly=True, string="MEF")
    guardian_name = fields.Char(related="guardian_id.name", store=True,
                                readonly=True, string="Guardian name")
    # The account columns follow the guardian without being copied on each
    # row: notifying 4,000 guardians must not rewrite 5,000 rows. They are
    # read for a whole page at once (``_compute_account``), not through one
    # related field each (five passes over the page and a translated
    # selection lookup per value: 200 ms for a page of 80 rows).
    login = fields.Char(compute="_compute_account", search="_search_login",
                        string="Login")
    email = fields.Char(compute="_compute_account", search="_search_email",
                        string="E-mail")
    has_email = fields.Boolean(compute="_compute_account",
                               search="_search_has_email",
                               string="Has an e-mail")
    state = fields.Selection(ACCOUNT_STATES, compute="_compute_account",
                             search="_search_state", string="Account state")
    origin = fields.Selection(ACCOUNT_ORIGINS, compute="_compute_account",
                              search="_search_origin", string="Account origin")
    notification_date = fields.Date(compute="_compute_account",
                                    search="_search_notification_date",
                                    string="Notification date")
    last_login_date = fields.Datetime(compute="_compute_account",
                                      search="_search_last_login_date",
                                      string="Last connection date")
    email_delivery_state = fields.Selection(
        [("pending", "Waiting to be sent"), ("sent", "Sent"),
         ("failed", "Not delivered")], compute="_compute_account",
        search="_search_email_delivery_state", string="E-mail delivery")
    email_delivery_date = fields.Datetime(compute="_compute_account",
                                          string="E-mail sent on")
    email_delivery_error = fields.Char(compute="_compute_account",
                                       string="E-mail delivery error")
    email_delivery_label = fields.Char(compute="_compute_account",
                                       string="Activation e-mail")

    _sql_constraints = [
        ("student_guardian_unique", "UNIQUE(student_id, guardian_id)",
         "This guardian is already linked to this pupil."),
    ]

    @api.depends("guardian_id.login", "guardian_id.email", "guardian_id.state",
                 "guardian_id.origin", "guardian_id.notification_date",
                 "guardian_id.last_login_date", "guardian_id.email_delivery_state",
                 "guardian_id.email_delivery_date",
                 "guardian_id.email_delivery_error")
    def _compute_account(self):
        # As related fields do, read as the superuser: the rows the user may
        # see show their guardian's account. One query for the whole page.
        link_ids = tuple(i for i in self.ids if isinstance(i, int))
        accounts = {}
        if link_ids:
            self.env.cr.execute(
                "SELECT l.id, {} FROM educonnect_guardian_link l "
                "JOIN educonnect_guardian g ON g.id = l.guardian_id "
                "WHERE l.id IN %s".format(
                    ", ".join("g." + c for c in ACCOUNT_COLUMNS)), [link_ids])
            accounts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        empty = (False,) * len(ACCOUNT_COLUMNS)
        fields_ = [self._fields[name] for name in ACCOUNT_COLUMNS]
        for link in self:
            values = accounts.get(link.id)
            if values is None:  # a row not saved yet (form), or no guardian
                values = tuple(link.guardian_id[name] for name in
                               ACCOUNT_COLUMNS) if link.guardian_id else empty
            cache = {field.name: field.convert_to_cache(value, link,
                                                        validate=False)
                     for field, value in zip(fields_, values)}
            cache["has_email"] = bool(cache["email"])
            cache["email_delivery_label"] = delivery_label(
                link, cache["email_delivery_state"],
                cache["email_delivery_date"], cache["email_delivery_error"])
            link._cache.update(cache)

    def _search_login(self, operator, value):
        return [("guardian_id.login", operator, value)]

    def _search_email(self, operator, value):
        return [("guardian_id.email", operator, value)]

    def _search_has_email(self, operator, value):
        with_email = (operator == "=") == bool(value)
        return [("guardian_id.email", "!=" if with_email else "=", False)]

    def _search_state(self, operator, value):
        return [("guardian_id.state", operator, value)]

    def _search_origin(self, operator, value):
        return [("guardian_id.origin", operator, value)]

    def _search_notification_date(self, operator, value):
        return [("guardian_id.notification_date", operator, value)]

    def _search_last_login_date(self, operator, value):
        return [("guardian_id.last_login_date", operator, value)]

    def _search_email_delivery_state(self, operator, value):
        return [("guardian_id.email_delivery_state", operator, value)]

    @api.multi
    def _educonnect_guardians(self):
        """The guardians of these rows, each once, in the order of the rows
        (one query: mapping 5,000 rows through the ORM reads every column)."""
        if not self:
            return self.env["educonnect.guardian"]
        self.env.cr.execute("SELECT id, guardian_id FROM educonnect_guardian_link "
                            "WHERE id IN %s", [tuple(self.ids)])
        guardian_of = dict(self.env.cr.fetchall())
        ordered, seen = [], set()
        for link_id in self.ids:
            guardian_id = guardian_of.get(link_id)
            if guardian_id and guardian_id not in seen:
                seen.add(guardian_id)
                ordered.append(guardian_id)
        return self.env["educonnect.guardian"].browse(ordered)

    @api.model
    def create(self, vals):
        # The establishment is known from the pupil: stored at once, so that
        # the record rules (on company_id) hold while Odoo computes the other
        # columns of the new row as the user.
        if vals.get("student_id"):
            # The pupil's establishment, whatever the user may read of it
            # (the rules are checked on the new link itself).
            vals = dict(vals, company_id=self.env["educonnect.student"].sudo()
                        .browse(vals["student_id"]).company_id.id)
        return super().create(vals)

    @api.multi
    def write(self, vals):
        # Who is responsible for whom comes from SIECLE: staff may correct
        # the level and the relationship, never re-attach a row.
        if self.env.uid != SUPERUSER_ID and set(vals) - {"legal_level",
                                                         "relationship"}:
            raise AccessError(_("A pupil–guardian link can only have its "
                                "level and relationship changed; the links "
                                "come from the SIECLE import."))
        result = super().write(vals)
        # Odoo 11 checks the rules before a write only: a row must not be
        # moved to a pupil of an establishment the user may not act in.
        if "student_id" in vals:
            self.check_access_rule("write")
        return result

    @api.constrains("student_id", "guardian_id")
    def _check_same_establishment(self):
        # As superuser: the rules are checked on the link itself.
        for link in self.sudo():
            if link.student_id.company_id != link.guardian_id.company_id:
                raise ValidationError(_(
                    "A guardian can only be linked to pupils of the same "
                    "establishment."))

    @api.model_cr
    def init(self):
        super().init()
        # The search view's guardian and pupil fields (ilike).
        ensure_trigram_indexes(self.env.cr, self._table,
                               ("guardian_name", "student_name"))
