"""The conformance plan's catalogue: stable, unique IDs that trace to the profile's rules."""

from __future__ import annotations

import re

import contracts.profiles
from simulator.conform.plan import PLAN, case_ids, plan_case, plan_cases

_ID = re.compile(r"^[A-Z]+(?:-[A-Z]+)*-\d{3}$")


def test_case_ids_are_unique_and_well_formed() -> None:
    """Every case has a unique ID shaped GROUP-NNN whose prefix is its group."""
    ids = [case.id for case in plan_cases()]
    assert len(ids) == len(set(ids)) == len(case_ids())
    for group in PLAN.groups:
        for case in group.cases:
            assert _ID.match(case.id), case.id
            assert case.id.startswith(group.id + "-")
            assert case.group == group.id


def test_every_rule_a_case_names_is_a_rule_of_the_profile() -> None:
    """Coverage is honest: no case verifies a rule `portalsim rules` does not list."""
    profile = contracts.profiles.load()
    unknown = {rule for case in plan_cases() for rule in case.rules if rule not in profile.rules}
    assert unknown == set()


def test_every_case_traces_to_a_clause_and_says_what_passes() -> None:
    """A vendor reading a failure sees the clause, a bilingual title and the pass condition."""
    for case in plan_cases():
        assert case.clauses, case.id
        assert all(clause.strip() for clause in case.clauses), case.id
        assert case.title_vi, case.id
        assert case.title_en, case.id
        assert "Passes" in case.description, case.id


def test_the_plan_covers_every_flow_of_the_issue() -> None:
    """Push, lookups, confirmations (valid, forged, duplicate, unknown, wrong amount), SSO with
    each hostile mode, and the province's own sync are all in the plan."""
    assert [group.id for group in PLAN.groups] == ["PUSH", "PAY-LOOK", "PAY-CONF", "SSO-RP", "SYNC"]
    assert len(PLAN.group("SSO-RP").cases) == 7  # type: ignore[union-attr]
    assert plan_case("PAY-CONF-002") is not None
    assert plan_case("NOPE-001") is None
