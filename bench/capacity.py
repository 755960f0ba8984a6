"""Capacity model: a TV spot brings 50,000 citizens in 10 minutes, each taking a sequence and voting
12 times. Which limit binds first, and at how many citizens? (docs/capacity.md reads these rows.)

Arithmetic on a seeded simulation: arrivals are a Poisson process whose intensity decays after the
spot and comes in bursts (Gamma-distributed per 10 s window); each citizen then loads the
consultation, registers, takes a sequence and votes at reading pace. The repository's own figures
feed it where it has them: score's tally writes come from bench/score.py's hot spot, coalesced by
agora.domain.tallies in batches of the size each shard sees; the request path's durations from
bench/vote.py and bench/next_proposal.py; the limits from the consultation's config.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agora import config, contract
from agora.adapters.tallies import MAX_TRANSACTION_ITEMS
from agora.domain.tallies import TallyRef, coalesce
from agora.services import scoring
from bench import next_proposal, score, vote
from bench.harness import Row

DEMO = config.load(Path(__file__).resolve().parent.parent / "consultations" / "demo.toml")
CITIZENS, SPOT_SECONDS, VOTES_EACH = 50_000, 600, 12
DECAY_SECONDS = 150  # the spot's pull halves every ~100 s: 86 % of citizens come in its first 5 minutes
BURST_SHAPE = 4.0  # Gamma shape of each 10 s window's intensity factor (mean 1, cv 0.5)
READING_SECONDS = 8.0  # mean time on a card before voting (Gamma, shape 2)

CONSULTATION, PARTICIPANTS, SEQUENCE, VOTE = (
    "GET /consultation", "POST /participants", "GET /sequence", "PUT /proposals/{proposal_id}/vote",
)  # fmt: skip
FUNCTION_OF = {CONSULTATION: "consultation", PARTICIPANTS: "consultation", SEQUENCE: "next_proposal", VOTE: "vote"}

# AWS's limits (per region and account unless said), from its quotas pages.
API_ACCOUNT_RPS = 10_000
LAMBDA_ACCOUNT_CONCURRENCY = 1_000  # default; raised by a quota request
ON_DEMAND_NEW_TABLE_WCU = 4_000  # what a new on-demand table serves at once (then 2x its previous peak)
PARTITION_WCU = 1_000  # per partition key, whatever the table's mode
ROUND_TRIP_MS = 10.0  # one DynamoDB call from Lambda (network and service): added to in-process times
TRANSACTION_MS = 30.0  # one TransactWriteItems of up to 100 items
ITEM_WCU = 1  # a vote or a profile is under 1 KB
TRANSACTIONAL_WCU = 2  # DynamoDB charges transactional writes twice


@dataclass(frozen=True)
class Traffic:
    seconds: int
    by_route: dict[str, np.ndarray]  # requests in each second

    def peak(self, route: str) -> float:
        return float(self.by_route[route].max())

    def mean(self, route: str) -> float:
        return float(self.by_route[route].sum() / SPOT_SECONDS)

    @property
    def total(self) -> np.ndarray:
        return sum(self.by_route.values())


def arrivals(rng: np.random.Generator, citizens: int) -> np.ndarray:
    """Citizens arriving in each second of the spot's 10 minutes."""
    t = np.arange(SPOT_SECONDS)
    intensity = np.exp(-t / DECAY_SECONDS)
    bursts = rng.gamma(BURST_SHAPE, 1 / BURST_SHAPE, size=SPOT_SECONDS // 10).repeat(10)
    intensity = intensity * bursts
    return rng.poisson(intensity * citizens / intensity.sum())


def traffic(rng: np.random.Generator, citizens: int) -> Traffic:
    """Each citizen's requests, by route and second: the page's consultation, a registration a few
    seconds later, a sequence, then a vote per card at reading pace."""
    per_second = arrivals(rng, citizens)
    arrived = np.repeat(np.arange(SPOT_SECONDS), per_second) + rng.random(per_second.sum())
    registered = arrived + rng.gamma(2.0, 1.5, size=len(arrived))
    sequenced = registered + 0.5
    votes = sequenced[:, None] + rng.gamma(2.0, READING_SECONDS / 2, size=(len(arrived), VOTES_EACH)).cumsum(axis=1)
    seconds = int(votes.max()) + 1
    at = {CONSULTATION: arrived, PARTICIPANTS: registered, SEQUENCE: sequenced, VOTE: votes.ravel()}
    return Traffic(seconds, {route: np.bincount(times.astype(int), minlength=seconds) for route, times in at.items()})


@dataclass(frozen=True)
class TallyWrites:
    per_vote: float  # write units on the tallies table
    hottest_partition: int  # units per batch on the busiest proposal's partition key (its total and segments)
    hottest_item: int  # units per batch on the busiest single tally item


def tally_writes(batch: int, votes: int = 4_000) -> TallyWrites:
    """score's tally writes when each batch holds `batch` of bench/score.py's hot-spot votes, cut
    into transactions as agora.services.scoring cuts them (99 tally items and the checkpoint each)."""
    changes = score.hot_spot(votes, random.Random(3))
    units, hottest_partition, hottest_item = 0, 0, 0
    for start in range(0, votes, batch):
        items: Counter[TallyRef] = Counter()
        for chunk in scoring.chunks(changes[start : start + batch]):
            touched = coalesce(c.delta for c in chunk)
            units += TRANSACTIONAL_WCU * (len(touched) + 1)
            items.update(list(touched))  # one update of each item per transaction
        partitions: Counter[str | None] = Counter()
        for ref, writes in items.items():
            partitions[ref.proposal_id] += writes
        hottest_partition = max(hottest_partition, TRANSACTIONAL_WCU * max(partitions.values()))
        hottest_item = max(hottest_item, TRANSACTIONAL_WCU * max(items.values()))
    return TallyWrites(units / votes, hottest_partition, hottest_item)


def measured(rows: list[Row], name: str) -> float:
    return next(r.value for r in rows if r.name.startswith(name))


def first_to_bind(limits: dict[str, tuple[float, float]]) -> list[tuple[str, float]]:
    """Each limit's name and the citizens (in 10 minutes) at which its demand reaches it, first first."""
    return sorted(((name, CITIZENS * limit / demand) for name, (demand, limit) in limits.items()), key=lambda x: x[1])


def headroom(value: float, step: int) -> int:
    """A setting 20 % above a peak, rounded up to `step`."""
    return math.ceil(value * 1.2 / step) * step


def rows(quick: bool = False) -> list[Row]:
    citizens = 5_000 if quick else CITIZENS
    scale = CITIZENS / citizens  # quick runs a tenth of the crowd and scales rates back up
    load = traffic(np.random.default_rng(8), citizens)
    peak = {route: load.peak(route) * scale for route in load.by_route}
    peak_total = float(load.total.max()) * scale

    # Lambda: concurrency = rate x duration; durations are in-process handler times measured on
    # moto plus a round trip per AWS call (registration is one conditional put, like a vote).
    vote_rows, sequence_rows = vote.rows(quick), next_proposal.rows(quick)
    vote_ms = measured(vote_rows, "vote: handler") + ROUND_TRIP_MS * measured(vote_rows, "vote: DynamoDB write")
    duration_ms = {
        "vote": vote_ms,
        "next_proposal": measured(sequence_rows, "next_proposal: latency")
        + ROUND_TRIP_MS * measured(sequence_rows, "next_proposal: DynamoDB Queries"),
        "consultation": vote_ms,
    }
    concurrency = dict.fromkeys(duration_ms, 0.0)
    for route, rate in peak.items():
        concurrency[FUNCTION_OF[route]] += rate * duration_ms[FUNCTION_OF[route]] / 1000

    # Content table: a write per vote or registration; a partition per participant, whose votes
    # the per-participant limit caps.
    content_wcu = (peak[VOTE] + peak[PARTICIPANTS]) * ITEM_WCU
    participant_wcu = ITEM_WCU * DEMO.votes.per_participant_per_minute / 60
    # Stream: a shard per content partition (a new on-demand table has about four); score reads
    # each with one invocation at a time, a batch per window.
    shards = max(4, math.ceil(content_wcu / PARTITION_WCU))
    batch = min(contract.SCORE_BATCH_SIZE, max(1, round(peak[VOTE] / shards * contract.SCORE_BATCHING_WINDOW_SECONDS)))
    tallies = tally_writes(batch)
    tallies_wcu = tallies.per_vote * peak[VOTE]
    # Every shard's batch touches the hot proposals: their keys take a batch's writes per shard.
    hottest_key_wcu = tallies.hottest_partition * shards / contract.SCORE_BATCHING_WINDOW_SECONDS
    hottest_item_wcu = tallies.hottest_item * shards / contract.SCORE_BATCHING_WINDOW_SECONDS
    transactions = math.ceil(batch * tallies.per_vote / TRANSACTIONAL_WCU / MAX_TRANSACTION_ITEMS)
    score_seconds = (transactions * TRANSACTION_MS + ROUND_TRIP_MS) / 1000
    bench_score = measured(score.rows(quick), "score: write units per 1,000")

    throttle = DEMO.throttle
    aws_limits = {
        "API Gateway account rate": (peak_total, API_ACCOUNT_RPS),
        "Lambda account concurrency": (sum(concurrency.values()) + shards + 1, LAMBDA_ACCOUNT_CONCURRENCY),
        "hottest tally key (until DynamoDB splits it)": (hottest_key_wcu, PARTITION_WCU),
        "hottest tally item": (hottest_item_wcu, PARTITION_WCU),
    }
    as_configured = first_to_bind(
        {
            "API stage rate (config)": (peak_total, throttle.rate_limit),
            "vote route rate (config)": (peak[VOTE], throttle.routes[VOTE] * throttle.rate_limit),
            "content table, new on-demand": (content_wcu, ON_DEMAND_NEW_TABLE_WCU),
            "tallies table, new on-demand": (tallies_wcu, ON_DEMAND_NEW_TABLE_WCU),
            **aws_limits,
        }
    )
    # For the campaign: the stage throttle and both tables' warm throughput 20 % above the peaks.
    stage_rate = max(headroom(peak_total, 500), headroom(peak[VOTE] / throttle.routes[VOTE], 500))
    warm_wcu = headroom(tallies_wcu, 1000)
    campaign = first_to_bind(
        {
            "API stage rate (campaign)": (peak_total, stage_rate),
            "vote route rate (campaign)": (peak[VOTE], throttle.routes[VOTE] * stage_rate),
            "content table, warmed": (content_wcu, warm_wcu),
            "tallies table, warmed": (tallies_wcu, warm_wcu),
            **aws_limits,
        }
    )

    def binding(found: list[tuple[str, float]]) -> str:
        (name, at), (after, at_after) = found[:2]
        return f"first: {name}; then {after} at {at_after:,.0f}"

    spot = f"{CITIZENS:,} in 10 min"
    return [
        *[
            Row(f"capacity: peak {route} per s ({spot})", peak[route], load.mean(route) * scale, "req/s", "ratio >= 1",
                "baseline: the 10-minute mean (the ratio is the spike's burstiness)")
            for route in (VOTE, SEQUENCE, PARTICIPANTS, CONSULTATION)
        ],
        Row(f"capacity: peak API requests per s ({spot})", peak_total, throttle.rate_limit, "req/s", "ratio <= 1",
            "baseline: the demo's stage throttle"),
        *[
            Row(f"capacity: {fn} concurrency at peak", concurrency[fn], LAMBDA_ACCOUNT_CONCURRENCY, "executions", "ratio <= 0.5",
                f"{duration_ms[fn]:.1f} ms each (in-process measure + a round trip per AWS call)")
            for fn in concurrency
        ],
        Row("capacity: score concurrency (stream shards)", shards, LAMBDA_ACCOUNT_CONCURRENCY, "executions", "ratio <= 0.5",
            f"one per shard; {batch} records per batch at peak"),
        Row("capacity: score seconds per batch", score_seconds, contract.SCORE_BATCHING_WINDOW_SECONDS, "s", "ratio <= 1",
            f"{transactions} transactions of {TRANSACTION_MS:.0f} ms: a shard keeps up while a batch takes less than the window"),
        Row("capacity: content table WCU per s at peak", content_wcu, ON_DEMAND_NEW_TABLE_WCU, "WCU/s", "ratio <= 1",
            "baseline: what a new on-demand table serves at once"),
        Row("capacity: content hottest key WCU per s", participant_wcu, PARTITION_WCU, "WCU/s", "ratio <= 0.01",
            "one participant at the vote rate limit; baseline: a key's limit"),
        Row("capacity: tallies WCU per vote at peak batches", tallies.per_vote, bench_score / 1000, "WCU", "ratio <= 1.2",
            f"batches of {batch}; baseline: bench/score.py, full batches of {contract.SCORE_BATCH_SIZE}"),
        Row("capacity: tallies table WCU per s at peak", tallies_wcu, ON_DEMAND_NEW_TABLE_WCU, "WCU/s", "ratio <= 1",
            "baseline: what a new on-demand table serves at once"),
        Row("capacity: hottest tally key WCU per s", hottest_key_wcu, PARTITION_WCU, "WCU/s", "ratio <= 1",
            "a hot proposal's total and segment items share its key; DynamoDB may split it for heat"),
        Row("capacity: hottest tally item WCU per s", hottest_item_wcu, PARTITION_WCU, "WCU/s", "ratio <= 1",
            "one item cannot be split"),
        Row("capacity: citizens in 10 min before a limit binds (demo config)", as_configured[0][1], CITIZENS, "citizens",
            "ratio >= 1", binding(as_configured)),
        Row(f"capacity: ... with stage {stage_rate:,} req/s and tables warmed to {warm_wcu:,} WCU", campaign[0][1], CITIZENS,
            "citizens", "ratio >= 1", binding(campaign)),
    ]
