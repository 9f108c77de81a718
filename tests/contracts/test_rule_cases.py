"""Every semantic rule, judged on cases that must pass and cases that must fail (cases as data)."""

from __future__ import annotations

import pytest

from contracts import CheckContext, MemoryLedger, Validator
from contracts.profiles import load
from simulator.domain import bundled_agencies, bundled_calendar, bundled_catalogue
from tests.contracts._rule_cases import PAYMENT_KEYS, RuleCase, load_cases

CASES = load_cases()


def _run(case: RuleCase) -> list[list[str]]:
    """The rule IDs found in each message of the case, checked and recorded in order."""
    context = CheckContext(
        catalogue=bundled_catalogue(),
        agencies=bundled_agencies(),
        calendar=bundled_calendar(),
        ledger=MemoryLedger(),
        payment_keys=PAYMENT_KEYS,
    )
    validator = Validator(load("tt01-2018"), context)
    found = []
    for message in case.messages:
        findings = validator.validate(message)
        found.append([(finding.rule, finding.path) for finding in findings])
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: RuleCase) -> None:
    """A must-pass case raises no finding of its rule; a must-fail case raises it where named."""
    found = _run(case)
    if case.must == "pass":
        offending = [
            (index, hit) for index, hits in enumerate(found) for hit in hits if hit[0] == case.rule
        ]
        assert offending == [], f"{case.rule} must not fire: {found}"
    else:
        hits = [path for rule, path in found[case.at] if rule == case.rule]
        assert hits, f"{case.rule} must fire on message {case.at}; found {found}"
        if case.path is not None:
            assert case.path in hits


def test_every_semantic_rule_has_both_kinds_of_case() -> None:
    """Each rule with a check function has at least one must-pass and one must-fail case."""
    covered = {(case.rule, case.must) for case in CASES}
    for rule in load("tt01-2018").rules:
        if rule.check is None:
            continue
        assert (rule.id, "pass") in covered, f"{rule.id} has no must-pass case"
        assert (rule.id, "fail") in covered, f"{rule.id} has no must-fail case"


def test_golden_opencps_sequence_is_clean() -> None:
    """The exact sequence a correct OpenCPS client sends produces no finding at all."""
    golden = [case for case in CASES if case.description.startswith("golden")]
    assert golden
    for case in golden:
        assert _run(case) == [[] for _ in case.messages]
