"""Capacity model: a TV spot brings the prod stage's design crowd (250,000 citizens) within 10
minutes, each taking a sequence and voting 12 times. With the prod stage's defaults and AWS's
quotas, is any request throttled? Which quota increases must an operator request, and at twice the
crowd, which limit binds first? (docs/capacity.md reads these rows; agora.ops.quotas prints the
quota list at deploy.)

Arithmetic on a seeded simulation: arrivals are a Poisson process whose intensity decays after the
spot and comes in bursts (Gamma-distributed per 10 s window); each citizen then loads the
consultation, registers, takes a sequence and votes at reading pace. The repository's own figures
feed it where it has them: score's tally writes are measured on moto by running the scoring
service over bench/score.py's hot spot in the batches and window a shard sees at the peak; the
request path's durations come from bench/vote.py and bench/next_proposal.py.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import socket
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agora import config, contract
from agora.adapters import stream
from agora.adapters.tallies import MAX_TRANSACTION_ITEMS, SPREAD_KEYS
from agora.local.client import Api, Moderator
from agora.adapters import aws
from agora.local.inprocess import InProcessStack
from agora.local.simulate import simulate
from agora.local.stack import EmbeddedStack, Options
from agora.ops import quotas
from agora.domain.tallies import Change, coalesce, recount
from agora.bootstrap import container as services
from agora.services.tallies import Window
from bench import next_proposal, score, vote
from bench.consumed import Consumed, MeteredEngine
from bench.harness import Row

DEMO_FILE = Path(__file__).resolve().parent.parent / "consultations" / "demo.toml"
DEMO = config.load(DEMO_FILE)
STAGE = "prod"
PROD = contract.STAGE_CAPACITY[STAGE]
CITIZENS, SPOT_SECONDS, VOTES_EACH = PROD.citizens, 600, 12
DECAY_SECONDS = 150  # the spot's pull halves every ~100 s: 86 % of citizens come in its first 5 minutes
BURST_SHAPE = 4.0  # Gamma shape of each 10 s window's intensity factor (mean 1, cv 0.5)
READING_SECONDS = 8.0  # mean time on a card before voting (Gamma, shape 2)

CONSULTATION, PARTICIPANTS, SEQUENCE, VOTE = (
    "GET /consultation", "POST /participants", "GET /sequence", "PUT /proposals/{proposal_id}/vote",
)  # fmt: skip
FUNCTION_OF = {CONSULTATION: "consultation", PARTICIPANTS: "consultation", SEQUENCE: "next_proposal", VOTE: "vote"}
# What the model assumes each citizen sends; `agora simulate` is checked against it (bench/embedded.py).
REQUESTS_PER_CITIZEN = {CONSULTATION: 1, PARTICIPANTS: 1, SEQUENCE: 1, VOTE: VOTES_EACH}

# AWS's default quotas (per account and region unless said), from its quotas pages.
API_ACCOUNT_RPS = quotas.API_THROTTLE_RATE.default  # all APIs of the account
LAMBDA_ACCOUNT_CONCURRENCY = quotas.LAMBDA_CONCURRENCY.default
LAMBDA_SCALING_PER_10S = 1_000  # new execution environments per function every 10 s (not adjustable)
ON_DEMAND_NEW_TABLE_WCU = 4_000  # what a new on-demand table without warm throughput serves at once
TABLE_WCU_QUOTA = quotas.TABLE_WRITE_THROUGHPUT.default  # on-demand, per table
PARTITION_WCU = 1_000  # per partition key, whatever the table's mode (not adjustable)
HOT_KEY_SHARE = 1 / 3  # a hot proposal's key must stay under a third of that
LAMBDA_STATE_BYTES = 1_000_000  # a tumbling window's state, per shard
ROUND_TRIP_MS = 10.0  # one DynamoDB call from Lambda (network and service): added to in-process times
TRANSACTION_MS = 30.0  # one TransactWriteItems of up to 100 items
ITEM_WCU = 1  # a vote or a profile is under 1 KB
HEADROOM = 1.2  # a setting or a quota request 20 % above the peak


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
    """What score wrote for one shard's window of hot-spot votes, measured on moto."""

    votes: int
    units: float  # write units on the tallies table
    transactions: int
    invocations: int
    hottest_key: float  # units on the busiest partition key
    hottest_proposal: float  # units on the busiest proposal, all its keys together
    hottest_item: float
    state_bytes: int  # the largest window state handed back to Lambda
    invocation_seconds: float  # the slowest invocation that only added to the state (in-process)
    exact: bool

    @property
    def per_vote(self) -> float:
        return self.units / self.votes


class WriteMeter:
    """Write units of the calls score makes, priced as DynamoDB prices them: 1 per KB written,
    twice that in a transaction; a tally or checkpoint item is under 1 KB."""

    def __init__(self) -> None:
        self.units, self.transactions = 0.0, 0
        self.by_key: Counter[str] = Counter()
        self.by_proposal: Counter[str] = Counter()
        self.by_item: Counter[tuple[str, str]] = Counter()
        self.sizes: dict[tuple[str, str], int] = {}

    def price(self, operation: str, params: dict[str, Any]) -> None:
        """Price one request by its wire parameters (DynamoDB's JSON has boto3's parameter shape)."""
        {"TransactWriteItems": self._transaction, "BatchWriteItem": self._batch}.get(operation, lambda **_: None)(params=params)

    def listen(self, events: Any) -> None:
        events.register("before-parameter-build.dynamodb.TransactWriteItems", self._transaction)
        events.register("before-parameter-build.dynamodb.BatchWriteItem", self._batch)

    def _transaction(self, params: dict[str, Any], **_: Any) -> None:
        self.transactions += 1
        for action in params["TransactItems"]:
            (kind, body), = action.items()
            units = 2 * (self._kb(body["Item"]) if kind == "Put" else 1)
            self.units += units
            pk, sk = (body.get("Key") or body["Item"])["pk"]["S"], (body.get("Key") or body["Item"])["sk"]["S"]
            if not pk.startswith((contract.TALLY_PROPOSAL, contract.TALLY_CONSULTATION)):
                continue  # the shard's own checkpoint and staged parts: keys no other shard writes
            self.by_key[pk] += units
            self.by_proposal["#".join(pk.split("#")[:2])] += units
            self.by_item[pk, sk] += units

    def _batch(self, params: dict[str, Any], **_: Any) -> None:
        for requests in params["RequestItems"].values():
            for request in requests:
                if "PutRequest" in request:
                    item = request["PutRequest"]["Item"]
                    self.sizes[item["pk"]["S"], item["sk"]["S"]] = self._kb(item)
                    self.units += self._kb(item)
                else:
                    key = request["DeleteRequest"]["Key"]
                    self.units += self.sizes.get((key["pk"]["S"], key["sk"]["S"]), 1)

    @staticmethod
    def _kb(item: dict[str, Any]) -> int:
        size = sum(len(name) + len(next(iter(value.values()))) for name, value in item.items())
        return max(1, math.ceil(size / 1024))


def tally_writes(window_votes: int, batch: int = contract.SCORE_MAPPING_BATCH_SIZE) -> TallyWrites:
    """Run score on moto over one shard's window: `window_votes` hot-spot votes in batches of `batch`,
    the state handed from one invocation to the next, committed when the window closes."""
    return priced_windows([score.hot_spot(window_votes, random.Random(3))], batch)


def priced_windows(windows: list[list[Change]], batch: int = contract.SCORE_MAPPING_BATCH_SIZE) -> TallyWrites:
    """score on moto over one shard's windows in turn, each in invocations of `batch` changes, priced by WriteMeter."""
    with InProcessStack():
        scoring = services().tallies
        meter = WriteMeter()
        meter.listen(scoring.tallies.db.meta.events)
        state_bytes, invocations, slowest = 0, 0, 0.0
        for changes in windows:
            window: Window | None = None
            for start in range(0, len(changes), batch):
                last = start + batch >= len(changes)
                began = time.perf_counter()
                outcome = scoring.apply("shard-1", changes[start : start + batch], window, final=last)
                state = outcome.window.state() if outcome.window else {}
                if not last:
                    slowest = max(slowest, time.perf_counter() - began)
                assert outcome.failed_from is None and not outcome.errors, outcome.errors
                window, invocations = outcome.window, invocations + 1
                state_bytes = max(state_bytes, len(json.dumps(state)))
        exact = scoring.tallies.read_all() == coalesce(c.delta for w in windows for c in w)
    votes = sum(map(len, windows))
    return TallyWrites(
        votes, meter.units, meter.transactions, invocations, max(meter.by_key.values(), default=0.0),
        max(meter.by_proposal.values(), default=0.0), max(meter.by_item.values(), default=0.0), state_bytes, slowest, exact,
    )  # fmt: skip


def measured(rows: list[Row], name: str) -> float:
    return next(r.value for r in rows if r.name.startswith(name))


def first_to_bind(limits: dict[str, tuple[float, float]], citizens: int) -> list[tuple[str, float]]:
    """Each limit's name and the citizens (in 10 minutes) at which its demand reaches it, first first.
    Demand scales with the crowd."""
    return sorted(((name, citizens * limit / demand) for name, (demand, limit) in limits.items() if demand), key=lambda x: x[1])


def headroom(value: float, step: int) -> int:
    """A setting or a quota request 20 % above a peak, rounded up to `step`."""
    return math.ceil(value * HEADROOM / step) * step


def rows(quick: bool = False) -> list[Row]:
    model = Model(quick)
    return [*model.rows(), *embedded_check(quick)]


@dataclass
class Delivered:
    """What the embedded poller handed to score: each window's records, in its invocations."""

    windows: list[list[dict[str, Any]]] = field(default_factory=lambda: [[]])
    invocations: list[int] = field(default_factory=list)  # records in each invocation that had some

    def record(self, event: dict[str, Any]) -> None:
        if event["Records"]:
            self.invocations.append(len(event["Records"]))
            self.windows[-1].extend(event["Records"])
        elif event.get("isFinalInvokeForWindow") and self.windows[-1]:
            self.windows.append([])

    def closed(self) -> list[list[dict[str, Any]]]:
        return [w for w in self.windows if w]


def model_price(windows: list[list[dict[str, Any]]]) -> TallyWrites:
    """The model's own machinery on the engine's traffic: score on moto over the same records, cut
    into the same windows, priced by WriteMeter."""
    changes = [stream.changes(w).changes for w in windows]
    # a record delivered twice (--redeliver-every, a retry) is counted once, as score counts it
    seen: set[int] = set()
    changes = [[c for c in w if c.sequence not in seen and not seen.add(c.sequence)] for w in changes]
    return priced_windows(changes)


def embedded_check(quick: bool) -> list[Row]:
    """The model against something it did not produce: `agora simulate` on the embedded stack (its
    stream poller with tumbling windows of the contract's length, the score function, DynamoDB Local),
    with what the engine itself reports as consumed by score's writes."""
    citizens = 30 if quick else 300
    window = contract.LOCAL_SCORE_WINDOW_SECONDS if quick else contract.SCORE_WINDOW_SECONDS
    aws.client.cache_clear()  # clients of an earlier moto mock
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    meter = WriteMeter()
    engine_meter = Consumed("", meter.price)
    stack = EmbeddedStack(Options(DEMO_FILE, port=port, moderator_key="capacity", snapshot_every=1.0, fresh=True,
                                  tally_window=window, data_dir=Path(tempfile.mkdtemp(prefix="agora-capacity-"))))  # fmt: skip
    stack.dynamodb_local = MeteredEngine(stack.dynamodb_local, engine_meter)
    delivered, environment = Delivered(), dict(os.environ)
    try:
        stack.start()
        engine_meter.table = stack.env[contract.TALLIES.env_var]
        api = Api(stack.url)
        authors, moderator = [api.register() for _ in range(3)], Moderator(api, "capacity")  # 10 proposals an hour each
        for i in range(15):
            moderator.accept(authors[i % 3].propose(f"Il faut protéger le littoral, idée n°{i}")["id"])
        assert stack.settle(2 * window + 30), "the stream did not catch up before the run"
        stack.snapshot()  # publishes the pool the sequences are drawn from, with the 15 accepted proposals
        engine_meter.reset()
        meter.__init__()
        invoke = stack.poller.invoke
        stack.poller.invoke = lambda event: (delivered.record(event), invoke(event))[1]
        report = simulate(stack.url, citizens, propose_share=0.0, concurrency=4, progress=False)
        assert stack.settle(2 * window + 60), "the stream did not catch up"
        exact = services().tallies.tallies.read_all() == recount(services().stores.votes.scan_counted())
        tally_items = stack.client("dynamodb").get_paginator("scan").paginate(TableName=engine_meter.table)
        largest_kb = max((WriteMeter._kb(item) for page in tally_items for item in page["Items"]), default=0)
    finally:
        stack.stop()
        aws.client.cache_clear()
        shutil.rmtree(stack.data.root, ignore_errors=True)
        os.environ.clear()
        os.environ.update(environment)  # the stack pointed this process's AWS clients at itself
    votes = max(1, report.votes)
    windows = delivered.closed()
    per_window = sum(map(len, windows)) / max(1, len(windows))
    per_invocation = sum(delivered.invocations) / max(1, len(delivered.invocations))
    rate = sum(map(len, windows)) / max(1.0, report.seconds)  # records per second on the stream, during the run
    priced = model_price(windows)
    # What the capacity model assumes for a window of that many votes: its hot spot, same size.
    assumed = tally_writes(max(1, round(votes / max(1, len(windows)))))
    sent = report.requests / max(1, report.participants)
    modelled = sum(REQUESTS_PER_CITIZEN.values()) - REQUESTS_PER_CITIZEN[CONSULTATION]  # simulate loads it once
    items = engine_meter.items_per_transaction
    return [
        Row("capacity check: requests per citizen (agora simulate on the embedded stack)", sent, modelled, "requests",
            "ratio >= 0.95", f"{report.participants} citizens, {len(report.errors)} errors; baseline: "
            "the model's mix without the page load (simulate reads the consultation once)"),
        Row(f"capacity check: stream records per {window:g} s tumbling window (embedded)", per_window, rate * window, "records",
            "ratio >= 0.5", f"{len(windows)} windows in {report.seconds:.0f} s of simulation; baseline: the stream's mean "
            "rate during the run times the window, as the model fills a shard's window (partial first and last windows undercut it)"),
        Row("capacity check: stream records per score invocation (embedded)", per_invocation,
            min(contract.SCORE_MAPPING_BATCH_SIZE, rate * contract.SCORE_BATCHING_WINDOW_SECONDS), "records", "ratio <= 1",
            f"{len(delivered.invocations)} invocations; the poller invokes as soon as records are there; baseline: "
            f"what Lambda's {contract.SCORE_BATCHING_WINDOW_SECONDS} s batching window gathers at that rate"),
        Row("capacity check: tally write units per vote (embedded on DynamoDB Local, its writes at DynamoDB's prices)",
            meter.units / votes, priced.units / votes, "WCU", "ratio <= 1.1",
            f"{votes} votes on 15 proposals, writes the engine carried out: {dict(engine_meter.calls)} "
            f"({sum(engine_meter.failed.values())} refused); baseline: the model's machinery (score on moto, WriteMeter) "
            f"over the same {priced.votes} records (votes and registrations) in the same windows: {priced.transactions} transactions"),
        Row("capacity check: tally items per transaction (embedded on DynamoDB Local)", sum(items) / max(1, len(items)),
            MAX_TRANSACTION_ITEMS, "items", "ratio <= 1",
            f"largest {max(items, default=0)}, {len(items)} transactions; largest tally item {largest_kb} KB (the model "
            "prices an update as 1 KB); baseline: DynamoDB's limit, which the model's parts of 99 and a checkpoint fill"),
        Row("capacity check: DynamoDB Local's reported consumed capacity over DynamoDB's prices (same writes)",
            engine_meter.units, meter.units, "WCU", "ratio <= 1",
            "DynamoDB Local reports a transaction as twice its largest item, whatever its item count (a 1-, 10- or "
            "50-update transaction all report 2.0; AWS charges 2 per item): not the bill, so the row above prices the writes"),
        Row("capacity check: tally write units per vote, the model's hot spot at the same window size", assumed.per_vote,
            meter.units / votes, "WCU", "ratio >= 1",
            f"{assumed.votes} votes per window on the hot spot's 1,000 proposals, 2 questions, 400 networks; "
            "baseline: the embedded run's 15 proposals, which touch fewer items per window"),
        Row("capacity check: tallies equal a recount after the embedded run", float(exact and priced.exact), 1.0, "1 = exact",
            "value >= 1", f"{stack.poller.stats.windows} windows closed, {stack.poller.stats.redelivered} redeliveries"),
    ]


class Model:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        citizens = CITIZENS // 10 if quick else CITIZENS
        scale = CITIZENS / citizens  # quick runs a tenth of the crowd and scales rates back up
        load = traffic(np.random.default_rng(8), citizens)
        self.load, self.scale = load, scale
        self.peak = {route: load.peak(route) * scale for route in load.by_route}
        self.peak_total = float(load.total.max()) * scale

        # Lambda: concurrency = rate x duration; durations are in-process handler times measured on
        # moto plus a round trip per AWS call (registration is one conditional put, like a vote).
        vote_rows, sequence_rows = vote.rows(quick), next_proposal.rows(quick)
        round_trips = measured(vote_rows, "vote: DynamoDB write") + measured(vote_rows, "vote: DynamoDB read")
        vote_ms = measured(vote_rows, "vote: handler") + ROUND_TRIP_MS * round_trips
        self.duration_ms = {
            "vote": vote_ms,
            "next_proposal": measured(sequence_rows, "next_proposal: latency")
            + ROUND_TRIP_MS * measured(sequence_rows, "next_proposal: DynamoDB Queries"),
            "consultation": vote_ms,
        }
        per_second = {fn: np.zeros(load.seconds) for fn in self.duration_ms}
        for route, counts in load.by_route.items():
            fn = FUNCTION_OF[route]
            per_second[fn] = per_second[fn] + counts * scale * self.duration_ms[fn] / 1000
        self.concurrency = {fn: float(c.max()) for fn, c in per_second.items()}
        # Lambda adds at most 1,000 environments per function every 10 s: the steepest 10 s climb.
        self.climb = {fn: float(max(np.max(c[10:] - c[:-10]), c[:10].max())) for fn, c in per_second.items()}

        # Content table: a write per vote, per registration and per citizen's first vote (the mark that
        # makes them a participant, about as soon as they register); a stream shard per partition,
        # which warm throughput creates up front (about one per 1,000 WCU).
        self.content_wcu = (self.peak[VOTE] + 2 * self.peak[PARTICIPANTS]) * ITEM_WCU
        self.participant_wcu = ITEM_WCU * DEMO.votes.per_participant_per_minute / 60
        self.content_warm = PROD.warm_write_units.get(contract.CONTENT.logical_id, 0)
        self.shards = max(4, math.ceil(max(self.content_wcu, self.content_warm) / PARTITION_WCU))
        # score: a shard's window holds its share of the votes for SCORE_WINDOW_SECONDS.
        per_shard = self.peak[VOTE] / self.shards
        shrink = 10 if quick else 1  # --quick checks the bench runs; its tally figures measure nothing
        self.window_votes = round(per_shard * contract.SCORE_WINDOW_SECONDS / shrink)
        self.tallies = tally_writes(self.window_votes, min(contract.SCORE_MAPPING_BATCH_SIZE, round(per_shard * contract.SCORE_BATCHING_WINDOW_SECONDS)))
        self.batch = min(contract.SCORE_MAPPING_BATCH_SIZE, round(per_shard * contract.SCORE_BATCHING_WINDOW_SECONDS))
        self.options = {
            "1 s window, a commit per batch": tally_writes(max(1, round(per_shard)), 1_000),
            "10 s batching window, batches up to 10,000": tally_writes(round(per_shard * 10 / shrink), 10_000),
        }
        window = contract.SCORE_WINDOW_SECONDS
        self.tallies_wcu = self.tallies.per_vote * self.peak[VOTE]
        # Every shard's window writes the hot proposals' keys once: a key takes that from each shard,
        # on average over the window, and within one commit's duration if all windows close together
        # (each shard's parts start at a different place, so the shards' writes of a key spread over it).
        self.hottest_key_wcu = self.tallies.hottest_key * self.shards / window
        self.hottest_item_wcu = self.tallies.hottest_item * self.shards / window
        self.commit_seconds = (self.tallies.transactions * TRANSACTION_MS + 3 * ROUND_TRIP_MS) / 1000
        self.hottest_key_burst = self.tallies.hottest_key * self.shards / max(1.0, self.commit_seconds)

    def stage_limits(self, api_rate: float, api_account: float, lambda_account: float, table_quota: float) -> dict[str, tuple[float, float]]:
        throttle = DEMO.throttle
        tallies_warm = PROD.warm_write_units.get(contract.TALLIES.logical_id, 0)
        return {
            "API stage rate (prod default)": (self.peak_total, api_rate),
            "vote route rate (its share of the stage)": (self.peak[VOTE], throttle.routes[VOTE] * api_rate),
            "API Gateway account rate": (self.peak_total, api_account),
            "Lambda account concurrency": (sum(self.concurrency.values()) + self.shards + 1, lambda_account),
            "Lambda scaling, 1,000 environments per function per 10 s": (max(self.climb.values()), LAMBDA_SCALING_PER_10S),
            "content table, warm throughput (prod default)": (self.content_wcu, self.content_warm or ON_DEMAND_NEW_TABLE_WCU),
            "tallies table, warm throughput (prod default)": (self.tallies_wcu, tallies_warm or ON_DEMAND_NEW_TABLE_WCU),
            "DynamoDB table-level write throughput": (max(self.content_wcu, self.tallies_wcu), table_quota),
            "hottest tally key, a third of a partition": (self.hottest_key_wcu, PARTITION_WCU * HOT_KEY_SHARE),
            "hottest tally key as all windows close, a third of a partition": (self.hottest_key_burst, PARTITION_WCU * HOT_KEY_SHARE),
            "score's window commit within the window": (self.commit_seconds, contract.SCORE_WINDOW_SECONDS),
            "score's window state within Lambda's 1 MB": (self.tallies.state_bytes, LAMBDA_STATE_BYTES),
        }

    def rows(self) -> list[Row]:
        raised = quotas.needed(STAGE)
        asked = {q.name: q.needed for q in raised}
        api_account = max(API_ACCOUNT_RPS, asked.get(quotas.API_THROTTLE_RATE.name, 0))
        lambda_account = max(LAMBDA_ACCOUNT_CONCURRENCY, asked.get(quotas.LAMBDA_CONCURRENCY.name, 0))
        table_quota = max(TABLE_WCU_QUOTA, asked.get(quotas.TABLE_WRITE_THROUGHPUT.name, 0))
        api_rate = max(DEMO.throttle.rate_limit, PROD.api_rate)
        with_quotas = first_to_bind(self.stage_limits(api_rate, api_account, lambda_account, table_quota), CITIZENS)
        without = first_to_bind(
            self.stage_limits(api_rate, API_ACCOUNT_RPS, LAMBDA_ACCOUNT_CONCURRENCY, TABLE_WCU_QUOTA), CITIZENS
        )
        spot = f"{CITIZENS:,} citizens in 10 min"
        t = self.tallies
        window = contract.SCORE_WINDOW_SECONDS
        (name, at), (after, at_after) = with_quotas[:2]
        return [
            *[
                Row(f"capacity: peak {route} per s ({spot})", self.peak[route], self.load.mean(route) * self.scale, "req/s",
                    "ratio >= 1", "baseline: the 10-minute mean (the ratio is the spike's burstiness)")
                for route in (VOTE, SEQUENCE, PARTICIPANTS, CONSULTATION)
            ],
            Row(f"capacity: peak API requests per s ({spot})", self.peak_total, api_rate, "req/s", "ratio <= 1",
                "baseline: the prod stage's throttle"),
            *[
                Row(f"capacity: {fn} concurrency at peak ({spot})", self.concurrency[fn], LAMBDA_ACCOUNT_CONCURRENCY,
                    "executions", "ratio <= 0.5", f"{self.duration_ms[fn]:.1f} ms each (in-process measure + a round trip per AWS call)")
                for fn in self.concurrency
            ],
            Row("capacity: score concurrency (stream shards, prod defaults)", self.shards, LAMBDA_ACCOUNT_CONCURRENCY,
                "executions", "ratio <= 0.1", f"one per shard: the content table's warm throughput makes about one partition per 1,000 WCU"),
            Row(f"capacity: content table WCU per s at peak ({spot})", self.content_wcu, self.content_warm, "WCU/s",
                "ratio <= 1", "baseline: the prod stage's warm throughput"),
            Row("capacity: content hottest key WCU per s", self.participant_wcu, PARTITION_WCU, "WCU/s", "ratio <= 0.01",
                "one participant at the vote rate limit; baseline: a key's limit"),
            Row(f"capacity: tallies write units per vote at peak ({spot}, prod defaults)", t.per_vote, 0.5, "WCU",
                "ratio <= 1", f"measured on moto: one shard's {window} s window of {t.votes:,} hot-spot votes, "
                f"{t.invocations} invocations, {t.transactions} transactions; baseline: the goal"),
            *[
                Row(f"capacity: tallies write units per vote, option {option}", o.per_vote, t.per_vote, "WCU", "ratio >= 1",
                    f"{o.votes:,} votes per commit, {o.transactions} transactions; baseline: the {window} s window")
                for option, o in self.options.items()
            ],
            Row("capacity: tallies equal a recount after the measured windows", float(t.exact and all(o.exact for o in self.options.values())),
                1.0, "1 = exact", "value >= 1"),
            Row(f"capacity: tallies table WCU per s at peak ({spot})", self.tallies_wcu,
                PROD.warm_write_units.get(contract.TALLIES.logical_id, 0), "WCU/s", "ratio <= 1", "baseline: the prod stage's warm throughput"),
            Row("capacity: hottest tally key WCU per s (a proposal served to everyone)", self.hottest_key_wcu,
                PARTITION_WCU * HOT_KEY_SHARE, "WCU/s", "ratio <= 1",
                f"once per shard per window, over the window; the proposal's {1 + SPREAD_KEYS} keys together take "
                f"{t.hottest_proposal * self.shards / window:.1f}; baseline: a third of a partition"),
            Row("capacity: hottest tally key WCU per s as every shard's window closes at once", self.hottest_key_burst,
                PARTITION_WCU * HOT_KEY_SHARE, "WCU/s", "ratio <= 1",
                f"{self.shards} shards' writes of the key spread over a {self.commit_seconds:.1f} s commit; under one key the "
                f"proposal would take {t.hottest_proposal * self.shards / max(1.0, self.commit_seconds):,.0f}"),
            Row("capacity: hottest tally item WCU per s", self.hottest_item_wcu, PARTITION_WCU, "WCU/s", "ratio <= 0.1",
                "one item cannot be split"),
            Row("capacity: score seconds per window commit", self.commit_seconds, window, "s", "ratio <= 0.1",
                f"{t.transactions} transactions of {TRANSACTION_MS:.0f} ms"),
            Row("capacity: score seconds per invocation holding the window's state", t.invocation_seconds,
                self.batch / (self.peak[VOTE] / self.shards), "s", "ratio <= 0.5",
                "in-process on this machine (unpack, add a batch, pack); baseline: the time a shard takes to fill a batch at the peak"),
            Row("capacity: score window state bytes", t.state_bytes, LAMBDA_STATE_BYTES, "bytes", "ratio <= 0.7",
                "the largest state handed back; Lambda ends a window whose state passes 1 MB"),
            Row(f"capacity: citizens in 10 min before a limit binds (prod defaults, quotas raised)", at, CITIZENS,
                "citizens", "ratio >= 1", f"first: {name}; then {after} at {at_after:,.0f}; quotas: "
                + "; ".join(q.line() for q in raised)),
            Row(f"capacity: citizens in 10 min before a limit binds (prod defaults, default quotas)", without[0][1], CITIZENS,
                "citizens", "ratio <= 1", f"first: {without[0][0]} (the quota list agora deploy prints)"),
            Row(f"capacity: at 2x ({2 * CITIZENS:,} citizens), the first limit to bind (prod defaults, quotas raised)",
                at, 2 * CITIZENS, "citizens", "ratio <= 1", f"first: {name} at {at:,.0f}"),
        ]
