"""The report of a SIECLE import: its lines (written in one INSERT), and
the QWeb template ``siecle_import_report`` rendered from its counts and
lines."""
from odoo import api, fields, models

from ..tools.siecle_planner import ROW_KINDS

LINE_KINDS = [("pupil", "Pupil"), ("guardian", "Guardian"),
              ("link", "Legal responsibility"), ("mef", "MEF"),
              ("quality", "Data quality")]
LINE_RESULTS = [("rejected", "Rejected"), ("archived", "Archived"),
                ("quality", "To check")]


class EduconnectSiecleImportLine(models.Model):
    """A rejected row, an archived person or a data-quality warning."""
    _name = "educonnect.siecle.import.line"
    _description = "SIECLE import report line"
    _order = "import_id, id"
    _rec_name = "reason"

    import_id = fields.Many2one("educonnect.siecle.import", required=True,
                                index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="import_id.company_id", store=False,
                                 readonly=True, string="Establishment")
    kind = fields.Selection(LINE_KINDS, string="Row", readonly=True)
    result = fields.Selection(LINE_RESULTS, readonly=True)
    line = fields.Integer(string="Line in the file", readonly=True)
    siecle_id = fields.Char(string="SIECLE id", readonly=True)
    name = fields.Char(readonly=True)
    reason = fields.Char(readonly=True)


class EduconnectSiecleImportReport(models.Model):
    _inherit = "educonnect.siecle.import"

    def _write_lines(self, lines):
        """One INSERT; each distinct reason translated once (a translation
        costs a hundred times the rest of a line)."""
        if not lines:
            return
        texts, reasons = {}, []
        for line in lines:
            if line["reason"] not in texts:
                texts[line["reason"]] = self._translate(line["reason"])
            text = texts[line["reason"]]
            reasons.append(text % line["params"] if line["params"] else text)
        self.env.cr.execute(
            "INSERT INTO educonnect_siecle_import_line (import_id, kind, "
            "result, line, siecle_id, name, reason, create_uid, write_uid, "
            "create_date, write_date) SELECT %s, v.kind, v.result, v.line, "
            "v.siecle_id, v.name, v.reason, %s, %s, now() at time zone 'UTC', "
            "now() at time zone 'UTC' FROM unnest(%s::varchar[], "
            "%s::varchar[], %s::int[], %s::varchar[], %s::varchar[], "
            "%s::varchar[]) AS v(kind, result, line, siecle_id, name, reason)",
            [self.id, self.env.uid, self.env.uid]
            + [[l[k] for l in lines] for k in ("kind", "result", "line",
                                                "siecle_id", "name")]
            + [reasons])
        self.invalidate_cache(["line_ids"], self.ids)

    @api.multi
    def _nothing_changed(self):
        self.ensure_one()
        return not any(self[f] for f in (
            "pupil_created", "pupil_updated", "pupil_archived", "pupil_absent",
            "guardian_created", "guardian_updated", "guardian_archived",
            "guardian_absent", "link_created", "link_updated", "link_removed",
            "class_created", "mef_created"))

    def _compute_report_html(self):
        for rec in self:
            rec.report_html = rec._render_report()

    def _render_report(self, max_lines=300):
        """The report as staff see it: template siecle_import_report, in the
        language of the user. A plain str: XML-RPC cannot marshal the Markup
        of a rendering (« cannot marshal Markup objects »)."""
        self.ensure_one()
        counts = {}
        for prefix in ROW_KINDS:
            absent = "link_removed" if prefix == "link" else prefix + "_absent"
            counts[prefix] = [self[field] if field in self._fields else 0
                              for field in ["%s_%s" % (prefix, c) for c in (
                                  "rows", "created", "updated", "unchanged",
                                  "archived", "rejected")] + [absent]]
        sections = {}
        for result in ("rejected", "archived", "quality"):
            lines = self.line_ids.filtered(lambda l: l.result == result)
            sections[result] = (lines[:max_lines], len(lines),
                                max(len(lines) - max_lines, 0))
        Line = self.env["educonnect.siecle.import.line"]
        html = self.env["ir.qweb"].render(
            "educonnect_accounts.siecle_import_report", {
                "rec": self, "counts": counts, "sections": sections,
                "nothing_changed": self._nothing_changed(),
                "kinds": dict(Line._fields["kind"]._description_selection(
                    self.env))})
        return html.decode() if isinstance(html, bytes) else str(html)
