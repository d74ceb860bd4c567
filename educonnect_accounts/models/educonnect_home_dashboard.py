"""The dashboard of the Accueil: activation rates (overall and per class, as
bars) and what is left to do — accounts not notified, letters that expire
within 30 days, locked accounts, e-mails not delivered — each a link to the
list filtered on it. Counted as the user (the record rules confine every
figure to the establishment chosen)."""
import datetime

from odoo import _, api, fields, models
from odoo.tools import html_escape

STUDENT_ACTION = "educonnect_accounts.educonnect_student_action"
TROUBLESHOOTING_ACTION = \
    "educonnect_accounts.educonnect_student_action_troubleshooting"
GUARDIAN_ACTION = "educonnect_accounts.educonnect_guardian_link_action"
#: « Courriers qui expirent dans 30 jours ».
EXPIRY_DAYS = 30


class EduconnectHomeDashboard(models.AbstractModel):
    _name = "educonnect.home.dashboard"
    _description = "EduConnect dashboard"

    # The Accueil's own field (declared here for the dependencies below).
    company_id = fields.Many2one(
        "res.company", string="Current establishment", readonly=True,
        default=lambda self: self.env.user.company_id)
    student_count = fields.Integer(compute="_compute_counts", string="Pupils")
    guardian_count = fields.Integer(compute="_compute_counts",
                                    string="Guardians")
    student_activated_count = fields.Integer(
        compute="_compute_counts", string="Pupils activated")
    guardian_activated_count = fields.Integer(
        compute="_compute_counts", string="Guardians activated")
    student_rate = fields.Float(compute="_compute_counts",
                                string="Activation rate of the pupils")
    guardian_rate = fields.Float(compute="_compute_counts",
                                 string="Activation rate of the guardians")
    # « 357 / 433 activés » under each bar (a field shown once per form:
    # Odoo 11 gives a field one widget, whatever its places).
    student_rate_label = fields.Char(compute="_compute_counts",
                                     string="Pupils activated out of all")
    guardian_rate_label = fields.Char(compute="_compute_counts",
                                      string="Guardians activated out of all")
    student_not_notified_count = fields.Integer(
        compute="_compute_counts", string="Pupils not notified")
    guardian_not_notified_count = fields.Integer(
        compute="_compute_counts", string="Guardians not notified")
    student_expiring_count = fields.Integer(
        compute="_compute_counts", string="Pupil letters expiring in 30 days")
    guardian_expiring_count = fields.Integer(
        compute="_compute_counts",
        string="Guardian letters expiring in 30 days")
    student_locked_count = fields.Integer(
        compute="_compute_counts", string="Pupil accounts locked")
    guardian_locked_count = fields.Integer(
        compute="_compute_counts", string="Guardian accounts locked")
    undelivered_email_count = fields.Integer(
        compute="_compute_counts", string="E-mails not delivered")
    class_rates = fields.Html(compute="_compute_class_rates",
                              string="Activation by class", sanitize=False)

    # -- the filters, shared by the counts and the links --------------------

    @api.model
    def _dashboard_domains(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        until = today + datetime.timedelta(days=EXPIRY_DAYS)
        return {
            "activated": [("state", "=", "activated")],
            "not_notified": [("state", "=", "not_notified")],
            "expiring": [("state", "=", "notified"),
                         ("letter_expiry_date", ">=", fields.Date.to_string(today)),
                         ("letter_expiry_date", "<=", fields.Date.to_string(until))],
            "locked": [("educonnect_locked", "=", True)],
            "undelivered": [("email_delivery_state", "=", "failed")],
        }

    def _guardians_readable(self):
        # Troubleshooting agents see pupils only, and so does everybody in
        # the troubleshooting module.
        if self.env.context.get("troubleshooting_home"):
            return False
        return self.env["educonnect.guardian"].check_access_rights(
            "read", raise_exception=False)

    @api.depends("company_id")
    def _compute_counts(self):
        domains = self._dashboard_domains()
        for home in self:
            # Every figure set, also those a role does not see (zero).
            for name, field in self._fields.items():
                if field.compute == "_compute_counts":
                    home[name] = "" if field.type == "char" else 0
            company = [("company_id", "=", home.company_id.id)]
            for population in ("student", "guardian"):
                Model = self.env["educonnect.%s" % population]
                if population == "guardian" and not self._guardians_readable():
                    continue
                total = Model.search_count(company)
                counts = {key: Model.search_count(company + domain)
                          for key, domain in domains.items()
                          if key != "undelivered" or population == "guardian"}
                home["%s_count" % population] = total
                home["%s_activated_count" % population] = counts["activated"]
                home["%s_rate" % population] = \
                    100.0 * counts["activated"] / total if total else 0.0
                home["%s_rate_label" % population] = _("%d / %d activated") % (
                    counts["activated"], total)
                for key in ("not_notified", "expiring", "locked"):
                    home["%s_%s_count" % (population, key)] = counts[key]
                if population == "guardian":
                    home.undelivered_email_count = counts["undelivered"]

    @api.depends("company_id")
    def _compute_class_rates(self):
        for home in self:
            home.class_rates = home._class_rates_html()

    def _class_counts(self, model, domain):
        """{class id: number of rows of ``model`` matching ``domain``}."""
        groups = self.env[model].read_group(domain, ["class_id"], ["class_id"])
        return {g["class_id"][0]: g["class_id_count"]
                for g in groups if g["class_id"]}

    def _class_rates_html(self):
        """One line per class, in school order: a bar for the pupils and one
        for the guardians (one per pupil–guardian pair of the class)."""
        company = [("company_id", "=", self.company_id.id)]
        activated = [("state", "=", "activated")]
        classes = self.env["educonnect.class"].search(company)
        columns = [("educonnect.student", _("Pupils"))]
        if self._guardians_readable():
            columns.append(("educonnect.guardian.link", _("Guardians")))
        counts = [(self._class_counts(model, company),
                   self._class_counts(model, company + activated))
                  for model, _label in columns]
        if not classes:
            return "<p>%s</p>" % html_escape(_("No class in this establishment yet."))
        head = "".join("<th>%s</th>" % html_escape(label) for _m, label in columns)
        rows = []
        for klass in classes:
            cells = "".join(self._bar(done.get(klass.id, 0), total.get(klass.id, 0))
                            for total, done in counts)
            rows.append('<tr class="o_educonnect_class_rate"><th>%s</th>%s</tr>'
                        % (html_escape(klass.name), cells))
        return ('<table class="table table-condensed o_educonnect_class_rates">'
                '<thead><tr><th>%s</th>%s</tr></thead><tbody>%s</tbody></table>'
                % (html_escape(_("Class")), head, "".join(rows)))

    @staticmethod
    def _bar(done, total):
        rate = int(round(100.0 * done / total)) if total else 0
        return ('<td><div class="progress" style="margin:0;min-width:12em;" '
                'title="%(done)d / %(total)d"><div class="progress-bar" '
                'role="progressbar" style="width:%(rate)d%%;"></div></div>'
                '<small>%(rate)d %% (%(done)d / %(total)d)</small></td>'
                % {"done": done, "total": total, "rate": rate})

    # -- the links ------------------------------------------------------------

    @api.model
    def _open(self, xmlid, domain=None, name=None, context=None):
        action = self.env.ref(xmlid).read()[0]
        if domain is not None:
            action["domain"] = domain
        if name:
            action["name"] = name
        action["context"] = context or {}
        return action

    def _student_list(self):
        # The troubleshooting module opens its own list (reset buttons).
        return TROUBLESHOOTING_ACTION if self.troubleshooting_only \
            else STUDENT_ACTION

    @api.multi
    def action_open_students(self):
        return self._open(self._student_list())

    @api.multi
    def action_open_guardians(self):
        return self._open(GUARDIAN_ACTION)

    @api.multi
    def action_open_students_not_notified(self):
        return self._open(self._student_list(), context={
            "search_default_state_not_notified": 1})

    @api.multi
    def action_open_guardians_not_notified(self):
        return self._open(GUARDIAN_ACTION, context={
            "search_default_state_not_notified": 1})

    @api.multi
    def action_open_students_expiring(self):
        return self._open(self._student_list(),
                          domain=self._dashboard_domains()["expiring"],
                          name=_("Pupil letters expiring within 30 days"))

    @api.multi
    def action_open_guardians_expiring(self):
        domain = [("guardian_id.%s" % f, op, v) for f, op, v
                  in self._dashboard_domains()["expiring"]]
        return self._open(GUARDIAN_ACTION, domain=domain,
                          name=_("Guardian letters expiring within 30 days"))

    @api.multi
    def action_open_students_locked(self):
        return self._open(self._student_list(), context={
            "search_default_locked": 1})

    @api.multi
    def action_open_guardians_locked(self):
        return self._open(GUARDIAN_ACTION,
                          domain=[("guardian_id.educonnect_locked", "=", True)],
                          name=_("Locked guardian accounts"))

    @api.multi
    def action_open_undelivered_emails(self):
        """The guardians whose activation e-mail did not arrive."""
        return self._open(GUARDIAN_ACTION, context={
            "search_default_email_not_delivered": 1})
