"""Episodes derived from what was recorded, against hand-built SSDA903 expectations."""

from __future__ import annotations

from datetime import date

from haven.care.episodes import PeriodFacts, PlacementFacts, StatusFacts, episodes_for

D = date


def _placement(start, end=None, place="U6", carer="a", reason="", provider="PR1"):
    return PlacementFacts(
        start, end, place, provider, ("named", carer), f"SO{carer.upper()}1 1AA", "", reason, carer
    )


def _rows(episodes):
    return [(e.decom, e.rne, e.ls, e.place, e.dec, e.rec, e.reason_place_change) for e in episodes]


PERIOD = PeriodFacts(D(2025, 1, 6), None, "", "N1", "SO23 8UJ")


def test_start_only_is_one_open_s_episode():
    got = episodes_for(PERIOD, [StatusFacts(D(2025, 1, 6), "C1")], [_placement(D(2025, 1, 6))])
    assert _rows(got) == [(D(2025, 1, 6), "S", "C1", "U6", None, "", "")]
    assert got[0].home_post == "SO23 8UJ" and got[0].cin == "N1"


def test_legal_status_change_only_is_l():
    got = episodes_for(
        PERIOD,
        [StatusFacts(D(2025, 1, 6), "C1"), StatusFacts(D(2025, 5, 1), "C2")],
        [_placement(D(2025, 1, 6))],
    )
    assert _rows(got) == [
        (D(2025, 1, 6), "S", "C1", "U6", D(2025, 5, 1), "X1", ""),
        (D(2025, 5, 1), "L", "C2", "U6", None, "", ""),
    ]


def test_placement_and_carer_change_is_p_with_reason_on_the_episode_it_ends():
    got = episodes_for(
        PERIOD,
        [StatusFacts(D(2025, 1, 6), "C1")],
        [
            _placement(D(2025, 1, 6), D(2025, 3, 3), carer="a", reason="CREQB"),
            _placement(D(2025, 3, 3), carer="b"),
        ],
    )
    assert _rows(got) == [
        (D(2025, 1, 6), "S", "C1", "U6", D(2025, 3, 3), "X1", "CREQB"),
        (D(2025, 3, 3), "P", "C1", "U6", None, "", ""),
    ]


def test_same_carer_new_placement_is_t():
    got = episodes_for(
        PERIOD,
        [StatusFacts(D(2025, 1, 6), "C1")],
        [
            _placement(D(2025, 1, 6), D(2025, 3, 3), place="U6", carer="a", reason="PLACE"),
            _placement(D(2025, 3, 3), place="U6", carer="a"),
        ],
    )
    assert [e.rne for e in got] == ["S", "T"]


def test_legal_status_and_placement_together_is_b_or_u():
    statuses = [StatusFacts(D(2025, 1, 6), "C1"), StatusFacts(D(2025, 3, 3), "E1")]
    new_carer = episodes_for(
        PERIOD,
        statuses,
        [
            _placement(D(2025, 1, 6), D(2025, 3, 3), carer="a", reason="CARPL"),
            _placement(D(2025, 3, 3), carer="b"),
        ],
    )
    assert [e.rne for e in new_carer] == ["S", "B"]
    same_carer = episodes_for(
        PERIOD,
        statuses,
        [
            _placement(D(2025, 1, 6), D(2025, 3, 3), carer="a", reason="PLACE"),
            _placement(D(2025, 3, 3), carer="a"),
        ],
    )
    assert [e.rne for e in same_carer] == ["S", "U"]


def test_the_same_legal_status_recorded_again_is_no_new_episode():
    got = episodes_for(
        PERIOD,
        [StatusFacts(D(2025, 1, 6), "V2"), StatusFacts(D(2025, 2, 1), "V2")],
        [_placement(D(2025, 1, 6))],
    )
    assert [e.rne for e in got] == ["S"]


def test_ended_period_closes_the_last_episode_with_its_reason():
    ended = PeriodFacts(D(2025, 1, 6), D(2025, 9, 1), "E4A", "N4", "")
    got = episodes_for(
        ended,
        [StatusFacts(D(2025, 1, 6), "V2")],
        [
            _placement(D(2025, 1, 6), D(2025, 6, 2), carer="a", reason="CHILD"),
            _placement(D(2025, 6, 2), D(2025, 9, 1), carer="b"),
        ],
    )
    assert _rows(got) == [
        (D(2025, 1, 6), "S", "V2", "U6", D(2025, 6, 2), "X1", "CHILD"),
        (D(2025, 6, 2), "P", "V2", "U6", D(2025, 9, 1), "E4A", ""),
    ]
