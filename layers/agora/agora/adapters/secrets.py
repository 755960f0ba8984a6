"""The HMAC secret that signs participant tokens and sequence proofs."""

from __future__ import annotations

import os

from agora import contract as c


def signing_secret() -> bytes:
    """From Secrets Manager on AWS (cached by Powertools), from the environment on the embedded stack."""
    arn = os.environ.get(c.SECRET_ARN_ENV)
    if arn:
        from aws_lambda_powertools.utilities.parameters import get_secret

        return str(get_secret(arn, max_age=300)).encode()
    secret = os.environ.get(c.SECRET_ENV)
    if not secret:
        raise RuntimeError(f"Set {c.SECRET_ARN_ENV} (AWS) or {c.SECRET_ENV} (embedded stack) to sign tokens.")
    return secret.encode()
