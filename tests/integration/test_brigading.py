"""Issue 4's brigade: untrusted votes cannot move a published score; a brigade that walks real
sequences, from fresh accounts on one network, is flagged in the published results."""

import csv
import io

import pytest

from agora.bootstrap import container as services

BRIGADE = 300


def published_row(api, proposal_id):
    api.count()
    api.snapshot()
    bucket = services().stores.files
    rows = csv.DictReader(io.StringIO(bucket.get("results/latest/proposals.csv").decode("utf-8-sig")))
    return next(r for r in rows if r["proposal_id"] == proposal_id)


def walk_and_vote(api, token, target, key, source_ip):
    served = api.call("GET", "/sequence", token=token, source_ip=source_ip).body["proposals"]
    proof = next(p["proof"] for p in served if p["id"] == target)
    reply = api.call("PUT", f"/proposals/{target}/vote", {"key": key, "proof": proof}, token=token, source_ip=source_ip)
    assert reply.status == 200 and reply.body["trusted"], reply.body


@pytest.mark.slow
def test_a_brigade_cannot_move_a_score_without_proofs_and_is_flagged_with_them(api, monkeypatch):
    target, _ = api.published(2)
    registered = services().participants
    now = registered.clock()
    monkeypatch.setattr(registered, "clock", lambda: now - 7200)  # organic voters joined two hours ago
    organic = [api.participant() for _ in range(40)]
    monkeypatch.setattr(registered, "clock", lambda: now)
    for i, token in enumerate(organic):
        walk_and_vote(api, token, target, "agree" if i % 2 else "disagree", f"198.51.100.{i}")
    before = published_row(api, target)
    assert before["suspicious_votes"] == "0" and before["votes"] == "40"

    for _ in range(BRIGADE):  # fresh accounts voting straight at the API
        api.call("PUT", f"/proposals/{target}/vote", {"key": "agree"}, token=api.participant(), source_ip="203.0.113.9")
    untrusted = published_row(api, target)
    assert untrusted["untrusted_votes"] == str(BRIGADE)
    assert {k: untrusted[k] for k in ("votes", "agree_rate", "zone", "top_score")} == {
        k: before[k] for k in ("votes", "agree_rate", "zone", "top_score")
    }

    for _ in range(BRIGADE):  # fresh accounts from one network, each walking a real sequence
        walk_and_vote(api, api.participant(), target, "agree", "203.0.113.10")
    flagged = published_row(api, target)
    assert flagged["votes"] == str(40 + BRIGADE)
    assert float(flagged["fresh_voter_share"]) > 0.8 and float(flagged["top_source_share"]) > 0.5
    assert flagged["suspicious_votes"] == "1"
    summary = services().stores.files.get("results/latest/summary.json").decode()
    assert target in summary and '"flagged_total": 1' in summary
