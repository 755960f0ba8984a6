"""Use cases: each combines domain rules with the adapters it needs."""
