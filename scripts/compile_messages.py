"""Compile every locale/*/LC_MESSAGES/*.po to .mo with Babel, so no gettext binary is needed."""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

root = Path(__file__).resolve().parent.parent / "locale"
count = 0
for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
    with po_path.open("rb") as f:
        try:
            catalog = read_po(f, abort_invalid=True)
        except Exception as exc:  # noqa: BLE001 - any parse error stops the build with its file
            sys.exit(f"{po_path}: {exc}")
    with po_path.with_suffix(".mo").open("wb") as f:
        write_mo(f, catalog)
    count += 1
print(f"compiled {count} catalogue(s)")
