"""A hand-off and "vergeet mij" that cross each other while the lead service is down, and consent
asked again when contact details change: every part real (Rasa, the action server, its outbox worker,
the lead service, SMTP), over REST. Leads are read through the staff API, mail from the SMTP server.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path
from urllib.parse import quote

from bot.channels.conversation_ids import rest_conversation_id
from tests.support.conversation import button, give_details, texts
from tests.support.waiting import wait_until

REFERENCE = re.compile(r"referentienummer is (MW-[A-Z0-9]{5})")


def leads_of(service, sender: str) -> list[dict]:
    response = service.staff("/api/staff/leads", limit=100)
    response.raise_for_status()
    return [lead for lead in response.json()["items"] if lead["conversation_id"] == rest_conversation_id(sender)]


def references(service, sender: str) -> list[str]:
    return [lead["reference"] for lead in leads_of(service, sender)]


def hand_over(say, name: str, contact: str) -> str:
    summary = give_details(say, say("praat met een mentor"), name=name, contact=contact)
    return texts(say(button(summary, "Ja, verstuur maar")))


def forget(say) -> str:
    return texts(say(button(say("vergeet mij"), "Ja, wis alles")))


def transcript(service, sender: str) -> str:
    response = service.staff(f"/api/staff/conversations/{quote(rest_conversation_id(sender), safe='')}/transcript")
    return " ".join(turn["text"] or "" for turn in response.json().get("turns", []))


def outbox_file(stack) -> Path:
    return stack.worker.workdir / "outbox.db"


def waiting_in_outbox(stack, sender: str) -> int:
    with sqlite3.connect(outbox_file(stack)) as db:
        query = "SELECT count(*) FROM lead_outbox WHERE conversation_id = ?"
        return db.execute(query, (rest_conversation_id(sender),)).fetchone()[0]


def on_disk(database: Path) -> bytes:
    """The SQLite file and its write-ahead log, as anyone with the disk could read them."""
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_an_erase_waiting_in_the_outbox_leaves_a_later_hand_off_its_lead_and_transcript(stack, service, mailbox,
                                                                                         sender, say):
    old, new = f"oud.{uuid.uuid4().hex[:8]}@voorbeeld.nl", f"nieuw.{uuid.uuid4().hex[:8]}@voorbeeld.nl"
    hand_over(say, "Noor", old)
    [first] = references(service, sender)
    service.stop()
    stack.worker.stop()  # the erase must still be waiting when the visitor hands over again
    try:
        assert "automatisch uitgevoerd" in forget(say)
        assert waiting_in_outbox(stack, sender) == 1
        service.start()
        done = hand_over(say, "Noor", new)
    finally:
        if service.process is None:
            service.start()
        stack.worker.start()

    second = REFERENCE.search(done).group(1)
    assert second != first  # a new lead, not the old one the erase is about to take
    wait_until(lambda: references(service, sender) == [second], what="the queued erase to take only the first lead")
    [lead] = leads_of(service, sender)
    assert lead["email"] == new
    body = wait_until(lambda: [b for b in mailbox.bodies() if second in b], what="the mentor's e-mail")[0]
    assert new in body and f"/staff/leads/{lead['id']}" in body
    # The conversation up to "vergeet mij" goes; what came after stays for the mentor to read.
    wait_until(lambda: old not in transcript(service, sender), what="the erased part of the conversation")
    assert new in transcript(service, sender)
    # Not in free pages, not in the -wal file (the checkpoint follows the delete).
    wait_until(lambda: old.encode() not in on_disk(service.database), timeout=10, what="the old address on disk")


def test_a_hand_off_waiting_in_the_outbox_goes_with_vergeet_mij_and_a_later_one_is_kept(stack, service, mailbox,
                                                                                       sender, say):
    address = f"wacht.{uuid.uuid4().hex[:8]}@voorbeeld.nl"
    service.stop()
    try:
        assert "nog steeds" in hand_over(say, "Bram", address)  # queued, honestly without a number
        assert waiting_in_outbox(stack, sender) == 1
        assert "weggegooid" in forget(say)
    finally:
        service.start()

    wait_until(lambda: waiting_in_outbox(stack, sender) == 0, what="the worker to deliver the erase")
    wait_until(lambda: address not in transcript(service, sender), what="the conversation to be erased")
    assert leads_of(service, sender) == []
    assert not [body for body in mailbox.bodies() if address in body]
    assert address.encode() not in on_disk(outbox_file(stack))
    # A hand-off after the erase is the visitor's to keep: a lead of its own, with its reference.
    done = hand_over(say, "Bram", address)
    [lead] = leads_of(service, sender)
    assert lead["reference"] in done


def test_contact_details_changed_after_consent_ask_for_it_again_and_the_lead_records_it_per_channel(
    service, mailbox, sender, say
):
    address = f"sam.{uuid.uuid4().hex[:8]}@voorbeeld.nl"
    say("kan iemand me terugbellen?")
    say("Sam")
    say("06 12345678")
    replies = say("maakt niet uit")
    replies = say(button(replies, "Ja, dat is goed"))
    assert "telefonisch contact" in texts(replies)  # consent asked for the phone only
    summary = say("ja")

    say(button(summary, "Iets aanpassen"))
    say("Sam")
    say(f"06 12345678 of {address}")
    replies = say("maakt niet uit")
    asked = texts(replies)
    assert "Je contactgegevens zijn veranderd" in asked and address in asked and "bewaren" in asked
    replies = say(button(replies, "Ja, dat is goed"))
    assert "per e-mail of telefoon" in texts(replies)
    summary = say("ja")
    done = texts(say(button(summary, "Ja, verstuur maar")))

    [lead] = leads_of(service, sender)
    assert lead["reference"] in done
    assert (lead["email"], lead["consent_email"], lead["consent_phone"]) == (address, True, True)
    body = wait_until(lambda: [b for b in mailbox.bodies() if lead["reference"] in b], what="the mentor's e-mail")[0]
    assert "om per e-mail en telefonisch contact op te nemen" in body


def test_something_that_is_no_name_is_asked_again_politely(service, sender, say):
    assert "voornaam" in texts(say("kan ik met een mentor praten?"))
    for not_a_name in ("<script>alert(1)</script>", "/affirm"):
        assert "alleen je voornaam" in texts(say(not_a_name))
    assert "bereiken" in texts(say("Anne-Marie"))
    assert "niets" in texts(say("liever niet"))
    assert leads_of(service, sender) == []
