"""A valid request for every route of contract.ROUTES, on a small published consultation.

Shared by the fault-injection and authorization tests: a route missing here fails them, so a new route
cannot escape either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agora import contract
from agora.local.inprocess import InProcessStack


@dataclass(frozen=True)
class World:
    """What the requests need: published proposals, a pending one, a voter who voted, an author."""

    accepted: tuple[str, ...]
    pending: str
    author: str  # token
    voter: str  # token; has an agree vote on accepted[0]
    voter_id: str


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: Any = None
    as_: str = "public"  # "public", "author", "voter" or "moderator": who the route expects
    headers: dict[str, str] | None = None


def build_world(api: InProcessStack) -> World:
    accepted = tuple(api.published(2))
    author = api.participant({"age": "15-24"})
    pending = api.propose(author, "Il faut planter des haies partout")
    reply = api.call("POST", "/participants", {"demographics": {"age": "65+"}})
    voter, voter_id = reply.body["participant_token"], reply.body["participant_id"]
    assert api.call("POST", "/moderation/themes", {"name": "Nature"}, moderator="mod").status == 201
    assert api.call("PUT", f"/proposals/{accepted[0]}/vote", {"key": "agree"}, token=voter).status == 200
    return World(accepted, pending, author, voter, voter_id)


def requests_for(w: World) -> dict[str, Request]:
    a0, a1, pending = w.accepted[0], w.accepted[1], w.pending
    return {
        "GET /consultation": Request("GET", "/consultation"),
        "GET /results": Request("GET", "/results"),
        "POST /participants": Request("POST", "/participants", {"demographics": {"age": "15-24"}}),
        "PATCH /participants/me": Request("PATCH", "/participants/me", {"demographics": {"age": "25-34"}}, "voter"),
        "GET /participants/me/proposals": Request("GET", "/participants/me/proposals", as_="author"),
        "POST /proposals": Request(
            "POST", "/proposals", {"text": "Il faut des bus le dimanche soir"}, "author", {"Idempotency-Key": "route-test"}
        ),
        "GET /proposals": Request("GET", "/proposals?q=ecole"),
        "GET /proposals/similar": Request("GET", "/proposals/similar?text=Il%20faut%20r%C3%A9nover%20l%27%C3%A9cole"),
        "GET /proposals/{proposal_id}": Request("GET", f"/proposals/{a0}"),
        "GET /proposals/{proposal_id}/similar": Request("GET", f"/proposals/{a0}/similar"),
        "GET /themes": Request("GET", "/themes"),
        "GET /sequence": Request("GET", "/sequence", as_="voter"),
        "PUT /proposals/{proposal_id}/vote": Request("PUT", f"/proposals/{a1}/vote", {"key": "disagree"}, "voter"),
        "DELETE /proposals/{proposal_id}/vote": Request("DELETE", f"/proposals/{a0}/vote", as_="voter"),
        "PUT /proposals/{proposal_id}/vote/qualifications/{qualification}": Request(
            "PUT", f"/proposals/{a0}/vote/qualifications/like_it", as_="voter"
        ),
        "DELETE /proposals/{proposal_id}/vote/qualifications/{qualification}": Request(
            "DELETE", f"/proposals/{a0}/vote/qualifications/like_it", as_="voter"
        ),
        "GET /moderation/queue": Request("GET", "/moderation/queue", as_="moderator"),
        "POST /moderation/proposals/{proposal_id}/accept": Request(
            "POST", f"/moderation/proposals/{pending}/accept", {}, "moderator"
        ),
        "POST /moderation/proposals/{proposal_id}/refuse": Request(
            "POST", f"/moderation/proposals/{pending}/refuse", {"reason": "off_topic"}, "moderator"
        ),
        "POST /moderation/proposals/{proposal_id}/postpone": Request(
            "POST", f"/moderation/proposals/{pending}/postpone", {}, "moderator"
        ),
        "POST /moderation/proposals/{proposal_id}/reopen": Request(
            "POST", f"/moderation/proposals/{pending}/reopen", None, "moderator"
        ),
        "GET /moderation/proposals": Request("GET", "/moderation/proposals?status=postponed", as_="moderator"),
        "POST /moderation/locks": Request("POST", "/moderation/locks", {"proposal_ids": [pending]}, "moderator"),
        "GET /moderation/proposals/{proposal_id}/decisions": Request(
            "GET", f"/moderation/proposals/{a0}/decisions", as_="moderator"
        ),
        "POST /moderation/bulk": Request(
            "POST", "/moderation/bulk", {"action": "postpone", "proposal_ids": [pending]}, "moderator"
        ),
        "POST /moderation/themes": Request("POST", "/moderation/themes", {"name": "Eau douce"}, "moderator"),
        "GET /moderation/groups": Request("GET", "/moderation/groups?k=2", as_="moderator"),
    }


def route_names() -> list[str]:
    return [f"{r.method} {r.path}" for r in contract.ROUTES]


def call(api: InProcessStack, w: World, r: Request, **overrides: Any) -> Any:
    """Send a request as the caller it expects (overrides: token=, moderator=, headers=)."""
    kwargs: dict[str, Any] = {"headers": r.headers}
    if r.as_ == "author":
        kwargs["token"] = w.author
    elif r.as_ == "voter":
        kwargs["token"] = w.voter
    elif r.as_ == "moderator":
        kwargs["moderator"] = "mod"
    kwargs.update(overrides)
    return api.call(r.method, r.path, r.body, **kwargs)
