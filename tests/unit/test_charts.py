"""The dashboard's chart geometry (bot/service/web/charts.py): plain arithmetic, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.service.conversations.schemas import CountByKey, Dashboard, DayCount
from bot.service.web import charts, labels


def figures(per_day: list[tuple[int, int, int]] | None = None, **overrides) -> Dashboard:
    """A dashboard over three days ending 20 Nov 2026; per_day holds (conversations, fallbacks, user messages)."""
    per_day = per_day or [(0, 0, 0), (1, 1, 4), (3, 0, 6)]
    days = [DayCount(day=(date(2026, 11, 18) + timedelta(days=n)).isoformat(), conversations=c, fallbacks=f,
                     user_messages=u)
            for n, (c, f, u) in enumerate(per_day)]
    user_messages = sum(day.user_messages for day in days)
    fallbacks = sum(day.fallbacks for day in days)
    values = dict(
        days=len(days), conversations=sum(day.conversations for day in days), per_day=days,
        needs=[CountByKey(key="need_career", count=3), CountByKey(key=None, count=1)],
        recommendations=[CountByKey(key="mentoring", count=2), CountByKey(key=None, count=2)],
        user_messages=user_messages, fallbacks=fallbacks,
        fallback_share=round(fallbacks / user_messages, 4) if user_messages else None,
        leads_by_status=[CountByKey(key=status, count=count)
                         for status, count in (("new", 2), ("contacted", 1), ("matched", 0), ("closed", 0))],
        unreviewed=4,
    )
    values.update(overrides)
    return Dashboard(**values)


@pytest.mark.parametrize(("value", "top"), [(0, 2), (1, 2), (2, 2), (3, 4), (7, 8), (9, 10), (11, 20), (41, 60),
                                            (100, 100), (101, 200), (2500, 4000)])
def test_scales_end_on_a_round_number_with_a_round_middle(value: float, top: float) -> None:
    assert charts.nice_max(value) == top
    assert (top / 2) == int(top / 2)


@pytest.mark.parametrize(("share", "shown"), [(None, "–"), (0, "0%"), (0.0004, "<0,1%"), (0.035, "3,5%"),
                                              (0.03, "3%"), (0.125, "13%"), (1, "100%")])
def test_percentages_are_written_the_dutch_way(share: float | None, shown: str) -> None:
    assert charts.percent(share) == shown


def test_horizontal_bars_share_one_scale_and_stack_in_rows() -> None:
    chart = charts.bar_chart("Behoeften", [("loopbaan", 3), ("leidinggeven", 1), ("reverse mentoring", 0)],
                             "gesprekken")

    assert chart.scale_max == 4
    first, second, third = chart.bars
    assert first.width == charts.BAR_WIDTH * 3 / 4 and second.width == charts.BAR_WIDTH / 4
    assert third.width == 0  # no bar at all, the row and its "0" stay
    assert second.y - first.y == charts.BAR_ROW and first.text_y < first.y
    assert chart.height == 3 * charts.BAR_ROW
    assert chart.description == "Behoeften, 4 gesprekken: loopbaan 3, leidinggeven 1."
    assert [bar.shown for bar in chart.bars] == ["3", "1", "0"]


def test_a_small_value_stays_visible() -> None:
    chart = charts.bar_chart("Adviezen", [("mentoring", 1000), ("training", 1)], "gesprekken")

    assert chart.bars[1].width == charts.MIN_VISIBLE


def test_an_empty_chart_says_so() -> None:
    chart = charts.bar_chart("Leads per status", [("nieuw", 0), ("gesloten", 0)], "leads")

    assert chart.empty
    assert chart.description == "Leads per status: nog geen leads."


def test_conversations_per_day_are_columns_on_the_day_axis() -> None:
    chart = charts.conversations_per_day(figures())

    assert [bar.value for bar in chart.bars] == [0, 1, 3]
    assert chart.scale_max == 4 and chart.ticks == ("4", "2", "0")
    slot = charts.COLUMN_WIDTH / 3
    for index, bar in enumerate(chart.bars):
        assert index * slot <= bar.x and bar.x + bar.width <= (index + 1) * slot  # each in its own slot
        assert bar.y + bar.height == charts.COLUMN_HEIGHT  # standing on the axis
    assert chart.bars[2].height == charts.COLUMN_HEIGHT * 3 / 4
    assert (chart.first_label, chart.last_label) == ("18 nov", "20 nov")
    assert chart.description == "Gesprekken per dag, laatste 3 dagen: 4 in totaal, de meeste op 20 nov (3)."


def test_the_fallback_share_per_day_skips_days_without_messages() -> None:
    chart = charts.fallback_share_per_day(figures())

    assert [bar.shown for bar in chart.bars] == ["–", "25%", "0%"]
    assert chart.scale_max == 0.4 and chart.ticks == ("40%", "20%", "0%")
    assert chart.bars[1].height == charts.COLUMN_HEIGHT * 0.25 / 0.4
    assert chart.bars[0].height == chart.bars[2].height == 0
    assert "over de hele periode 10%" in chart.description


def test_the_fallback_figure_fills_its_share() -> None:
    figure = charts.fallback_figure(figures())

    assert figure.shown == "10%"
    assert figure.fill == charts.BAR_WIDTH / 10
    assert figure.description == "10% van de berichten niet begrepen (1 van 10)."


def test_a_quiet_period_draws_no_bars_and_says_why() -> None:
    quiet = charts.dashboard_charts(figures([(0, 0, 0)] * 7))

    assert quiet.per_day.empty and quiet.share_per_day.empty
    assert quiet.fallback.shown == "–" and quiet.fallback.fill == 0
    assert "nog geen gesprekken" in quiet.per_day.description
    assert "nog geen berichten" in quiet.fallback.description


def test_the_dashboard_names_keys_in_dutch_and_lists_days_newest_first() -> None:
    drawn = charts.dashboard_charts(figures())

    assert [bar.label for bar in drawn.needs.bars] == ["loopbaan", charts.NO_NEED]
    assert [bar.label for bar in drawn.recommendations.bars] == ["mentoring", charts.NO_ADVICE]
    assert [(bar.label, bar.value) for bar in drawn.leads.bars] == [
        ("nieuw", 2), ("gecontacteerd", 1), ("gematcht", 0), ("gesloten", 0)]
    assert drawn.day_rows[0] == charts.DayRow("20 nov", 3, 6, 0, "0%")
    assert drawn.day_rows[1] == charts.DayRow("19 nov", 1, 4, 1, "25%")


def test_ninety_days_still_fit() -> None:
    chart = charts.conversations_per_day(figures([(n % 5, 0, n % 5) for n in range(90)], days=90))

    assert len(chart.bars) == 90
    assert all(bar.width > 0 for bar in chart.bars)
    assert chart.bars[-1].x + chart.bars[-1].width <= charts.COLUMN_WIDTH


def test_times_are_shown_on_the_dutch_clock() -> None:
    assert labels.local_time(datetime(2026, 7, 1, 10, 0, tzinfo=UTC)) == "01-07-2026 12:00"  # summer time
    assert labels.local_time(None) == "–"
