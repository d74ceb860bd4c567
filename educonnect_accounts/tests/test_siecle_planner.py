"""The SIECLE planner on plain data, without a database (pytest functions:
no environment, no cursor): rows of the files and a snapshot of the
establishment in, a plan out."""
import copy
import datetime

import pytest

from ..tools import siecle_planner
from ..tools.siecle_planner import KIND_COUNTERS, ROW_KINDS, ReportTooLong

TODAY = datetime.date(2026, 9, 20)


def pupil(sid, line=10, **values):
    row = {"line": line, "siecle_id": sid, "last_name": "DUPONT",
           "first_name": "Léa" + sid, "birth_name": False, "ine": False,
           "gender": "F", "mef_code": "10010012110", "class_code": "6A",
           "birth_date": datetime.date(2014, 5, 4), "leave_date": None,
           "entry_date": None}
    row.update(values)
    return row


def person(sid, line=10, **values):
    row = {"line": line, "siecle_id": sid, "last_name": "DUPONT",
           "first_name": "Marie" + sid, "civility": "MME",
           "mobile": "0612345678", "phone": False,
           "email": "m%s@example.fr" % sid.lower(), "accept_sms": True}
    row.update(values)
    return row


def link(pupil_sid, person_sid, line=10, level="1"):
    return {"line": line, "student_siecle_id": pupil_sid,
            "guardian_siecle_id": person_sid, "level": level,
            "relationship": "mother"}


def mef(code, line=5):
    return {"line": line, "code": code, "siecle_id": code, "name": code,
            "long_name": False, "formation": False}


def snapshot(**values):
    data = {"mefs": {}, "classes": {}, "students": {}, "ine_owner": {},
            "guardians": {}, "links": {}}
    data.update(values)
    return data


def stored_pupil(id_, row, **values):
    """What the database holds for a pupil imported from ``row``."""
    stored = {"id": id_, "last_name": row["last_name"],
              "first_name": row["first_name"], "birth_name": None,
              "ine": None, "gender": row["gender"],
              "birth_date": row["birth_date"], "class_id": 1, "mef_id": 1,
              "leave_date": None, "active": True}
    stored.update(values)
    return stored


def export(pupils, persons=None, links=None, mefs=None):
    data = {"files": ["x.xml"], "params": {"year": "2026", "export_date": None},
            "pupils": pupils}
    if persons is not None:
        data.update(persons=persons, links=links or [])
    if mefs is not None:
        data["mefs"] = mefs
    return data


def plan(data, snap=None, **kwargs):
    return siecle_planner.plan(data, snap or snapshot(), TODAY, **kwargs)


def reasons(result, kind):
    return [(l["siecle_id"], l["reason"] % l["params"] if l["params"]
             else l["reason"]) for l in result["lines"] if l["kind"] == kind]


def assert_every_row_counted_once(data, result):
    counts = result["counts"]
    files = {"pupil": data["pupils"], "guardian": data.get("persons", []),
             "link": data.get("links", []), "mef": data.get("mefs", [])}
    for kind in ROW_KINDS:
        assert counts[kind + "_rows"] == len(files[kind]), kind
        assert sum(counts["%s_%s" % (kind, c)]
                   for c in KIND_COUNTERS[kind]) == len(files[kind]), kind
        rejected = [l for l in result["lines"]
                    if l["kind"] == kind and l["result"] == "rejected"]
        assert len(rejected) == counts[kind + "_rejected"], kind
        assert all(l["reason"] for l in rejected)


def test_the_counts_are_the_counters_of_the_report():
    """Each count is a field of the import record (no other: Odoo would
    warn of unknown fields at every import)."""
    counts = plan(export([pupil("1")], [], [], []))["counts"]
    assert "mef_rows" in counts and "mef_updated" not in counts
    assert set(counts) == {
        "%s_%s" % (kind, c) for kind in ROW_KINDS
        for c in KIND_COUNTERS[kind] + ["rows"]} | {
        "pupil_absent", "guardian_absent", "link_removed", "class_created"}


def test_new_pupils_are_created_with_their_new_class_and_mef():
    data = export([pupil("1"), pupil("2", class_code="6B")],
                  mefs=[mef("10010012110")])
    result = plan(data)
    assert result["counts"]["pupil_created"] == 2
    assert sorted(result["classes_new"]) == ["6A", "6B"]
    assert list(result["mefs_new"]) == ["10010012110"]
    new = result["students_new"][0]
    assert (new["siecle_id"], new["class_id"], new["mef_id"]) == (
        "1", ("class", "6A"), ("mef", "10010012110"))
    assert_every_row_counted_once(data, result)


def test_existing_pupils_are_updated_unchanged_or_archived():
    same, moved = pupil("1"), pupil("2", class_code="6B")
    left = pupil("3", leave_date=datetime.date(2026, 9, 1))
    snap = snapshot(mefs={"10010012110": 1}, classes={"6A": 1, "6B": 2},
                    students={"1": stored_pupil(11, same),
                              "2": stored_pupil(12, moved),
                              "3": stored_pupil(13, left),
                              "4": stored_pupil(14, pupil("4"))})
    data = export([same, moved, left])
    result = plan(data, snap)
    counts = result["counts"]
    assert (counts["pupil_unchanged"], counts["pupil_updated"],
            counts["pupil_archived"], counts["pupil_absent"]) == (1, 1, 1, 1)
    assert sorted(result["archived_students"]) == [13, 14]
    assert [u["id"] for u in result["students_update"]] == [12, 13, 14]
    assert_every_row_counted_once(data, result)
    # Without the full export, the absent pupil stays.
    kept = plan(data, snap, archive_absent=False)
    assert kept["counts"]["pupil_absent"] == 0
    assert kept["archived_students"] == [13]


def test_rejected_pupil_rows_keep_their_reason():
    rows = [pupil("1", line=11, ine="070123456AB"), pupil("1", line=20),
            pupil("2", line=30, ine="070123456AB"),
            pupil("3", line=40, ine="111111111AA"),
            pupil("4", line=50, leave_date=datetime.date(2020, 7, 5)),
            dict(pupil("5", line=60), reject=["No last name or first name.",
                                              {}])]
    data = export(rows)
    result = plan(data, snapshot(ine_owner={"111111111AA": "9"}))
    assert reasons(result, "pupil") == [
        ("1", "ELEVE_ID 1 is given twice in the file (first at line 11)."),
        ("2", "INE 070123456AB is given to two pupils of the file "
              "(ELEVE_ID 1)."),
        ("3", "INE 111111111AA belongs to another pupil of the "
              "establishment (ELEVE_ID 9)."),
        ("4", "Left the establishment on 05/07/2020: not created."),
        ("5", "No last name or first name.")]
    assert_every_row_counted_once(data, result)


def test_every_mef_row_is_counted_once():
    rows = [mef("10010012110", 5), mef("10110001110", 10),
            mef("10210001110", 15), mef("10010012110", 20),
            dict(mef("", 25), reject=("No CODE_MEF.", {}))]
    data = export([pupil("1"), pupil("2", mef_code="10110001110")], mefs=rows)
    result = plan(data, snapshot(mefs={"10110001110": 7}))
    counts = result["counts"]
    assert (counts["mef_rows"], counts["mef_created"], counts["mef_unchanged"],
            counts["mef_rejected"]) == (5, 1, 1, 3)
    assert reasons(result, "mef") == [
        ("10210001110", "No imported pupil has this MEF: not created."),
        ("10010012110", "CODE_MEF 10010012110 is given twice in the file "
                        "(first at line 5)."),
        ("", "No CODE_MEF.")]
    assert_every_row_counted_once(data, result)


def test_guardians_and_responsibilities_every_row_counted_once():
    persons = [person("P1", 10), person("P2", 20, mobile=False, email=False),
               person("P3", 30), person("P1", 40), person("P4", 50)]
    links = [link("1", "P1", 100), link("1", "P2", 110, level="2"),
             link("1", "P3", 120, level="0"), link("1", "P1", 130),
             link("9", "P4", 140), link("1", "P9", 150)]
    data = export([pupil("1")], persons, links)
    result = plan(data, snapshot(mefs={"10010012110": 1}, classes={"6A": 1}))
    counts = result["counts"]
    assert (counts["guardian_created"], counts["guardian_rejected"]) == (2, 3)
    assert (counts["link_created"], counts["link_rejected"]) == (2, 4)
    assert [g["siecle_id"] for g in result["guardians_new"]] == ["P1", "P2"]
    assert result["guardians_new"][0]["mobile"] == "06 12 34 56 78"
    assert [q["siecle_id"] for q in result["quality"]] == ["P2"]
    assert_every_row_counted_once(data, result)


def test_guardians_of_a_rejected_pupil_are_left_as_they_are():
    lea = pupil("1")
    guardian = dict(person("P1"), id=21, active=True)
    snap = snapshot(
        students={"1": stored_pupil(11, lea)},
        guardians={"P1": guardian, "P2": dict(person("P2"), id=22,
                                              active=True)},
        links={("1", "P1"): {"id": 31, "legal_level": "1",
                             "relationship": "mother"}})
    data = export([dict(lea, reject=("Invalid birth date.", {}))],
                  [person("P1")], [link("1", "P1")])
    result = plan(data, snap)
    # P1 (the guardian of the rejected pupil) stays, P2 (nobody's) goes.
    assert result["archived_guardians"] == [22]
    assert result["links_remove"] == []
    assert_every_row_counted_once(data, result)


def test_a_report_beyond_its_cap_stops_the_plan():
    data = export([dict(pupil(str(i)), reject=("No ELEVE_ID.", {}))
                   for i in range(20)])
    with pytest.raises(ReportTooLong) as caught:
        plan(data, max_lines=10)
    assert caught.value.max_lines == 10


def test_the_plan_leaves_its_data_as_it_was():
    data = export([pupil("1")], [person("P1"), person("P1")],
                  [link("1", "P1"), link("1", "P1")], [mef("10010012110")])
    snap = snapshot()
    before = copy.deepcopy((data, snap))
    plan(data, snap)
    assert (data, snap) == before


def test_a_preview_read_before_mef_rows_were_kept_is_planned_alike():
    """A preview kept before the upgrade holds its MEFs as {code: values}:
    confirmed after it, the same MEF is created."""
    values = {"code": "10010012110", "name": "6ème", "long_name": "6EME",
              "formation": "6EME"}
    data = export([pupil("1")], mefs={"10010012110": values})
    result = plan(data)
    assert result["mefs_new"] == {"10010012110": values}
    assert (result["counts"]["mef_rows"],
            result["counts"]["mef_created"]) == (1, 1)
