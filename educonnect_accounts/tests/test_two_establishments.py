"""A user holding two establishments sees only the chosen one's pupils in
lists, exports, letters and counts; after switching, only the other's."""
from .common import AccountActionCase, pdf_pages


class TestTwoEstablishments(AccountActionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.both = cls.env["res.users"].with_context(
            no_reset_password=True).create({
                "name": "Agent des deux", "login": "test.deux",
                "company_id": cls.college.id,
                "company_ids": [(6, 0, (cls.college | cls.lycee).ids)]})
        Delegation = cls.env["educonnect.delegation"]
        for company in (cls.college, cls.lycee):
            Delegation.create({"user_id": cls.both.id,
                               "company_id": company.id, "role": "manager"})
        cls.college_pupils = cls.make_student("CLGUN", "Anna", cls.c61) \
            | cls.make_student("CLGDEUX", "Jules", cls.c62)
        cls.lycee_pupils = cls.make_student("LYCUN", "Yanis", cls.lycee_class)

    def env_both(self):
        return self.env(user=self.both)

    def seen(self, pupils_expected, other_pupils):
        env = self.env_both()
        Student = env["educonnect.student"]
        # Lists (search_read, as the list view does).
        names = {r["name"] for r in Student.search_read([], ["name"])}
        self.assertEqual(names, set(pupils_expected.mapped("name")))
        # Counts (read_group, as the grouped list and the home page do).
        groups = Student.read_group([], ["state"], ["state"])
        self.assertEqual(sum(g["state_count"] for g in groups),
                         len(pupils_expected))
        self.assertEqual(env["educonnect.home"].create({}).student_count,
                         len(pupils_expected))
        # Export: the list CSV of every pupil of the search.
        listing = Student.with_context(
            active_model="educonnect.student", active_ids=[],
            active_domain=[]).env["educonnect.list.wizard"].with_context(
                active_model="educonnect.student", active_ids=[],
                active_domain=[]).create({"list_format": "csv",
                                          "scope": "search"})
        listing.action_confirm()
        csv_text = self.attachment_content(listing).decode("utf-8-sig")
        for pupil in pupils_expected:
            self.assertIn(pupil.last_name, csv_text)
        for pupil in other_pupils:
            self.assertNotIn(pupil.last_name, csv_text)
        # Letters: notify every pupil of the search.
        traces_before = self.env["educonnect.account.trace"].search_count([])
        notify = env["educonnect.notify.wizard"].with_context(
            active_model="educonnect.student", active_ids=[],
            active_domain=[]).create({"scope": "search"})
        notify.action_confirm()
        text = "\n".join(pdf_pages(self.attachment_content(notify)))
        for pupil in pupils_expected:
            self.assertIn(pupil.last_name, text)
        for pupil in other_pupils:
            self.assertNotIn(pupil.last_name, text)
        trace = self.env["educonnect.account.trace"].search(
            [], limit=1, order="id desc")
        self.assertEqual(self.env["educonnect.account.trace"].search_count([]),
                         traces_before + 1)
        self.assertEqual(trace.student_ids, pupils_expected)
        self.assertEqual(trace.company_id, pupils_expected.mapped("company_id"))

    def test_user_of_two_establishments_sees_the_chosen_one_then_the_other(self):
        self.seen(self.college_pupils, self.lycee_pupils)
        home = self.env_both()["educonnect.home"].create(
            {"new_company_id": self.lycee.id})
        home.action_choose_establishment()
        self.assertEqual(self.both.company_id, self.lycee)
        self.seen(self.lycee_pupils, self.college_pupils)
