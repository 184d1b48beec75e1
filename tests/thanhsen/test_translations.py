"""The English catalogue is complete, the language switch works, and API errors speak Vietnamese.

The msgids are Vietnamese; ``locale/en`` holds their English translation. ``locale/vi`` holds
only third-party messages (Django REST framework, Django validators, django-filter) that would
otherwise reach Vietnamese users in English: it is written by hand, never by
``makemessages -l vi``.
"""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = [LOCALE / lang / "LC_MESSAGES" / "django.po" for lang in ("en", "vi")]


def _unquote(line: str) -> str:
    text = line.strip()[1:-1]
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)


def _entries(path: Path):
    """Yield (flags, msgid, msgstrs) for each live entry of a .po file; no polib needed."""
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        flags, fields, current = [], {}, None
        for line in block.splitlines():
            if line.startswith("#~"):  # obsolete entry: not part of the catalogue
                fields = {}
                break
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                fields[current] += _unquote(line)
            else:
                current, _, rest = line.partition(" ")
                fields[current] = _unquote(rest)
        if "msgid" in fields and fields["msgid"]:  # skip the header
            msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
            yield flags, fields["msgid"], msgstrs


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(path):
    entries = list(_entries(path))
    assert entries, f"{path} has no entries"
    fuzzy = [msgid for flags, msgid, _ in entries if "fuzzy" in flags]
    untranslated = [msgid for _, msgid, msgstrs in entries if not msgstrs or not all(msgstrs)]
    assert not fuzzy, f"fuzzy entries in {path}: {fuzzy[:10]}"
    assert not untranslated, f"untranslated entries in {path}: {untranslated[:10]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_catalogue_compiles_and_the_committed_mo_is_current(path, tmp_path):
    """msgfmt agrees (placeholders included), and the .mo in the tree matches the .po."""
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt (gettext) is not installed")
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", str(fresh), str(path)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    with fresh.open("rb") as new, path.with_suffix(".mo").open("rb") as committed:
        new_catalog = gettext.GNUTranslations(new)._catalog
        committed_catalog = gettext.GNUTranslations(committed)._catalog
    assert committed_catalog == new_catalog, (
        "the .mo file is stale: run `python manage.py compilemessages --ignore=.venv`"
    )


@pytest.mark.django_db
def test_login_page_follows_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/dang-nhap/").content.decode()
    assert '<html lang="en">' in english
    assert "<h1>Log in</h1>" in english
    assert "Look up without logging in" in english
    assert "Đăng nhập" not in english
    assert settings.UNIT_NAME_EN in english and settings.UNIT_NAME not in english

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    vietnamese = client.get("/dang-nhap/").content.decode()
    assert '<html lang="vi">' in vietnamese
    assert "<h1>Đăng nhập</h1>" in vietnamese
    assert "Tra cứu không cần đăng nhập" in vietnamese
    assert settings.UNIT_NAME in vietnamese and settings.UNIT_NAME_EN not in vietnamese


@pytest.mark.django_db
def test_language_switch_turns_the_lookup_page_english(client):
    """Web pages follow the switch (a cookie), not the browser's Accept-Language."""
    assert "Tra cứu hồ sơ" in client.get("/tra-cuu/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/tra-cuu/"})
    english = client.get("/tra-cuu/").content.decode()
    assert "Dossier lookup" in english
    assert "Tra cứu hồ sơ" not in english


def test_api_reports_a_missing_required_field_in_vietnamese(as_user, counter):
    response = as_user(counter).post("/api/v1/dossiers/", {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Dữ liệu không hợp lệ."
    assert body["fields"]["procedure"] == ["Trường này là bắt buộc."]
    assert body["fields"]["channel"] == ["Trường này là bắt buộc."]


def test_api_validation_messages_come_from_our_vietnamese_catalogue(as_user, counter):
    """Messages that neither DRF's nor Django's Vietnamese catalogue gets right by itself."""
    response = as_user(counter).post(
        "/api/v1/dossiers/",
        {"procedure": None, "channel": "fax", "applicant": {"email": "khong-hop-le"}},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["procedure"] == ["Trường này không được để trống."]
    assert fields["channel"] == ["“fax” không phải là lựa chọn hợp lệ."]
    assert fields["applicant"]["email"] == ["Nhập địa chỉ thư điện tử hợp lệ."]


def test_api_speaks_english_when_asked(as_user, counter):
    response = as_user(counter).post("/api/v1/dossiers/", {}, format="json",
                                     HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid data."
    assert body["fields"]["procedure"] == ["This field is required."]


def test_an_english_request_leaves_the_previous_language_active_after_it(client):
    """A request's language must not outlive it: the next code in the thread (a Celery task
    run eagerly, the next test) would otherwise speak English where Vietnamese is due."""
    from django.utils import translation

    translation.activate("vi")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Log in" in client.get("/dang-nhap/").content.decode()
    assert translation.get_language() == "vi"
    assert str(translation.gettext_lazy("Đăng nhập")) == "Đăng nhập"
