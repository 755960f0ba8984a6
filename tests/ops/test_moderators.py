"""`agora moderators add|remove|list` on the consultation's Cognito pool (moto), found from the stack's outputs."""

from __future__ import annotations

import boto3
import pytest

from agora import cli


def test_moderators_are_invited_listed_and_removed(deployed: dict, capsys: pytest.CaptureFixture[str]) -> None:
    for email in ("ana@example.org", "bo@example.org"):
        assert cli.main(["moderators", "add", email, "--consultation", "demo"]) == 0
    cognito, pool = boto3.client("cognito-idp"), deployed["UserPoolId"]
    user = cognito.admin_get_user(UserPoolId=pool, Username="ana@example.org")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "ana@example.org" and attributes["email_verified"] == "true"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"  # invited: a temporary password by email

    capsys.readouterr()
    assert cli.main(["moderators", "list", "--consultation", "demo"]) == 0
    assert capsys.readouterr().out.split() == ["ana@example.org", "bo@example.org"]

    assert cli.main(["moderators", "remove", "ana@example.org", "--consultation", "demo"]) == 0
    assert "ana@example.org: removed" in capsys.readouterr().out
    assert cli.main(["moderators", "list", "--consultation", "demo"]) == 0
    assert capsys.readouterr().out.split() == ["bo@example.org"]


def test_adding_needs_an_email(deployed: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["moderators", "add", "--consultation", "demo"]) == 2
    assert "needs an email" in capsys.readouterr().err


def test_an_invitation_says_what_the_moderator_does_next(deployed: dict, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["moderators", "add", "ana@example.org", "--consultation", "demo"]) == 0
    said = capsys.readouterr().out
    assert "ana@example.org: invited" in said and "temporary password" in said and "#/moderation" in said
    assert "authenticator" not in said  # dev asks for no MFA


def test_on_prod_the_next_steps_include_the_authenticator_app() -> None:
    from agora.ops.moderators import next_steps

    said = next_steps("ana@example.org", "https://d1234.cloudfront.net/", mfa=True)
    lines = said.splitlines()
    assert "open https://d1234.cloudfront.net/#/moderation" in said
    assert "authenticator app" in lines[3] and lines[4].lstrip().startswith("4.")
