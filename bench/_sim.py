"""A seeded consultation to measure sequence policies on: latent opinions, arrivals, citizens voting.

Every proposal has latent probabilities for each vote key and, given the key, for each of its
qualifications, drawn from a mix of kinds (many lukewarm, a few strong consensus, a few
polarising, some rejected, some that leave people indifferent). Proposals arrive while the
consultation runs. Each citizen takes one sequence of 12 from the pool as last published and
votes on all of it by the latent probabilities. The pool is republished every `refresh`
citizens, so a policy works from counts that are a little stale, as next_proposal does.

Policies are compared on common random numbers: the j-th vote on a proposal is decided by the
same draws whichever policy served it (`Ballots`), and the policies' own draws come from a
separate stream. Two policies then differ only by where they sent the votes, not by luck.

A list is measured as the results publish it (`published_lists`: the summary's top consensus and
most controversial, i.e. the proposals of the list's zone ranked by the lower bound of the
list's score), against the true list (the same rule on the latent probabilities). A proposal
whose true rates lie within ZONE_TOLERANCE of a cut that moves it in or out of a list's zone
(60.2 % agreement, at the consensus cut of 60 %) may be published there or not: no number of
votes would settle its zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from agora.domain.sequencing import SequencePool, standings
from agora.domain.votes import QUALIFICATIONS, VoteKey
from agora.results import scores as results

Policy = Callable[[SequencePool, frozenset[str], int, np.random.Generator], list[str]]

KEYS = tuple(k.value for k in VoteKey)
QUALIFIED_BY = {q: key.value for key, qs in QUALIFICATIONS.items() for q in qs}
QUALIFICATION_DRAW = {q: 1 + qs.index(q) for qs in QUALIFICATIONS.values() for q in qs}  # its column in Ballots' draws
LISTS = ("consensus", "controversy")  # the published lists whose precision is measured
# Each list's zone and the score it is ranked by, as the summary publishes them (results/formats/exports.py).
LISTED = {"consensus": (results.CONSENSUS, "top_score"), "controversy": (results.CONTROVERSY, "controversy")}
# kind: (share, Dirichlet over agree/disagree/neutral, mean P(qualification | its key) for
# like_it, doable, platitude_agree, no_way, impossible, platitude_disagree)
KINDS = {
    "lukewarm": (0.62, (4.5, 2.5, 3.0), (0.12, 0.15, 0.15, 0.12, 0.12, 0.05)),
    "consensus": (0.08, (12.0, 1.5, 2.5), (0.35, 0.25, 0.05, 0.10, 0.10, 0.05)),
    "polarising": (0.10, (8.0, 8.0, 1.5), (0.40, 0.15, 0.05, 0.40, 0.15, 0.05)),
    "rejected": (0.15, (2.0, 10.0, 3.0), (0.10, 0.05, 0.10, 0.35, 0.25, 0.05)),
    "indifferent": (0.05, (2.5, 2.0, 5.5), (0.05, 0.05, 0.20, 0.05, 0.05, 0.20)),
}
SCORED_QUALIFICATIONS = ("like_it", "doable", "platitude_agree", "no_way", "impossible", "platitude_disagree")
ZONE_TOLERANCE = 0.02  # a true rate this close to a zone's cut leaves the proposal's zone open
TESTED_AT = 10  # votes before a proposal is published in the lists (Make.org's "tested")
TOP = 10


@dataclass(frozen=True)
class World:
    probability: dict[str, np.ndarray]  # P(key) per vote key; P(qualification | its key) per qualification
    arrival: np.ndarray  # the citizen number from which the proposal is in the pool
    authors: np.ndarray
    themes: list[tuple[str, ...]]
    truth: dict[str, np.ndarray] = field(init=False)  # Make.org's smoothed scores at the limit, for the whole order
    # Per list: whether a proposal is surely in its zone; whether it may be (surely or within
    # ZONE_TOLERANCE of a cut); its true score if it may be, else 0 (published there, it is
    # worth no more than an empty place).
    belongs: dict[str, np.ndarray] = field(init=False)
    may_belong: dict[str, np.ndarray] = field(init=False)
    worth: dict[str, np.ndarray] = field(init=False)

    def __post_init__(self) -> None:
        # The true scores are what the published ones converge to with unlimited votes.
        p = self.probability
        rates = {q: p[q] * p[k] for q, k in QUALIFIED_BY.items()} | {k: p[k] for k in KEYS}
        limit = {k: np.round(r * 1e9) for k, r in rates.items()}
        object.__setattr__(self, "truth", {name: s.score for name, s in standings(SequencePool.from_counts(range(len(self)), limit)).items()})
        at_limit, belongs, may_belong = _results(limit), {}, {}
        shifted = [_zones(p | {k: p[k] + step}) for k in KEYS for step in (-ZONE_TOLERANCE, ZONE_TOLERANCE)]
        for name, (zone, _) in LISTED.items():
            inside = at_limit.zone == zone
            open_ = np.logical_or.reduce([(z == zone) != inside for z in shifted])
            belongs[name], may_belong[name] = inside & ~open_, inside | open_
        object.__setattr__(self, "belongs", belongs)
        object.__setattr__(self, "may_belong", may_belong)
        worth = {name: np.where(may_belong[name], at_limit.scores[score].value, 0.0) for name, (_, score) in LISTED.items()}
        object.__setattr__(self, "worth", worth)

    def true_list(self, name: str, here: np.ndarray, shown: np.ndarray) -> np.ndarray:
        """The list `name` had the proposals at `here` unlimited votes, as positions into `here`:
        the best of those surely in its zone and of those `shown` (positions into `here`) that may be."""
        candidates = self.belongs[name][here]
        candidates[shown] |= self.may_belong[name][here[shown]]
        return _top(np.where(candidates, self.worth[name][here], -np.inf), TOP)

    def __len__(self) -> int:
        return len(self.arrival)


def world(proposals: int, arrivals_until: int, rng: np.random.Generator, themes: int = 8) -> World:
    """Half the proposals open the consultation; the rest arrive uniformly until `arrivals_until`."""
    names = list(KINDS)
    kind = rng.choice(len(names), size=proposals, p=[KINDS[k][0] for k in names])
    keys = np.empty((proposals, 3))
    qualified = np.empty((proposals, len(SCORED_QUALIFICATIONS)))
    for j, name in enumerate(names):
        _, alpha, means = KINDS[name]
        rows = kind == j
        keys[rows] = rng.dirichlet(alpha, size=int(rows.sum()))
        qualified[rows] = rng.beta(10 * np.array(means), 10 * (1 - np.array(means)), size=(int(rows.sum()), len(means)))
    probability = {k: keys[:, i] for i, k in enumerate(KEYS)}
    probability.update({q: qualified[:, i] for i, q in enumerate(SCORED_QUALIFICATIONS)})
    probability.update({q: rng.beta(2, 8, size=proposals) for q in QUALIFICATIONS[VoteKey.NEUTRAL]})
    arrival = np.where(np.arange(proposals) < proposals // 2, 0, rng.integers(0, arrivals_until, size=proposals))
    # One proposal in ten comes from one of five prolific authors, the rest from occasional ones.
    prolific = rng.random(proposals) < 0.1
    authors = np.where(prolific, np.char.add("prolific", rng.integers(0, 5, proposals).astype(str)), np.arange(proposals).astype(str))
    labels = [f"t{i}" for i in range(themes)]
    return World(
        probability=probability,
        arrival=np.sort(arrival),
        authors=authors.astype(object),
        themes=[tuple(rng.choice(labels, size=rng.integers(1, 3), replace=False)) for _ in range(proposals)],
    )


@dataclass
class Trace:
    votes: list[int] = field(default_factory=list)  # cumulative votes at each republication
    precision: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in LISTS})
    # True score of the true top 10 minus that of the published top 10, summed (a missing place scores 0).
    regret: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in LISTS})
    delays: list[float] = field(default_factory=list)  # votes from arrival to TESTED_AT, per late proposal
    all_tested_at: float = np.inf  # votes when every proposal (all arrived) had TESTED_AT votes
    starved: int = 0  # proposals still below TESTED_AT at the end
    kendall_tau: float = np.nan  # published vs true consensus order, over all proposals, at the end

    def votes_to_precision(self, name: str, goal: float = 0.9) -> float:
        """Votes from which the list's precision@10 never again fell below `goal` (inf if it ended below)."""
        return self._votes_from([p < goal for p in self.precision[name]])

    def votes_to_regret(self, name: str, goal: float = 0.05) -> float:
        """Votes from which the list's regret never again exceeded `goal` (inf if it ended above)."""
        return self._votes_from([r > goal for r in self.regret[name]])

    def _votes_from(self, wrong: list[bool]) -> float:
        below = [i for i, w in enumerate(wrong) if w]
        if not below:
            return float(self.votes[0])
        last = below[-1]
        return float(self.votes[last + 1]) if last + 1 < len(self.votes) else np.inf


def published(pool: SequencePool) -> dict[str, np.ndarray]:
    """Each list's score, with untested proposals below every tested one (they are not published)."""
    untested = pool.votes < TESTED_AT
    return {name: np.where(untested, -np.inf, s.score) for name, s in standings(pool).items()}


class Ballots:
    """The uniform draws deciding each proposal's j-th vote: its key, then each of that key's qualifications.

    Drawn in blocks of vote indices, each block from its own seed, so a draw depends only on
    (seed, proposal, j) and never on the order in which a policy asked for it.
    """

    def __init__(self, proposals: int, seed: int, block: int = 64) -> None:
        self.seed, self.block = seed, block
        self.draws = np.empty((proposals, 0, 1 + max(QUALIFICATION_DRAW.values())), dtype=np.float32)
        self.cast = np.zeros(proposals, dtype=np.int64)

    def take(self, served: np.ndarray) -> np.ndarray:
        """One row of draws per served position (a position may repeat), consuming them."""
        order = np.argsort(served, kind="stable")
        ranked = served[order]
        first = np.searchsorted(ranked, ranked)  # where each run of equal positions starts
        nth = np.empty_like(served)
        nth[order] = self.cast[ranked] + np.arange(served.size) - first
        while nth.size and nth.max() >= self.draws.shape[1]:
            start = self.draws.shape[1]
            width = max(self.block, start)
            fresh = np.random.default_rng([self.seed, start]).random((len(self.cast), width, self.draws.shape[2]), dtype=np.float32)
            self.draws = np.concatenate([self.draws, fresh], axis=1)
        self.cast += np.bincount(served, minlength=len(self.cast))
        return self.draws[served, nth]


def simulate(w: World, policy: Policy, citizens: int, refresh: int, seed: int, size: int = 12) -> Trace:
    rng = np.random.default_rng([seed, 0])  # the policy's own draws
    n = len(w)
    ballots = Ballots(n, seed)
    ids = np.array([f"p{i}" for i in range(n)], dtype=object)
    counts = {name: np.zeros(n, dtype=np.int64) for name in w.probability}
    reached = np.full(n, np.inf)
    trace, total = Trace(), 0
    for start in range(0, citizens, refresh):
        here = np.flatnonzero(w.arrival <= start)
        pool = SequencePool.from_counts(
            ids[here],
            {k: c[here] for k, c in counts.items()},
            authors=w.authors[here],
            themes=[w.themes[i] for i in here],
            created_at=w.arrival[here].astype(np.float64),
        )
        served = np.concatenate(
            [_positions(policy(pool, frozenset(), size, rng)) for _ in range(min(refresh, citizens - start))]
        )
        _vote(w, served, counts, ballots.take(served))
        total += served.size
        votes = sum(counts[k] for k in KEYS)
        reached[(votes >= TESTED_AT) & np.isinf(reached)] = total
        if np.isinf(trace.all_tested_at) and (w.arrival <= start).all() and (votes >= TESTED_AT).all():
            trace.all_tested_at = total
        _checkpoint(trace, w, here, counts, total)
    arrived_late = w.arrival > 0
    trace.delays = (reached[arrived_late] - _votes_at_arrival(trace, w, refresh)[arrived_late]).tolist()
    trace.starved = int(np.isinf(reached).sum())
    final = published(SequencePool.from_counts(ids, counts))["consensus"]
    trace.kendall_tau = kendall_tau(final, w.truth["consensus"])
    return trace


def _positions(ids: list[str]) -> np.ndarray:
    return np.fromiter((int(pid[1:]) for pid in ids), dtype=np.int64, count=len(ids))  # ids are "p<position>"


def _vote(w: World, served: np.ndarray, counts: dict[str, np.ndarray], draws: np.ndarray) -> None:
    n = len(w)
    u = draws[:, 0]
    agree, disagree = w.probability["agree"][served], w.probability["disagree"][served]
    key = np.where(u < agree, 0, np.where(u < agree + disagree, 1, 2))
    for i, k in enumerate(KEYS):
        counts[k] += np.bincount(served[key == i], minlength=n)
    for q, k in QUALIFIED_BY.items():
        chosen = (key == KEYS.index(k)) & (draws[:, QUALIFICATION_DRAW[q]] < w.probability[q][served])
        counts[q] += np.bincount(served[chosen], minlength=n)


def counts_after(w: World, votes: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Counts per key and qualification once each proposal has had `votes` votes."""
    keys = rng.multinomial(votes, np.stack([w.probability[k] for k in KEYS], axis=1))
    counts = {k: keys[:, i] for i, k in enumerate(KEYS)}
    return counts | {q: rng.binomial(counts[k], w.probability[q]) for q, k in QUALIFIED_BY.items()}


def published_lists(counts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each list as the summary publishes it: the positions of the (at most) TOP tested proposals
    of its zone with the highest lower bound of its score, best first."""
    s = _results(counts)
    out = {}
    for name, (zone, score) in LISTED.items():
        at = np.flatnonzero(s.zone == zone)
        out[name] = at[np.lexsort((at, -s.scores[score].low[at]))][:TOP]
    return out


def _zones(rates: dict[str, np.ndarray]) -> np.ndarray:
    """The zone the results give proposals with these vote-key rates and enough votes."""
    n = len(rates[KEYS[0]])
    return results.zones({k: results.Estimate(rates[k], rates[k], rates[k]) for k in KEYS}, np.full(n, TESTED_AT))


def _results(counts: dict[str, np.ndarray]) -> results.Scores:
    n = len(next(iter(counts.values())))
    full = {k: counts[k] if k in counts else np.zeros(n) for k in results.RATED}
    return results.score(full, np.arange(n), results.RATED, tuple(score for _, score in LISTED.values()))


def _checkpoint(trace: Trace, w: World, here: np.ndarray, counts: dict[str, np.ndarray], total: int) -> None:
    trace.votes.append(total)
    for name, shown_at in published_lists({k: c[here] for k, c in counts.items()}).items():
        shown, truly = here[shown_at], here[w.true_list(name, here, shown_at)]
        places = max(len(shown), len(truly), 1)  # fewer than TOP when the zone holds fewer proposals
        trace.precision[name].append(len(set(shown.tolist()) & set(truly.tolist())) / places)
        trace.regret[name].append(float(w.worth[name][truly].sum() - w.worth[name][shown].sum()))


def _top(score: np.ndarray, k: int) -> np.ndarray:
    finite = np.flatnonzero(np.isfinite(score))
    if finite.size <= k:
        return finite
    return finite[np.argpartition(-score[finite], k - 1)[:k]]


def _votes_at_arrival(trace: Trace, w: World, refresh: int) -> np.ndarray:
    # Republication j happens before citizen j * refresh; votes[j - 1] were cast before it.
    before = np.concatenate([[0], trace.votes])
    return before[np.ceil(w.arrival / refresh).astype(int)].astype(np.float64)


def kendall_tau(a: np.ndarray, b: np.ndarray) -> float:
    """Kendall's tau-a between two orders (ties count as neither concordant nor discordant)."""
    n = len(a)
    if n < 2:
        return np.nan
    with np.errstate(invalid="ignore"):  # -inf against -inf (both unpublished) is a tie: NaN, left out of the sum
        agreement = np.sign(a[:, None] - a[None, :]) * np.sign(b[:, None] - b[None, :])
    return float(np.nansum(agreement) / (n * (n - 1)))
