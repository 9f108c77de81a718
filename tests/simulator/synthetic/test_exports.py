"""`simulator.synthetic`'s front door exports exactly its public names, sorted."""

from __future__ import annotations

import inspect

import simulator.synthetic as synthetic


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions: the order ruff's RUF022 keeps."""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def test_all_is_sorted_and_complete() -> None:
    """`__all__` is sorted and lists every public name the package defines or re-exports."""
    exported = list(synthetic.__all__)
    public = {
        name
        for name, value in vars(synthetic).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    assert exported == sorted(exported, key=_isort_key)
    assert set(exported) == public


def test_every_expected_rule_of_a_dossier_fault_exists() -> None:
    """Each rule a dossier fault must trigger is a rule of the tt01-2018 profile."""
    from contracts import profiles

    rules = {rule.id for rule in profiles.load().rules}
    for fault in synthetic.DOSSIER_FAULTS:
        assert synthetic.PORTAL_EXPECTED_RULES[fault] <= rules, fault
