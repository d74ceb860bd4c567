"""The letters printed as several documents side by side (issue 19): the
pages come out in the letters' order whatever the document they were
printed in, and the provisional passwords never reach a file or a command
line, not even when wkhtmltopdf fails."""
import os
import shutil
import tempfile
from unittest import mock

import psutil

from odoo.exceptions import UserError

from ..reports import pdf as letters_pdf
from .common import ClassPackCase, pdf_pages


class TestLettersInSeveralDocuments(ClassPackCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = [("6 1", cls.noemie), ("6 1", cls.zoe), ("6 2", cls.mila),
                     ("5 3", cls.bernard), ("5 3", cls.ella)]

    def setUp(self):
        super().setUp()
        # Whatever Odoo or this addon writes in the temporary directory
        # during a test lands here.
        self.tmp = tempfile.mkdtemp(prefix="educonnect-letters-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        patcher = mock.patch.object(tempfile, "tempdir", self.tmp)
        patcher.start()
        self.addCleanup(patcher.stop)
        # Two letters per document: five letters, three documents printed
        # side by side by two processes.
        for target, name, value in (
                (letters_pdf, "SMALLEST_DOCUMENT", 2),
                (type(self.pupils), "LETTERS_PER_DOCUMENT", 2),
                (letters_pdf, "processes", lambda: 2)):
            patcher = mock.patch.object(target, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def notify(self):
        wizard = self.wizard("educonnect.notify.wizard", self.pupils)
        wizard.action_confirm()
        return wizard

    def test_pages_come_in_the_letters_order_across_documents(self):
        commands = []
        real_popen = letters_pdf.subprocess.Popen

        def popen(command, *args, **kwargs):
            commands.append(command)
            return real_popen(command, *args, **kwargs)

        with mock.patch.object(letters_pdf.subprocess, "Popen", popen):
            wizard = self.notify()
        pages = pdf_pages(self.attachment_content(wizard))
        self.assertEqual(len(commands), 3, "one wkhtmltopdf per document")
        self.assertEqual(len(pages), 5)
        for page, (klass, pupil) in zip(pages, self.order):
            self.assertTrue(" ".join(page.split()).startswith(
                "Classe %s " % klass), page[:200])
            self.assertIn(pupil.login, page)
            self.assertIn(pupil.provisional_password, page)
            self.assertIn("Votre compte EduConnect", page)
        # The passwords go through a pipe: neither a temporary file nor
        # the command line (which any local user may list) holds them.
        self.assertEqual(os.listdir(self.tmp), [])
        for command in commands:
            self.assertNotIn("--cookie", command)
            for pupil in self.pupils:
                self.assertNotIn(pupil.provisional_password, " ".join(command))

    def test_a_failing_wkhtmltopdf_leaves_no_file_and_no_process(self):
        real = letters_pdf.wkhtmltopdf_command

        def failing(report):
            # An option wkhtmltopdf does not know: it stops with an error.
            command = real(report)
            return command[:1] + ["--no-such-option"] + command[1:]

        with mock.patch.object(letters_pdf, "wkhtmltopdf_command", failing):
            with self.assertRaises(UserError) as raised:
                self.notify()
        self.assertIn("Wkhtmltopdf a échoué", raised.exception.name)
        self.assertEqual(os.listdir(self.tmp), [])
        self.assertFalse([p for p in psutil.Process().children(recursive=True)
                          if "wkhtmltopdf" in " ".join(p.cmdline())])
