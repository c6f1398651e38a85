"""Staff review in headless Chromium against the real stack: a conversation held over Rasa's REST
channel is found in the list, read with its intents, one message flagged and exported as NLU
training data, and the person erased, from the pages and from the database. Also: phone width
and keyboard use of the staff pages."""

from __future__ import annotations

import re
import secrets
import sqlite3
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.channels.conversation_ids import rest_conversation_id
from tests.browser.conftest import ARTIFACTS
from tests.support.servers import ROOT, base_env

try:
    from playwright.sync_api import expect
except ImportError:  # no Playwright: the `browser` fixture skips (or fails under REQUIRE_SERVICES)
    expect = None

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
PASSWORD = "fiets paraplu hagelslag 42"
INTENT_LINE = re.compile(r"^intent: [a-z_/]+ · \d{1,3}%$")


@pytest.fixture(scope="module")
def admin(stack) -> str:
    """An admin account in the stack's database, made with the CLI as `make staff-add` does."""
    email = f"beheer-{secrets.token_hex(3)}@voorbeeld.nl"
    created = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "bot.service.cli", "create-staff", "--email", email,
         "--name", "Beheerder Test", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n", text=True, capture_output=True, cwd=ROOT,
        env=base_env(DATABASE_URL=f"sqlite:///{stack.service.database}", ENVIRONMENT="test"),
    )
    assert created.returncode == 0, created.stdout + created.stderr
    return email


def shot(page, step: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"staff-review-{step}.png"), full_page=True)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def rows_in_database(database: Path, table: str, sender: str) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT count(*) FROM {table} WHERE sender_id = ?", (sender,)).fetchone()[0]


def test_review_flag_export_and_erase_a_conversation(stack, new_page, admin):
    sender = f"staff-review-{secrets.token_hex(4)}"
    marker = f"zebra{secrets.token_hex(3)}"  # a word only this conversation holds, for the search
    stack.rasa.send(sender, "ik wil beter leren presenteren")
    stack.rasa.send(sender, f"in een groep met {marker}")
    assert rows_in_database(stack.service.database, "events", rest_conversation_id(sender)) > 0

    page = new_page(LAPTOP)
    page.goto(f"{stack.service.url}/staff/login?next=/staff/gesprekken")
    page.get_by_label("E-mailadres").fill(admin)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Gesprekken", exact=True)).to_be_visible()

    # Keyboard: Tab from the top of the page reaches the filter form.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-zoek":
            break
    else:
        pytest.fail("Tab never reached the search field of the filter form")
    page.keyboard.type(marker)
    page.select_option("#f-kanaal", "rest")
    page.get_by_role("button", name="Filteren").click()
    expect(page).to_have_url(re.compile(r"kanaal=rest"))
    rows = page.locator("table.conversations tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ik wil beter leren presenteren")
    expect(rows.first).to_contain_text("REST")
    shot(page, "01-list")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page), "the list scrolls sideways on a phone"
    shot(page, "02-list-phone")
    page.set_viewport_size(LAPTOP)

    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Gesprek van \d\d-\d\d-\d{4} \d\d:\d\d$"))).to_be_visible()
    messages = page.locator("[data-testid=user-message]")
    expect(messages.first).to_contain_text("ik wil beter leren presenteren")
    intents = page.locator("[data-testid=user-message] [data-testid=intent]").all_inner_texts()
    assert len(intents) >= 2 and all(INTENT_LINE.match(line.strip()) for line in intents), intents
    predicted = messages.first.locator(".intent-name").first.inner_text()
    correct = "need_coaching" if predicted != "need_coaching" else "need_career"
    shot(page, "03-conversation")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page), "the conversation scrolls sideways on a phone"
    shot(page, "04-conversation-phone")
    page.set_viewport_size(LAPTOP)

    first = messages.first
    first.locator("summary").click()
    first.get_by_label("Welke intent had dit moeten zijn?").select_option(correct)
    first.get_by_role("button", name="Markeer").click()
    expect(page.get_by_role("status")).to_contain_text("Het bericht is gemarkeerd")
    expect(messages.first.locator("[data-testid=flag]")).to_contain_text(f"gemarkeerd als {correct} door {admin}")
    conversation_url = page.url.split("?")[0]

    page.get_by_role("link", name="Markeringen", exact=True).click()
    expect(page.locator("table.flags")).to_contain_text("ik wil beter leren presenteren")
    shot(page, "05-flags")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Exporteer als NLU-trainingsdata (YAML)").click()
    download = downloading.value
    assert download.suggested_filename.endswith(".yml")
    nlu = yaml.safe_load(Path(download.path()).read_text(encoding="utf-8"))["nlu"]
    examples = {block["intent"]: block["examples"] for block in nlu}
    assert "- ik wil beter leren presenteren" in examples[correct].splitlines()

    page.goto(conversation_url)
    page.get_by_label("Ja, ik wil alles over deze persoon definitief wissen").check()
    page.get_by_role("button", name="Alles over deze persoon wissen").click()
    expect(page.get_by_role("status")).to_have_text("Gewist: 1 gesprek, 0 leads.")
    shot(page, "06-erased")

    page.get_by_label("Zoek in wat de bezoeker typte").fill(marker)
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("heading", name="Geen gesprekken gevonden")).to_be_visible()
    assert rows_in_database(stack.service.database, "events", rest_conversation_id(sender)) == 0
    assert rows_in_database(stack.service.database, "conversations", rest_conversation_id(sender)) == 0
