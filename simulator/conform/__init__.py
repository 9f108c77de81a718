"""`portalsim conform`: a conformance test plan run against a province's one-stop system.

`results` holds what a run found (`PlanResult`, `CaseResult`, `Exchange`), which every output and
the verdict read.
"""
