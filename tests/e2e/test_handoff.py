"""The warm hand-off with every part real: Rasa, the action server, the lead service, the outbox
worker and an SMTP server. Leads are read back through the staff API, mail from the SMTP server."""

from __future__ import annotations

import sqlite3

from bot.channels.conversation_ids import rest_conversation_id
from tests.support.conversation import asked_dimension, button, button_for, give_details, is_recommendation, texts
from tests.support.stack import MENTOR
from tests.support.waiting import wait_until

LEADER = dict(goal="growth", setting="individual", guide_role="experienced", horizon="long", scope="work")


def leads_of(service, sender: str) -> list[dict]:
    response = service.staff("/api/staff/leads", limit=100)
    response.raise_for_status()
    return [lead for lead in response.json()["items"] if lead["conversation_id"] == rest_conversation_id(sender)]


def mails_about(mailbox, reference: str) -> list[str]:
    return [body for body in mailbox.bodies() if reference in body]


def get_advice(say) -> list[dict]:
    replies = say("ik ben net teamleider en vind delegeren en feedback geven nog best lastig")
    for _ in range(6):
        if is_recommendation(replies):
            return replies
        dimension = asked_dimension(replies)
        replies = say(button_for(replies, dimension, LEADER[dimension]))
    raise AssertionError(f"no advice: {texts(replies)}")


def test_full_conversation_ends_in_a_stored_lead_and_an_email_to_the_mentor(rasa, service, mailbox, sender, say):
    advice = get_advice(say)
    replies = say(button(advice, "Praat met een mentor"))
    assert "liever niet" in texts(replies)

    assert "voornaam" in texts(replies)
    replies = say("ik heet anna")
    replies = say("anna@voorbeeld")  # a typo: asked again, with an example
    assert "sanne@voorbeeld.nl" in texts(replies)
    replies = say("anna@voorbeeld.nl of 06 12345678")
    replies = say(button(replies, "Doordeweeks overdag"))
    replies = say(button(replies, "Ja, dat is goed"))
    summary = say("ja hoor")
    summary_text = texts(summary)
    for expected in ("Anna", "anna@voorbeeld.nl", "06 12345678", "doordeweeks overdag", "mentoring", "delegeren"):
        assert expected in summary_text
    assert not leads_of(service, sender), "nothing may be stored before the visitor confirms"

    done = texts(say(button(summary, "Ja, verstuur maar")))
    (lead,) = leads_of(service, sender)
    assert lead["reference"] in done and "referentienummer" in done
    assert lead["first_name"] == "Anna"
    assert (lead["email"], lead["phone"]) == ("anna@voorbeeld.nl", "+31612345678")
    assert lead["need"] == "need_leadership"
    assert lead["recommendation"] == "mentoring" and lead["guidance_variant"] == "leadership"
    assert lead["reasons"] and lead["answers"]
    assert {"delegeren", "feedback geven"} <= set(lead["topics"])
    assert lead["consent_store"] and lead["consent_contact"] and lead["consent_text_version"]
    assert (lead["consent_email"], lead["consent_phone"]) == (True, True)
    # The mentor's e-mail links the lead's own staff page, by lead id: no conversation id in a mail.
    assert lead["transcript_url"] == f"{service.url}/staff/leads/{lead['id']}"

    body = wait_until(lambda: mails_about(mailbox, lead["reference"]), what="the mentor's e-mail")[0]
    assert "Anna" in body and "delegeren" in body and "mentoring" in body and "anna@voorbeeld.nl" in body
    assert lead["transcript_url"] in body and sender not in body
    recipients = [to for to, message in mailbox.received if lead["reference"] in message["Subject"]]
    assert recipients == [[MENTOR]]


def test_asking_again_after_the_hand_off_stores_no_second_lead(rasa, service, sender, say):
    replies = say("ik wil met een echte mentor praten")
    say(button(give_details(say, replies), "Ja, verstuur maar"))
    (lead,) = leads_of(service, sender)

    again = texts(say("/request_human"))
    assert lead["reference"] in again and "al doorgegeven" in again
    assert len(leads_of(service, sender)) == 1


def test_declining_consent_stores_nothing(rasa, service, sender, say):
    replies = say("kan iemand me terugbellen?")
    say("Sam")
    say("06 12345678")
    replies = say("maakt niet uit")
    reply = texts(say(button(replies, "Nee")))
    assert "niet bewaard" in reply
    assert leads_of(service, sender) == []
    assert rasa.slots(rest_conversation_id(sender))["lead_phone"] is None


def test_liever_niet_ends_the_hand_off_politely_and_stores_nothing(rasa, service, sender, say):
    say("ik wil een mens spreken")
    reply = texts(say("liever niet"))
    assert "niets" in reply and "bewaard" in reply
    assert leads_of(service, sender) == []


def test_service_down_during_the_hand_off_then_up_delivers_the_lead_exactly_once(rasa, service, mailbox, sender,
                                                                                  say, stack):
    replies = say("praat met een mentor")
    summary = give_details(say, replies, name="Bram")
    service.stop()
    try:
        reply = texts(say(button(summary, "Ja, verstuur maar")))
        assert "nog steeds" in reply and "referentienummer" in reply  # honest: no number yet
    finally:
        service.start()
    lead = wait_until(lambda: leads_of(service, sender), what="the queued lead")[0]
    assert lead["first_name"] == "Bram"
    wait_until(lambda: mails_about(mailbox, lead["reference"]), what="the mentor's e-mail")
    # Nothing left for the worker to send again, and the mail loop has had rounds to send it twice.
    wait_until(lambda: not [row for row in stack.worker.outbox() if row["kind"] == "lead"], what="an empty outbox")
    service.after_dispatcher_rounds(2)
    assert len(leads_of(service, sender)) == 1
    assert len(mails_about(mailbox, lead["reference"])) == 1


def test_vergeet_mij_erases_the_lead_and_the_conversation(rasa, service, sender, say):
    replies = say("ik wil contact met een mentor")
    say(button(give_details(say, replies, name="Noor"), "Ja, verstuur maar"))
    assert len(leads_of(service, sender)) == 1

    question = say("vergeet mij")
    assert "wis" in texts(question)
    assert texts(say(button(question, "Ja, wis alles"))).startswith("Gedaan")
    assert leads_of(service, sender) == []

    def events_left() -> int:
        with sqlite3.connect(service.database) as db:
            query = "SELECT count(*) FROM events WHERE sender_id = ?"
            return db.execute(query, (rest_conversation_id(sender),)).fetchone()[0]

    wait_until(lambda: events_left() == 0, what="the conversation to be erased")
    assert rasa.slots(rest_conversation_id(sender))["lead_reference"] is None


def test_vergeet_mij_needs_a_yes(rasa, service, sender, say):
    replies = say("ik wil contact met een mentor")
    say(button(give_details(say, replies, name="Lotte"), "Ja, verstuur maar"))
    question = say("verwijder al mijn gegevens")
    assert "niets gewist" in texts(say(button(question, "Nee, toch niet")))
    assert len(leads_of(service, sender)) == 1
