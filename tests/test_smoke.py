"""The application starts, and the front door sends each visitor to the right place."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_anonymous_goes_to_login(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.endswith("/login")


def test_each_role_has_its_own_home(
    bureau: FlaskClient, school1: FlaskClient, advisor1: FlaskClient
) -> None:
    """The bureau's home is the dashboard, an advisor's their desk, a school's its contracts."""
    page = bureau.get("/").get_data(as_text=True)
    assert 'data-testid="key-figures"' in page and 'data-testid="workload"' in page
    page = advisor1.get("/").get_data(as_text=True)
    assert 'data-testid="queue"' in page and 'data-testid="key-figures"' not in page
    page = school1.get("/").get_data(as_text=True)
    assert 'data-testid="our-advisors"' in page and 'data-testid="workload"' not in page
