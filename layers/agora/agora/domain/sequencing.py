"""Which proposals a participant sees next: a pure, vectorised choice over the sequence pool.

A vote is worth most where it can change what the consultation publishes: which proposals are in
the top consensus list, the controversy list and the rejection list, each the best of a zone
(Make.org's consensus, controversy and rejection zones). So a sequence
* gives a share of its slots to new proposals (fewer than `min_votes` trusted votes, not yet
  ranked), drawn by the votes they still lack, so each reaches the lists quickly whatever the
  pool size;
* spends the other slots on tested proposals whose place is still open: the closer a proposal's
  score is to its zone's list threshold, or its shares to a cut that moves it in or out of a
  listed place, in posterior standard deviations, the likelier it is drawn, those scoring above
  the threshold more than those below it;
* serves settled proposals (far from every threshold) only when nothing else is left, the
  least-voted first, and never one at `retire_at` votes (Make.org's cap);
* takes at most one proposal per author and avoids repeating a theme while the candidates allow.
Draws are random so that participants served from the same (possibly minutes-old) pool do not
all get the same proposals.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from math import ceil

import numpy as np

from agora.domain.votes import VoteKey
from agora.domain.zones import CUTS, LISTED, memberships

VOTE_KEYS = tuple(k.value for k in VoteKey)
KEY_SMOOTHING, QUALIFICATION_SMOOTHING = 0.33, 0.01  # Make.org's, for rate = (count + s) / (votes + 1)

# Make.org's scores, as signed sums of smoothed rates; controversy sums minima instead.
CONSENSUS = {"agree": 1, "like_it": 1, "doable": 1, "no_way": -1, "impossible": -1, "platitude_agree": -1, "platitude_disagree": -1}
REJECTION = {"disagree": 1, "no_way": 1, "impossible": 1, "like_it": -1, "doable": -1, "platitude_agree": -1, "platitude_disagree": -1}
CONTROVERSY = (("agree", "disagree"), ("like_it", "no_way"))


@dataclass(frozen=True)
class SequencePolicy:
    """How a sequence is chosen: the consultation's choices (`config.SequenceConfig`) and agora's own."""

    min_votes: int = 10  # trusted votes before a proposal is tested, i.e. ranked in the published lists
    retire_at: int = 1500  # trusted votes after which a proposal is no longer served (Make.org's cap)
    new_share: float = 0.3  # share of a sequence kept for new proposals while any are waiting
    list_size: int = 10  # length of each published list whose membership the votes settle
    # A gap to a threshold or to a zone's cut too small to matter, in score or share: stops exact
    # ties from absorbing every vote; the benchmarks' tolerance for a right list (0.05 of score).
    margin: float = 0.05
    settled_z: float = 3.5  # standard deviations from every threshold and cut beyond which a place is settled
    focus: float = 2.0  # an open proposal is drawn in proportion to 1 / distance ** focus
    window: int = 3  # candidates considered per slot when keeping authors and themes apart
    settled_focus: float = 4.0  # a settled proposal is drawn in proportion to 1 / (votes + 1) ** settled_focus
    # An open proposal scoring below a list's threshold is drawn as if `below` times as far from it
    # (with focus 2, 16 times less likely); whether its place is settled is still judged unstretched.
    below: float = 4.0


@dataclass(frozen=True, eq=False)
class SequencePool:
    """Accepted proposals as aligned arrays: ids and trusted counts per vote key and qualification.

    Immutable, so what does not depend on the participant is computed once per pool (a warm
    next_proposal keeps one for seconds and serves many sequences from it).
    """

    ids: np.ndarray
    counts: Mapping[str, np.ndarray]
    authors: np.ndarray | None = None
    themes: Sequence[Iterable[Hashable]] | None = None
    created_at: np.ndarray | None = None
    _openness: dict[SequencePolicy, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_counts(
        cls,
        ids: Sequence[str],
        counts: Mapping[str, Sequence[int] | np.ndarray],
        authors: Sequence[str] | None = None,
        themes: Sequence[Iterable[Hashable]] | None = None,
        created_at: Sequence[float] | np.ndarray | None = None,
    ) -> SequencePool:
        n = len(ids)
        arrays = {name: np.asarray(c, dtype=np.int64) for name, c in counts.items()}
        for name, array in arrays.items():
            if array.shape != (n,):
                raise ValueError(f"counts[{name!r}] has shape {array.shape}, expected ({n},)")
        return cls(
            ids=np.asarray(ids, dtype=str),
            counts=arrays,
            authors=None if authors is None else np.asarray(authors),
            themes=themes,
            created_at=None if created_at is None else np.asarray(created_at, dtype=np.float64),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def count(self, name: str) -> np.ndarray:
        return self.counts.get(name, np.zeros(len(self), dtype=np.int64))

    @cached_property
    def votes(self) -> np.ndarray:
        return sum((self.count(k) for k in VOTE_KEYS), np.zeros(len(self), dtype=np.int64))

    @cached_property
    def _sorter(self) -> np.ndarray | None:
        """None when the ids are sorted, as a published pool's are: a refresh then builds no index
        of them (a dict of 30,000 ids cost the first call 2.5 ms)."""
        ids = self.ids
        return None if bool(np.all(ids[1:] > ids[:-1])) else np.argsort(ids, kind="stable")

    def position(self, proposal_id: str) -> int:
        found = self.positions({proposal_id})
        if not len(found):
            raise KeyError(proposal_id)
        return int(found[0])

    def positions(self, ids: set[str] | frozenset[str]) -> np.ndarray:
        """Where these ids are in the pool, leaving out those it does not hold."""
        if not ids or not len(self):
            return np.zeros(0, dtype=np.int64)
        keys = np.asarray(list(ids), dtype=str)
        found = np.minimum(np.searchsorted(self.ids, keys, sorter=self._sorter), len(self) - 1)
        if self._sorter is not None:
            found = self._sorter[found]
        return found[self.ids[found] == keys]

    def openness(self, settings: SequencePolicy) -> np.ndarray:
        """Per proposal, the smallest distance, in standard deviations, to a change of its place in a
        published list: to the list's threshold within its zone, or to a zone's cut.

        Small means one more vote may move the proposal in or out of a list; `inf` for proposals
        not yet tested (they are not ranked) and for those no crossing within `settled_z` would list or unlist.
        """
        return self._doubt(settings)[0]

    def draw_distance(self, settings: SequencePolicy) -> np.ndarray:
        """Openness with the distance below each list's threshold stretched by `settings.below`,
        for the draw among open proposals."""
        return self._doubt(settings)[1]

    def remember(self, settings: SequencePolicy, openness: np.ndarray, drawn: np.ndarray) -> None:
        """Openness and draw distance already computed for `settings`, where the pool was published."""
        self._openness[settings] = (openness, drawn)

    def _doubt(self, settings: SequencePolicy) -> tuple[np.ndarray, np.ndarray]:
        if settings not in self._openness:
            self._openness[settings] = _openness(self, settings)
        return self._openness[settings]


@dataclass(frozen=True)
class Standing:
    """One published list's score for every proposal, and that score's posterior standard deviation."""

    score: np.ndarray
    spread: np.ndarray


def standings(pool: SequencePool) -> dict[str, Standing]:
    """Make.org's consensus (topScore), controversy and rejection scores, with their uncertainty."""
    # Single precision, multiplications rather than divisions: a 30,000-proposal pool is scored on
    # the first request after each refresh, and seven digits are plenty to compare scores.
    n = pool.votes.astype(np.float32)
    per_vote, per_shrunk_vote = 1 / (n + 1), 1 / (n + 4)
    names = dict.fromkeys([*CONSENSUS, *REJECTION, *(k for pair in CONTROVERSY for k in pair)])  # sums in a fixed order
    smoothing = {k: KEY_SMOOTHING if k in VOTE_KEYS else QUALIFICATION_SMOOTHING for k in names}
    rates = {k: np.minimum((pool.count(k).astype(np.float32) + smoothing[k]) * per_vote, 1.0) for k in names}
    # Agresti–Coull variance of each rate, as in Make.org's confidence; a sum's adds up.
    shrunk = {k: (n * r + 2) * per_shrunk_vote for k, r in rates.items()}
    variances = {k: p * (1 - p) * per_shrunk_vote for k, p in shrunk.items()}

    def signed_sum(weights: Mapping[str, int]) -> Standing:
        score = 0
        for k, w in weights.items():  # adding or subtracting: the same sums as w * rate, without the products
            score = score + rates[k] if w > 0 else score - rates[k]
        return Standing(score, np.sqrt(sum(variances[k] for k in weights)))

    def smaller(a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
        first = rates[a] <= rates[b]
        return np.minimum(rates[a], rates[b]), _either(first, variances[a], variances[b])

    minima = [smaller(a, b) for a, b in CONTROVERSY]
    return {
        "consensus": signed_sum(CONSENSUS),
        "controversy": Standing(sum(m for m, _ in minima), np.sqrt(sum(v for _, v in minima))),
        "rejection": signed_sum(REJECTION),
    }


def _either(mask: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """np.where(mask, a, b) for finite a and b, by arithmetic: np.where costs 20-40 times a
    multiplication on a 30,000-proposal pool (its masks are unpredictable)."""
    return a * mask + b * ~mask


def _openness(pool: SequencePool, settings: SequencePolicy) -> tuple[np.ndarray, np.ndarray]:
    """Openness, and the same with the rank's distance below each threshold stretched by `below`."""
    tested = pool.votes >= settings.min_votes
    # A distance is kept only where a mask holds by dividing it by the mask, at a tenth of np.where's
    # cost (see `_either`): x / 0 is inf, or NaN for 0, which np.fmin passes over.
    with np.errstate(divide="ignore", invalid="ignore"):
        inside, crossing = _zone_doubt(pool, settings)
        distance = drawn = np.full(len(pool), np.inf, dtype=np.float32)
        for name, standing in standings(pool).items():
            ranked = tested & inside[name]
            if np.count_nonzero(ranked) <= settings.list_size:  # every candidate is listed: only a cut can change that
                distance, drawn = np.fmin(distance, crossing[name]), np.fmin(drawn, crossing[name])
                continue
            above, rank = _rank_doubt(standing, ranked, settings)
            distance = np.fmin(distance, _place(rank, above, crossing[name], inside[name]))
            # The draw's: votes below the threshold mostly raise the lower bounds (which the published
            # lists rank by) of proposals that stay out; those above need theirs raised.
            stretched = rank + rank * ~above * np.float32(settings.below - 1)
            drawn = np.fmin(drawn, _place(stretched, above, crossing[name], inside[name]))
        return np.fmin(distance / tested, np.float32(np.inf)), np.fmin(drawn / tested, np.float32(np.inf))


def _place(rank: np.ndarray, above: np.ndarray, crossing: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """The distance to a change of a proposal's place in one list, from its rank's distance to the
    threshold and its zone's crossing. Listed (in the zone, above the threshold): out by rank or by
    a cut. In the zone below the threshold: in by rank only. Outside above it: in by a cut; outside
    below: by both. So outside: the cut's distance, or the larger of the two below the threshold;
    inside, also the rank's (at most that larger one, and the cut's is still there above it)."""
    return np.fmin(np.maximum(crossing, rank * ~above), rank / inside)


def _rank_doubt(standing: Standing, ranked: np.ndarray, settings: SequencePolicy) -> tuple[np.ndarray, np.ndarray]:
    """Whether each proposal scores above the threshold of the list drawn from `ranked` (more
    candidates than places), and how far from it, in standard deviations."""
    k = settings.list_size
    candidates = np.compress(ranked, standing.score)
    top = np.partition(candidates, len(candidates) - k - 1)
    threshold = (top[-k:].min() + top[-k - 1]) / 2
    return standing.score >= threshold, (np.abs(standing.score - threshold) + settings.margin) / standing.spread


def _zone_doubt(pool: SequencePool, settings: SequencePolicy) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Whether each proposal is in each listed zone, and per listed zone its distance, in standard
    deviations of a share, to the nearest cut whose crossing moves it in or out of that zone
    (`inf` or NaN beyond `settled_z`: far from a cut, it no longer matters which)."""
    n = pool.votes.astype(np.float32)
    per_vote, per_shrunk_vote = 1 / np.maximum(n, 1), 1 / (n + 4)
    share = {k: pool.count(k).astype(np.float32) * per_vote for k in VOTE_KEYS}
    shrunk = {k: (pool.count(k).astype(np.float32) + 2) * per_shrunk_vote for k in VOTE_KEYS}  # Agresti–Coull, as `standings`
    spread = {k: np.sqrt(p * (1 - p) * per_shrunk_vote) for k, p in shrunk.items()}
    sides = [share[key] >= cut for key, cut in CUTS]
    inside = memberships(*sides)
    crossing = {name: np.full(len(pool), np.inf, dtype=np.float32) for name in LISTED}
    for bit, (key, cut) in enumerate(CUTS):
        gap = (np.abs(share[key] - cut) + settings.margin) / spread[key]
        near = gap < settings.settled_z
        moved = memberships(*_across(sides, bit))
        for name in LISTED:
            crossing[name] = np.fmin(crossing[name], gap / (near & (inside[name] != moved[name])))
    return inside, crossing


def _across(sides: list[np.ndarray], bit: int) -> list[np.ndarray]:
    """The sides of the cuts once a proposal's share has crossed cut `bit`, to just across it: which
    may also take it across the same key's other cut."""
    key, cut = CUTS[bit]
    crossed = list(sides)
    for other, (other_key, other_cut) in enumerate(CUTS):
        if other_key == key:
            # Just below the cut from above, at the cut from below: each a fixed share.
            from_above, from_below = np.nextafter(np.float32(cut), np.float32(0)) >= other_cut, np.float32(cut) >= other_cut
            if from_above == from_below:
                crossed[other] = np.full(len(sides[bit]), from_above)
            else:
                crossed[other] = sides[bit] if from_above else ~sides[bit]
    return crossed


def select_sequence(
    pool: SequencePool,
    exclude: set[str] | frozenset[str],
    size: int,
    rng: np.random.Generator,
    settings: SequencePolicy = SequencePolicy(),
) -> list[str]:
    """At most `size` distinct ids the participant has not voted on, in random order."""
    if size <= 0 or len(pool) == 0:
        return []
    votes = pool.votes
    servable = votes < settings.retire_at
    servable[pool.positions(exclude)] = False
    new = servable & (votes < settings.min_votes)
    distance = pool.openness(settings)
    open_ = servable & ~new & (distance < settings.settled_z)
    settled = servable & ~new & ~open_

    # Weighted draws without replacement as an exponential race: the smallest Exp(1) / weight wins.
    race = rng.standard_exponential(len(pool))
    new_slots = min(int(new.sum()), max(ceil(settings.new_share * size), size - int(open_.sum())))
    depth = settings.window * size
    # A new proposal is drawn in proportion to the votes it still lacks; oldest first would send
    # everyone served from the same pool to the same few proposals until the pool is republished.
    waiting = _best(new, race / np.maximum(settings.min_votes - votes, 1), depth)
    picker = _Diversity(pool)
    chosen = picker.take(waiting, new_slots)
    # With focus 2, twice as close to a threshold, in standard deviations, is four times as likely.
    # (A float32 exponent: a Python float one takes numpy's slow power path, 20× slower at 30,000.)
    chosen += picker.take(_best(open_, race * pool.draw_distance(settings) ** np.float32(settings.focus), depth), size - len(chosen))
    # Settled places no longer need votes, but the whole order still does (the results rank every
    # proposal): closest-to-a-threshold first left proposals far below every list at a few dozen
    # votes and the whole order inexact, so the fewest votes first, as round robin would; steeply
    # (half the votes, 16 times as likely) but still at random, so one pool's participants spread.
    spreading = race * (votes + 1).astype(np.float32) ** np.float32(settings.settled_focus)
    chosen += picker.take(np.concatenate([waiting, _best(settled, spreading, depth)]), size - len(chosen))
    return [str(pool.ids[i]) for i in rng.permutation(chosen)]


def _best(mask: np.ndarray, key: np.ndarray, depth: int) -> np.ndarray:
    """Positions where `mask` holds, smallest `key` first, at most `depth` of them."""
    candidates = np.flatnonzero(mask)
    if candidates.size > depth:
        candidates = candidates[np.argpartition(key[candidates], depth - 1)[:depth]]
    return candidates[np.argsort(key[candidates], kind="stable")]


class _Diversity:
    """Picks in candidate order, skipping a second proposal by an author or on a theme while it can."""

    def __init__(self, pool: SequencePool) -> None:
        self.pool = pool
        self.chosen: set[int] = set()
        self.authors: set[object] = set()
        self.themes: set[Hashable] = set()

    def take(self, candidates: np.ndarray, wanted: int) -> list[int]:
        taken: list[int] = []
        for strictness in (2, 1, 0):  # new author and new themes; new author; anything
            for i in self._fitting(candidates, strictness):
                if len(taken) >= wanted:
                    return taken
                taken.append(i)
                self._add(i)
        return taken

    def _fitting(self, candidates: np.ndarray, strictness: int) -> Iterator[int]:
        authors, themes = self.pool.authors, self.pool.themes
        for i in map(int, candidates):
            if i in self.chosen:
                continue
            if strictness >= 1 and authors is not None and authors[i] in self.authors:
                continue
            if strictness == 2 and themes is not None and not self.themes.isdisjoint(themes[i]):
                continue
            yield i

    def _add(self, i: int) -> None:
        self.chosen.add(i)
        if self.pool.authors is not None:
            self.authors.add(self.pool.authors[i])
        if self.pool.themes is not None:
            self.themes.update(self.pool.themes[i])
