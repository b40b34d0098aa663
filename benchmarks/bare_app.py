"""The baseline for benchmarks.load: a bare Flask route answering 5 KB, served by gunicorn
with the same settings as Advisor (gunicorn.conf.py), so that the machine's and the
server's own ceiling is measured in the same run as the pages."""

from __future__ import annotations

from flask import Flask

BODY = "<!doctype html><title>bare</title>" + "x" * (5 * 1024 - 34)

app = Flask(__name__)


@app.get("/")
def bare() -> str:
    return BODY
