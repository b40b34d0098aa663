"""The local SMTP server and HTTPS robots of test_channels, for every reminder test."""

from tests.reminders.test_channels import authority, robot, robots, smtp_server

__all__ = ["authority", "robot", "robots", "smtp_server"]
