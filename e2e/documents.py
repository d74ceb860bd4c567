"""Reading back what the staff downloaded: PDF letters and lists, CSV, XLSX."""
import csv
import io
import re
import subprocess

import openpyxl


def pdf_pages(path):
    """The text of each page of a PDF, read with poppler's pdftotext."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"],
                         stdout=subprocess.PIPE, check=True).stdout
    pages = out.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def letter_credentials(page):
    """(identifiant, provisional password or None) printed on a letter."""
    login = re.search(r"Identifiant\s*:\s*(\S+)", page)
    password = re.search(r"Mot de passe provisoire\s*:\s*(\S+)", page)
    return (login.group(1) if login else None,
            password.group(1) if password else None)


def csv_rows(path):
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def xlsx_rows(path):
    sheet = openpyxl.load_workbook(path, read_only=True).active
    return [["" if v is None else str(v) for v in row]
            for row in sheet.iter_rows(values_only=True)]
