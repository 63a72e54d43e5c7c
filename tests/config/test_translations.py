import subprocess

from django.conf import settings
from django.test import override_settings
from django.utils import translation

PO = settings.SITE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_the_shipped_catalogue_is_compiled(tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes(), "run `make messages`"


@override_settings(LANGUAGE_CODE="zh-hans")
def test_model_choices_read_in_chinese():
    from coverage.models import Membership

    with translation.override("zh-hans"):
        assert str(Membership.Role.REGULATOR.label) == "监管人员"
