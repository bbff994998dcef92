"""Fill translations into the zh_Hans catalogue after `make makemessages`.

Usage: .venv/bin/python scripts/fill_translations.py FILE.json, where FILE maps each English msgid to its
Chinese msgstr (a one-item list for a plural message). Clears the fuzzy flag of what it fills; then run
`make messages` to compile.
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")

translations = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
with CATALOGUE.open("rb") as source:
    catalogue = read_po(source)
filled = 0
for message in catalogue:
    key = message.id[0] if isinstance(message.id, tuple) else message.id
    if key in translations:
        text = translations[key]
        message.string = tuple(text) if isinstance(message.id, tuple) else text
        message.flags.discard("fuzzy")
        filled += 1
with CATALOGUE.open("wb") as target:
    write_po(target, catalogue, width=0)
print(f"filled {filled}")
