"""Benchmark of the letters alone: 2,000 pupils' letters rendered from the
QWeb template to one PDF, against the floor measured in the same run.

Generates one establishment (bench_data), notifies every pupil once (the
passwords to print), then measures, as the median of several runs
alternating the two (wall time; processor time of this process and of its
wkhtmltopdf children; peak memory of both, sampled every 50 ms):
  - the letters PDF of every pupil, the product's path
    (``_educonnect_letters_pdf``: QWeb → wkhtmltopdf → one PDF, by class in
    school order);
  - where that time goes, stage by stage, one after the other in one
    process: the QWeb HTML of the documents, wkhtmltopdf on that HTML (one
    process at a time), the join;
  - the floor: the same one-page letter (same values, read through the
    report's own ``get_report_values``; same fonts, logo, boxes, class
    heading) drawn directly with reportlab, 2,000 pages in one PDF.
Prints a Markdown table with the ratio letters / floor, the machine and its
load average before and after (the machine may be shared: the floor and the
letters are measured in the same run so that their ratio means something).
Run through ``bin/bench letters``.
"""
import argparse
import datetime
import io
import os
import resource
import statistics
import time

import psutil
from PyPDF2 import PdfFileReader

import odoo
from odoo import SUPERUSER_ID, api

from bench_account_actions import PeakMemory, QueryCounter, machine
from bench_data import generate


def cpu_seconds():
    """Processor time of this process (all its threads) and of its
    children that ended (wkhtmltopdf)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime,
            children.ru_utime + children.ru_stime)


def measure(env, func):
    """Wall time, processor time, queries and peak memory of one run (the
    letters write nothing)."""
    env.cache.invalidate()
    cpu_start = cpu_seconds()
    start = time.time()
    with QueryCounter(env.cr) as counter, PeakMemory() as mem:
        detail = func()
    wall = time.time() - start
    cpu_end = cpu_seconds()
    return {"wall": wall, "queries": counter.count, "peak": mem.peak,
            "cpu": cpu_end[0] - cpu_start[0],
            "cpu_children": cpu_end[1] - cpu_start[1], "detail": detail}


def page_count(pdf):
    return PdfFileReader(io.BytesIO(pdf)).getNumPages()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages-dir", help="write the letters PDF and the "
                        "floor's there (generated people, no real secret), "
                        "to compare pages as images")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database,
                                    "--log-level=warn"])
    load_before = os.getloadavg()
    with api.Environment.manage():
        registry = odoo.registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"lang": "fr_FR",
                                                     "tracking_disable": True})
            # Guardians are not printed here; a few so that the links exist.
            _company, students, _guardians, _links, _logins = generate(
                env, args.pupils, max(2, args.pupils // 100))
            printed = students._educonnect_notify()
            cr.commit()
            rows, pdfs = _measure(env, args.runs, students, printed)
            if args.pages_dir:
                os.makedirs(args.pages_dir, exist_ok=True)
                for name, pdf in pdfs.items():
                    with open(os.path.join(args.pages_dir, name), "wb") as out:
                        out.write(pdf)
            cr.rollback()
    _print_report(rows, len(students), load_before, os.getloadavg())


def _measure(env, runs, students, printed):
    from odoo.addons.educonnect_accounts.reports import pdf as letters_pdf
    pdfs = {}

    def letters():
        pdf = students._educonnect_letters_pdf(printed)
        pdfs["letters.pdf"] = pdf
        return "%d pages, %.1f MiB" % (page_count(pdf), len(pdf) / 2 ** 20)

    def floor():
        pdf = draw_letters_reportlab(env, students, printed)
        pdfs["floor.pdf"] = pdf
        return "%d pages, %.1f MiB" % (page_count(pdf), len(pdf) / 2 ** 20)

    # Alternated, so that a burst of load on the shared machine weighs on
    # both rather than on one.
    runs_of = {"letters": [], "floor": []}
    for _ in range(runs):
        runs_of["letters"].append(measure(env, letters))
        runs_of["floor"].append(measure(env, floor))
    result = [_summary("Letters PDF, QWeb template → PDF (the product's path)",
                       runs_of["letters"]),
              _summary("Floor: the same letter drawn with reportlab",
                       runs_of["floor"])]
    result.extend(_stages(env, students, printed, letters_pdf))
    return result, pdfs


def _summary(label, runs):
    walls = [run["wall"] for run in runs]
    return {"label": label, "median": statistics.median(walls),
            "min": min(walls), "max": max(walls),
            "cpu": statistics.median(run["cpu"] for run in runs),
            "cpu_children": statistics.median(run["cpu_children"]
                                              for run in runs),
            "queries": int(statistics.median(run["queries"] for run in runs)),
            "peak_mib": max(run["peak"] for run in runs) / 2 ** 20,
            "detail": runs[0]["detail"]}


def _stages(env, students, printed, letters_pdf):
    """The product's path cut in its stages, run one after the other in
    this process (one wkhtmltopdf at a time): where the time goes."""
    report = env.ref("educonnect_accounts.action_report_letter_student")
    ids = students._educonnect_letter_order().ids
    size = students.LETTERS_PER_DOCUMENT
    if hasattr(letters_pdf, "letters_per_document"):
        size = letters_pdf.letters_per_document(len(ids), size)
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    stages = []

    def stage(label, func, detail):
        env.cache.invalidate()
        cpu_start = cpu_seconds()
        start = time.time()
        result = func()
        cpu_end = cpu_seconds()
        stages.append({"label": label, "median": time.time() - start,
                       "cpu": cpu_end[0] - cpu_start[0],
                       "cpu_children": cpu_end[1] - cpu_start[1],
                       "detail": detail(result)})
        return result

    htmls = stage("… stage: QWeb HTML (values and templates)", lambda: [
        letters_pdf.render_html(report, chunk, {"passwords": {
            str(i): printed.get(i) for i in chunk}}) for chunk in chunks],
        lambda htmls: "%d documents of ≤ %d letters, %.1f MiB of HTML" % (
            len(htmls), size, sum(len(h) for h in htmls) / 2 ** 20))
    documents = stage("… stage: wkhtmltopdf, one process at a time",
                      lambda: [letters_pdf.html_to_pdf(report, html)
                               for html in htmls],
                      lambda docs: "%d processes" % len(docs))
    joined = stage("… stage: join the documents (PyPDF2)",
                   lambda: letters_pdf.join_pdfs(documents),
                   lambda pdf: "%d pages" % page_count(pdf))
    assert page_count(joined) == len(ids)
    return stages


# -- the floor: the same letter drawn directly -------------------------------

FONTS = "/usr/share/fonts/truetype/dejavu/"
BLUE = (0, 0, 0x91 / 255.0)


def draw_letters_reportlab(env, students, printed):
    """One PDF of the letters of ``students`` (one page each), drawn with
    reportlab's canvas from the values the QWeb template receives."""
    import base64
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    for name, path in (("DejaVu", "DejaVuSans.ttf"),
                       ("DejaVu-Bold", "DejaVuSans-Bold.ttf"),
                       ("DejaVuMono-Bold", "DejaVuSansMono-Bold.ttf")):
        pdfmetrics.registerFont(TTFont(name, os.path.join(FONTS, path)))
    # The values the template receives, read here the cheapest way (one
    # query for the order and classes, one for the accounts' columns).
    classes = students._educonnect_letter_classes()
    docs = students.browse([account_id for account_id, _name in classes])
    docs.read(["name", "login", "company_id", "class_id",
               "letter_expiry_date"])
    values = {
        "docs": docs, "passwords": printed, "letter_classes": dict(classes),
        "login_urls": {c.id: c._educonnect_signin_url()
                       for c in docs.mapped("company_id")},
        "today": datetime.date.today(),
        "fmt_date": lambda d: d and "%s/%s/%s" % tuple(reversed(d.split("-"))),
    }
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    width, height = A4
    left, right, top = 15 * mm, width - 15 * mm, height - 12 * mm
    # Each establishment's logo drawn once, as a form every page shows.
    logos = set()
    for company in values["docs"].mapped("company_id").filtered("logo_web"):
        pdf.beginForm("logo%d" % company.id)
        pdf.drawImage(ImageReader(io.BytesIO(base64.b64decode(
            company.logo_web))), 0, 0, 30 * mm, 22 * mm,
            preserveAspectRatio=True, anchor="ne", mask="auto")
        pdf.endForm()
        logos.add(company.id)
    today = values["today"].strftime("%d/%m/%Y")

    def lines(text, font, size, x, y, lead, max_width=None):
        for line in simpleSplit(text, font, size, max_width or right - x):
            pdf.setFont(font, size)
            pdf.drawString(x, y, line)
            y -= lead
        return y

    for o in values["docs"]:
        company = o.company_id
        y = top
        klass = values["letter_classes"].get(o.id)
        if klass:
            pdf.setFillColorRGB(*BLUE)
            pdf.rect(left, y - 8 * mm, right - left, 8 * mm, stroke=0, fill=1)
            pdf.setFillColorRGB(1, 1, 1)
            pdf.setFont("DejaVu-Bold", 13)
            pdf.drawString(left + 4 * mm, y - 5.5 * mm, "Classe %s" % klass)
            pdf.setFillColorRGB(0, 0, 0)
            y -= 14 * mm
        if company.id in logos:
            pdf.saveState()
            pdf.translate(right - 30 * mm, y - 22 * mm)
            pdf.doForm("logo%d" % company.id)
            pdf.restoreState()
        y = lines(company.name, "DejaVu-Bold", 14, left, y - 5 * mm, 6 * mm)
        y = lines("UAI %s" % company.educonnect_uai, "DejaVu", 12, left, y,
                  5.5 * mm)
        y = lines(" ".join(filter(None, (company.street, company.zip,
                                         company.city))), "DejaVu", 12,
                  left, y, 5.5 * mm)
        pdf.setFont("DejaVu", 12)
        pdf.drawRightString(right - 32 * mm, y, "Édité le %s" % today)
        y -= 4 * mm
        pdf.setStrokeColorRGB(*BLUE)
        pdf.setLineWidth(1.5)
        pdf.line(left, y, right, y)
        y -= 14 * mm
        pdf.setFillColorRGB(*BLUE)
        pdf.setFont("DejaVu-Bold", 18)
        pdf.drawString(left, y, "Votre compte EduConnect")
        pdf.setFillColorRGB(0, 0, 0)
        y -= 12 * mm
        y = lines("Élève : %s — Classe : %s" % (o.name, o.class_id.name or ""),
                  "DejaVu", 12, left, y, 5.5 * mm)
        y = lines("Votre compte EduConnect vous donne accès aux services "
                  "numériques de votre établissement.", "DejaVu", 12, left,
                  y - 2 * mm, 5.5 * mm)
        password = values["passwords"].get(o.id)
        box = y - 6 * mm
        pdf.rect(left, box - 28 * mm, right - left, 28 * mm, stroke=1, fill=0)
        pdf.setFont("DejaVu", 14)
        pdf.drawString(left + 9 * mm, box - 10 * mm, "Identifiant :")
        pdf.setFont("DejaVuMono-Bold", 16)
        pdf.drawString(left + 75 * mm, box - 10 * mm, o.login or "")
        pdf.setFont("DejaVu", 14)
        if password:
            pdf.drawString(left + 9 * mm, box - 20 * mm, "Mot de passe provisoire :")
            pdf.setFont("DejaVuMono-Bold", 16)
            pdf.drawString(left + 75 * mm, box - 20 * mm, password)
        else:
            pdf.drawString(left + 9 * mm, box - 20 * mm, "Mot de passe :")
        y = box - 40 * mm
        url = values["login_urls"].get(company.id) or ""
        if password:
            y = lines("Pour activer votre compte :", "DejaVu-Bold", 12, left,
                      y, 6 * mm)
            y = lines("1. allez sur la page de connexion :", "DejaVu", 12,
                      left + 6 * mm, y, 5.5 * mm)
            y = lines(url, "DejaVuMono-Bold", 12, left + 10 * mm, y, 7 * mm)
            y = lines("2. saisissez votre identifiant et votre mot de passe "
                      "provisoire exactement comme imprimés ci-dessus ;",
                      "DejaVu", 12, left + 6 * mm, y, 5.5 * mm)
            y = lines("3. choisissez votre propre mot de passe (au moins 12 "
                      "caractères ; les espaces et les accents sont "
                      "autorisés).", "DejaVu", 12, left + 6 * mm, y, 5.5 * mm)
            y = lines("Ce mot de passe provisoire est valable jusqu'au %s. "
                      "Après cette date, demandez un nouveau courrier à "
                      "l'établissement." % values["fmt_date"](
                          o.letter_expiry_date), "DejaVu", 12, left,
                      y - 3 * mm, 5.5 * mm)
        else:
            y = lines("Votre compte est déjà activé : connectez-vous avec cet "
                      "identifiant et votre mot de passe sur la page de "
                      "connexion :", "DejaVu", 12, left, y, 5.5 * mm)
            y = lines(url, "DejaVuMono-Bold", 12, left, y, 7 * mm)
        y = lines("Conservez ce courrier en lieu sûr et ne communiquez jamais "
                  "votre mot de passe à personne.", "DejaVu", 12, left,
                  y - 3 * mm, 5.5 * mm)
        y -= 10 * mm
        pdf.setStrokeColorRGB(0.6, 0.6, 0.6)
        pdf.setLineWidth(0.5)
        pdf.line(left, y, right, y)
        pdf.setFillColorRGB(0.33, 0.33, 0.33)
        pdf.setFont("DejaVu", 9)
        pdf.drawString(left, y - 4 * mm, "%s — EduConnect — %s" % (
            company.name, o.name))
        pdf.setFillColorRGB(0, 0, 0)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _print_report(rows, pupils, load_before, load_after):
    print("\nMachine: %s; %s UTC" % (machine(), time.strftime(
        "%Y-%m-%d %H:%M", time.gmtime())))
    print("Load average (1, 5, 15 min) before: %.2f %.2f %.2f, after: "
          "%.2f %.2f %.2f; %d cores" % (load_before + load_after
                                          + (psutil.cpu_count(),)))
    print("%d pupils' letters, one page each\n" % pupils)
    print("| operation | median (s) | min–max (s) | processor (s): Odoo + wkhtmltopdf | queries | peak memory | what |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| %s | %.2f | %s | %.2f + %.2f | %s | %s | %s |" % (
            row["label"], row["median"],
            "%.2f–%.2f" % (row["min"], row["max"]) if "min" in row else "",
            row["cpu"], row["cpu_children"], row.get("queries", ""),
            "%.0f MiB" % row["peak_mib"] if row.get("peak_mib") else "",
            row["detail"]))
    letters, floor = rows[0], rows[1]
    print("\nRatio letters / floor (medians of the same run): %.2f in wall "
          "time, %.2f in processor time" % (
              letters["median"] / floor["median"],
              (letters["cpu"] + letters["cpu_children"])
              / (floor["cpu"] + floor["cpu_children"])))


if __name__ == "__main__":
    main()
