"""The embedded gateway matches routes in the contract's order: a fixed path must come before a
parameter that would take its place (API Gateway prefers fixed paths by itself)."""

from agora import contract
from agora.local.gateway import match


def test_every_fixed_route_is_reached():
    for route in contract.ROUTES:
        if "{" not in route.path:
            assert match(route.method, route.path)[0] is route, route.path


def test_similar_is_not_a_proposal_id():
    route, params = match("GET", "/proposals/similar")
    assert route.path == "/proposals/similar" and params == {}
    route, params = match("GET", "/proposals/" + "a" * 32)
    assert route.path == "/proposals/{proposal_id}" and params == {"proposal_id": "a" * 32}
