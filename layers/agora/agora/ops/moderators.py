"""`agora moderators add|remove|list`: the consultation's Cognito user pool, by email.

Cognito mails the invitation with a temporary password. The moderator signs in on the moderation
page, which sends them to the consultation's managed login: there the temporary password is
replaced and, on prod (MFA required), an authenticator app is set up, then back to the page.
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


def next_steps(email: str, pages_url: str | None, mfa: bool) -> str:
    """What the invited moderator does next, for the operator to pass on."""
    page = f"{pages_url}#/moderation" if pages_url else "the consultation's pages, #/moderation"
    steps = [
        f"{email}: invited. Cognito mails them a temporary password, valid 7 days. They then:",
        f"  1. open {page} and choose Sign in (the consultation's Cognito sign-in page);",
        "  2. sign in with the email and the temporary password, then choose their own password;",
    ]
    if mfa:
        steps.append("  3. scan the QR code with an authenticator app and enter its code (prod requires it at every sign-in);")
    steps.append(f"  {len(steps)}. are back on the moderation queue. A lost password: 'Forgot your password?' there.")
    return "\n".join(steps)
