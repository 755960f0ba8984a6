import csv
import hashlib
import io

import boto3

from agora import contract

TEXTS = [f"Il faut rénover l'école numéro {i}" for i in range(5)]


def published(api, n=3):
    return api.published(n)


def vote_items(env):
    items = boto3.client("dynamodb").scan(TableName=env[contract.CONTENT.env_var])["Items"]
    return [i for i in items if i["sk"]["S"].startswith(contract.VOTE_SK)]


def test_a_sequence_serves_accepted_proposals_not_yet_voted_with_proofs(api):
    ids = published(api)
    pending = api.propose(api.participant(), TEXTS[4])
    voter = api.participant()
    served = api.call("GET", "/sequence", token=voter).body["proposals"]
    assert sorted(p["id"] for p in served) == sorted(ids)
    assert pending not in [p["id"] for p in served]
    assert all(p["proof"] and p["text"] for p in served)
    api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree", "proof": served[0]["proof"]}, token=voter)
    again = api.call("GET", "/sequence?size=12", token=voter).body["proposals"]
    assert ids[0] not in [p["id"] for p in again] and len(again) == 2


def test_sequence_size_is_bounded(api):
    token = api.participant()
    assert api.call("GET", "/sequence?size=0", token=token).status == 422
    assert api.call("GET", "/sequence?size=51", token=token).status == 422
    assert api.call("GET", "/sequence").status == 401


def test_a_vote_with_its_proof_is_trusted_and_repeating_it_changes_nothing(api, stack_env):
    ids = published(api, 1)
    voter = api.participant()
    proof = api.call("GET", "/sequence", token=voter).body["proposals"][0]["proof"]
    first = api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree", "proof": proof}, token=voter)
    assert first.status == 200
    assert first.body == {"proposal_id": ids[0], "key": "agree", "qualifications": [], "trusted": True, "changed": True}
    stored = vote_items(stack_env)
    again = api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree", "proof": proof}, token=voter)
    assert again.body["changed"] is False
    assert vote_items(stack_env) == stored


def test_another_key_replaces_the_vote_and_delete_withdraws_it(api, stack_env):
    ids = published(api, 1)
    voter = api.participant()
    api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree"}, token=voter)
    replaced = api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "disagree"}, token=voter)
    assert replaced.body["changed"] is True
    [item] = vote_items(stack_env)
    assert item["key"]["S"] == "disagree"
    assert api.call("DELETE", f"/proposals/{ids[0]}/vote", token=voter).status == 204
    assert vote_items(stack_env) == []
    assert api.call("DELETE", f"/proposals/{ids[0]}/vote", token=voter).status == 204  # retries are harmless


def test_a_vote_without_a_valid_proof_is_kept_as_untrusted(api, stack_env):
    ids = published(api, 1)
    voter = api.participant()
    forged = api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "agree", "proof": "123.forged"}, token=voter)
    assert forged.status == 200 and forged.body["trusted"] is False
    [item] = vote_items(stack_env)
    assert item["trust"]["S"] == "untrusted"


def test_votes_on_proposals_not_accepted_are_refused_and_nothing_is_stored(api, stack_env):
    published(api, 1)
    pending = api.propose(api.participant(), TEXTS[4])
    voter = api.participant()
    for target in (pending, "f" * 32):
        reply = api.call("PUT", f"/proposals/{target}/vote", {"key": "agree"}, token=voter)
        assert reply.status == 409 and reply.body["error"]["code"] == "proposal_not_votable"
    assert api.call("PUT", f"/proposals/{pending}/vote", {"key": "maybe"}, token=voter).status == 422
    assert vote_items(stack_env) == []


def test_votes_carry_the_voters_segments(api, stack_env):
    ids = published(api, 1)
    voter = api.participant({"age": "65+"})
    api.call("PUT", f"/proposals/{ids[0]}/vote", {"key": "neutral"}, token=voter)
    [item] = vote_items(stack_env)
    assert item["segments"]["M"] == {"age": {"S": "65+"}}


def test_results_are_404_until_a_snapshot_then_the_manifest_lists_fetchable_files(api, stack_env):
    assert api.call("GET", "/results").status == 404
    ids = published(api, 2)
    manifest = api.call("GET", "/results").body
    names = {f["name"] for f in manifest["files"]}
    assert names == {
        "summary.json", "proposals.csv", "segments.csv", "participation.json", "groups.json", "votes.json", "report.html", "report.en.html",
    }
    s3 = boto3.client("s3")
    for f in manifest["files"]:
        key = f["url"].removeprefix("https://results.example/")
        body = s3.get_object(Bucket=stack_env[contract.BUCKET_ENV], Key=key)["Body"].read()
        assert hashlib.sha256(body).hexdigest() == f["sha256"]
    rows = list(csv.DictReader(io.StringIO(
        s3.get_object(Bucket=stack_env[contract.BUCKET_ENV], Key="results/latest/proposals.csv")["Body"].read().decode()
    )))
    assert sorted(r["proposal_id"] for r in rows) == sorted(ids)
    assert {"proposal_id", "text", "votes", "agree", "disagree", "neutral"} <= set(rows[0])
