"""Merge an Odoo-exported template into i18n/fr.po, keeping translations.

Usage: i18n_merge.py TEMPLATE.po ADDON_I18N_DIR ADDON [NEW_TRANSLATIONS.json]

The template's entries (with Odoo's ``#. module:`` and ``#: model:…``
references, which Odoo needs to place each translation) are written as they
are, with the msgstr taken from the current fr.po or from the JSON file of new
translations ({"English": "Français"}). Prints what is left to translate.
"""
import json
import os
import sys

from babel.messages.pofile import read_po


def quote(text):
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if "\n" not in text:
        return '"%s"' % text
    lines = text.split("\n")
    parts = [l + "\\n" for l in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join('"%s"' % p for p in parts)


def main(template_path, folder, addon, extra=None):
    with open(template_path, "rb") as handle:
        template = read_po(handle)
    known = {}
    fr_path = os.path.join(folder, "fr.po")
    if os.path.exists(fr_path):
        with open(fr_path, "rb") as handle:
            known = {m.id: m.string for m in read_po(handle) if m.id and m.string}
    if extra:
        with open(extra) as handle:
            known.update({k: v for k, v in json.load(handle).items() if v})
    raw = open(template_path, encoding="utf-8").read()
    blocks = raw.strip("\n").split("\n\n")
    header, entries = blocks[0], blocks[1:]
    ids = [m.id for m in template if m.id]
    if len(ids) != len(entries):
        raise SystemExit("unexpected template layout in %s" % template_path)
    with open(os.path.join(folder, addon + ".pot"), "w", encoding="utf-8") as pot:
        pot.write(raw)
    out = [header.replace('"Plural-Forms: \\n"', '"Language: fr\\n"\n"Plural-Forms: \\n"')]
    missing = []
    for msgid, block in zip(ids, entries):
        lines = block.split("\n")
        cut = max(i for i, l in enumerate(lines) if l.startswith("msgstr"))
        string = known.get(msgid, "")
        if not string:
            missing.append(msgid)
        out.append("\n".join(lines[:cut] + ["msgstr " + quote(string)]))
    with open(fr_path, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join(out) + "\n")
    print("%s: %d strings, %d to translate" % (addon, len(ids), len(missing)))
    for msgid in missing:
        print("    %r" % msgid)


if __name__ == "__main__":
    main(*sys.argv[1:])
