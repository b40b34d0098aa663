"""The local SMTP server and robot of test_channels, for every reminder test."""

from tests.reminders.test_channels import robot, smtp_server

__all__ = ["robot", "smtp_server"]
