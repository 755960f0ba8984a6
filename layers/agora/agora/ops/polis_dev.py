"""`agora dev --import-polis DIR`: a consultation built from a Polis conversation, imported into the
embedded stack, counted and published before the stack says it is ready."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from agora import contract
from agora.config import DEFAULT_REFUSAL_REASONS
from agora.ops import importer
from agora.ops.polis import REFUSAL_REASON, Conversation

LANGUAGE = "en"  # the export does not say; the shipped conversations are in English
CLOSES_AT = "2036-12-31T23:59:59Z"  # open to new votes: a living consultation, next to the demo
# moto scans a table from its start for every page, so the snapshot's vote sample of a large
# import can outlast the functions' 5 s read timeout on a busy machine.
SNAPSHOT_ATTEMPTS = 3


def slug(conversation: Conversation) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", conversation.folder.resolve().name.lower()).strip("-")
    return f"polis-{name}"[:41].rstrip("-")


def consultation_toml(conversation: Conversation) -> str:
    """The consultation's settings: the conversation's topic as the question, no prefix, the
    default text rules, and Polis's moderated-out comments' reason in the charter."""
    first = min((c.created_at for c in conversation.comments), default=0.0)
    opens_at = datetime.fromtimestamp(first, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    question = conversation.topic or f"Polis conversation {conversation.url}"
    reasons = [*DEFAULT_REFUSAL_REASONS, REFUSAL_REASON]
    # json.dumps without ASCII escapes writes valid TOML basic strings (no surrogate escapes).
    text = json.dumps
    lines = [
        f"# Built by `agora dev --import-polis` from {text(conversation.url, ensure_ascii=False)}.",
        f"slug = {text(slug(conversation))}",
        f'languages = ["{LANGUAGE}"]',
        f"opens_at = {opens_at}",
        f"closes_at = {CLOSES_AT}",
        "",
        "[question]",
        f"{LANGUAGE} = {text(question, ensure_ascii=False)}",
        "",
        "[proposals]  # no prefix: Polis comments have none",
        "",
        "[moderation]",
        f"refusal_reasons = {json.dumps(reasons)}",
    ]
    if conversation.description:
        lines[6:6] = ["[context]", f"{LANGUAGE} = {text(conversation.description, ensure_ascii=False)}", ""]
    return "\n".join(lines) + "\n"


def write_consultation(conversation: Conversation, folder: Path | None = None) -> Path:
    """The settings file the stack's functions read; the same content for the same conversation."""
    folder = folder or Path(tempfile.gettempdir()) / "agora-polis"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug(conversation)}.toml"
    path.write_text(consultation_toml(conversation), encoding="utf-8")
    return path


def serve(stack: Any, conversation: Conversation, operator: str) -> tuple[importer.Report, str]:
    """Import into the running stack, let score count every vote, and publish a snapshot now.

    The scheduled snapshots wait meanwhile: each one reads the whole content table, and while
    the import grows it they took the embedded engine from the writes (the largest conversation's
    import fell from ~140 to ~10 votes/s), and would have published half an import."""
    with stack.scheduler.withheld():
        report = importer.run(stack.client("dynamodb"), stack.env[contract.CONTENT.env_var], stack.consultation, conversation, operator)
        if not stack.settle(timeout=600):
            raise RuntimeError("score has not counted the imported votes after 10 minutes")
    for _ in range(SNAPSHOT_ATTEMPTS):
        try:
            stack.scheduler.run_now()
            return report, "counted and published: the results show the imported votes"
        except Exception as e:  # noqa: BLE001 - the stack still serves; the scheduler tries again
            failure = f"{type(e).__name__}: {e}"
    return report, f"counted, not yet published: the snapshot failed {SNAPSHOT_ATTEMPTS} times ({failure}); the scheduled ones try again"
