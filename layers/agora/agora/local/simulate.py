"""Simulated citizens against any base URL: register, sometimes propose, vote through a sequence."""

from __future__ import annotations

import hashlib
import ipaddress
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from agora.local.client import Api, ApiError

IDEAS = (
    "développer les pistes cyclables entre les communes",
    "protéger les zones humides du littoral",
    "soutenir les agriculteurs qui passent au bio",
    "interdire les plastiques à usage unique sur les plages",
    "installer des panneaux solaires sur les bâtiments publics",
    "rouvrir les petites lignes de train régionales",
    "planter des haies bocagères le long des champs",
    "réduire l'éclairage public la nuit",
    "aider les ménages à isoler leur logement",
    "créer des cantines avec des produits locaux",
    "limiter l'artificialisation des terres agricoles",
    "développer le covoiturage domicile travail",
    "mieux trier les déchets dans les lieux publics",
    "protéger les algues et la faune des estrans",
    "taxer les croisières qui polluent les ports",
)


@dataclass
class Report:
    participants: int = 0
    not_started: int = 0  # citizens still waiting when the time allowed ran out
    proposals: int = 0
    votes: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    vote_seconds: list[float] = field(default_factory=list)  # each vote's round trip
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, other: dict[str, int], errors: list[str], vote_seconds: list[float]) -> None:
        with self._lock:
            for name, n in other.items():
                setattr(self, name, getattr(self, name) + n)
            self.errors.extend(errors)
            self.vote_seconds.extend(vote_seconds)

    def vote_ms(self, quantile: float) -> float:
        """A quantile of the votes' round trips, in milliseconds (0 without votes)."""
        ordered = sorted(self.vote_seconds)
        return 1000 * ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] if ordered else 0.0

    def lines(self) -> list[str]:
        rate = self.requests / self.seconds if self.seconds else 0.0
        return [
            f"participants: {self.participants}" + (f" ({self.not_started} not started in the time allowed)" if self.not_started else ""),
            f"proposals submitted: {self.proposals}",
            f"votes cast: {self.votes}",
            f"requests: {self.requests} in {self.seconds:.1f} s ({rate:.0f}/s)",
            f"vote latency: p50 {self.vote_ms(0.5):.0f} ms, p99 {self.vote_ms(0.99):.0f} ms",
            f"errors: {len(self.errors)}",
            *(f"  {e}" for e in self.errors[:10]),
        ]


def address(rng: random.Random) -> str:
    """A citizen's own address in the benchmarking range 198.18.0.0/15, so per-network limits see
    many homes rather than one loopback."""
    return str(ipaddress.IPv4Address(0xC6120000 + rng.randrange(2**17)))


def opinion(proposal_id: str) -> float:
    """A stable latent share of agreement per proposal, so results have a shape worth looking at."""
    return int(hashlib.sha256(proposal_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def choose_key(rng: random.Random, agree_share: float) -> str:
    draw = rng.random()
    if draw < 0.15:
        return "neutral"
    return "agree" if rng.random() < agree_share else "disagree"


def citizen(
    base: Api, consultation: dict[str, Any], rng: random.Random, propose_share: float
) -> tuple[dict[str, int], list[str], list[float]]:
    counts = {"participants": 0, "proposals": 0, "votes": 0, "requests": 0}
    vote_seconds: list[float] = []
    try:
        demographics = {q["id"]: rng.choice(q["choices"]) for q in consultation["demographics"] if rng.random() < 0.8}
        me = base.register(demographics)
        counts["participants"] += 1
        counts["requests"] += 1
        if rng.random() < propose_share:
            language = consultation["languages"][0]
            text = f"{consultation['prefix'][language]}{rng.choice(IDEAS)} ({rng.randrange(10_000)})"
            me.propose(text[: consultation["max_length"]], language, key=f"sim-{rng.random()}")
            counts["proposals"] += 1
            counts["requests"] += 1
        served = me.sequence(consultation["sequence_size"])
        counts["requests"] += 1
        for item in served:
            began = time.perf_counter()
            me.vote(item["id"], choose_key(rng, opinion(item["id"])), item["proof"])
            vote_seconds.append(time.perf_counter() - began)
            counts["votes"] += 1
            counts["requests"] += 1
    except (ApiError, OSError) as e:
        return counts, [f"{type(e).__name__}: {e}"], vote_seconds
    return counts, [], vote_seconds


def simulate(
    base_url: str,
    participants: int,
    propose_share: float = 0.1,
    concurrency: int = 8,
    seed: int = 1,
    progress: bool = True,
    seconds: float | None = None,
) -> Report:
    """Run `participants` citizens; with `seconds`, those not started by then are left out (and
    counted in `not_started`), so a burst on a slow machine stops in bounded time."""
    base = Api(base_url)
    consultation = base.call("GET", "/consultation")
    report = Report()
    started = time.perf_counter()
    seeds = random.Random(seed)

    def one(api: Api, rng: random.Random) -> tuple[dict[str, int], list[str], list[float]]:
        if seconds is not None and time.perf_counter() - started > seconds:
            return {"not_started": 1}, [], []
        return citizen(api, consultation, rng, propose_share)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(one, Api(base_url, address=address(seeds)), random.Random(seeds.random())) for _ in range(participants)]
        for future in tqdm(as_completed(futures), total=participants, unit="citizen", disable=not progress):
            report.add(*future.result())
    report.seconds = time.perf_counter() - started
    return report
