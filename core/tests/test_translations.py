from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings


def test_the_chinese_catalogue_is_complete():
    path = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    catalog = read_po(path.open("rb"))
    untranslated = [m.id for m in catalog if m.id and not (m.string[0] if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert len(catalog) > 300
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]
