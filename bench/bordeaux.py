"""A consultation of Bordeaux's size driven into the embedded stack over HTTP: 24,598 participants,
895 proposals, 131,962 votes (with `python -m bench bordeaux --full`; `make bench` runs it at a tenth,
the e2e suite at a hundredth). Passes when there are no errors, the tallies equal a recount of the
vote items, and the published summary.json and proposals.csv hold every vote cast; reports how long
it took. The stack runs in its own process (`agora dev`), the citizens are this process's threads."""

from __future__ import annotations

import csv
import io
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import boto3
import requests

from agora import contract
from agora.adapters.votes import scan_counted
from agora.adapters.tallies import TallyStore
from agora.domain.tallies import recount
from agora.local.client import Api, ApiError, Moderator
from agora.local.simulate import address, choose_key, opinion
from bench._proc import cpu_seconds
from bench.embedded import KEY, start, stop, until
from bench.harness import Row

T = TypeVar("T")
PER_AUTHOR = 10  # the demo consultation's proposals per participant per hour
CONCURRENCY = 8


@dataclass(frozen=True)
class Scale:
    participants: int
    proposals: int
    votes: int

    def of(self, share: float) -> Scale:
        return Scale(*(max(1, round(n * share)) for n in (self.participants, self.proposals, self.votes)))


BORDEAUX = Scale(24_598, 895, 131_962)


@dataclass
class Outcome:
    seconds: float = 0.0
    votes_wanted: int = 0  # the scale's votes, or fewer if there are fewer proposals than a voter's share
    votes_cast: int = 0
    left_out: int = 0  # votes of the voters not started in the time allowed
    errors: list[str] = field(default_factory=list)
    recount_matches: bool = False
    published_votes: int = 0
    csv_votes: int = 0
    phases: dict[str, float] = field(default_factory=dict)  # seconds each part of the run took
    voting_cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by process while the citizens voted
    voting_requests: int = 0


def quotas(votes: int, voters: int, proposals: int) -> list[int]:
    """Votes per voter, spread evenly, never more than there are proposals."""
    base, extra = divmod(votes, voters)
    return [min(proposals, base + (i < extra)) for i in range(voters)]


def requests_of(scale: Scale) -> int:
    """The voting phase's requests: each voter's registration, sequences (up to 50 cards) and votes."""
    voters = scale.participants - math.ceil(scale.proposals / PER_AUTHOR)
    shares = quotas(scale.votes, voters, scale.proposals)
    return voters + sum(math.ceil(q / 50) for q in shares) + sum(shares)


def poll(probe: Callable[[], T | None], timeout: float) -> T:
    """What `probe()` returns once it returns something; raises past the deadline."""
    deadline = time.monotonic() + timeout
    while (found := probe()) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing after {timeout} s")
        time.sleep(0.5)
    return found


def drive(url: str, endpoint: str, scale: Scale, stack_pid: int, seconds: float | None = None) -> Outcome:
    """Voters not started `seconds` after the first are left out (their votes counted in `left_out`)."""
    outcome, rng = Outcome(), random.Random(13)
    began = time.perf_counter()
    api = Api(url)
    authors = [Api(url, address=address(rng)).register() for _ in range(math.ceil(scale.proposals / PER_AUTHOR))]

    def submit(first: int) -> None:
        moderator = Moderator(Api(url), KEY)
        for n in range(first, min(first + PER_AUTHOR, scale.proposals)):
            proposal = authors[n // PER_AUTHOR].propose(f"Il faut agir pour Bordeaux, proposition n°{n}")
            moderator.accept(proposal["id"])

    # One after another, 895 submissions and acceptances took half an hour under load: the authors
    # submit concurrently, each one proposal at a time (the API refuses one author's concurrent ones).
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(submit, range(0, scale.proposals, PER_AUTHOR)))
    # The snapshot that publishes them all publishes the sequence pool first.
    poll(lambda: (found := published(api)) and found[0]["proposals"] == scale.proposals or None, 600)
    outcome.phases["propose, accept, publish the pool"] = time.perf_counter() - began

    def voter(job: tuple[int, float]) -> tuple[int, list[str], int]:
        """Votes cast, errors, requests made."""
        quota, seed = job
        if seconds is not None and time.perf_counter() - voting > seconds:
            return 0, [], 0  # left out: the time allowed is spent
        local, cast, made = random.Random(seed), 0, 1
        try:
            me = Api(url, address=address(local)).register()
            while cast < quota:
                served = me.sequence(min(50, quota - cast))
                made += 1
                if not served:
                    return cast, [f"the sequence ran dry after {cast} of {quota} votes"], made + cast
                for item in served[: quota - cast]:
                    me.vote(item["id"], choose_key(local, opinion(item["id"])), item["proof"])
                    cast += 1
            return cast, [], made + cast
        except (ApiError, OSError) as e:
            return cast, [f"{type(e).__name__}: {e}"], made + cast

    # The authors only propose; everyone else votes, so the votes cast are the scale's exactly.
    voters = scale.participants - len(authors)
    jobs = [(q, rng.random()) for q in quotas(scale.votes, voters, scale.proposals)]
    outcome.votes_wanted = sum(q for q, _ in jobs)
    voting, stack_cpu, driver_cpu = time.perf_counter(), cpu_seconds(stack_pid), sum(os.times()[:2])
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        for (quota, _), (cast, errors, made) in zip(jobs, pool.map(voter, jobs)):
            outcome.voting_requests += made
            outcome.votes_cast += cast
            outcome.errors += errors
            outcome.left_out += quota if not cast and not errors else 0
    outcome.phases["register and vote"] = time.perf_counter() - voting
    after = cpu_seconds(stack_pid)
    outcome.voting_cpu = {part: after[part] - stack_cpu.get(part, 0.0) for part in after}
    outcome.voting_cpu["driver"] = sum(os.times()[:2]) - driver_cpu

    db = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-3",
                      aws_access_key_id="embedded", aws_secret_access_key="embedded")
    content = (f"demo-{contract.CONTENT.logical_id.lower()}", db)
    tallies = TallyStore(f"demo-{contract.TALLIES.logical_id.lower()}", db)
    counting = time.perf_counter()
    until(lambda: tallies.read_all() == recount(scan_counted(*content)), 1800)
    outcome.recount_matches = True
    counted_at = time.time()
    outcome.phases["tallies catch up"] = time.perf_counter() - counting
    summary, rows = poll(lambda: published(api, after=counted_at), 600)
    outcome.phases["the next snapshot"] = time.time() - counted_at
    outcome.published_votes = summary["votes"] + summary["untrusted_votes"]
    outcome.csv_votes = sum(int(r["votes"]) for r in rows)
    outcome.seconds = time.perf_counter() - began
    return outcome


def published(api: Api, after: float = 0.0) -> tuple[dict[str, Any], list[dict[str, str]]] | None:
    """The published summary and proposals.csv rows, if the manifest was generated after `after`."""
    manifest = api.call("GET", "/results")
    if datetime.fromisoformat(manifest["generated_at"]).timestamp() <= after:
        return None
    files = {f["name"]: f["url"] for f in manifest["files"]}
    summary = requests.get(files["summary.json"], timeout=60).json()
    rows = list(csv.DictReader(io.StringIO(requests.get(files["proposals.csv"], timeout=120).text)))
    return summary, rows


def run(scale: Scale, seconds: float | None = None) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="agora-bordeaux-") as scratch:
        process, url, endpoint = start("dynamodb-local", Path(scratch))
        try:
            return drive(url, endpoint, scale, process.pid, seconds)
        finally:
            stop(process)


def rows(quick: bool = False) -> list[Row]:
    share = 1.0 if "--full" in sys.argv else (0.002 if quick else 0.1)
    if "--share" in sys.argv:
        share = float(sys.argv[sys.argv.index("--share") + 1])
    scale = BORDEAUX.of(share)
    outcome = run(scale, float(sys.argv[sys.argv.index("--minutes") + 1]) * 60 if "--minutes" in sys.argv else None)
    note = f"{scale.participants:,} participants, {scale.proposals} proposals, {scale.votes:,} votes ({share:g} of Bordeaux)"
    wrong = abs(outcome.published_votes - outcome.votes_cast) + abs(outcome.csv_votes - outcome.votes_cast)
    voting = outcome.phases["register and vote"]
    cpu = outcome.voting_cpu
    profile = ", ".join(f"{part} {1000 * seconds / outcome.voting_requests:.1f}" for part, seconds in sorted(cpu.items()))
    phases = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in outcome.phases.items())
    for line in (note, phases, f"CPU ms per request while voting: {profile}", *outcome.errors[:5]):
        print(f"bordeaux: {line}", file=sys.stderr, flush=True)
    return [
        Row("bordeaux: errors, and votes not cast", len(outcome.errors) + outcome.votes_wanted - outcome.left_out - outcome.votes_cast,
            0, "requests", "value <= 0", note),
        Row("bordeaux: share of its votes cast in the time allowed", outcome.votes_cast / scale.votes, 1, "share", "value >= 1",
            f"{outcome.votes_cast:,} of {scale.votes:,} votes in {voting / 60:.1f} min ({outcome.votes_cast / voting:.1f} votes/s); "
            f"{outcome.left_out:,} votes of voters not started"),
        Row("bordeaux: published votes (summary, proposals.csv) off by", wrong, 0, "votes", "value <= 0",
            "after the tallies equal a recount"),
        Row("bordeaux: minutes to drive, count and publish it", outcome.seconds / 60, 60, "min", "value <= 60", f"{note}; {phases}"),
        Row("bordeaux: requests/s while the citizens vote, vs what all of Bordeaux in 40 min needs",
            outcome.voting_requests / voting, requests_of(BORDEAUX) / (40 * 60), "requests/s", "ratio >= 1", f"CPU ms per request by process (root: agora dev's own, the gateway, poller, scheduler): {profile}"),
    ]
