"""Signed participant tokens and sequence proofs (HMAC-SHA256, constant-time checks).

A token carries the participant id, its issue time and the segment values the participant
declared, so a vote can be marked for segment tallies without reading the profile. A proof
says "this proposal was served to this participant in a sequence at time t"; a vote carrying
a valid proof counts in scores, one without is kept apart as untrusted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass, field

from agora.domain.errors import Unauthorized


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of what a caller sent with what we signed. As bytes: compare_digest
    refuses str with non-ASCII characters, and a caller may send anything."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode())


def network_of(address: str | None) -> str:
    """What one person or household holds: an IPv4 address, an IPv6 /64; "" if not an address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    return str(ipaddress.ip_network(f"{ip}/64", strict=False) if ip.version == 6 else ip)


def network_key(address: str | None) -> str:
    """The network a request counts against in rate limits: its own, or one bucket shared by every
    request without a usable address, so that a malformed address can never switch a limit off."""
    return network_of(address) or "unknown"


def looks_like_token(value: str) -> bool:
    """Shaped like a participant token, signature unchecked: lets a moderator route tell a citizen
    (403, known but not allowed) from a caller with no credentials at all (401)."""
    payload, _, sig = value.partition(".")
    try:
        return bool(sig) and "pid" in json.loads(_unb64(payload))
    except (ValueError, TypeError, binascii.Error):
        return False


@dataclass(frozen=True)
class Claims:
    participant_id: str
    issued_at: int
    segments: dict[str, str] = field(default_factory=dict)
    since: int = 0  # when the participant registered (a brigading signal)


@dataclass(frozen=True)
class Signer:
    secret: bytes
    token_ttl: int
    proof_ttl: int

    def _mac(self, *parts: str) -> str:
        return _b64(hmac.new(self.secret, "|".join(parts).encode(), hashlib.sha256).digest())

    def token(self, claims: Claims) -> str:
        payload = _b64(
            json.dumps(
                {"pid": claims.participant_id, "iat": claims.issued_at, "seg": claims.segments, "since": claims.since},
                separators=(",", ":"),
                sort_keys=True,
            ).encode()
        )
        return f"{payload}.{self._mac('token', payload)}"

    def claims(self, token: str, now: float) -> Claims:
        """What a token says, or Unauthorized if it is forged, malformed or expired."""
        payload, _, sig = token.partition(".")
        if not (payload and sig) or not _same(sig, self._mac("token", payload)):
            raise Unauthorized("invalid_token", "The participant token is not valid.")
        try:
            data = json.loads(_unb64(payload))
            claims = Claims(str(data["pid"]), int(data["iat"]), dict(data.get("seg", {})), int(data.get("since", 0)))
        except (ValueError, KeyError, TypeError, binascii.Error) as e:
            raise Unauthorized("invalid_token", "The participant token is malformed.") from e
        if now - claims.issued_at > self.token_ttl:
            raise Unauthorized("expired_token", "The participant token has expired; register again.")
        return claims

    def proof(self, participant_id: str, proposal_id: str, issued_at: int) -> str:
        return f"{issued_at}.{self._mac('proof', participant_id, proposal_id, str(issued_at))}"

    def proof_is_valid(self, proof: str | None, participant_id: str, proposal_id: str, now: float) -> bool:
        if not proof:
            return False
        issued, _, sig = proof.partition(".")
        if not (issued.isascii() and issued.isdigit() and sig) or not 0 <= now - int(issued) <= self.proof_ttl:
            return False
        return _same(sig, self._mac("proof", participant_id, proposal_id, issued))

    def source_tag(self, address: str | None) -> str:
        """A short keyed hash of the caller's network (an IPv6 /64, an IPv4 address): lets the
        snapshot see many votes from one place without anyone storing or reversing the address."""
        network = network_of(address)
        return self._mac("source", network)[:10] if network else ""
