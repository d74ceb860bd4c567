from lxml import etree

from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from .common import EduconnectCase


class SearchViewMixin(object):
    """Apply the filters of a model's search view as the web client does:
    filters of one group are OR-ed, groups are AND-ed."""

    def filter_domains(self, model):
        view = self.env[model].fields_view_get(view_type="search")
        arch = etree.fromstring(view["arch"])
        return {f.get("name"): safe_eval(f.get("domain"))
                for f in arch.iter("filter") if f.get("domain")}

    def field_domain(self, model, field, value):
        view = self.env[model].fields_view_get(view_type="search")
        arch = etree.fromstring(view["arch"])
        node = next(f for f in arch.iter("field") if f.get("name") == field)
        if node.get("filter_domain"):
            return safe_eval(node.get("filter_domain"), {"self": value})
        return [(field, "=" if isinstance(value, int) else "ilike", value)]

    def search_with(self, model, filters=(), fields=()):
        domains = self.filter_domains(model)
        or_part = expression.OR([domains[f] for f in filters]) if filters else []
        # Several values typed in one search field are OR-ed too.
        by_field = {}
        for field, value in fields:
            by_field.setdefault(field, []).append(
                self.field_domain(model, field, value))
        field_part = expression.AND([expression.OR(d) for d in by_field.values()])
        return self.env[model].search(expression.AND([or_part, field_part]))


class TestPupilSearchFilters(SearchViewMixin, EduconnectCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mila = cls.make_student("ADAM019", "Mila", cls.c62)
        cls.noemie = cls.make_student("ADAM019", "Noemie", cls.c61)
        cls.bernard = cls.make_student("ADAMS019", "Bernard", cls.c53)
        cls.ella = cls.make_student("ADAMS019", "Ella", cls.c53)
        cls.mila.write({"state": "notified", "origin": "school"})
        cls.noemie.write({"state": "activated", "origin": "school"})

    def test_pupil_search_by_last_or_first_name(self):
        model = "educonnect.student"
        self.assertEqual(self.search_with(model, fields=[("name", "adams")]),
                         self.bernard | self.ella)
        self.assertEqual(self.search_with(model, fields=[("name", "noem")]),
                         self.noemie)

    def test_pupil_filter_by_several_account_states_at_once(self):
        found = self.search_with("educonnect.student",
                                 ["state_notified", "state_activated"])
        self.assertEqual(found, self.mila | self.noemie)
        found = self.search_with("educonnect.student", ["state_not_notified"])
        self.assertEqual(found, self.bernard | self.ella)

    def test_pupil_filter_by_several_classes_and_a_state(self):
        found = self.search_with(
            "educonnect.student", ["state_not_notified", "state_notified"],
            [("class_id", self.c62.id), ("class_id", self.c53.id)])
        self.assertEqual(found, self.mila | self.bernard | self.ella)

    def test_pupil_list_groups_by_class_and_state(self):
        groups = self.env["educonnect.student"].read_group(
            [("company_id", "=", self.college.id)], ["class_id", "state"],
            ["class_id", "state"], lazy=False)
        counts = {(g["class_id"][1], g["state"]): g["__count"] for g in groups}
        self.assertEqual(counts, {("6 1", "activated"): 1,
                                  ("6 2", "notified"): 1,
                                  ("5 3", "not_notified"): 2})


class TestGuardianSearchFilters(SearchViewMixin, EduconnectCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mila = cls.make_student("ADAM", "Mila", cls.c62)
        cls.hugo = cls.make_student("ADAM", "Hugo", cls.c53)
        cls.lou = cls.make_student("BRUN", "Lou", cls.c61)
        cls.mother = cls.make_guardian("ADAM", "Sophie", cls.mila | cls.hugo,
                                       email="sophie.adam@example.fr")
        cls.father = cls.make_guardian("ADAM", "Karim", cls.mila | cls.hugo)
        cls.brun = cls.make_guardian("BRUN", "Hélène", cls.lou,
                                     email="h.brun@example.fr")
        cls.mother.write({"state": "activated", "origin": "franceconnect"})
        cls.father.write({"state": "notified", "origin": "school"})
        cls.Link = cls.env["educonnect.guardian.link"]

    def links(self, guardian, students=None):
        domain = [("guardian_id", "=", guardian.id)]
        if students:
            domain.append(("student_id", "in", students.ids))
        return self.Link.search(domain)

    def test_guardian_list_has_one_row_per_pupil_and_guardian(self):
        rows = self.Link.search([("company_id", "=", self.college.id)])
        self.assertEqual(len(rows), 5)  # siblings: each guardian twice
        row = self.links(self.mother, self.hugo)
        self.assertEqual((row.student_name, row.class_id, row.mef_id,
                          row.guardian_name, row.login, row.email, row.state,
                          row.origin),
                         ("ADAM Hugo", self.c53, self.mef5, "ADAM Sophie",
                          self.mother.login, "sophie.adam@example.fr",
                          "activated", "franceconnect"))

    def test_guardian_search_by_guardian_or_pupil_name(self):
        model = "educonnect.guardian.link"
        self.assertEqual(self.search_with(model, fields=[("guardian_name", "karim")]),
                         self.links(self.father))
        self.assertEqual(self.search_with(model, fields=[("student_name", "lou")]),
                         self.links(self.brun))

    def test_guardian_filter_by_class(self):
        found = self.search_with("educonnect.guardian.link",
                                 fields=[("class_id", self.c53.id)])
        self.assertEqual(found, self.links(self.mother, self.hugo)
                         | self.links(self.father, self.hugo))

    def test_guardian_filter_by_state_and_email_presence(self):
        model = "educonnect.guardian.link"
        self.assertEqual(self.search_with(model, ["without_email"]),
                         self.links(self.father))
        both = self.search_with(model, ["state_not_notified", "state_notified"])
        self.assertEqual(both, self.links(self.father) | self.links(self.brun))
        found = self.search_with(model, ["state_not_notified"]) & \
            self.search_with(model, ["with_email"])
        self.assertEqual(found, self.links(self.brun))

    def test_guardian_filter_by_origin(self):
        model = "educonnect.guardian.link"
        self.assertEqual(self.search_with(model, ["origin_franceconnect"]),
                         self.links(self.mother))
        self.assertEqual(self.search_with(model, ["origin_unknown"]),
                         self.links(self.brun))

    def test_guardian_list_reads_the_accounts_without_a_query_per_row(self):
        """The account columns of the rows cost the same queries whatever the
        number of rows (no query, nor Python pass, per row or per column)."""
        fields = ["student_name", "guardian_name", "login", "email",
                  "has_email", "state", "origin", "notification_date",
                  "last_login_date"]
        rows = self.Link.search([("company_id", "=", self.college.id)])
        counts = []
        for page in (rows[:1], rows):
            page.invalidate_cache()
            before = self.env.cr.sql_log_count
            values = page.read(fields)
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        by_id = {v["id"]: v for v in values}
        row = self.links(self.mother, self.hugo)
        self.assertEqual(
            {k: by_id[row.id][k] for k in ("login", "email", "has_email",
                                           "state", "origin")},
            {"login": self.mother.login, "email": "sophie.adam@example.fr",
             "has_email": True, "state": "activated",
             "origin": "franceconnect"})

    def test_guardian_row_follows_the_account(self):
        self.brun.write({"email": False})
        row = self.links(self.brun)
        self.assertFalse(row.has_email)
        self.brun.write({"state": "activating", "origin": "self_registration"})
        self.assertEqual((row.state, row.origin),
                         ("activating", "self_registration"))


class TestNameSearchIndexes(EduconnectCase):
    """The « Nom ou prénom » searches are served by trigram indexes whose
    pending list stays small, so that a bulk write (a SIECLE import, a whole
    establishment notified) does not turn an académie-wide search into a
    sequential scan of every account (bin/bench search, BENCHMARKS.md)."""

    SEARCHED = {
        "educonnect_student": {"name", "first_name", "login"},
        "educonnect_guardian": {"name", "first_name", "login"},
        "educonnect_guardian_link": {"guardian_name", "student_name"},
    }

    def test_name_searches_have_trigram_indexes_with_a_small_pending_list(self):
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        self.assertTrue(cr.fetchone(), "pg_trgm is created by the addon")
        for table, columns in self.SEARCHED.items():
            cr.execute("""
                SELECT a.attname, c.reloptions
                  FROM pg_index i
                  JOIN pg_class c ON c.oid = i.indexrelid
                  JOIN pg_opclass o ON o.oid = i.indclass[0]
                  JOIN pg_attribute a ON a.attrelid = i.indrelid
                                     AND a.attnum = i.indkey[0]
                 WHERE i.indrelid = %s::regclass
                   AND o.opcname = 'gin_trgm_ops'""", (table,))
            found = dict(cr.fetchall())
            self.assertEqual(set(found), columns, table)
            for column, options in found.items():
                self.assertIn("gin_pending_list_limit=256", options or [],
                              "%s.%s" % (table, column))
