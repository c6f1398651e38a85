"""Someone who wants to become a mentor is handed to the mentor team as a mentor candidate."""

from __future__ import annotations

from datetime import UTC, datetime

from actions.lead_form import ActionStartHandoff
from actions.mentor_candidate import ActionMarkMentorCandidate
from bot.lead import texts
from bot.lead.payload import LeadDraft
from bot.needs import MENTOR_CANDIDATE
from bot.service.schemas import LeadCreate
from tests.unit.test_actions import DOMAIN, make_tracker, run, slot_events


def test_the_lead_of_a_mentor_candidate_says_so():
    draft = LeadDraft(conversation_id="c1", first_name="Jan", email="jan@voorbeeld.nl", phone=None,
                      preferred_moment=None, consent_at=datetime.now(UTC), need="become_mentor")
    assert LeadCreate.model_validate(draft.payload()).need == MENTOR_CANDIDATE


def test_ending_the_guided_questions_marks_the_candidate_and_drops_any_advice():
    events, _ = run(ActionMarkMentorCandidate(), make_tracker({"need": "skill", "recommendation": "training"}))
    assert slot_events(events) == {"need": "become_mentor", "recommendation": None, "guidance_variant": None}


def test_the_candidate_hears_who_will_call_and_what_for():
    _, dispatcher = run(ActionStartHandoff(), make_tracker({"need": "become_mentor"}))
    assert dispatcher.messages[0]["text"] == texts.CANDIDATE_INTRO
    assert "mentorteam" in texts.stored("Jan", "MW-1", "jan@voorbeeld.nl", None, None, "become_mentor")
    assert "aanmelding als mentor" in texts.ask_consent_store("jan@voorbeeld.nl", None, 365, "become_mentor")
    assert "mentorteam" in texts.ask_consent_contact("jan@voorbeeld.nl", None, "become_mentor")
    summary = texts.summary("Jan", "jan@voorbeeld.nl", None, None, "become_mentor", None, [])
    assert "zelf mentor worden" in summary and "Zal ik je aanmelding" in summary


def test_a_mentee_still_hears_about_a_mentor():
    _, dispatcher = run(ActionStartHandoff(), make_tracker({"need": "skill"}))
    assert dispatcher.messages[0]["text"] == texts.INTRO
    assert "een mentor" in texts.ask_consent_contact("a@b.nl", None, "skill")


def test_the_answer_to_a_future_mentor_offers_the_hand_off_and_a_no():
    answer = DOMAIN["responses"]["utter_become_mentor"][0]
    assert [b["payload"] for b in answer["buttons"]] == ["/request_human", "/deny"]
    for subject in ("tijd", "HR", "voldoening", "mentorprogramma"):
        assert subject in answer["text"], subject
