"""The application the scheduler's jobs run in, built once at import from the environment
(as GOV.UK Notify's application.py builds its app), and ``run``, the function APScheduler's
job store keeps for every job (reminders.scheduler.ENTRY)."""

from __future__ import annotations

from advisor import create_app
from advisor.reminders import scheduler
from config import Config

# Never a scheduler of its own: this application exists inside the scheduler's process.
app = create_app(Config.from_env().but(scheduler_in_process=False))


def run(name: str) -> None:
    """Run the scheduled job ``name`` (reminders.scheduler.JOBS)."""
    scheduler.run_scheduled(app, name)
