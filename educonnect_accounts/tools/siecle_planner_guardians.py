"""Planning the guardians and legal responsibilities of a SIECLE import:
pure Python, part of siecle_planner.py's :class:`Planner` (which holds the
export, the snapshot, the plan and the pupils kept)."""
import datetime
import re
from collections import defaultdict

import phonenumbers

from .siecle_files import _

EMAIL_RE = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[A-Za-z]{2,}$")
GUARDIAN_COLUMNS = ["last_name", "first_name", "civility", "mobile", "phone",
                    "email", "accept_sms", "active"]


def norm(value):
    """Compare the values of the file with those of the database (where
    Odoo reads dates as strings)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return None if value is False or value == "" else value


def report_line(row, reason, params=None, name="", kind="quality",
                result="quality"):
    """A line of the report; its reason is translated when written."""
    return {"kind": kind, "result": result, "line": row.get("line"),
            "siecle_id": row.get("siecle_id") or "",
            "name": name or " ".join(p for p in (row.get("last_name"),
                                                  row.get("first_name")) if p),
            "reason": reason, "params": params}


class GuardianPlanner:
    """The guardians' part of :class:`siecle_planner.Planner`."""

    def _plan_guardians(self):
        persons, link_rows = self.export["persons"], self.export["links"]
        self.counts["guardian_rows"] = len(persons)
        self.counts["link_rows"] = len(link_rows)
        self.guardians = self.snapshot["guardians"]
        rejects = self._index_persons(persons)
        legal, protected = self._legal_links(link_rows)
        kept = {}  # person siecle id -> guardian id, None when new
        for row, reject in zip(persons, rejects):
            sid = row["siecle_id"]
            if not reject and sid not in legal:
                reject = (_("Not the legal guardian of an imported pupil: no "
                            "EduConnect account."), {})
            if reject:
                self.reject("guardian", row, *reject)
                continue
            self._plan_person(row, legal[sid], kept)
        if self.archive_absent:
            self._plan_absent_guardians(kept, protected)
        self._plan_links(legal, kept)

    def _index_persons(self, persons):
        """The reason each PERSONNE row is rejected (or None), in order;
        ``person_rows``: the first row of each PERSONNE_ID."""
        self.person_rows, self.rejected_persons = {}, set()
        rejects = []
        for row in persons:
            sid = row["siecle_id"]
            reject = row.get("reject")
            if not reject and sid in self.person_rows:
                reject = (_("PERSONNE_ID %(id)s is given twice in the file "
                            "(first at line %(line)s)."),
                          {"id": sid, "line": self.person_rows[sid]["line"]})
            if sid and sid not in self.person_rows:
                self.person_rows[sid] = row
                if reject:
                    self.rejected_persons.add(sid)
            rejects.append(reject)
        return rejects

    def _legal_links(self, link_rows):
        """({person siecle id: [(pupil siecle id, row)]}, protected): the
        legal responsibilities of the imported pupils, and the guardians of
        pupils whose row is rejected this time, left as they are like their
        pupil (never archived for a typo in the file)."""
        legal, protected, seen = defaultdict(list), set(), {}
        for row in link_rows:
            pair = (row["student_siecle_id"], row["guardian_siecle_id"])
            reject = self._link_reject(row, pair, seen, protected)
            seen.setdefault(pair, row["line"])
            if reject:
                self.reject("link", dict(row, siecle_id="%s / %s" % pair),
                            *reject)
                continue
            legal[pair[1]].append((pair[0], row))
        return legal, protected

    def _link_reject(self, row, pair, seen, protected):
        pupil, person = pair
        reject = row.get("reject")
        if not reject and pair in seen:
            reject = (_("This responsibility is given twice in the file "
                        "(first at line %(line)s)."), {"line": seen[pair]})
        if not reject and row["level"] not in ("1", "2"):
            reject = (_("Not a legal guardian (level 1 or 2): no EduConnect "
                        "account."), {})
        if not reject and pupil not in self.kept:
            reject = (_("The pupil ELEVE_ID %(id)s is not imported (absent "
                        "from the pupils export or rejected)."), {"id": pupil})
        if not reject and self.kept[pupil][2] is None:
            reject = (_("The pupil ELEVE_ID %(id)s is rejected."),
                      {"id": pupil})
            protected.add(person)
        if not reject and (person not in self.person_rows
                           or person in self.rejected_persons):
            reject = (_("The person PERSONNE_ID %(id)s is absent from the "
                        "file or rejected."), {"id": person})
        return reject

    def _plan_person(self, row, pupils, kept):
        sid = row["siecle_id"]
        values = self._guardian_values(row, pupils)
        old = self.guardians.get(sid)
        if not old:
            if not values["active"]:
                self.reject("guardian", row, _(
                    "Legal guardian only of pupils who left: not created."))
                return
            self.counts["guardian_created"] += 1
            self.plan["guardians_new"].append(dict(values, siecle_id=sid))
            kept[sid] = None
            return
        kept[sid] = old["id"]
        changed = any(norm(old[c]) != norm(values[c])
                      for c in GUARDIAN_COLUMNS)
        if changed:
            self.plan["guardians_update"].append(dict(values, id=old["id"]))
        if old["active"] and not values["active"]:
            self.counts["guardian_archived"] += 1
            self.plan["archived_guardians"].append(old["id"])
            self.line("guardian", "archived", row, _(
                "Legal guardian only of pupils who left: archived, account "
                "disabled."))
            return
        if values["active"] and not old["active"]:
            self.plan["reactivated_guardians"].append(old["id"])
        self.counts["guardian_updated" if changed
                    else "guardian_unchanged"] += 1

    def _guardian_values(self, row, pupils):
        email = row["email"]
        if email and not EMAIL_RE.match(email):
            self.quality(row, _("Invalid e-mail address « %(value)s »: not "
                                "imported."), {"value": email[:80]})
            email = None
        values = {"last_name": row["last_name"],
                  "first_name": norm(row["first_name"]),
                  "civility": norm(row["civility"]),
                  "mobile": self._phone(row, "mobile"),
                  "phone": self._phone(row, "phone"),
                  "email": norm(email), "accept_sms": row["accept_sms"],
                  "active": any(not self.kept[p][2] for p, _r in pupils)}
        if not values["mobile"] and not values["email"]:
            self.quality(row, _("No mobile phone and no e-mail: this "
                                "guardian cannot self-register."))
        return values

    def _phone(self, row, key):
        """The number formatted as in France; kept as given (with a
        warning) when it is not a valid number."""
        raw = row[key]
        if not raw:
            return None
        try:
            number = phonenumbers.parse(raw, "FR")
            valid = phonenumbers.is_valid_number(number)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            self.quality(row, _("Invalid phone number « %(value)s »."),
                         {"value": raw[:40]})
            return raw
        return phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.NATIONAL
            if number.country_code == 33
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    def _plan_absent_guardians(self, kept, protected):
        for sid, old in self.guardians.items():
            if sid in kept or sid in protected or not old["active"]:
                continue
            self.counts["guardian_absent"] += 1
            self.plan["archived_guardians"].append(old["id"])
            self.plan["guardians_update"].append(dict(
                {c: old[c] for c in GUARDIAN_COLUMNS}, id=old["id"],
                active=False))
            self.line("guardian", "archived", {"siecle_id": sid}, _(
                "No longer the legal guardian of a pupil of the export: "
                "archived, account disabled."),
                name=" ".join(p for p in (old["last_name"], old["first_name"])
                              if p))

    def _plan_links(self, legal, kept):
        """The responsibilities between the pupils and guardians kept."""
        wanted = set()
        for person, pupils in legal.items():
            for pupil, row in pupils:
                if person not in kept:
                    self.reject(
                        "link", dict(row, siecle_id="%s / %s" % (pupil, person)),
                        _("The guardian PERSONNE_ID %(id)s is not imported."),
                        {"id": person})
                    continue
                wanted.add((pupil, person))
                self._plan_link(pupil, person, row, kept)
        if not self.archive_absent:
            return
        for pair, old in self.snapshot["links"].items():
            if pair not in wanted and pair[0] in self.kept \
                    and self.kept[pair[0]][2] is not None:
                self.counts["link_removed"] += 1
                self.plan["links_remove"].append(old["id"])

    def _plan_link(self, pupil, person, row, kept):
        values = {"legal_level": row["level"],
                  "relationship": row["relationship"]}
        old = self.snapshot["links"].get((pupil, person))
        if not old:
            self.counts["link_created"] += 1
            self.plan["links_new"].append(dict(
                values, student=(pupil, self.kept[pupil][1]),
                guardian=(person, kept[person])))
        elif (old["legal_level"], old["relationship"]) != (
                values["legal_level"], values["relationship"]):
            self.counts["link_updated"] += 1
            self.plan["links_update"].append(dict(values, id=old["id"]))
        else:
            self.counts["link_unchanged"] += 1
