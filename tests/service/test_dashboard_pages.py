"""The staff dashboard (/staff) and the lead inbox pages (/staff/leads), logged in through the login form."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.service.api import staff_lead_pages
from bot.service.conversations.dashboard import LOCAL
from bot.service.db.models import Lead
from bot.service.web.charts import short_date
from tests.service.conftest import MENTORS, SERVICE, STAFF
from tests.service.factories import lead_payload
from tests.service.rasa_tracker import RasaTracker, slot, user
from tests.service.test_auth_pages import csrf_from, open_login_form, submit


@pytest.fixture
def staff_client(client: TestClient, make_account) -> TestClient:
    make_account("sanne@voorbeeld.nl", name="Sanne de Vries")
    assert submit(client, open_login_form(client)).status_code == 303
    return client


def new_lead(client: TestClient, **overrides) -> dict:
    response = client.post("/api/leads", json=lead_payload(**overrides), headers=SERVICE)
    assert response.status_code == 201, response.text
    return response.json()


def today() -> str:
    return short_date(datetime.now(LOCAL).date().isoformat())


def post_form(client: TestClient, path: str, page: str, **fields: str):
    """Posts a form the way the browser does: with the CSRF token from the page it was on."""
    return client.post(path, data={"csrf_token": csrf_from(page), **fields}, follow_redirects=False)


def two_conversations_now(rasa: RasaTracker) -> None:
    now = time.time() - 60
    rasa.save("web-a", user("hoi", "greet", 0.9, now), user("fiets banaan", "nlu_fallback", 0.2, now + 1),
              slot("recommendation", "mentoring", now + 2))
    rasa.save("web-b", user("ik ga leidinggeven", "need_leadership", 0.95, now + 3))


# --- dashboard -----------------------------------------------------------------------------------


def test_the_dashboard_charts_todays_conversations(staff_client: TestClient, rasa: RasaTracker) -> None:
    two_conversations_now(rasa)
    new_lead(staff_client)

    page = staff_client.get("/staff")

    assert page.status_code == 200
    html = page.text
    assert "Welkom, Sanne de Vries" in html
    assert html.count('role="img"') == 6  # per day, fallbacks per day, share, needs, advice, leads
    assert "Gesprekken per dag, laatste 30 dagen: 2 in totaal" in html
    # The data table under the charts holds the same numbers: today 2 conversations, 3 messages, 1 not understood.
    cell = r'\s*<td class="number">([^<]+)</td>'
    row = re.search(rf'<th scope="row">{today()}</th>' + cell * 4, html)
    assert row and row.groups() == ("2", "3", "1", "33%")
    assert "33% van de berichten niet begrepen (1 van 3)." in html
    assert re.search(r'<th scope="row">leidinggeven</th><td class="number">1</td>', html)
    assert re.search(r'<th scope="row">mentoring</th><td class="number">1</td>', html)
    assert re.search(r'<th scope="row">nieuw</th><td class="number">1</td>', html)
    assert re.search(r'<p class="count">2</p>\s*<p>gesprekken zijn nog niet nagekeken', html)
    since = (datetime.now(LOCAL).date() - timedelta(days=29)).isoformat()  # the lists show the same period
    assert f'href="/staff/gesprekken?nagekeken=nee&amp;van={since}"' in html and 'href="/staff/leads"' in html
    assert "<rect class=\"column\"" in html


def test_the_dashboard_has_no_script_and_no_inline_style(staff_client: TestClient, rasa: RasaTracker) -> None:
    two_conversations_now(rasa)

    page = staff_client.get("/staff")

    assert "<script" not in page.text and " style=" not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert 'href="/widget/staff.css"' in page.text
    css = staff_client.get("/widget/staff.css")
    assert css.status_code == 200 and "/* dashboard and leads */" in css.text


def test_the_period_is_chosen_with_links(staff_client: TestClient) -> None:
    page = staff_client.get("/staff?dagen=7")

    assert re.search(r'<a href="/staff\?dagen=7" aria-current="page">7 dagen</a>', page.text)
    assert "laatste 7 dagen" in page.text


@pytest.mark.parametrize("value", ["abc", "-7", "0", "7.0", "", "99999999999999999999999999", "%00", "30%20"])
def test_a_strange_period_falls_back_to_thirty_days(staff_client: TestClient, value: str) -> None:
    page = staff_client.get(f"/staff?dagen={value}")

    assert page.status_code == 200
    assert re.search(r'<a href="/staff\?dagen=30" aria-current="page">', page.text)


def test_the_dashboard_shows_the_newest_leads_of_the_inbox(staff_client: TestClient) -> None:
    lead = new_lead(staff_client, first_name="Joris")

    page = staff_client.get("/staff")

    assert f'<a href="/staff/leads/{lead["id"]}">Joris</a>' in page.text
    assert re.search(r'class="count">1<', page.text) and "nieuwe lead wacht " in page.text


def test_the_dashboard_asks_for_a_login(client: TestClient) -> None:
    response = client.get("/staff?dagen=7", follow_redirects=False)

    assert response.status_code == 303 and response.headers["location"].startswith("/staff/login?next=")


# --- lead inbox ----------------------------------------------------------------------------------


def test_the_inbox_lists_new_leads_newest_first(staff_client: TestClient) -> None:
    first = new_lead(staff_client, first_name="Eerste")
    second = new_lead(staff_client, first_name="Tweede")
    contacted = new_lead(staff_client, first_name="Gebeld")
    assert staff_client.patch(f"/api/staff/leads/{contacted['id']}", json={"status": "contacted"},
                              headers=STAFF).status_code == 200

    inbox = staff_client.get("/staff/leads")

    assert inbox.status_code == 200
    assert inbox.text.index("Tweede") < inbox.text.index("Eerste")
    assert "Gebeld" not in inbox.text
    assert f'href="/staff/leads/{first["id"]}"' in inbox.text and second["reference"] in inbox.text
    assert re.search(r'aria-current="page">Nieuw <span class="tab-count">2</span>', inbox.text)
    assert "Gebeld" in staff_client.get("/staff/leads?status=gecontacteerd").text
    everyone = staff_client.get("/staff/leads?status=alle").text
    assert all(name in everyone for name in ("Eerste", "Tweede", "Gebeld"))


@pytest.mark.parametrize("query", ["status=onzin", "status=new", "pagina=abc", "pagina=-1", "pagina=0",
                                   "pagina=99999999999999999999", "pagina=²", "status=alle&pagina=1e3"])
def test_strange_inbox_addresses_get_the_default(staff_client: TestClient, query: str) -> None:
    new_lead(staff_client, first_name="Anna")

    page = staff_client.get(f"/staff/leads?{query}")

    assert page.status_code == 200 and "Anna" in page.text


def test_the_inbox_has_pages(staff_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_lead_pages, "PAGE_SIZE", 2)
    for name in ("Een", "Twee", "Drie"):
        new_lead(staff_client, first_name=name)

    first = staff_client.get("/staff/leads").text
    last = staff_client.get("/staff/leads?pagina=2").text
    beyond = staff_client.get("/staff/leads?pagina=9").text

    assert "Drie" in first and "Twee" in first and "Een" not in first
    assert "Pagina 1 van 2" in first and 'href="/staff/leads?status=nieuw&amp;pagina=2"' in first
    assert "Een" in last and "Drie" not in last
    assert "Pagina 2 van 2" in beyond  # past the end: the last page


def test_the_inbox_separates_future_mentors_from_mentees(staff_client: TestClient) -> None:
    new_lead(staff_client, first_name="Mentee")
    new_lead(staff_client, first_name="Kandidaat", need="need_become_mentor")

    everyone = staff_client.get("/staff/leads").text
    candidates = staff_client.get("/staff/leads?soort=kandidaat-mentoren").text
    mentees = staff_client.get("/staff/leads?soort=mentees").text
    unknown_kind = staff_client.get("/staff/leads?soort=%3Cscript%3E").text

    assert ">Mentee<" in everyone and ">Kandidaat<" in everyone
    assert ">Kandidaat<" in candidates and ">Mentee<" not in candidates
    assert ">Mentee<" in mentees and ">Kandidaat<" not in mentees
    # The status tabs keep the chosen kind; an unknown kind falls back to all leads.
    assert 'href="/staff/leads?status=alle&amp;soort=kandidaat-mentoren"' in candidates
    assert ">Mentee<" in unknown_kind and ">Kandidaat<" in unknown_kind and "<script>" not in unknown_kind


def test_a_lead_shows_everything_needed_to_call_back(staff_client: TestClient, rasa: RasaTracker) -> None:
    lead = new_lead(staff_client, conversation_id="web-lead-1", phone="06 12345678", email="anna@voorbeeld.nl")
    rasa.save("web-lead-1", user("ik wil een mentor", "need_leadership", 0.9, time.time() - 30))

    page = staff_client.get(f"/staff/leads/{lead['id']}")

    assert page.status_code == 200
    html = page.text
    assert 'href="mailto:anna@voorbeeld.nl"' in html and 'href="tel:+31612345678">06 12345678</a>' in html
    assert "dinsdagochtend" in html and "(nieuw) leidinggeven" in html
    assert "mentoring (leiderschapsmentor)" in html
    assert "Je zoekt iemand die het vak kent" in html
    assert "<dt>Doel</dt><dd>breder groeien, persoonlijk of in de loopbaan</dd>" in html
    assert '<span class="tag">delegeren</span>' in html
    assert MENTORS[0] in html
    assert re.search(r'href="/staff/gesprekken/\d+">Lees het gesprek terug</a>', html)
    assert 'value="contacted">Markeer als gecontacteerd' in html and 'value="matched"' not in html
    assert page.headers["cache-control"] == "no-store" and "script-src" not in page.headers["content-security-policy"]


def test_changing_the_status(staff_client: TestClient) -> None:
    lead = new_lead(staff_client)
    path = f"/staff/leads/{lead['id']}"

    response = post_form(staff_client, f"{path}/status", staff_client.get(path).text, status="contacted")

    assert response.status_code == 303 and response.headers["location"] == f"{path}?gedaan=status"
    page = staff_client.get(response.headers["location"])
    assert "De status is aangepast." in page.text
    assert "Nu: <strong>gecontacteerd</strong>" in page.text
    assert 'value="matched">Markeer als gematcht' in page.text and 'value="closed"' in page.text
    assert staff_client.get(f"/api/staff/leads/{lead['id']}", headers=STAFF).json()["status"] == "contacted"


def test_a_status_change_that_cannot_be_answers_politely(staff_client: TestClient) -> None:
    lead = new_lead(staff_client)
    path = f"/staff/leads/{lead['id']}"

    response = post_form(staff_client, f"{path}/status", staff_client.get(path).text, status="matched")

    assert response.status_code == 409
    assert "staat op ‘nieuw’ en kan niet naar ‘gematcht’" in response.text
    assert 'role="alert"' in response.text and 'value="contacted"' in response.text  # the right choice is offered
    assert staff_client.get(f"/api/staff/leads/{lead['id']}", headers=STAFF).json()["status"] == "new"


@pytest.mark.parametrize("status", ["", "nieuw", "deleted", "x" * 5000])
def test_an_unknown_status_is_refused(staff_client: TestClient, status: str) -> None:
    lead = new_lead(staff_client)
    path = f"/staff/leads/{lead['id']}"

    response = post_form(staff_client, f"{path}/status", staff_client.get(path).text, status=status)

    assert response.status_code == 422 and "Kies een van de knoppen" in response.text


def test_recording_the_mentors_answer(staff_client: TestClient) -> None:
    accepted, declined = new_lead(staff_client), new_lead(staff_client)
    path = f"/staff/leads/{accepted['id']}"

    response = post_form(staff_client, f"{path}/mentor", staff_client.get(path).text, antwoord="accepted")

    assert response.headers["location"] == f"{path}?gedaan=aangenomen"
    page = staff_client.get(response.headers["location"]).text
    assert "de mentor neemt deze lead aan" in page and "<dd>aangenomen</dd>" in page
    assert 'name="antwoord"' not in page  # answered: no more buttons
    again = post_form(staff_client, f"{path}/mentor", page, antwoord="declined")
    assert again.status_code == 409 and "staat al op ‘aangenomen’" in again.text

    other = f"/staff/leads/{declined['id']}"
    response = post_form(staff_client, f"{other}/mentor", staff_client.get(other).text, antwoord="declined")
    assert response.headers["location"] == f"{other}?gedaan=doorgestuurd"
    assert staff_client.get(f"/api/staff/leads/{declined['id']}", headers=STAFF).json()["assigned_mentor"] == MENTORS[1]


def test_what_a_visitor_typed_is_escaped(staff_client: TestClient, session: Session) -> None:
    lead = new_lead(staff_client, preferred_moment='"><img src=x onerror=1>', topics=["<b>vet</b>"])
    # The service refuses such a name now; a lead stored before that may still hold one.
    session.execute(update(Lead).where(Lead.id == lead["id"]).values(first_name="<script>alert(1)</script>"))
    session.commit()

    pages = [staff_client.get(path).text for path in ("/staff", "/staff/leads", f"/staff/leads/{lead['id']}")]

    for html in pages:
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    detail = pages[2]
    assert "<img src=x" not in detail and "&#34;&gt;&lt;img src=x onerror=1&gt;" in detail
    assert "<b>vet</b>" not in detail and "&lt;b&gt;vet&lt;/b&gt;" in detail


@pytest.mark.parametrize("lead_id", ["999999", "abc", "0", "-1", "99999999999999999999", "1.5", "²"])
def test_an_unknown_lead_is_a_dutch_404_page(staff_client: TestClient, lead_id: str) -> None:
    page = staff_client.get(f"/staff/leads/{lead_id}")
    posted = staff_client.post(f"/staff/leads/{lead_id}/status", data={"status": "contacted"})

    assert page.status_code == 404 and "Lead niet gevonden" in page.text
    assert posted.status_code == 404 and "Lead niet gevonden" in posted.text


@pytest.mark.parametrize("token", [None, "", "vervalst"], ids=["missing", "empty", "wrong"])
def test_the_lead_forms_need_their_csrf_token(staff_client: TestClient, token: str | None) -> None:
    lead = new_lead(staff_client)
    path = f"/staff/leads/{lead['id']}"
    form = {} if token is None else {"csrf_token": token}

    status = staff_client.post(f"{path}/status", data=form | {"status": "contacted"}, follow_redirects=False)
    mentor = staff_client.post(f"{path}/mentor", data=form | {"antwoord": "accepted"}, follow_redirects=False)

    for response in (status, mentor):
        assert response.status_code == 403 and "Dit formulier is verlopen" in response.text
    stored = staff_client.get(f"/api/staff/leads/{lead['id']}", headers=STAFF).json()
    assert stored["status"] == "new" and stored["mentor_response"] == "pending"


def test_the_lead_pages_ask_for_a_login(client: TestClient) -> None:
    lead = new_lead(client)
    path = f"/staff/leads/{lead['id']}"

    for response in (client.get("/staff/leads?status=alle", follow_redirects=False),
                     client.get(path, follow_redirects=False),
                     client.post(f"{path}/status", data={"status": "contacted"}, follow_redirects=False)):
        assert response.status_code == 303 and response.headers["location"].startswith("/staff/login?next=")
    assert client.get(f"/api/staff/leads/{lead['id']}", headers=STAFF).json()["status"] == "new"
