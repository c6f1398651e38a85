"""Care, not advice, and a mentor candidate's hand-off, over REST with every part real:
Rasa with the trained model, the action server, the lead service (read back via the staff API)."""

from __future__ import annotations

from tests.e2e.test_handoff import leads_of
from tests.support.conversation import asked_dimension, button, give_details, is_recommendation, texts


def test_a_need_for_treatment_gets_a_referral_and_no_questions_or_lead(service, sender, say):
    replies = say("Ik ben verslaafd en heb hulp nodig")
    said = texts(replies)
    for door in ("huisarts", "De Luisterlijn", "Tele-Onthaal", "113", "112"):
        assert door in said, door
    assert asked_dimension(replies) is None and not is_recommendation(replies)
    assert not any(b for r in replies for b in r.get("buttons") or []), "no buttons: no form, no hand-off offer"
    assert not leads_of(service, sender)


def test_a_guidance_need_near_care_goes_to_the_questions(say):
    replies = say("na mijn burn-out wil ik mijn loopbaan weer oppakken")
    assert "huisarts" not in texts(replies)
    assert asked_dimension(replies) is not None or is_recommendation(replies)


def test_a_future_mentor_is_handed_to_the_mentor_team_as_a_candidate(service, sender, say):
    replies = say("ik wil graag mentor worden en mijn ervaring doorgeven aan jonge collega's")
    assert "mentorprogramma" in texts(replies) and "je wilt leren van een jongere" not in texts(replies)

    replies = say(button(replies, "Ja, meld me aan"))
    assert "mentorteam" in texts(replies)
    summary = give_details(say, replies)
    assert "zelf mentor worden" in texts(summary)
    done = texts(say(button(summary, "Ja, verstuur maar")))

    (lead,) = leads_of(service, sender)
    assert lead["need"] == "need_become_mentor" and lead["recommendation"] is None
    assert lead["reference"] in done and "mentorteam" in done
    candidates = service.staff("/api/staff/leads", need="need_become_mentor", limit=100).json()["items"]
    assert lead["id"] in {item["id"] for item in candidates}
