import ast
import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from ..models.educonnect_account_mixin import (ACCOUNT_MODELS, POPULATIONS,
                                               SENSITIVE_ORIGINS,
                                               population_of)

#: The lists an action may be opened from: the account models, and the
#: guardian list of the guide (one row per pupil–guardian link).
SOURCE_MODELS = tuple(ACCOUNT_MODELS.values()) + ("educonnect.guardian.link",)
#: A list's search, as the web client sends it, is a few hundred characters.
MAX_DOMAIN_LENGTH = 20000
OPERATORS = ("&", "|", "!")


def parse_domain(text):
    """The search domain the client sent, as data: parsed as a Python
    literal (never evaluated: an expression would run on the server at the
    client's choice of cost), of the shape of a domain, or ValueError."""
    if not isinstance(text, str) or len(text) > MAX_DOMAIN_LENGTH:
        raise ValueError("too long")
    try:
        tree = ast.parse(text, mode="eval")
        for node in ast.walk(tree):
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
                    and isinstance(node.operand, ast.Num):
                continue  # a negative number
            if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call, ast.Attribute,
                                 ast.Subscript, ast.Lambda)):
                raise ValueError("not a literal")
        domain = ast.literal_eval(tree)
    except (SyntaxError, TypeError, MemoryError, RecursionError) as error:
        raise ValueError(str(error))
    if not isinstance(domain, list) or not all(
            item in OPERATORS or (isinstance(item, (list, tuple))
                                  and len(item) == 3
                                  and isinstance(item[0], str)
                                  and item[1] in expression.TERM_OPERATORS)
            for item in domain):
        raise ValueError("not a domain")
    return domain


class EduconnectAccountWizardMixin(models.AbstractModel):
    """The selection of the pupil or guardian list an action applies to:
    the ticked rows, or every row of the current search."""
    _name = "educonnect.account.wizard.mixin"
    _description = "Selection of accounts"

    # Not readonly: the web client sends them back with every onchange and
    # save (they are invisible in the forms).
    population = fields.Selection(POPULATIONS, required=True)
    step = fields.Selection([("options", "Options"), ("confirm", "Confirm"),
                             ("done", "Done")], string="Step",
                            default="options", readonly=True)
    source_model = fields.Char(string="List")
    source_ids = fields.Char(string="Selected rows")
    source_domain = fields.Char(string="Search")
    scope = fields.Selection(
        [("selected", "The selected accounts"),
         ("search", "Every account of the search")],
        string="Accounts", default="selected", required=True)
    selected_count = fields.Integer(compute="_compute_counts",
                                    string="Selected accounts")
    search_count = fields.Integer(compute="_compute_counts",
                                  string="Accounts of the search")
    account_count = fields.Integer(compute="_compute_counts",
                                   string="Number of accounts")
    not_notified_count = fields.Integer(compute="_compute_counts",
                                        string="Not notified")
    notified_count = fields.Integer(compute="_compute_counts",
                                    string="Notified, not activated")
    activating_count = fields.Integer(compute="_compute_counts",
                                      string="Activation in progress")
    activated_count = fields.Integer(compute="_compute_counts",
                                     string="Activated")
    sensitive_count = fields.Integer(
        compute="_compute_counts", string="Sensitive accounts",
        help="Activated accounts, and accounts from FranceConnect, "
             "self-registration or a transition path (ATEN, ENT).")
    attachment_id = fields.Many2one("ir.attachment", string="File",
                                    readonly=True)
    result_message = fields.Char(string="Result", readonly=True)

    @api.model
    def default_get(self, field_names):
        values = super().default_get(field_names)
        ctx = self.env.context
        model = ctx.get("active_model")
        if model not in SOURCE_MODELS:
            raise UserError(_("Open this action from the list of pupils or "
                              "guardians."))
        values.update({
            "population": population_of(model) or "guardian",
            "source_model": model,
            "source_ids": ",".join(str(i) for i in ctx.get("active_ids") or []),
            # No search behind a one-row button (« Réinitialiser le mot de
            # passe ») or the list of the accounts just reset: then only the
            # selected accounts, never « every account of the search ».
            "source_domain": repr(ctx["active_domain"])
            if ctx.get("active_domain") is not None else False,
        })
        return values

    def _source_records(self, scope=None):
        if self.source_model not in SOURCE_MODELS:
            raise UserError(_("Open this action from the list of pupils or "
                              "guardians."))
        Source = self.env[self.source_model]
        if (scope or self.scope) == "search":
            if not self.source_domain:
                return Source.browse()
            try:
                domain = parse_domain(self.source_domain)
            except ValueError:
                raise UserError(_("The search of the list could not be read: "
                                  "start again from the list."))
            return Source.search(domain)
        ids = [int(i) for i in (self.source_ids or "").split(",") if i]
        # In the order of the selection (exists() answers in the table's).
        existing = set(Source.browse(ids).exists().ids)
        return Source.browse([i for i in ids if i in existing])

    def _accounts(self, scope=None):
        """The pupils or guardians (each once) the action applies to."""
        return self._account_model()._educonnect_list_accounts(
            self._source_records(scope))

    def _account_model(self):
        """The account model of the wizard's population."""
        return self.env[ACCOUNT_MODELS[self.population]]

    def _list_rows(self):
        """The rows of the lists: pupils, or (pupil, guardian) pairs."""
        records = self._source_records()
        if self.source_model == "educonnect.guardian":
            return records.mapped("link_ids")
        return records

    @api.depends("scope", "source_ids", "source_domain")
    def _compute_counts(self):
        for wizard in self:
            if wizard.source_model not in SOURCE_MODELS:
                continue
            accounts = wizard._accounts()
            wizard.selected_count = len(wizard._accounts("selected"))
            wizard.search_count = len(wizard._accounts("search")) \
                if wizard.source_domain else 0
            wizard.account_count = len(accounts)
            states = [r["state"] for r in accounts.read(["state"])]
            wizard.not_notified_count = states.count("not_notified")
            wizard.notified_count = states.count("notified")
            wizard.activating_count = states.count("activating")
            wizard.activated_count = states.count("activated")
            wizard.sensitive_count = len(wizard._sensitive(accounts))

    @api.model
    def _sensitive(self, accounts):
        """Accounts that re-notifying would disturb (guide, 4.2)."""
        return accounts.browse([
            r["id"] for r in accounts.read(["state", "origin"])
            if r["state"] == "activated" or r["origin"] in SENSITIVE_ORIGINS])

    def _attach(self, name, content, mimetype):
        # Letters and lists hold provisional passwords: not indexed, made by
        # the system (staff may not create or change such files).
        return self.env["ir.attachment"].sudo().with_context(
            educonnect_no_index=True).create({
            "name": name, "datas_fname": name,
            "datas": base64.b64encode(content), "mimetype": mimetype,
            "res_model": self._name, "res_id": self.id,
        })

    def _wizard_title(self):
        """The title of the dialog at every step (else Odoo shows « Odoo »)."""
        raise NotImplementedError

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name,
                "name": self._wizard_title(),
                "res_id": self.id, "view_mode": "form", "target": "new",
                "context": dict(self.env.context)}

    @api.multi
    def action_download(self):
        self.ensure_one()
        # target "new": with "self" the web client waits for a page change
        # that a download never brings, and keeps the buttons disabled.
        return {"type": "ir.actions.act_url", "target": "new",
                "url": "/web/content/%d?download=true" % self.attachment_id.id}

    @api.multi
    def unlink(self):
        # Files holding provisional passwords go with the wizard (the
        # transient records are vacuumed after an hour); made by the system,
        # deleted by it.
        self.env["ir.attachment"].sudo().search([
            ("res_model", "=", self._name),
            ("res_id", "in", self.ids)]).unlink()
        return super().unlink()

    def _start_batch(self, action, records, options, left_out_count=0):
        """Too many accounts for one request: a background batch over
        ``records`` (ids only, no secret), shown to the user."""
        batch = self.env["educonnect.batch"]._start(
            action, self.population, records._name, records.ids, options,
            left_out_count=left_out_count)
        self.write({"step": "done", "result_message": _(
            "%d accounts: the action runs in the background. Follow it in "
            "EduConnect › Background batches; the file will be there.")
            % batch.account_count})
        action = batch.get_formview_action()
        action["context"] = {}
        return action

    def _population_label(self):
        return _("pupil(s)") if self.population == "student" \
            else _("guardian(s)")
