"""The action server answers Rasa alone: it listens on 127.0.0.1, and every request without Rasa's
token (ACTION_SERVER_TOKEN, sent from endpoints.yml) is refused before any action runs."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from bot.channels.conversation_ids import rest_conversation_id
from tests.e2e.test_service_database_down import handoff_call
from tests.support.conversation import asked_dimension
from tests.support.waiting import wait_until


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on `port` (Linux /proc, IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def leads_of(service, conversation_id: str) -> list[dict]:
    items = service.staff("/api/staff/leads", limit=100).json()["items"]
    return [lead for lead in items if lead["conversation_id"] == conversation_id]


def forget_call(conversation_id: str) -> dict:
    call = handoff_call(conversation_id)
    call["next_action"] = "action_forget_me"
    call["tracker"]["slots"]["forget_confirmed"] = True
    return call


def test_it_listens_on_the_loopback_interface_only(actions) -> None:
    port = int(actions.url.split(":")[2].split("/")[0])
    # 0100007F is 127.0.0.1 as /proc writes it; 00000000 would be every interface.
    assert listening_addresses(port) == {"0100007F"}


def test_forged_requests_are_refused_and_nothing_happens(actions, service) -> None:
    victim = f"forged-{uuid.uuid4().hex[:8]}"
    forged = {
        "no token": {},
        "wrong token": {"Authorization": "Bearer " + "x" * 43},
        "the service token": {"Authorization": f"Bearer {service.service_token}"},
    }
    for case, headers in forged.items():
        for call in (handoff_call(victim), forget_call(victim)):
            response = httpx.post(actions.url, json=call, headers=headers, timeout=30)
            assert response.status_code == 401, (case, call["next_action"])
            assert "Rasa" in response.json()["error"]
        assert httpx.get(actions.url.replace("/webhook", "/actions"), headers=headers, timeout=30).status_code == 401
    assert httpx.get(actions.url.replace("/webhook", "/health"), timeout=30).status_code == 200  # for supervisors
    assert leads_of(service, victim) == []

    # With Rasa's token the same call is served: the refusal above was the token, not the call.
    served = httpx.post(actions.url, json=handoff_call(victim), headers=actions.rasa_headers, timeout=30)
    assert served.status_code == 200
    wait_until(lambda: leads_of(service, victim), what="the lead Rasa's call handed over")


def test_rasa_itself_is_served(rasa, say, sender) -> None:
    assert asked_dimension(say("ik wil beter leren presenteren"))  # the form's validation action ran
    assert rasa.slots(rest_conversation_id(sender))["need"] == "skill"
