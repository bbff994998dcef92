"""Compile every locale/*/LC_MESSAGES/*.po to .mo beside it with Babel, so no gettext binary is needed.

Usage: python scripts/compile_messages.py [LOCALE_DIR]   (default: the repository's locale/)
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "locale"
count = 0
for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
    with po_path.open("rb") as f:
        try:
            catalog = read_po(f, abort_invalid=True)
        except (PoFileError, ValueError) as exc:  # ValueError covers a file that is not in its declared charset
            sys.exit(f"compile_messages: {po_path}: {exc}")
    with po_path.with_suffix(".mo").open("wb") as f:
        write_mo(f, catalog)
    count += 1
print(f"compile_messages: compiled {count} catalogue(s) under {root}")
