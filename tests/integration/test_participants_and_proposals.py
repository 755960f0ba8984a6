import boto3

from agora import contract

TEXT = "Il faut planter des arbres dans les cours d'école"


def items(env):
    return boto3.client("dynamodb").scan(TableName=env[contract.CONTENT.env_var])["Items"]


def test_the_consultation_describes_its_question_rules_and_dates(api):
    reply = api.call("GET", "/consultation")
    assert reply.status == 200
    body = reply.body
    assert body["question"]["fr"].startswith("Comment")
    assert body["prefix"] == {"fr": "Il faut ", "en": "We should "}
    assert (body["min_length"], body["max_length"]) == (12, 140)
    assert body["status"] == "open"
    assert body["opens_at"].startswith("2026-01-01")
    assert body["counts"] == {"participants": 0, "proposals": 0, "votes": 0}


def test_registration_returns_an_id_and_a_token_that_works(api):
    reply = api.call("POST", "/participants", {"demographics": {"age": "25-34", "department": None}})
    assert reply.status == 201
    assert reply.body["demographics"] == {"age": "25-34"}
    token = reply.body["participant_token"]
    assert api.call("GET", "/sequence", token=token).status == 200


def test_registration_without_a_body_is_anonymous(api):
    reply = api.call("POST", "/participants")
    assert reply.status == 201 and reply.body["demographics"] == {}


def test_an_unknown_demographic_answer_is_refused(api, stack_env):
    reply = api.call("POST", "/participants", {"demographics": {"age": "12"}})
    assert reply.status == 422
    assert reply.body["error"]["code"] == "invalid_answer"
    assert items(stack_env) == []


def test_changing_demographics_reissues_a_token_carrying_them(api):
    token = api.participant({"age": "25-34"})
    reply = api.call("PATCH", "/participants/me", {"demographics": {"department": "29", "age": None}}, token=token)
    assert reply.status == 200
    assert reply.body["demographics"] == {"department": "29"}
    assert reply.body["participant_token"] != token


def test_a_valid_proposal_is_pending(api, stack_env):
    token = api.participant()
    reply = api.call("POST", "/proposals", {"text": TEXT}, token=token)
    assert reply.status == 201
    assert reply.body["status"] == "pending"
    mine = api.call("GET", f"/proposals/{reply.body['id']}", token=token)
    assert mine.status == 200 and mine.body["text"] == TEXT


def test_a_pending_proposal_is_hidden_from_everyone_but_its_author(api):
    proposal_id = api.propose(api.participant(), TEXT)
    assert api.call("GET", f"/proposals/{proposal_id}").status == 404
    assert api.call("GET", f"/proposals/{proposal_id}", token=api.participant()).status == 404


def test_bad_proposals_get_422_naming_the_problem_and_store_nothing(api, stack_env):
    token = api.participant()
    before = len(items(stack_env))
    cases = {
        "Il faut ok": "too_short",
        "Il faut " + "a" * 140: "too_long",
        "Nous devons planter des arbres": "missing_prefix",
        "": "empty",
        "Il faut <script>alert(1)</script>": "html",
        "Il faut planter\u0007 des arbres": "control_character",
    }
    for text, code in cases.items():
        reply = api.call("POST", "/proposals", {"text": text}, token=token)
        assert reply.status == 422, text
        assert reply.body["error"]["code"] == code
        assert reply.body["error"]["message"]
    assert len(items(stack_env)) == before


def test_malformed_requests_are_422_with_where_and_what(api):
    token = api.participant()
    reply = api.call("POST", "/proposals", {"txt": TEXT}, token=token)
    assert reply.status == 422
    assert reply.body["error"]["code"] == "invalid_request"
    assert any(d["where"].endswith("text") for d in reply.body["error"]["details"])
    assert api.call("POST", "/proposals", raw=b"{not json", token=token).status == 422


def test_proposing_needs_a_valid_token(api):
    assert api.call("POST", "/proposals", {"text": TEXT}).status == 401
    assert api.call("POST", "/proposals", {"text": TEXT}, token="forged.token").status == 401


def test_a_retried_submission_with_the_same_idempotency_key_creates_one_proposal(api, stack_env):
    token = api.participant()
    first = api.call("POST", "/proposals", {"text": TEXT}, token=token, headers={"Idempotency-Key": "k1"})
    again = api.call("POST", "/proposals", {"text": TEXT}, token=token, headers={"Idempotency-Key": "k1"})
    assert first.status == again.status == 201
    assert first.body["id"] == again.body["id"]
    proposals = [i for i in items(stack_env) if i["pk"]["S"].startswith(contract.PROPOSAL)]
    assert len(proposals) == 1
    other = api.call("POST", "/proposals", {"text": TEXT + " !"}, token=token, headers={"Idempotency-Key": "k1"})
    assert other.status == 422 and other.body["error"]["code"] == "idempotency_key_reused"


def test_participants_are_the_people_who_voted_or_proposed_not_the_visitors(api):
    [proposal_id] = api.published(1)  # its author took part by proposing
    for _ in range(3):  # opened the pages in three browsers, never voted nor proposed
        api.participant()
    voter = api.participant({"age": "25-34"})
    proof = api.call("GET", "/sequence", token=voter).body["proposals"][0]["proof"]
    for key in ("agree", "disagree"):  # a second vote by the same person adds no participant
        assert api.call("PUT", f"/proposals/{proposal_id}/vote", {"key": key, "proof": proof}, token=voter).status == 200
    api.count()
    api.snapshot()
    assert api.call("GET", "/consultation").body["counts"]["participants"] == 2


def test_marking_a_first_act_never_brings_back_a_forgotten_profile(api, stack_env):
    from agora.bootstrap import container as services

    services().stores.participants.note_took_part("0" * 32, 1.0)  # its profile was erased (or never existed)
    assert items(stack_env) == []
