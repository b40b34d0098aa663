"""The application starts, and the front door sends each visitor to the right place."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_anonymous_goes_to_login(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.endswith("/login")


def test_each_role_lands_on_its_home(
    bureau: FlaskClient, school1: FlaskClient, advisor1: FlaskClient
) -> None:
    assert bureau.get("/").location.endswith("/schools")
    assert school1.get("/").location.endswith("/contracts")
    assert advisor1.get("/").location.endswith("/contracts")
