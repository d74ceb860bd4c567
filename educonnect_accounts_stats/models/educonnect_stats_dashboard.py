import base64

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError

STUDENT_STATES = ["not_notified", "notified", "activated"]
GUARDIAN_STATES = ["not_notified", "notified", "activating", "activated"]
ORIGIN_ROWS = ["aten", "ent", "school", "franceconnect", "self_registration",
               "unknown"]


class EduconnectStatsDashboard(models.TransientModel):
    """Statistiques: the tables of section 5 for the current establishment,
    as computed by the last night's run."""
    _name = "educonnect.stats.dashboard"
    _description = "Account statistics"

    company_id = fields.Many2one("res.company", string="Establishment",
                                 readonly=True,
                                 default=lambda self: self.env.user.company_id)
    date = fields.Date(string="Last updated on", readonly=True,
                       compute="_compute_tables")
    tables_html = fields.Html(compute="_compute_tables", sanitize=False,
                              string="Statistics")
    attachment_id = fields.Many2one("ir.attachment", readonly=True)

    @api.depends("company_id")
    def _compute_tables(self):
        for dashboard in self:
            data = dashboard._tables_data()
            dashboard.date = data["date"]
            dashboard.tables_html = self.env["ir.qweb"].render(
                "educonnect_accounts_stats.stats_tables", data).decode("utf-8")

    def _state_labels(self):
        return {
            "not_notified": _("Number of accounts not notified"),
            "notified": _("Number of accounts notified and not activated"),
            "activating": _("Number of accounts being activated"),
            "activated": _("Number of activated accounts"),
        }

    def _check_statistics_right(self, company, role="manager"):
        """Statistics are for the director and the delegated agents of the
        establishment chosen at the moment (the lines are read in SQL)."""
        if self.env.uid == SUPERUSER_ID:
            return
        user = self.env.user
        if company != user.company_id or not user._educonnect_has_role(role):
            raise AccessError(_("You are not allowed to see the statistics of "
                                "this establishment."))

    def _tables_data(self):
        """Everything the screens, the PDF and the XLSX show."""
        self = self.with_context(
            lang=self.env.context.get("lang") or self.env.user.lang or "fr_FR")
        company = self.company_id or self.env.user.company_id
        self._check_statistics_right(company)
        date = self.env["educonnect.stats.line"]._last_date(company)
        names = self._row_names(company)
        tables = []
        for population, states, what in (
                ("student", STUDENT_STATES, _("pupil")),
                ("guardian", GUARDIAN_STATES, _("guardian"))):
            for breakdown, title, first_column in (
                    ("origin", _("Summary of the %s accounts of the establishment"),
                     _("Account origin")),
                    ("class", _("Summary of the %s accounts of the establishment by class"),
                     _("Class")),
                    ("mef", _("Summary of the %s accounts of the establishment by MEF"),
                     _("MEF"))):
                table = self._section_table(company, date, population, breakdown,
                                    states, names[breakdown])
                table.update({
                    "title": title % what,
                    "headers": [first_column, _("Number of %s accounts") % what]
                    + [self._state_labels()[s] for s in states]})
                tables.append(table)
        # The order of the guide (section 5): both syntheses first, then the
        # tables by class, then those by MEF.
        tables.sort(key=lambda t: ("origin", "class", "mef").index(t["breakdown"]))
        return {
            "company": company, "date": date,
            "date_label": fields.Date.from_string(date).strftime("%d/%m/%Y")
            if date else _("Not provided"),
            "tables": tables,
        }

    def _row_names(self, company):
        """{breakdown: {key: label}}: the rows' first column."""
        origins = dict(self.env["educonnect.stats.line"]._fields["origin"]
                       ._description_selection(self.env))
        origins["unknown"] = _("N/A")
        # In school order (the classes' order: 6e → 3e, 2nde → Tle).
        classes = {c.id: c.name for c in self.env["educonnect.class"].with_context(
            active_test=False).search([("company_id", "=", company.id)])}
        mefs = {m.id: m.name for m in self.env["educonnect.mef"].with_context(
            active_test=False).search([])}
        return {"origin": origins, "class": classes, "mef": mefs}

    def _section_table(self, company, date, population, breakdown, states, names):
        """The rows and the total of one table of section 5."""
        cells = self.env["educonnect.stats.line"]._stats_table(
            company, date, population, breakdown) if date else {}
        if breakdown == "origin":
            keys = ORIGIN_ROWS
        else:
            # The order of ``names`` (classes: school order; MEF: by code),
            # rows without class or MEF last.
            rank = {key: n for n, key in enumerate(names)}
            keys = sorted(cells, key=lambda k: (k is None, rank.get(k, len(rank)),
                                                names.get(k, "")))
        rows = []
        for key in keys:
            counts = [cells.get(key, {}).get(s, 0) for s in states]
            rows.append({"label": names.get(key) or _("Not provided"),
                         "total": sum(counts), "counts": counts})
        totals = [sum(r["counts"][i] for r in rows) for i in range(len(states))]
        return {"population": population, "breakdown": breakdown, "rows": rows,
                "total": {"label": _("Total"), "total": sum(totals),
                          "counts": totals}}

    @api.multi
    def action_recompute(self):
        """Directors may recompute their establishment now."""
        self.ensure_one()
        company = self.env.user.company_id
        if self.env.uid != SUPERUSER_ID and not self.env.user._educonnect_has_role(
                "director", company):
            raise AccessError(_("Only the director can recompute the "
                                "statistics."))
        # Computed for the establishment the director holds and sees (record
        # rules are checked on reading the lines), written as the nightly job.
        self.env["educonnect.stats.line"].sudo()._compute_statistics(
            company, fields.Date.context_today(self))
        return {"type": "ir.actions.client", "tag": "reload"}

    def _download(self, name, content, mimetype):
        self.attachment_id = self.env["ir.attachment"].create({
            "name": name, "datas_fname": name, "mimetype": mimetype,
            "datas": base64.b64encode(content),
            "res_model": self._name, "res_id": self.id})
        # target "new": with "self" the web client waits for a page change
        # that a download never brings, and keeps the buttons disabled.
        return {"type": "ir.actions.act_url", "target": "new",
                "url": "/web/content/%d?download=true" % self.attachment_id.id}

    def _export_name(self, ext):
        return "%s %s %s.%s" % (_("Statistics"), self.company_id.educonnect_uai or "",
                                fields.Date.context_today(self), ext)

    def _pdf(self):
        return self.env.ref(
            "educonnect_accounts_stats.action_report_stats"
        ).render_educonnect_pdf(self.ids, {})

    def _xlsx(self):
        report = self.env.ref("educonnect_accounts_stats.action_report_stats_xlsx")
        content, _fmt = report.render_xlsx(self.ids, {})
        return content

    @api.multi
    def action_export_pdf(self):
        self.ensure_one()
        return self._download(self._export_name("pdf"), self._pdf(),
                              "application/pdf")

    @api.multi
    def action_export_xlsx(self):
        self.ensure_one()
        return self._download(
            self._export_name("xlsx"), self._xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class ReportStats(models.AbstractModel):
    _name = "report.educonnect_accounts_stats.report_stats"
    _description = "Account statistics (PDF)"

    @api.model
    def get_report_values(self, docids, data=None):
        dashboard = self.env["educonnect.stats.dashboard"].browse(docids[:1])
        return dict(dashboard._tables_data(), docs=dashboard)


class ReportStatsXlsx(models.AbstractModel):
    _name = "report.educonnect_accounts_stats.stats_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Account statistics (XLSX)"

    def generate_xlsx_report(self, workbook, data, dashboards):
        # The tabs in the user's language, as the tables (_tables_data).
        self = self.with_context(
            lang=self.env.context.get("lang") or self.env.user.lang or "fr_FR")
        values = dashboards[:1]._tables_data()
        bold = workbook.add_format({"bold": True, "bg_color": "#DDE4F0",
                                    "border": 1, "text_wrap": True})
        total = workbook.add_format({"bold": True})
        populations = {"student": _("Pupils"), "guardian": _("Guardians")}
        breakdowns = {"origin": _("by origin"), "class": _("by class"),
                      "mef": _("by MEF")}
        for table in values["tables"]:
            # « Élèves par classe »: the tab says what the table is, in the
            # user's language (31 characters at most, Excel's limit).
            name = ("%s %s" % (populations[table["population"]],
                               breakdowns[table["breakdown"]]))[:31]
            sheet = workbook.add_worksheet(name)
            sheet.write_string(0, 0, table["title"], total)
            sheet.write_string(1, 0, "%s %s" % (_("Last updated on"),
                                                 values["date_label"]))
            for col, header in enumerate(table["headers"]):
                sheet.write_string(3, col, header, bold)
                sheet.set_column(col, col, 22)
            row_index = 4
            for row in table["rows"] + [table["total"]]:
                fmt = total if row is table["total"] else None
                sheet.write_string(row_index, 0, row["label"], fmt)
                sheet.write_number(row_index, 1, row["total"], fmt)
                for col, count in enumerate(row["counts"], start=2):
                    sheet.write_number(row_index, col, count, fmt)
                row_index += 1
