"""Reading a visitor's replies during the hand-off: names, contact details, yes/no, "liever niet"."""

from __future__ import annotations

import pytest

from bot.lead.contact import parse_contact, readable_phone
from bot.lead.names import parse_first_name
from bot.lead.replies import is_decline, yes_or_no
from bot.service.validation import first_name


@pytest.mark.parametrize(("reply", "name"), [
    ("Anna", "Anna"),
    ("anna", "Anna"),
    ("Ik heet Jan-Willem", "Jan-Willem"),
    ("mijn naam is Sanne de Vries", "Sanne"),
    ("Noem me maar Sam.", "Sam"),
    ("hoi, ik ben Fatima!", "Fatima"),
    ("Marie Claire", "Marie Claire"),
    ("Zoë", "Zoë"),
    ("Zoe\u0308", "Zoë"),  # the same name typed with a combining diaeresis
    ("anne-marie", "Anne-Marie"),
    ("D'Hondt", "D'Hondt"),
    ("O’Neill", "O’Neill"),
    ("ik ben José María", "José María"),
    ("Łukasz", "Łukasz"),
    ("प्रिया", "प्रिया"),  # letters with the vowel signs their script needs
])
def test_a_first_name_is_read_from_how_people_give_it(reply, name):
    assert parse_first_name(reply) == name


NOT_NAMES = [
    "", "   ", "?", "123", "anna@voorbeeld.nl", "wat is een mentee?", "ik wil eerst iets vragen",
    "weet ik niet", "ben jij een bot", "ik wil met een mentor praten", "hoi",
    "een twee drie vier vijf",
    "/affirm", '/inform{"name": "x"}', "<script>alert(1)</script>", "<b>Anna</b>", "Anna2", "R2-D2",
    "ja", "oké", "Anna 🙂", "Anna_Maria", "Anne--Marie", "-Anna", "a" * 51,
    "van der Berg",  # a surname: the mentor needs the first name
]


@pytest.mark.parametrize("reply", NOT_NAMES)
def test_something_that_is_not_a_name_is_asked_again(reply):
    assert parse_first_name(reply) is None


@pytest.mark.parametrize("name", ["Anna", "Anne-Marie", "D'Hondt", "Zoë", "José María", "Van"])
def test_the_lead_service_accepts_every_name_the_chat_accepts(name):
    assert first_name(parse_first_name(name)) == name


@pytest.mark.parametrize("value", ["/affirm", "<script>alert(1)</script>", "Anna2", "a@b.nl", "R2-D2", "Anna 🙂",
                                   "a" * 51])
def test_the_lead_service_refuses_what_is_not_a_name(value):
    with pytest.raises(ValueError, match="alleen een voornaam"):
        first_name(value)


@pytest.mark.parametrize(("reply", "email", "phone"), [
    ("anna@voorbeeld.nl", "anna@voorbeeld.nl", None),
    ("Anna.Jansen@Voorbeeld.NL.", "anna.jansen@voorbeeld.nl", None),
    ("06 12345678", None, "+31612345678"),
    ("06-12345678", None, "+31612345678"),
    ("+31 6 1234 5678", None, "+31612345678"),
    ("020 123 4567", None, "+31201234567"),
    ("0470 12 34 56", None, "+32470123456"),  # Belgian mobile without country code
    ("+32 470 12 34 56", None, "+32470123456"),
    ("mail me op anna@voorbeeld.nl of bel 0612345678", "anna@voorbeeld.nl", "+31612345678"),
])
def test_contact_details_are_found_in_a_sentence(reply, email, phone):
    contact = parse_contact(reply)
    assert contact.found
    assert (contact.email, contact.phone) == (email, phone)


@pytest.mark.parametrize(("reply", "problem"), [
    ("anna@voorbeeld", "email"),
    ("anna@@voorbeeld.nl", "email"),
    ("mijn mail is anna(at)voorbeeld.nl", "missing"),
    ("06 123", "phone"),
    ("bel me maar", "missing"),
    ("", "missing"),
    # Half right is still wrong: the visitor should fix the address rather than lose it.
    ("anna@voorbeeld of 06 12345678", "email"),
])
def test_wrong_contact_details_say_what_is_wrong(reply, problem):
    contact = parse_contact(reply)
    assert not contact.found
    assert contact.problem == problem


def test_phone_numbers_are_written_back_as_people_know_them():
    assert readable_phone("+31612345678") == "06 12345678"
    assert readable_phone("+32470123456") == "+32 470 12 34 56"


@pytest.mark.parametrize("reply", ["liever niet", "Nee, liever niet.", "stop", "laat maar", "toch niet",
                                   "ik wil geen contact", "nee bedankt", "LIEVER NIET!"])
def test_liever_niet_and_friends_end_the_hand_off(reply):
    assert is_decline(reply)


@pytest.mark.parametrize("reply", ["Stoffel", "na het stoppen van mijn werk", "nee", "'s avonds liever niet bellen"])
def test_a_decline_is_only_a_whole_reply(reply):
    assert not is_decline(reply)


@pytest.mark.parametrize(("reply", "intent", "answer"), [
    ("ja", None, True), ("Ja, dat is goed", None, True), ("oké", None, True), ("akkoord", None, True),
    ("nee", None, False), ("aanpassen", None, False), ("liever niet", None, False),
    ("/affirm", "affirm", True), ("/deny", "deny", False), ("tuurlijk joh", "affirm", True),
    ("misschien", None, None), ("wat bedoel je?", "ask_difference", None),
])
def test_yes_or_no(reply, intent, answer):
    assert yes_or_no(reply, intent) is answer
