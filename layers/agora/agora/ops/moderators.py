"""`agora moderators add|remove|list`: the consultation's Cognito user pool, by email.

Cognito mails the invitation with a temporary password; on prod the first sign-in also sets up
an authenticator app (MFA is required there).
"""

from __future__ import annotations

from typing import Any


def add(cognito: Any, pool: str, email: str) -> None:
    cognito.admin_create_user(
        UserPoolId=pool,
        Username=email,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        DesiredDeliveryMediums=["EMAIL"],
    )


def remove(cognito: Any, pool: str, email: str) -> None:
    # Signed out everywhere first: a removed moderator's tokens must not outlive the account.
    cognito.admin_user_global_sign_out(UserPoolId=pool, Username=email)
    cognito.admin_delete_user(UserPoolId=pool, Username=email)


def listed(cognito: Any, pool: str) -> list[str]:
    users = [u for page in cognito.get_paginator("list_users").paginate(UserPoolId=pool) for u in page["Users"]]
    return sorted(next(a["Value"] for a in u["Attributes"] if a["Name"] == "email") for u in users)
