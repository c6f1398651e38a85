"""The staff conversation pages (server-rendered, no JavaScript): the list with its filters, one
transcript with review, tags, notes and flags, the flagged messages and their NLU export, exports,
and erasing a person. On SQLite and PostgreSQL, with a Rasa-like tracker store."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from fastapi.testclient import TestClient

from bot.service.api.staff_pages import STALE_FORM
from tests.service.conftest import SERVICE, STAFF_PASSWORD
from tests.service.factories import lead_payload
from tests.service.rasa_tracker import T0, RasaTracker, action, bot, slot, user

XSS = "<script>alert(1)</script>"
DAY = 24 * 3600
CHANNELS = {"web": "socketio", "telegram": "telegram", "rest": "rest"}


def said(text: str, intent: str, confidence: float, timestamp: float, channel: str = "rest") -> dict:
    return user(text, intent, confidence, timestamp) | {"input_channel": CHANNELS[channel]}


def a_conversation(rasa: RasaTracker, sender: str, words: str = "ik wil beter leren presenteren", *,
                   start: float = T0, channel: str = "rest", intent: str = "need_skill",
                   advice: str | None = "training", handed_over: bool = False) -> None:
    events = [
        action("action_session_start", start),
        action("action_listen", start + 0.1),
        said(words, intent, 0.91, start + 1, channel),
        bot("Wil je dit in een groep of 1-op-1 leren?", start + 1.5, buttons=("In een groep", "1-op-1")),
        said("in een groep", "inform", 0.88, start + 10, channel),
        slot("setting", "group", start + 10.1),
    ]
    if advice:
        events += [slot("recommendation", advice, start + 10.2), bot("Dit past het best bij je.", start + 10.5)]
    if handed_over:
        events.append(slot("lead_reference", "MW-TEST", start + 20))
    rasa.save(sender, *events)


def csrf_from(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def log_in(client: TestClient, make_account, role: str = "mentor", email: str = "sanne@voorbeeld.nl") -> str:
    """Log in through the login form; returns the session's CSRF token for the next forms."""
    make_account(email, role=role)
    token = csrf_from(client.get("/staff/login").text)
    response = client.post("/staff/login", data={"email": email, "password": STAFF_PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/staff/markeringen").text)


def listed(client: TestClient, query: str = "") -> list[str]:
    """The first messages the list shows, in its order."""
    response = client.get(f"/staff/gesprekken{query}")
    assert response.status_code == 200, response.text
    return [html.unescape(cell) for cell in re.findall(r'<td class="excerpt"[^>]*>(.*?)</td>', response.text)]


def conversation_ids(client: TestClient) -> list[int]:
    return [int(found) for found in re.findall(r'href="/staff/gesprekken/(\d+)"', client.get("/staff/gesprekken").text)]


def only_conversation(client: TestClient) -> int:
    [conversation_id] = conversation_ids(client)
    return conversation_id


PAGES = ["/staff/gesprekken", "/staff/gesprekken/1", "/staff/gesprekken/1/export.json", "/staff/markeringen",
         "/staff/markeringen/export.yml"]
ACTIONS = ["/staff/gesprekken/1/nagekeken", "/staff/gesprekken/1/labels", "/staff/gesprekken/1/notities",
           "/staff/gesprekken/1/markeren", "/staff/gesprekken/1/wissen", "/staff/markeringen/1/weghalen"]


def test_every_page_and_form_asks_for_a_login(client: TestClient) -> None:
    for path in PAGES:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/staff/login?next=/staff/"), path
    for path in ACTIONS:
        response = client.post(path, data={"csrf_token": "x"}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/staff/login"), path


def test_the_list_is_newest_first_and_filters(client: TestClient, rasa: RasaTracker, make_account) -> None:
    log_in(client, make_account)
    a_conversation(rasa, "anna", "presenteren voor een zaal", start=T0, handed_over=True)
    a_conversation(rasa, "bram", "ik loop vast in mijn werk", start=T0 + 2 * DAY, channel="web",
                   intent="need_coaching", advice=None)
    a_conversation(rasa, "cees", "welke kant op met mijn loopbaan", start=T0 + 4 * DAY, channel="telegram",
                   intent="need_career", advice="mentoring")

    page = client.get("/staff/gesprekken")
    assert page.status_code == 200
    assert 'aria-current="page"' in page.text and "3 gesprekken" in page.text
    newest_first = ["welke kant op met mijn loopbaan", "ik loop vast in mijn werk", "presenteren voor een zaal"]
    assert listed(client) == newest_first
    assert listed(client, "?kanaal=web") == ["ik loop vast in mijn werk"]
    assert listed(client, "?kanaal=telegram&advies=mentoring") == ["welke kant op met mijn loopbaan"]
    assert listed(client, "?behoefte=need_skill") == ["presenteren voor een zaal"]
    assert listed(client, "?advies=geen") == ["ik loop vast in mijn werk"]
    assert listed(client, "?lead=ja") == ["presenteren voor een zaal"]
    assert listed(client, "?lead=nee&kanaal=") == ["welke kant op met mijn loopbaan", "ik loop vast in mijn werk"]
    assert listed(client, "?zoek=VAST+in") == ["ik loop vast in mijn werk"]
    # T0 is 18-11-2026 in Amsterdam; "tot en met" includes the whole day.
    assert listed(client, "?van=2026-11-19&tot=2026-11-20") == ["ik loop vast in mijn werk"]
    assert listed(client, "?tot=2026-11-18") == ["presenteren voor een zaal"]
    assert listed(client, "?zoek=niemand+zei+dit") == []
    assert "Geen gesprekken gevonden" in client.get("/staff/gesprekken?zoek=niemand").text

    token = csrf_from(page.text)
    newest = conversation_ids(client)[0]
    client.post(f"/staff/gesprekken/{newest}/nagekeken", data={"nagekeken": "ja", "csrf_token": token})
    client.post(f"/staff/gesprekken/{newest}/labels", data={"labels": "Loopbaan, goed voorbeeld", "csrf_token": token})
    assert listed(client, "?nagekeken=ja") == ["welke kant op met mijn loopbaan"]
    assert listed(client, "?nagekeken=nee") == ["ik loop vast in mijn werk", "presenteren voor een zaal"]
    assert listed(client, "?label=goed+voorbeeld") == ["welke kant op met mijn loopbaan"]
    filtered = client.get("/staff/gesprekken?kanaal=web&zoek=vast").text
    assert 'value="vast"' in filtered and '<option value="web" selected>' in filtered


def test_pages_of_25_keep_the_filters(client: TestClient, rasa: RasaTracker, make_account) -> None:
    log_in(client, make_account)
    for number in range(27):
        a_conversation(rasa, f"visitor-{number}", f"bericht nummer {number}", start=T0 + number * 60)

    first = client.get("/staff/gesprekken?zoek=bericht").text
    assert "27 gesprekken" in first and "Pagina 1 van 2" in first
    assert 'href="/staff/gesprekken?zoek=bericht&amp;pagina=2"' in first
    assert len(listed(client, "?zoek=bericht")) == 25
    second = listed(client, "?zoek=bericht&pagina=2")
    assert second == ["bericht nummer 1", "bericht nummer 0"]


def test_what_a_visitor_typed_is_escaped_everywhere(client: TestClient, rasa: RasaTracker, make_account) -> None:
    token = log_in(client, make_account)
    a_conversation(rasa, "mallory", XSS)
    escaped = html.escape(XSS, quote=False)

    listing = client.get("/staff/gesprekken")
    assert XSS not in listing.text and escaped in listing.text
    conversation_id = only_conversation(client)
    event_id = re.search(r'name="bericht" value="(\d+)"', client.get(f"/staff/gesprekken/{conversation_id}").text)[1]
    client.post(f"/staff/gesprekken/{conversation_id}/notities", data={"notitie": XSS, "csrf_token": token})
    client.post(f"/staff/gesprekken/{conversation_id}/markeren",
                data={"bericht": event_id, "intent": "need_skill", "csrf_token": token})

    detail = client.get(f"/staff/gesprekken/{conversation_id}")
    assert detail.status_code == 200
    assert XSS not in detail.text and detail.text.count(escaped) >= 2  # the message and the note
    flagged = client.get("/staff/markeringen")
    assert XSS not in flagged.text and escaped in flagged.text
    # A crafted confirmation cannot put words on the page.
    crafted = client.get(f"/staff/gesprekken/{conversation_id}?gedaan={XSS}&gewist=<b>")
    assert crafted.status_code == 200 and XSS not in crafted.text and 'role="status"' not in crafted.text


def test_a_transcript_shows_intents_slots_advice_and_the_lead(
    client: TestClient, rasa: RasaTracker, make_account
) -> None:
    log_in(client, make_account)
    payload = lead_payload()
    lead = client.post("/api/leads", json=payload, headers=SERVICE).json()
    a_conversation(rasa, payload["conversation_id"], handed_over=True)
    a_conversation(rasa, payload["conversation_id"], "nog een vraag", start=T0 + 3 * DAY)  # a later session
    older = conversation_ids(client)[-1]

    page = client.get(f"/staff/gesprekken/{older}")

    assert page.status_code == 200
    text = page.text
    assert "Gesprek van 18-11-2026 12:06" in text  # Europe/Amsterdam
    assert 'intent: <span class="intent-name">need_skill</span> · <span class="confidence">91%</span>' in text
    assert 'intent: <span class="intent-name">inform</span> · <span class="confidence">88%</span>' in text
    assert "<li>In een groep</li>" in text  # the bot's buttons
    assert "<th scope=\"row\">setting</th><td>group</td>" in text
    assert "<strong>training</strong>" in text and "Waarom" in text
    assert f'<a href="/staff/leads/{lead["id"]}">{lead["reference"]}</a>' in text
    assert "Gesprek van 21-11-2026" in text  # the visitor's other conversation
    assert 'href="/staff/gesprekken/' + str(older) + '/export.json"' in text
    assert "Alles over deze persoon wissen" not in text  # a mentor


def test_review_tags_and_notes(client: TestClient, rasa: RasaTracker, make_account) -> None:
    token = log_in(client, make_account)
    a_conversation(rasa, "anna")
    conversation_id = only_conversation(client)
    base = f"/staff/gesprekken/{conversation_id}"

    reviewed = client.post(f"{base}/nagekeken", data={"nagekeken": "ja", "csrf_token": token}, follow_redirects=False)
    assert reviewed.status_code == 303 and reviewed.headers["location"] == f"{base}?gedaan=nagekeken"
    page = client.get(reviewed.headers["location"]).text
    assert "Het gesprek staat op nagekeken." in page and "Nagekeken door sanne@voorbeeld.nl" in page

    tagged = client.post(f"{base}/labels", data={"labels": "Presenteren, goed voorbeeld,,", "csrf_token": token})
    assert tagged.status_code == 200 and "De labels zijn opgeslagen." in tagged.text
    assert 'value="goed voorbeeld, presenteren"' in tagged.text
    bad_tag = client.post(f"{base}/labels", data={"labels": "ok, <b>vet</b>", "csrf_token": token})
    assert bad_tag.status_code == 422 and "Een label bestaat uit" in bad_tag.text
    assert 'value="ok, &lt;b&gt;vet&lt;/b&gt;"' in bad_tag.text  # kept to correct, escaped

    empty = client.post(f"{base}/notities", data={"notitie": "   ", "csrf_token": token})
    assert empty.status_code == 422 and "Schrijf eerst iets" in empty.text
    too_long = client.post(f"{base}/notities", data={"notitie": "x" * 4001, "csrf_token": token})
    assert too_long.status_code == 422 and "hoogstens 4000" in too_long.text
    noted = client.post(f"{base}/notities", data={"notitie": "Goed gesprek.\nBel haar terug.", "csrf_token": token})
    assert noted.status_code == 200 and "Goed gesprek.\nBel haar terug." in noted.text

    undone = client.post(f"{base}/nagekeken", data={"nagekeken": "nee", "csrf_token": token})
    assert "Nog niet nagekeken." in undone.text
    odd = client.post(f"{base}/nagekeken", data={"nagekeken": "misschien", "csrf_token": token})
    assert odd.status_code == 422


def test_flag_a_message_and_export_the_flags(client: TestClient, rasa: RasaTracker, make_account) -> None:
    token = log_in(client, make_account)
    a_conversation(rasa, "anna", "ik wil leren delegeren")
    conversation_id = only_conversation(client)
    base = f"/staff/gesprekken/{conversation_id}"
    page = client.get(base).text
    first_message, second_message = re.findall(r'name="bericht" value="(\d+)"', page)
    bot_message = re.search(r'<li class="msg bot" id="bericht-(\d+)"', page)[1]

    unknown = client.post(f"{base}/markeren", data={"bericht": first_message, "intent": "nope", "csrf_token": token})
    assert unknown.status_code == 422 and "uit de lijst" in unknown.text
    not_user = client.post(f"{base}/markeren",
                           data={"bericht": bot_message, "intent": "need_leadership", "csrf_token": token})
    assert not_user.status_code == 422 and "kun je niet markeren" in not_user.text
    garbage = client.post(f"{base}/markeren", data={"bericht": "abc", "intent": "need_leadership", "csrf_token": token})
    assert garbage.status_code == 422

    flagged = client.post(f"{base}/markeren", follow_redirects=False,
                          data={"bericht": first_message, "intent": "need_leadership", "csrf_token": token})
    assert flagged.status_code == 303
    assert flagged.headers["location"] == f"{base}?gedaan=gemarkeerd#bericht-{first_message}"
    page = client.get(base).text
    assert 'gemarkeerd als <span class="intent-name">need_leadership</span> door sanne@voorbeeld.nl' in page

    flags_page = client.get("/staff/markeringen")
    assert flags_page.status_code == 200 and "1 markering" in flags_page.text
    assert "ik wil leren delegeren" in flags_page.text and "91%" in flags_page.text
    assert f'href="{base}#bericht-{first_message}"' in flags_page.text
    export = client.get("/staff/markeringen/export.yml")
    assert export.status_code == 200 and export.headers["content-type"].startswith("application/yaml")
    assert "attachment" in export.headers["content-disposition"]
    nlu = yaml.safe_load(export.text)["nlu"]
    assert nlu == [{"intent": "need_leadership", "examples": "- ik wil leren delegeren\n"}]

    flag_id = re.search(r'action="/staff/markeringen/(\d+)/weghalen"', flags_page.text)[1]
    removed = client.post(f"/staff/markeringen/{flag_id}/weghalen", data={"csrf_token": token, "terug": "gesprek"},
                          follow_redirects=False)
    assert removed.headers["location"] == f"{base}?gedaan=weggehaald#bericht-{first_message}"
    assert "Nog niets gemarkeerd" in client.get("/staff/markeringen").text
    again = client.post(f"/staff/markeringen/{flag_id}/weghalen", data={"csrf_token": token})
    assert again.status_code == 200  # already gone: no error
    assert second_message


def test_export_a_conversation(client: TestClient, rasa: RasaTracker, make_account) -> None:
    log_in(client, make_account)
    a_conversation(rasa, "anna")
    conversation_id = only_conversation(client)

    as_json = client.get(f"/staff/gesprekken/{conversation_id}/export.json")
    as_csv = client.get(f"/staff/gesprekken/{conversation_id}/export.csv")

    assert as_json.status_code == 200 and as_json.json()["sender_id"] == "anna"
    assert f'filename="gesprek-{conversation_id}.json"' in as_json.headers["content-disposition"]
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert "ik wil beter leren presenteren" in as_csv.text
    assert client.get(f"/staff/gesprekken/{conversation_id}/export.xml").status_code == 404


@pytest.mark.parametrize("query", [
    "?van=gisteren", "?van=2026-13-45", "?van=0001-01-01", "?tot=9999-12-31", "?van=2026-11-20&tot=2026-11-01",
    "?kanaal=fax", "?behoefte=%3Cscript%3E", "?advies=alles", "?lead=misschien", "?nagekeken=1",
    "?label=%3Cb%3E", "?zoek=%00", "?zoek=%1B%5B31m",
])
def test_garbage_filters_get_a_dutch_answer(client: TestClient, make_account, query: str) -> None:
    log_in(client, make_account)

    response = client.get(f"/staff/gesprekken{query}")

    assert response.status_code == 422
    assert "Dit filter kunnen we niet lezen" in response.text and "<script>" not in response.text


@pytest.mark.parametrize("path, status", [
    ("/staff/gesprekken?pagina=-3&onbekend=1", 200), ("/staff/gesprekken?pagina=99999999999", 200),
    ("/staff/gesprekken?zoek=" + "a" * 5000, 200), ("/staff/gesprekken?zoek=%ED%A0%80", 200),
    ("/staff/markeringen?pagina=zzz", 200),
    ("/staff/gesprekken/abc", 404), ("/staff/gesprekken/0", 404), ("/staff/gesprekken/99999999999", 404),
    ("/staff/gesprekken/123", 404), ("/staff/gesprekken/abc/export.json", 404),
])
def test_odd_addresses_never_fail(client: TestClient, make_account, path: str, status: int) -> None:
    log_in(client, make_account)

    response = client.get(path)

    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")


def test_forms_without_the_csrf_token_are_refused(client: TestClient, rasa: RasaTracker, make_account) -> None:
    log_in(client, make_account, role="admin")
    a_conversation(rasa, "anna")
    conversation_id = only_conversation(client)
    base = f"/staff/gesprekken/{conversation_id}"

    forms = {"nagekeken": {"nagekeken": "ja"}, "labels": {"labels": "x"}, "notities": {"notitie": "x"},
             "markeren": {"bericht": "1", "intent": "greet"}, "wissen": {"bevestigd": "ja"}}
    for name, data in forms.items():
        for token in (None, "not-the-token"):
            response = client.post(f"{base}/{name}", data=data | ({"csrf_token": token} if token else {}))
            assert response.status_code == 403 and STALE_FORM in response.text, name
    assert client.post("/staff/markeringen/1/weghalen", data={}).status_code == 403

    page = client.get(base).text
    assert "Nog niet nagekeken." in page and "Nog geen notities." in page
    assert rasa.count("anna") > 0


def test_a_mentor_cannot_erase(client: TestClient, rasa: RasaTracker, make_account) -> None:
    token = log_in(client, make_account, role="mentor")
    a_conversation(rasa, "anna")
    conversation_id = only_conversation(client)

    page = client.get(f"/staff/gesprekken/{conversation_id}").text
    response = client.post(f"/staff/gesprekken/{conversation_id}/wissen", data={"bevestigd": "ja", "csrf_token": token})

    assert "/wissen" not in page and "Alles over deze persoon wissen" not in page
    assert response.status_code == 403 and "Alleen een beheerder" in response.text
    assert conversation_ids(client) == [conversation_id] and rasa.count("anna") > 0


def test_an_admin_erases_everything_about_a_person(client: TestClient, rasa: RasaTracker, make_account) -> None:
    token = log_in(client, make_account, role="admin")
    payload = lead_payload()
    client.post("/api/leads", json=payload, headers=SERVICE)
    anna = payload["conversation_id"]
    a_conversation(rasa, anna, handed_over=True)
    a_conversation(rasa, "someone-else", "iets anders")
    conversation_id = next(found for found in conversation_ids(client)
                           if "ik wil beter" in client.get(f"/staff/gesprekken/{found}").text)
    base = f"/staff/gesprekken/{conversation_id}"
    assert 'name="bevestigd" value="ja" required' in client.get(base).text

    unconfirmed = client.post(f"{base}/wissen", data={"csrf_token": token})
    assert unconfirmed.status_code == 422 and "Vink eerst aan" in unconfirmed.text
    erased = client.post(f"{base}/wissen", data={"bevestigd": "ja", "csrf_token": token}, follow_redirects=False)

    assert erased.status_code == 303 and erased.headers["location"] == "/staff/gesprekken?gewist=1-1"
    after = client.get(erased.headers["location"]).text
    assert "Gewist: 1 gesprek, 1 lead." in after
    assert listed(client) == ["iets anders"]
    assert rasa.count(anna) == 0 and rasa.count("someone-else") > 0
    assert client.get(base).status_code == 404
