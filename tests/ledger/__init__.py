"""Tests of the work ledger (工作台账)."""
