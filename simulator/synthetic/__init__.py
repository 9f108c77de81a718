"""Synthetic provinces: Vietnamese people and businesses, province profiles with planted faults,
dossier lifecycles as OpenCPS publishes them, and a virtual province that sends them."""
