"""The controlled vocabularies: canonical values, synonyms people write, did-you-mean."""

from __future__ import annotations

import pytest

from itpm_site.model import vocab
from itpm_site.model.vocab import (
    PHASES,
    PRIORITIES,
    RISK_RESPONSES,
    RISK_STATUSES,
    STATES,
    STATUSES,
    Phase,
    RiskStatus,
    Status,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monitoring and Control", Phase.MONITORING),
        ("monitoring-and-control", Phase.MONITORING),
        ("MONITORING & CONTROL", Phase.MONITORING),
        ("Monitoring and Controlling", Phase.MONITORING),
        ("M&C", Phase.MONITORING),
        ("monitoring", Phase.MONITORING),
        ("execution", Phase.IMPLEMENTATION),
        ("Execution", Phase.IMPLEMENTATION),
        ("in progress", Phase.IMPLEMENTATION),
        ("Implementation", Phase.IMPLEMENTATION),
        ("closed", Phase.CLOSURE),
        ("Close-out", Phase.CLOSURE),
        ("closure", Phase.CLOSURE),
        ("  Planning ", Phase.PLANNING),
        ("plan", Phase.PLANNING),
        ("INITIATION", Phase.INITIATION),
        ("initiating", Phase.INITIATION),
        ("feasibility", Phase.INITIATION),
    ],
)
def test_phase_synonyms(text, expected):
    assert PHASES.parse(text) is expected


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("implementaton", "implementation"),
        ("Exection", "implementation"),
        ("Planing", "planning"),
        ("monitorng", "monitoring"),
        ("closur", "closure"),
        ("banana", None),
        ("", None),
    ],
)
def test_phase_unknown_values_suggest_the_closest(text, suggestion):
    assert PHASES.parse(text) is None
    assert PHASES.suggest(text) == suggestion


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On-Track", Status.GREEN),
        ("on track", Status.GREEN),
        ("ON_TRACK", Status.GREEN),
        ("G", Status.GREEN),
        ("green", Status.GREEN),
        ("yellow", Status.AMBER),
        ("Amber", Status.AMBER),
        ("a", Status.AMBER),
        ("At Risk", Status.AMBER),
        ("at-risk", Status.AMBER),
        ("R", Status.RED),
        ("off-track", Status.RED),
        ("RED", Status.RED),
    ],
)
def test_status_synonyms(text, expected):
    assert STATUSES.parse(text) is expected


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("grean", "green"),
        ("reed", "red"),
        ("ambre", "amber"),
        ("blue", None),
        ("orange", None),
    ],
)
def test_status_unknown_values(text, suggestion):
    assert STATUSES.parse(text) is None
    assert STATUSES.suggest(text) == suggestion


@pytest.mark.parametrize(
    ("vocabulary", "text", "expected"),
    [
        (STATES, "On Hold", "on-hold"),
        (STATES, "canceled", "cancelled"),
        (STATES, "finished", "done"),
        (STATES, "active", "active"),
        (PRIORITIES, "P1", "high"),
        (PRIORITIES, "Medium", "medium"),
        (PRIORITIES, "l", "low"),
        (RISK_RESPONSES, "Mitigation", "mitigate"),
        (RISK_RESPONSES, "escalate", "escalate"),
        (RISK_STATUSES, "Realised", "occurred"),
        (RISK_STATUSES, "watch", "monitoring"),
        (RISK_STATUSES, "closed", "closed"),
    ],
)
def test_other_vocabularies(vocabulary, text, expected):
    assert vocabulary.parse(text) == expected


@pytest.mark.parametrize("vocabulary", [PHASES, STATUSES, STATES, PRIORITIES, RISK_RESPONSES, RISK_STATUSES])
def test_every_canonical_value_parses_to_itself(vocabulary):
    for member in vocabulary.enum:
        assert vocabulary.parse(member.value) is member
        assert vocabulary.parse(member.value.upper()) is member


def test_no_synonym_maps_to_two_values():
    # A synonym listed under two values would silently win for the later one.
    for vocabulary in (PHASES, STATUSES, STATES, PRIORITIES, RISK_RESPONSES, RISK_STATUSES):
        seen: dict[str, str] = {}
        for member in vocabulary.enum:
            for word in (member.value, *vocabulary.synonyms.get(member.value, ())):
                key = vocab.normalize(word)
                assert seen.setdefault(key, member.value) == member.value, (vocabulary.noun, word)


def test_phase_order_labels_and_choices():
    assert [p.value for p in Phase] == ["initiation", "planning", "implementation", "monitoring", "closure"]
    assert [p.order for p in Phase] == [0, 1, 2, 3, 4]
    assert Phase.MONITORING.label == "Monitoring and Control"
    assert PHASES.choices() == "initiation, planning, implementation, monitoring, closure"
    assert Status.AMBER.label == "Amber"


def test_live_risk_statuses():
    assert {s for s in RiskStatus if s.is_live} == {
        RiskStatus.OPEN,
        RiskStatus.MONITORING,
        RiskStatus.OCCURRED,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monitoring & Control", "monitoring-and-control"),
        ("  Café Déjà-vu ", "cafe-deja-vu"),
        ("on_track", "on-track"),
        # Every script keeps its letters: two names in Georgian are two names.
        ("ქართული", "ქართული"),
        ("CRM ქართული", "crm-ქართული"),
        ("Σοφία Παπαδοπούλου", "σοφια-παπαδοπουλου"),
        ("陈静", "陈静"),
    ],
)
def test_normalize(text, expected):
    assert vocab.normalize(text) == expected


def test_did_you_mean_uses_the_table_of_spellings():
    table = {"software": "software", "web": "software", "network": "network-cloud"}
    assert vocab.did_you_mean("Netwrk", table) == "network-cloud"
    assert vocab.did_you_mean("zzz", table) is None


def test_rag_display_order_and_sort_rank_are_defined_once() -> None:
    # Shown best first (legends, bars, counts); sorted worst first (tables, lists).
    assert vocab.RAG_KEYS == ("green", "amber", "red", "unknown")
    assert list(vocab.RAG_LABELS.values()) == ["Green", "Amber", "Red", "Not set"]
    assert [vocab.status_rank(s) for s in (Status.RED, Status.AMBER, Status.GREEN, None)] == [0, 1, 2, 3]
    assert vocab.status_key(None) == vocab.NO_STATUS == "unknown"
    assert vocab.status_key(Status.AMBER) == "amber"
