"""The EduConnect account shared by pupils and guardians.

One abstract model, ``educonnect.account.mixin``, extended by several files,
one per responsibility (each class below ``_inherit``s the same model, which
Odoo 11 merges into one; the pupil and guardian models inherit the result):

- this file: the fields both populations share (establishment, SIECLE key,
  archive, identity, the account's state machine and its labels), the
  trigram indexes, and what staff may write or read of an account;
- ``educonnect_account_login.py``: the login registry (DDL, trigger) and
  the identifiants;
- ``educonnect_account_activation.py``: activation links, activation, the
  provisional account of a letter, sign-in locks;
- ``educonnect_account_distribution.py``: the account actions of the guide
  (notify, reset, list), letters, activation e-mails and traces.

One model rather than a chain of abstract models: the controllers, the
SIECLE import and the tests call every ``_educonnect_*`` method on the pupil
and guardian models, whatever file it lives in.
"""
from psycopg2 import sql

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError

from ..tools.crypto import decrypt_secret
from ..tools.trigram import ensure_trigram_indexes

#: The two populations of accounts, and their models: the one place that
#: names the pair (every loop over the account models reads it).
ACCOUNT_MODELS = {"student": "educonnect.student",
                  "guardian": "educonnect.guardian"}
POPULATIONS = [("student", "Pupils"), ("guardian", "Guardians")]

ACCOUNT_STATES = [
    ("not_notified", "Not notified"),
    ("notified", "Notified, not activated"),
    ("activating", "Activation in progress"),
    ("activated", "Activated"),
]
# Same order as the tables of section 5 of the guide.
ACCOUNT_ORIGINS = [
    ("aten", "ATEN"),
    ("ent", "ENT"),
    ("school", "School"),
    ("franceconnect", "FranceConnect"),
    ("self_registration", "Guardian self-registration"),
    ("unknown", "Not provided"),
]

# Accounts activated through another path: re-notifying them "peut être
# très perturbant" (guide, 4.2), the wizards warn and offer to leave them out.
SENSITIVE_ORIGINS = ("franceconnect", "self_registration", "aten", "ent")
PASSWORD_MASK = "*****"

# Which role may run each account action, in the establishment where it
# runs (on top of the read access to the accounts, which the record rules
# confine to that establishment).
ACTION_ROLES = {
    "notify": "manager",
    "list": "troubleshooter",
    "reset": "troubleshooter",
}


def population_of(model_name):
    """« student » or « guardian » for an account model's name, else None."""
    return {model: pop for pop, model in ACCOUNT_MODELS.items()}.get(model_name)


def delivery_label(self, state, date, error):
    """« Envoyé le 30/11/2026 à 14:05 », « En attente d'envoi », « Non
    remis : raison » (empty when no e-mail was sent). ``self``: the record
    shown (Odoo's ``_`` reads the language from it)."""
    if state == "sent" and date:
        local = fields.Datetime.context_timestamp(
            self, fields.Datetime.from_string(date))
        return _("Sent on %s") % local.strftime("%d/%m/%Y %H:%M")
    if state == "pending":
        return _("Waiting to be sent (another try: %s)") % error if error \
            else _("Waiting to be sent")
    if state == "failed":
        return _("Not delivered: %s") % (error or _("unknown error"))
    return ""


class EduconnectAccountMixin(models.AbstractModel):
    """The EduConnect account of a person (pupil or guardian).

    Holds the lifecycle shared by both populations: identifiant, state,
    origin, dates, e-mail and the encrypted provisional password.
    """
    _name = "educonnect.account.mixin"
    _inherit = ["educonnect.field.guard"]
    _description = "EduConnect account"

    company_id = fields.Many2one(
        "res.company", string="Establishment", required=True, index=True,
        default=lambda self: self.env.user.company_id)
    siecle_id = fields.Char(string="SIECLE id", index=True, copy=False)
    active = fields.Boolean(default=True)
    # No b-tree index on last_name: with one, PostgreSQL answers a name
    # search of the list (ORDER BY last_name, first_name LIMIT 80) by walking
    # it in order and filtering every row before the first match (1.5 s over
    # 100,000 pupils) instead of using the trigram indexes and sorting the
    # matches (40 ms).
    last_name = fields.Char(string="Last name", required=True)
    first_name = fields.Char(string="First name", index=True)
    name = fields.Char(compute="_compute_name", store=True, index=True)
    login = fields.Char(string="Login", copy=False, index=True,
                        help="EduConnect identifiant, e.g. m.adam62.")
    state = fields.Selection(
        ACCOUNT_STATES, string="Account state", required=True, index=True,
        readonly=True, copy=False, default="not_notified")
    origin = fields.Selection(
        ACCOUNT_ORIGINS, string="Account origin", required=True, index=True,
        readonly=True, copy=False, default="unknown")
    notification_date = fields.Date(string="Notification date", readonly=True,
                                    copy=False)
    last_login_date = fields.Datetime(string="Last connection date",
                                      readonly=True, copy=False)
    email = fields.Char(string="E-mail")
    email_confirmed = fields.Boolean(
        string="E-mail confirmed", readonly=True, copy=False,
        help="The holder proved this address (code or link sent to it): "
             "they can recover their password themselves.")
    provisional_password_crypt = fields.Char(
        string="Encrypted provisional password", readonly=True, copy=False,
        groups="base.group_system")
    provisional_password = fields.Char(
        string="Provisional password", compute="_compute_provisional_password",
        groups="educonnect_accounts.group_educonnect_troubleshooter",
        help="Shown only while the account is notified and not activated.")
    letter_expiry_date = fields.Date(
        string="Letter valid until", readonly=True, copy=False,
        help="The provisional password stops working after this date.")
    user_id = fields.Many2one(
        "res.users", string="Portal user", readonly=True, copy=False,
        ondelete="set null", index=True,
        help="Created when the holder activates the account.")
    # The last e-mail sent to the holder (activation link), as the SMTP
    # server answered (mail.mail reports it to the account).
    email_delivery_state = fields.Selection(
        [("pending", "Waiting to be sent"), ("sent", "Sent"),
         ("failed", "Not delivered")], string="E-mail delivery",
        readonly=True, copy=False, index=True)
    email_delivery_date = fields.Datetime(string="E-mail sent on",
                                          readonly=True, copy=False)
    email_delivery_error = fields.Char(string="E-mail delivery error",
                                       readonly=True, copy=False)
    email_delivery_label = fields.Char(
        string="Activation e-mail", compute="_compute_email_delivery_label",
        help="How the last e-mail to the holder went: sent on…, waiting, or "
             "not delivered and why.")

    # Set by each concrete model: a key of ACCOUNT_MODELS.
    _educonnect_population = None

    @api.model_cr
    def init(self):
        super().init()
        if not self._abstract:
            # The search view's « Nom ou prénom » / identifiant (ilike).
            ensure_trigram_indexes(self.env.cr, self._table,
                                   ("name", "first_name", "login"))
            # Staff see one establishment (record rules on company_id): its
            # accounts in list order, with the columns the name search
            # filters on. The first page is read in order and the count
            # from this index alone (an index-only scan of the
            # establishment's 2,000 entries), where PostgreSQL otherwise
            # intersected the trigram matches of the whole académie with
            # the establishment (a common name: 40,000 entries, 43 ms for
            # the page and as much for the count, in 1.5 million
            # accounts). It starts with company_id: an académie-wide search
            # cannot walk it in name order (see last_name above).
            self.env.cr.execute(sql.SQL(
                "CREATE INDEX IF NOT EXISTS {} ON {} (company_id, last_name, "
                "first_name, id) INCLUDE (name, login, active)").format(
                    sql.Identifier("%s_company_order_idx" % self._table),
                    sql.Identifier(self._table)))
            # The identifiants of users a new identifiant must not take,
            # by prefix (_taken_logins), case-insensitively.
            self.env.cr.execute(
                "CREATE INDEX IF NOT EXISTS educonnect_res_users_login_lower_idx"
                " ON res_users (lower(login) text_pattern_ops)")

    @api.depends("email_delivery_state", "email_delivery_date",
                 "email_delivery_error")
    def _compute_email_delivery_label(self):
        for rec in self:
            rec.email_delivery_label = delivery_label(
                rec, rec.email_delivery_state, rec.email_delivery_date,
                rec.email_delivery_error)

    @api.depends("first_name", "last_name")
    def _compute_name(self):
        for rec in self:
            rec.name = " ".join(p for p in (rec.last_name, rec.first_name) if p)

    @api.depends("state")
    def _compute_provisional_password(self):
        notified = self.filtered(lambda r: r.state == "notified")
        # The clear value is shown to those the field's groups allow; the
        # encrypted one it comes from is a system-only field.
        rows = notified.sudo().read(["provisional_password_crypt"])
        crypts = {r["id"]: r["provisional_password_crypt"] for r in rows}
        for rec in self:
            rec.provisional_password = decrypt_secret(crypts.get(rec.id))

    # -- what staff may write ----------------------------------------------

    #: What staff may change on an account over any path (form, import of
    #: the web client, RPC): the person's details. The account itself —
    #: identifiant, state, origin, dates, confirmations, the portal user,
    #: the establishment, the SIECLE key, archiving — changes only through
    #: the actions of the guide (which write as the system, traced) and the
    #: SIECLE import: a client must not skip the guide's rules by writing
    #: the fields itself. Each model adds its own details.
    _educonnect_staff_writable = frozenset({"last_name", "first_name", "email"})

    def _educonnect_check_staff_write(self, vals):
        if self.env.uid == SUPERUSER_ID:
            return
        refused = set(vals) - self._educonnect_staff_writable
        if refused:
            labels = sorted(self._fields[name].get_description(self.env)["string"]
                            if name in self._fields else name for name in refused)
            raise AccessError(_("These fields of an EduConnect account cannot "
                                "be changed: %s. They change only through the "
                                "account actions and the SIECLE import.")
                              % ", ".join(labels))

    @api.model
    def create(self, vals):
        if vals.get("login"):
            vals["login"] = vals["login"].strip()
            self._check_login_free(vals["login"])
        record = super().create(vals)
        if not record.login and not self.env.context.get("educonnect_defer_logins"):
            record._assign_logins()
        return record

    @api.multi
    def write(self, vals):
        self._educonnect_check_staff_write(vals)
        if vals.get("login"):
            vals["login"] = vals["login"].strip()
            for rec in self:
                self._check_login_free(vals["login"], exclude=rec)
        result = super().write(vals)
        # Odoo 11 checks the rules before a write only: an account must not
        # be moved to an establishment the user may not act in.
        self.check_access_rule("write")
        return result

    # -- provisional passwords shown --------------------------------------

    #: Fields that show provisional passwords: every read or export of them
    #: by staff is traced (who, when, which accounts).
    _educonnect_password_fields = ("provisional_password",)

    def _educonnect_trace_password_view(self, field_names, how):
        if self.env.uid == SUPERUSER_ID or not self or not (
                set(field_names) & set(self._educonnect_password_fields)):
            return
        # The user just read these accounts: their states are readable.
        shown = self.filtered(lambda a: a.state == "notified")
        if shown:
            self.browse(shown.ids)._educonnect_trace("password_view", how)

    @api.multi
    def read(self, fields=None, load="_classic_read"):
        result = super().read(fields=fields, load=load)
        self._educonnect_trace_password_view(fields or list(self._fields),
                                             _("Read"))
        return result

    @api.multi
    def export_data(self, fields_to_export, raw_data=False):
        result = super().export_data(fields_to_export, raw_data=raw_data)
        self._educonnect_trace_password_view(
            [path.split("/")[0] for path in fields_to_export], _("Export"))
        return result
