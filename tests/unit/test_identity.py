import pytest

from agora.domain.errors import Unauthorized
from agora.domain.identity import Claims, Signer


def test_a_token_names_its_participant_and_segments(signer):
    token = signer.token(Claims("abc", 1000, {"age": "25-34"}))
    assert signer.claims(token, now=1001) == Claims("abc", 1000, {"age": "25-34"})


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: "x" + t,
        lambda t: t.split(".")[0],
        lambda t: "",
        lambda t: "...",
        lambda t: "not-base64!.sig",
    ],
)
def test_a_forged_or_malformed_token_is_refused(signer, mangle):
    token = signer.token(Claims("abc", 1000))
    with pytest.raises(Unauthorized) as refused:
        signer.claims(mangle(token), now=1001)
    assert refused.value.code == "invalid_token"


def test_a_token_signed_with_another_secret_is_refused(signer):
    other = Signer(b"other", token_ttl=3600, proof_ttl=600)
    with pytest.raises(Unauthorized):
        signer.claims(other.token(Claims("abc", 1000)), now=1001)


def test_an_expired_token_is_refused(signer):
    token = signer.token(Claims("abc", 1000))
    with pytest.raises(Unauthorized) as refused:
        signer.claims(token, now=1000 + 3601)
    assert refused.value.code == "expired_token"


def test_a_proof_binds_participant_proposal_and_time(signer):
    proof = signer.proof("alice", "p1", 500)
    assert signer.proof_is_valid(proof, "alice", "p1", now=600)
    assert not signer.proof_is_valid(proof, "bob", "p1", now=600)
    assert not signer.proof_is_valid(proof, "alice", "p2", now=600)
    assert not signer.proof_is_valid(proof, "alice", "p1", now=500 + 601)  # expired
    assert not signer.proof_is_valid(proof, "alice", "p1", now=400)  # from the future
    assert not signer.proof_is_valid(None, "alice", "p1", now=600)
    assert not signer.proof_is_valid("500.forged", "alice", "p1", now=600)
    assert not signer.proof_is_valid("garbage", "alice", "p1", now=600)


def test_tokens_carry_the_registration_time(signer):
    token = signer.token(Claims("abc", 2000, {}, since=1500))
    assert signer.claims(token, now=2001).since == 1500


def test_source_tags_are_keyed_short_and_group_an_ipv6_64(signer):
    tag = signer.source_tag("203.0.113.7")
    assert len(tag) == 10 and "203" not in tag
    assert tag == signer.source_tag("203.0.113.7") != signer.source_tag("203.0.113.8")
    assert signer.source_tag("2001:db8::1") == signer.source_tag("2001:db8::ffff")
    assert signer.source_tag("2001:db8::1") != signer.source_tag("2001:db8:0:1::1")
    assert Signer(b"other", 1, 1).source_tag("203.0.113.7") != tag
    assert signer.source_tag(None) == signer.source_tag("not an address") == ""
