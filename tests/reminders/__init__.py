"""Tests of the reminders (提醒)."""
