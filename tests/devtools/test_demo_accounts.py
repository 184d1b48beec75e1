"""Every demo account the README lists logs in and does what the README says it does.

The README's demo table is the source: its accounts, departments, landing pages and "try"
walkthroughs are read from ``README.md`` and played in a browser on the seeded demo data, so a
README that drifts from the demo (an account in another department than it says, a page that
answers "not found") fails here.
"""

import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from thanhsen.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

README = Path(settings.BASE_DIR) / "README.md"


@dataclass(frozen=True)
class ReadmeAccount:
    username: str
    department: str | None
    lands_on: str
    steps: list[str]


def readme_accounts() -> list[ReadmeAccount]:
    text = README.read_text(encoding="utf-8")
    header = "| account | role | department | lands on | try |"
    assert header in text, "the README's demo table has changed shape"
    rows = text[text.index(header):].split("\n\n", 1)[0].splitlines()[2:]
    accounts = []
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        username, _role, department, lands_on, steps = cells
        accounts.append(ReadmeAccount(
            username=username.strip("`"),
            department=None if department == "—" else department,
            lands_on=lands_on.strip("`"),
            steps=[step.strip() for step in steps.split("→")],
        ))
    return accounts


def test_the_readme_lists_every_demo_account():
    from devtools.demo.cases import DEMO_ACCOUNTS

    assert {a.username for a in readme_accounts()} == {a.username for a in DEMO_ACCOUNTS}


def _play(page, base_url, steps):
    for step in steps:
        if step.startswith("`"):
            response = page.goto(base_url + step.strip("`"))
            assert response.status < 400, (step, response.status)
        elif step == "first dossier":
            link = page.locator("main a[href*='/ho-so/'], main a[href*='/ho-so-cua-toi/']").filter(
                has_text=re.compile(r"-\d{6}-\d{4}")).first
            link.click()
            page.wait_for_load_state()
            assert "không tìm thấy" not in page.content().lower()
        else:
            phrase = step.strip('"')
            assert page.get_by_text(phrase, exact=False).first.is_visible(), (phrase, page.url)


def test_every_readme_account_logs_in_and_does_what_the_readme_says(
    page, live_server, screenshot
):
    printed = StringIO()
    call_command("seed_demo", dossiers=120, base_url=live_server.url, stdout=printed)
    # The login address is the one the command printed (``make run`` passes its own address).
    login = re.search(r"log in: (\S+)", printed.getvalue()).group(1)
    assert login == f"{live_server.url}/dang-nhap/"
    page.set_viewport_size({"width": 1280, "height": 900})
    for account in readme_accounts():
        page.context.clear_cookies()
        page.goto(login)
        page.locator("input[name=username]").fill(account.username)
        page.locator("input[name=password]").fill(account.username + "@2026")
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        assert page.url.removeprefix(live_server.url).split("?")[0] == account.lands_on, account

        user = User.objects.select_related("department").get(username=account.username)
        if account.department:
            assert account.department in user.department.name, account
        else:
            assert user.department is None, account

        _play(page, live_server.url, account.steps)
        screenshot(account.username)
