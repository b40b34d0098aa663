"""Tests of the production topology: the unit files, gunicorn's settings, make serve."""
