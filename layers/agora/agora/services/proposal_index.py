"""Publishing the proposal index (accepted and undecided proposals) that similarity and search read."""

from __future__ import annotations

from agora import contract as c
from agora.adapters.proposal_index import encode
from agora.domain.proposals import UNDECIDED, Proposal
from agora.services import ports

# Functions re-validate it with its ETag; nothing in between should keep a copy.
NO_STORE = "private, no-store"


def publish_proposal_index(store: ports.ProposalStore, files: ports.PublishedFiles, accepted: list[Proposal], now: float) -> None:
    """Called by the snapshot with the accepted proposals it has just read, and the time it read them."""
    undecided = [p for status in UNDECIDED for p, _ in store.by_status(status)]
    files.put(c.PROPOSAL_INDEX_KEY, encode([*accepted, *undecided], round(now, 3)), "application/json", NO_STORE)
