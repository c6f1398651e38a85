"""The action server's client and durable outbox against the real lead service over HTTP.

The service runs in uvicorn on a free port; "down" is a port where nothing listens.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import func, select

from actions.lead_service.client import LeadErased, LeadRejected, LeadServiceClient, ServiceUnavailable
from actions.lead_service.outbox import LeadOutbox
from actions.lead_service.settings import LeadLinkSettings
from bot.service.db.models import Lead
from tests.service.conftest import SERVICE_TOKEN, free_port
from tests.service.factories import lead_payload


@pytest.fixture
def live_service(app: FastAPI) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(10)


def link(url: str, **overrides) -> LeadLinkSettings:
    values = {"lead_service_url": url, "service_token": SERVICE_TOKEN, "lead_service_timeout_seconds": 3}
    return LeadLinkSettings(**(values | overrides))


def down() -> str:
    return f"http://127.0.0.1:{free_port()}"


def stored_leads(app: FastAPI, conversation_id: str) -> int:
    with app.state.sessionmaker() as session:
        return session.scalar(select(func.count()).where(Lead.conversation_id == conversation_id))


@pytest.fixture
def outbox(tmp_path) -> LeadOutbox:
    return LeadOutbox(f"sqlite:///{tmp_path / 'outbox.db'}", retry_seconds=1, max_backoff_seconds=4)


def test_a_hand_off_gets_a_reference_and_the_same_hand_off_again_the_same_one(app, live_service):
    client = LeadServiceClient(link(live_service))
    first = client.hand_over(lead_payload(conversation_id="conv-twice"))
    again = client.hand_over(lead_payload(conversation_id="conv-twice"))
    assert first.created and not again.created
    assert first.reference == again.reference and first.reference.startswith("MW-")
    assert stored_leads(app, "conv-twice") == 1


def test_service_down_is_retryable_and_a_wrong_token_too(app, live_service):
    with pytest.raises(ServiceUnavailable):
        LeadServiceClient(link(down())).hand_over(lead_payload())
    with pytest.raises(ServiceUnavailable):
        wrong = link(live_service, service_token="wrong-token-but-well-formed-0123456789")
        LeadServiceClient(wrong).hand_over(lead_payload())


def test_an_invalid_lead_is_rejected_not_retried(app, live_service):
    with pytest.raises(LeadRejected):
        LeadServiceClient(link(live_service)).hand_over(lead_payload(email="geen-adres", phone=None))


def test_outbox_delivers_once_the_service_is_back_exactly_once(app, live_service, outbox):
    outbox.add_lead("conv-outbox", lead_payload(conversation_id="conv-outbox"))
    report = outbox.deliver_due(LeadServiceClient(link(down())))
    assert (report.delivered, report.retrying) == (0, 1)
    assert outbox.has_lead("conv-outbox")
    # Not due yet: the back-off holds it back.
    assert outbox.deliver_due(LeadServiceClient(link(live_service))).delivered == 0

    later = time.time() + 5
    report = outbox.deliver_due(LeadServiceClient(link(live_service)), now=later)
    assert report.delivered == 1
    assert not outbox.has_lead("conv-outbox")  # personal data does not linger in the outbox
    assert outbox.deliver_due(LeadServiceClient(link(live_service)), now=later + 60).delivered == 0
    assert stored_leads(app, "conv-outbox") == 1


def test_a_lead_sent_directly_and_again_by_the_outbox_is_stored_once(app, live_service, outbox):
    # The action's own call reached the service but its answer was lost: the outbox sends it again.
    client = LeadServiceClient(link(live_service))
    client.hand_over(lead_payload(conversation_id="conv-lost-answer"))
    outbox.add_lead("conv-lost-answer", lead_payload(conversation_id="conv-lost-answer"))
    assert outbox.deliver_due(client).delivered == 1
    assert stored_leads(app, "conv-lost-answer") == 1


def test_an_erase_request_drops_a_waiting_lead_and_is_delivered_later(app, live_service, outbox):
    outbox.add_lead("conv-forget", lead_payload(conversation_id="conv-forget"))
    assert outbox.add_erase("conv-forget") == 1
    assert not outbox.has_lead("conv-forget")
    report = outbox.deliver_due(LeadServiceClient(link(live_service)))
    assert report.delivered == 1
    assert outbox.counts() == {}
    assert stored_leads(app, "conv-forget") == 0


def test_an_erase_reaches_a_lead_that_was_already_stored(app, live_service):
    client = LeadServiceClient(link(live_service))
    client.hand_over(lead_payload(conversation_id="conv-erase"))
    client.erase_conversation("conv-erase")
    assert stored_leads(app, "conv-erase") == 0


def test_an_erase_that_waited_in_the_outbox_leaves_a_later_hand_off_alone(app, live_service, outbox):
    client = LeadServiceClient(link(live_service))
    before = client.hand_over(lead_payload(conversation_id="conv-late-erase", consent_at="2026-12-01T10:00:00Z"))
    # "Vergeet mij" while the service was down: the erase waits, with the moment it was asked.
    outbox.add_erase("conv-late-erase", datetime(2026, 12, 1, 10, 5, tzinfo=UTC))
    after = client.hand_over(lead_payload(conversation_id="conv-late-erase", consent_at="2026-12-01T10:10:00Z"))

    assert after.created and after.reference != before.reference
    assert outbox.deliver_due(client).delivered == 1
    assert outbox.counts() == {}
    with app.state.sessionmaker() as session:
        kept = session.scalars(select(Lead.reference).where(Lead.conversation_id == "conv-late-erase")).all()
    assert kept == [after.reference]


def test_a_queued_lead_the_visitor_erased_meanwhile_is_dropped_not_kept(app, live_service, outbox):
    """The lead waited elsewhere (another action server's outbox) while the erase went straight through."""
    client = LeadServiceClient(link(live_service))
    outbox.add_lead("conv-erased-first", lead_payload(conversation_id="conv-erased-first",
                                                      consent_at="2026-12-01T10:00:00Z"))
    client.erase_conversation("conv-erased-first", datetime(2026, 12, 1, 10, 5, tzinfo=UTC))

    report = outbox.deliver_due(client)

    assert (report.delivered, report.rejected) == (1, 0)
    assert outbox.counts() == {}  # no personal data left waiting for a lead that must not exist
    assert stored_leads(app, "conv-erased-first") == 0
    with pytest.raises(LeadErased):
        client.hand_over(lead_payload(conversation_id="conv-erased-first", consent_at="2026-12-01T10:00:00Z"))


def test_a_rejected_row_is_kept_for_staff_and_not_retried(app, live_service, outbox):
    outbox.add_lead("conv-bad", lead_payload(conversation_id="conv-bad", email="geen-adres", phone=None))
    assert outbox.deliver_due(LeadServiceClient(link(live_service))).rejected == 1
    assert outbox.counts() == {"lead_rejected": 1}
    assert outbox.deliver_due(LeadServiceClient(link(live_service)), now=time.time() + 3600).rejected == 0


def test_two_workers_never_send_the_same_row_twice(app, live_service, outbox, tmp_path):
    other = LeadOutbox(f"sqlite:///{tmp_path / 'outbox.db'}")
    for number in range(20):
        outbox.add_lead(f"conv-race-{number}", lead_payload(conversation_id=f"conv-race-{number}"))
    client = LeadServiceClient(link(live_service))
    reports = []
    workers = [threading.Thread(target=lambda box=box: reports.append(box.deliver_due(client)))
               for box in (outbox, other)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sum(report.delivered for report in reports) == 20
    assert outbox.counts() == {}


def test_the_worker_command_delivers_once_and_reports(app, live_service, tmp_path, monkeypatch, capsys):
    from actions.lead_service import worker
    from actions.lead_service.settings import get_settings

    url = f"sqlite:///{tmp_path / 'worker-outbox.db'}"
    for name, value in {"LEAD_SERVICE_URL": live_service, "SERVICE_TOKEN": SERVICE_TOKEN,
                        "LEAD_OUTBOX_URL": url}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        LeadOutbox(url).add_lead("conv-cli", lead_payload(conversation_id="conv-cli"))
        assert worker.main(["--status"]) == 0
        assert "lead_pending: 1" in capsys.readouterr().out
        assert worker.main(["--once"]) == 0
        assert "delivered 1" in capsys.readouterr().out
        assert stored_leads(app, "conv-cli") == 1
        worker.main(["--status"])
        assert "outbox is empty" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()
