"""Hostile SIECLE files are refused fast, before any plan, within caps that
stand far above the largest real establishment (issue 7): bytes are
not the only danger, a 5 KB zip holds 100,000 rows. The files are generated
here, a few KB each."""
import base64
import io
import zipfile

from odoo.exceptions import UserError

from ..tools import siecle
from ..tools.siecle_files import DEFAULT_LIMITS
from .siecle_common import SiecleCase
from .siecle_fixtures import generate_exports

HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>\n<BEE_ELEVES VERSION="3.1">'
        b"<PARAMETRES><UAJ>0750680G</UAJ><ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>"
        b"</PARAMETRES><DONNEES><ELEVES>")
TAIL = b"</ELEVES></DONNEES></BEE_ELEVES>\n"


def pupils_export(body):
    return HEAD + body + TAIL


def bomb(content, name="ElevesSansAdresses.xml"):
    """A zip of ``content``, as small as deflate makes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


class TestSiecleImportLimits(SiecleCase):

    def assertRefusedAndNothingWritten(self, files, expected, apply=True):
        counts = self.counts()
        with self.assertRaises(UserError) as caught:
            self.run_import(files=files, apply=apply)
        self.assertIn(expected, caught.exception.name)
        self.assertEqual(self.counts(), counts)

    def counts(self):
        Import = self.env["educonnect.siecle.import"]
        return (self.env["educonnect.student"].with_context(
            active_test=False).search_count([]),
            self.env["educonnect.class"].with_context(
                active_test=False).search_count([]),
            Import.search_count([]),
            self.env["educonnect.siecle.import.line"].search_count([]))

    def set_limit(self, name, value):
        self.env["ir.config_parameter"].set_param(
            "educonnect_accounts.siecle_max_" + name, str(value))

    def test_a_small_zip_of_many_rows_is_refused_before_any_plan(self):
        # The attack of the review: a few KB of zip, 300,000 pupil rows
        # that would each be rejected and written in the report.
        archive = bomb(pupils_export(b"<ELEVE/>" * 300000))
        self.assertLess(len(archive), 10000)
        for apply in (False, True):
            self.assertRefusedAndNothingWritten(
                [("export.zip", archive)],
                "Le fichier export.zip/ElevesSansAdresses.xml est refusé : il "
                "contient plus de 150\N{NO-BREAK SPACE}000 lignes, bien plus "
                "que l'export SIECLE du plus grand établissement. Rien n'a "
                "été importé.", apply=apply)

    def test_a_file_of_millions_of_elements_is_refused_while_parsed(self):
        # Few rows, but millions of elements in one: the parse stops at the
        # cap instead of building the whole tree.
        archive = bomb(pupils_export(
            b'<ELEVE ELEVE_ID="1">' + b"<X/>" * 2500000 + b"</ELEVE>"))
        self.assertRefusedAndNothingWritten(
            [("export.zip", archive)],
            "Le fichier export.zip/ElevesSansAdresses.xml est refusé : il "
            "contient plus de 2\N{NO-BREAK SPACE}000\N{NO-BREAK SPACE}000 "
            "éléments XML")

    def test_a_zip_bomb_is_refused_by_its_decompressed_size(self):
        self.set_limit("megabytes", 1)
        self.assertRefusedAndNothingWritten(
            [("export.zip", bomb(pupils_export(b" " * 2 * 2 ** 20)))],
            "L'archive export.zip est refusée : fichiers trop nombreux ou trop "
            "volumineux.")
        self.assertRefusedAndNothingWritten(
            [("ElevesSansAdresses.xml", pupils_export(b" " * 2 * 2 ** 20))],
            "Le fichier ElevesSansAdresses.xml est trop volumineux (plus de "
            "1 Mo).")

    def test_a_report_beyond_its_cap_is_refused_and_nothing_is_written(self):
        # Under the row cap, but every row rejected: 60,000 report lines.
        files = [("export.zip", bomb(pupils_export(b"<ELEVE/>" * 60000)))]
        self.assertRefusedAndNothingWritten(
            files, "L'import est refusé : son compte rendu contiendrait plus "
            "de 50\N{NO-BREAK SPACE}000 lignes (lignes rejetées, "
            "avertissements)")
        # The preview shows it on the files step; nothing is kept.
        wizard = self.staff_env()["educonnect.siecle.import.wizard"].create({
            "pupils_file": base64.b64encode(files[0][1]),
            "pupils_filename": "export.zip"})
        wizard.action_preview()
        self.assertEqual(wizard.step, "upload")
        self.assertIn("son compte rendu contiendrait plus de", wizard.error)
        self.assertFalse(wizard.import_id)

    def test_the_caps_are_settings(self):
        self.set_limit("rows", 10)
        self.assertRefusedAndNothingWritten(
            [("ElevesSansAdresses.xml", pupils_export(b"<ELEVE/>" * 11))],
            "il contient plus de 10 lignes")
        self.set_limit("rows", 100)
        self.set_limit("report_lines", 10)
        self.assertRefusedAndNothingWritten(
            [("ElevesSansAdresses.xml", pupils_export(b"<ELEVE/>" * 11))],
            "son compte rendu contiendrait plus de 10 lignes")
        self.set_limit("report_lines", 11)
        report = self.run_import(files=[(
            "ElevesSansAdresses.xml", pupils_export(b"<ELEVE/>" * 11))])
        self.assertEqual(report.pupil_rejected, 11)
        # An unreadable setting falls back on its default.
        self.set_limit("elements", "beaucoup")
        Import = self.env["educonnect.siecle.import"]
        self.assertEqual(Import._siecle_limits().elements,
                         DEFAULT_LIMITS.elements)

    def test_the_largest_establishment_export_is_within_the_caps(self):
        exports = generate_exports("0750680G", pupils=5000, families=5000)
        export = siecle.read_files(
            [("ElevesSansAdresses.xml", exports["eleves"]),
             ("ResponsablesAvecAdresses.xml", exports["responsables"])],
            "0750680G", self.env["educonnect.siecle.import"]._siecle_limits())
        self.assertEqual(len(export["pupils"]), 5000)
        self.assertGreaterEqual(len(export["persons"]), 10000)
