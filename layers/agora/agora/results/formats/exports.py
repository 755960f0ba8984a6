"""The export files, formatted from `Results`: deterministic bytes, k-anonymous by construction.

Every segment or group figure goes through the published views below (cells under k or
recoverable by subtraction are already withheld upstream); the report renders those same views.
CSVs are UTF-8 without BOM, comma-separated, CRLF rows (RFC 4180), blank for "no value".
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from agora.results.formats import report
from agora.results.anonymity import withheld
from agora.results.groups import (
    GROUP_COUNTS,
    MAX_PARTICIPANTS,
    MAX_PROPOSALS,
    MIN_VOTES,
    SILHOUETTE_MARGIN,
    SILHOUETTE_POINTS,
    SMALLEST_GROUP,
    SMALLEST_SHARE,
    WINS_TO_SWITCH,
    group_consensus,
    representative,
)
from agora.results.published import Results
from agora.results.segments import SEGMENT_SCORES
from agora.results.scores import CONSENSUS, CONTROVERSY, ENOUGH_VOTES, RATED, REJECTION, SCORE_NAMES, VOTE_KEYS, ZONES, Estimate, Scores
from agora.domain.tallies import UNTRUSTED

TOP = 10  # entries in each top list of the summary
DISAGREEMENTS = 20
CHUNK = 2_000  # proposals formatted at a time, so a 30,000-proposal CSV never sits in memory as cells
CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"

PROPOSAL_COLUMNS = (
    "proposal_id", "text", "language", "themes", "votes", *RATED, "untrusted_votes",
    "enough_votes", "zone", "rank", "top_20_percent",
    *(f"{name}_{part}" for name in RATED for part in ("rate", "low", "high")),
    *(f"{name}{part}" for name in SCORE_NAMES for part in ("", "_low", "_high")),
    "weighted_votes", *(f"weighted_{k}_{part}" for k in VOTE_KEYS for part in ("rate", "low", "high")), "weighted_zone",
    "fresh_voter_share", "top_source_share", "suspicious_votes",
)  # fmt: skip
SEGMENT_COLUMNS = (
    "proposal_id", "dimension", "value", "weighting", "votes", *VOTE_KEYS,
    *(f"{k}_{part}" for k in VOTE_KEYS for part in ("rate", "low", "high")),
    *(f"{name}{part}" for name in SEGMENT_SCORES for part in ("", "_low", "_high")),
    "zone", "population_coverage",
)  # fmt: skip


@dataclass(frozen=True)
class ExportFile:
    name: str
    body: bytes
    content_type: str


# --- formatting ------------------------------------------------------------------------------

Column = Callable[[np.ndarray], list[str]]


def _ints(values: np.ndarray) -> Column:
    return lambda at: [str(v) for v in np.asarray(values)[at].tolist()]


def _floats(values: np.ndarray, digits: int = 4) -> Column:
    # `+ 0.0` turns a rounded -0.0 into 0.0; NaN (no votes) is a blank cell.
    return lambda at: ["" if v != v else f"{v + 0.0:.{digits}f}" for v in np.round(np.asarray(values, dtype=np.float64)[at], digits).tolist()]


def _texts(values: Sequence[str]) -> Column:
    array = np.asarray(values, dtype=object)
    return lambda at: [_quoted(str(v)) for v in array[at].tolist()]


def _flags(values: np.ndarray) -> Column:
    return lambda at: ["yes" if v else "no" for v in np.asarray(values)[at].tolist()]


def _constant(value: str) -> Column:
    cell = _quoted(value)
    return lambda at: [cell] * len(at)


def _estimate(e: Estimate, digits: int = 4) -> list[Column]:
    return [_floats(e.value, digits), _floats(e.low, digits), _floats(e.high, digits)]


def _blank(columns: int) -> list[Column]:
    return [_constant("")] * columns


# RFC 4180 quotes a field with a comma, a quote, CR or LF; we also quote one with any other character
# str.splitlines() breaks on (VT, FF, FS, GS, RS, NEL, U+2028, U+2029). The csv module quotes only
# on CR, LF and its line terminator, hence this writer. Numbers and flags never need it.
_LINE_BREAK = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_NEEDS_QUOTES = re.compile(f'[,"{_LINE_BREAK}]')
# Quotes keep a CSV parser right, but not a reader that splits on any line break: for it, a line in
# a cell starting "=1+1" is a row, and a formula to a spreadsheet. Such a start (= + - @ or a tab,
# at the cell's start or after a break) gets an apostrophe, as OWASP advises; spreadsheets hide it.
_FORMULA_START = re.compile(f"(^|[{_LINE_BREAK}])([=+\\-@\t])")


def _quoted(value: str) -> str:
    value = _FORMULA_START.sub(r"\1'\2", value)
    return '"' + value.replace('"', '""') + '"' if _NEEDS_QUOTES.search(value) else value


def _csv(columns: Sequence[str], blocks: Iterator[tuple[list[Column], np.ndarray]]) -> bytes:
    """Rows of cells already quoted by their formatters, CRLF-terminated, encoded block by block."""
    out = io.BytesIO()
    out.write((",".join(map(_quoted, columns)) + "\r\n").encode())
    for formatters, at in blocks:
        if len(at):
            rows = zip(*(f(at) for f in formatters), strict=True)
            out.write("".join(",".join(row) + "\r\n" for row in rows).encode())
    return out.getvalue()


def json_bytes(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False).encode() + b"\n"


def number(x: float, digits: int = 6) -> float | None:
    return None if x != x else round(float(x) + 0.0, digits)


def _chunks(at: np.ndarray) -> Iterator[np.ndarray]:
    for start in range(0, len(at), CHUNK):
        yield at[start : start + CHUNK]


# --- proposals.csv ---------------------------------------------------------------------------


def _suspicion(r: Results) -> list[Column]:
    found = [r.signals.get(p.id) for p in r.proposals]
    return [
        _texts(["" if s is None else f"{s.fresh_share:.4f}" for s in found]),
        _texts(["" if s is None else f"{s.top_source_share:.4f}" for s in found]),
        _texts(["" if s is None else ("1" if s.flagged else "0") for s in found]),
    ]


def proposals_csv(r: Results) -> bytes:
    s, totals = r.scores, r.counts.totals
    sample = r.sampled
    if sample is not None and sample.weighted is not None:
        shown = sample.votes >= r.k
        w = sample.weighted
        weighted = [_floats(np.where(shown, w.votes, np.nan), 2)]
        for key in VOTE_KEYS:
            weighted += _estimate(_masked(w.rates[key], shown))
        weighted.append(_texts(np.where(shown, w.zone, "")))
    else:
        weighted = _blank(2 + 3 * len(VOTE_KEYS))
    formatters = [
        _texts([p.id for p in r.proposals]),
        _texts([p.text for p in r.proposals]),
        _texts([p.language for p in r.proposals]),
        _texts([";".join(p.themes) for p in r.proposals]),
        _ints(s.votes),
        *(_ints(totals[name]) for name in RATED),
        _ints(totals[UNTRUSTED]),
        _flags(s.tested),
        _texts(s.zone),
        _ints(s.rank),
        _flags(s.top),
        *(f for name in RATED for f in _estimate(s.rates[name])),
        *(f for name in SCORE_NAMES for f in _estimate(s.scores[name])),
        *weighted,
        *_suspicion(r),
    ]
    return _csv(PROPOSAL_COLUMNS, ((formatters, at) for at in _chunks(np.arange(len(r.proposals)))))


def _masked(e: Estimate, shown: np.ndarray) -> Estimate:
    return Estimate(*(np.where(shown, part, np.nan) for part in (e.value, e.low, e.high)))


# --- segments.csv ----------------------------------------------------------------------------


def _segment_figures(scores: Scores, digits_votes: int | None) -> list[Column]:
    votes = _ints(scores.votes) if digits_votes is None else _floats(scores.votes, digits_votes)
    counts = [_ints(scores.counts[k]) for k in VOTE_KEYS] if digits_votes is None else _blank(len(VOTE_KEYS))
    return [
        votes,
        *counts,
        *(f for k in VOTE_KEYS for f in _estimate(scores.rates[k])),
        *(f for name in SEGMENT_SCORES for f in _estimate(scores.scores[name])),
        _texts(scores.zone),
    ]


def segments_csv(r: Results) -> bytes:
    ids = _texts(list(r.counts.ids))

    def blocks() -> Iterator[tuple[list[Column], np.ndarray]]:
        for seg in r.segments:
            formatters = [ids, _constant(seg.segment.dimension), _constant(seg.segment.value), _constant("raw"),
                          *_segment_figures(seg.scores, None), _constant("")]  # fmt: skip
            for at in _chunks(np.nonzero(seg.published)[0]):
                yield formatters, at
        for w in r.weighted:
            formatters = [ids, _constant(w.dimension), _constant("*"), _constant("population"),
                          *_segment_figures(w.scores, 2), _floats(w.coverage)]  # fmt: skip
            for at in _chunks(np.nonzero(w.published)[0]):
                yield formatters, at

    return _csv(SEGMENT_COLUMNS, blocks())


# --- summary.json ----------------------------------------------------------------------------


def _entry(r: Results, i: int, name: str) -> dict[str, object]:
    s, p = r.scores, r.proposals[i]
    e = s.scores[name]
    return {
        "proposal_id": p.id,
        "text": p.text,
        "votes": int(s.votes[i]),
        "zone": str(s.zone[i]),
        "rank": int(s.rank[i]),
        "score": name,
        "value": number(e.value[i]),
        "low": number(e.low[i]),
        "high": number(e.high[i]),
        **{f"{k}_{part}": number(getattr(s.rates[k], field)[i]) for k in VOTE_KEYS for part, field in RATE_PARTS},
    }


RATE_PARTS = (("rate", "value"), ("low", "low"), ("high", "high"))
MAP_POINTS = 200  # the results page's consensus map: the most voted proposals with enough votes


def consensus_map(r: Results) -> list[dict[str, object]]:
    """Agreement against controversy for the most voted tested proposals, as the page plots them."""
    s = r.scores
    at = np.nonzero(s.tested)[0]
    at = at[np.lexsort((r.counts.ids[at], -s.votes[at]))][:MAP_POINTS]
    agree, controversy = s.rates["agree"].value, s.scores["controversy"].value
    return [
        {"proposal_id": r.proposals[i].id, "text": r.proposals[i].text, "votes": int(s.votes[i]), "zone": str(s.zone[i]),
         "agree_rate": number(agree[i]), "controversy": number(controversy[i])}
        for i in at
    ]  # fmt: skip


def _best(r: Results, zone: str, name: str) -> list[dict[str, object]]:
    s = r.scores
    at = np.nonzero(s.zone == zone)[0]
    order = at[np.lexsort((r.counts.ids[at], -s.scores[name].low[at]))][:TOP]
    return [_entry(r, int(i), name) for i in order]


def _flagged(r: Results) -> dict[str, object]:
    """Proposals whose result moves once the votes of fresh accounts or of one network are left out."""
    flagged = [(p, r.signals[p.id]) for p in r.proposals if p.id in r.signals and r.signals[p.id].flagged]
    return {
        "flagged_total": len(flagged),
        "flagged": [
            {
                "proposal_id": p.id,
                "text": p.text,
                "votes": s.votes,
                "fresh_voter_share": number(s.fresh_share),
                "top_source_share": number(s.top_source_share),
                "agree_rate": number(s.agreement),
                "agree_rate_without_fresh_voters": None if s.agreement_without_fresh is None else number(s.agreement_without_fresh),
                "agree_rate_without_top_source": None if s.agreement_without_top_source is None else number(s.agreement_without_top_source),
            }
            for p, s in flagged[:TOP]
        ],
    }


def summary(r: Results) -> dict[str, object]:
    s = r.scores
    withheld_cells = sum(int(((seg.scores.votes > 0) & ~seg.published).sum()) for seg in r.segments)
    return {
        "generated_at": r.generated_at,
        "participants": r.participants,
        "proposals": len(r.proposals),
        "proposals_by_status": dict(sorted(r.by_status.items())),
        "votes": r.votes,
        "untrusted_votes": r.untrusted_votes,
        "k_anonymity": r.k,
        "enough_votes": ENOUGH_VOTES,
        "proposals_without_enough_votes": int((~s.tested).sum()),
        "zones": {z: int((s.zone == z).sum()) for z in ZONES},
        "top_20_percent_threshold": None if s.threshold is None else number(s.threshold),
        "top_consensus": _best(r, CONSENSUS, "top_score"),
        "most_controversial": _best(r, CONTROVERSY, "controversy"),
        "most_rejected": _best(r, REJECTION, "rejection"),
        "consensus_map": consensus_map(r),
        "segments_disagree": [
            {
                "proposal_id": r.proposals[d.proposal].id,
                "text": r.proposals[d.proposal].text,
                "dimension": d.dimension,
                "zones": d.zones,
                "agree_rate_spread": number(d.spread),
            }
            for d in r.disagreements[:DISAGREEMENTS]
        ],
        "segments_disagree_total": len(r.disagreements),
        "suspicious_votes": _flagged(r),
        "withheld_segment_cells": withheld_cells,
        "weighted_zones": {
            **{f"population_by_{w.dimension}": {z: int((w.scores.zone[w.published] == z).sum()) for z in ZONES} for w in r.weighted},
            **(
                {"raked_sample": {z: int((r.sampled.weighted.zone[r.sampled.votes >= r.k] == z).sum()) for z in ZONES}}
                if r.sampled is not None and r.sampled.weighted is not None
                else {}
            ),
        },
    }


# --- participation.json ----------------------------------------------------------------------


def participation(r: Results) -> dict[str, object]:
    questions = []
    for part in r.participation:
        q, strata = part.question, part.stratification
        answered = int(part.participants.sum())
        choices = []
        for i, value in enumerate(q.choices):
            shown = bool(part.shown[i])
            share = part.participants[i] / answered if answered and shown else None
            margin = q.margins.get(value)
            weight = number(strata.weights[i]) if strata is not None and shown else None
            choices.append({
                "choice": value,
                "participants": int(part.participants[i]) if shown else None,
                "share": None if share is None else number(share),
                "population": margin,
                "representation": number(share / margin) if share is not None and margin else None,
                "weight": weight,
            })  # fmt: skip
        questions.append({
            "question": q.id,
            "label": q.label,
            "not_answered": part.not_answered,
            "choices": choices,
            "population_coverage": None if strata is None else number(strata.coverage),
            "design_effect": None if strata is None else number(strata.design_effect),
            "effective_participants": None if strata is None else number(answered / strata.design_effect, 1),
        })  # fmt: skip
    return {
        "generated_at": r.generated_at,
        "k_anonymity": r.k,
        "participants": r.participants,
        "questions": questions,
        "raking": _raking(r),
        "over_time": r.history,
    }


def _raking(r: Results) -> dict[str, object] | None:
    if r.sampled is None:
        return None
    sample, raked = r.sampled.sample, r.sampled.raking
    n = len(sample.participants)
    questions = []
    for part in r.participation:
        q = part.question
        if not q.margins:
            continue
        codes = sample.answers(q)
        counts = np.bincount(codes, minlength=len(q.choices) + 1)
        hidden = withheld(counts[:, None], np.array([n]), r.k)[:, 0]
        weighted = np.bincount(codes, weights=raked.weights, minlength=len(q.choices) + 1) / max(raked.weights.sum(), 1e-12)
        questions.append({
            "question": q.id,
            "choices": [
                {
                    "choice": value,
                    "sample_participants": None if hidden[i] else int(counts[i]),
                    "sample_share": None if hidden[i] or not n else number(counts[i] / n),
                    "weighted_share": number(weighted[i]),
                }
                for i, value in enumerate([*q.choices, None])
            ],
        })  # fmt: skip
    deff = raked.design_effect
    return {
        "sample_participants": n,
        "sample_complete": sample.complete,
        "rounds": raked.rounds,
        "converged": raked.converged,
        "design_effect": number(deff),
        "effective_participants": number(n / deff, 1) if deff == deff else None,
        "questions": questions,
    }


# --- groups.json -----------------------------------------------------------------------------


def groups(r: Results) -> dict[str, object]:
    method = {
        "min_votes": MIN_VOTES,
        "max_participants": MAX_PARTICIPANTS,
        "max_proposals": MAX_PROPOSALS,
        "group_counts": list(GROUP_COUNTS),
        "wins_to_switch": WINS_TO_SWITCH,
        "silhouette_margin": SILHOUETTE_MARGIN,
        "labelling": "per count, k-means or density-weighted k-means, the higher mean silhouette",
        "silhouette_sample": SILHOUETTE_POINTS,
        "smallest_group": {"participants": SMALLEST_GROUP, "share": SMALLEST_SHARE},
    }
    out: dict[str, object] = {"generated_at": r.generated_at, "k_anonymity": r.k, "method": method, "groups": [], "consensus": []}
    if r.sampled is None:
        return {**out, "sample": None, "choice": None}
    sample, g = r.sampled.sample, r.sampled.groups
    out["sample"] = {"items_read": sample.items_read, "complete": sample.complete, "participants": len(sample.participants)}
    if g is None:
        return {**out, "choice": None}
    ids = np.asarray(sample.proposals, dtype=object)[g.matrix.proposals]
    text = {p.id: p.text for p in r.proposals}
    sizes = np.bincount(g.labels, minlength=g.count)
    shown = ~withheld(sizes[:, None], np.array([len(g.labels)]), r.k)[:, 0]
    weights = r.sampled.raking.weights[g.matrix.participants]
    weighted = np.bincount(g.labels, weights=weights, minlength=g.count) / max(weights.sum(), 1e-12)
    out["sample"] |= {"clustered": len(g.labels), "proposals": len(ids)}
    out["choice"] = g.choice.record()
    out["silhouette"] = {str(k): number(v) for k, v in sorted(g.silhouettes.items())}
    out["groups"] = [
        {
            "group": j + 1,
            "withheld": not shown[j],
            "size": int(sizes[j]) if shown[j] else None,
            "share": number(sizes[j] / len(g.labels)) if shown[j] else None,
            "weighted_share": number(weighted[j]) if shown[j] else None,
            "representative": [
                {"proposal_id": ids[x.column], "text": text.get(ids[x.column], ""), "direction": x.direction,
                 "group_share": number(x.group_share), "rest_share": number(x.rest_share), "z": number(x.z, 3)}
                for x in representative(g, j, r.k)
            ] if shown[j] else [],
        }
        for j in range(g.count)
    ]  # fmt: skip
    consensus = group_consensus(g, shown)
    voters = g.seen[shown].sum(axis=0)
    eligible = np.nonzero(voters >= r.k)[0]
    order = eligible[np.lexsort((ids[eligible], -consensus[eligible]))][:TOP]
    out["consensus"] = [
        {
            "proposal_id": ids[col],
            "text": text.get(ids[col], ""),
            "score": number(consensus[col]),
            "voters": int(voters[col]),
            "agree_shares": [
                {"group": int(j) + 1, "share": number(g.agree[j, col] / g.seen[j, col]) if g.seen[j, col] >= r.k else None}
                for j in np.nonzero(shown)[0]
            ],
        }
        for col in order
    ]
    return out


# --- votes.json ----------------------------------------------------------------------------


def votes(r: Results) -> dict[str, object]:
    """Each proposal's trusted votes per key, as compact as JSON allows: what the voting page shows
    a citizen after their vote (how others voted), read from the CDN instead of the database."""
    totals = np.stack([r.counts.totals[k] for k in VOTE_KEYS], axis=1).astype(int).tolist() if r.proposals else []
    return {"generated_at": r.generated_at, "keys": list(VOTE_KEYS), "proposals": dict(zip((p.id for p in r.proposals), totals))}


def files(r: Results) -> list[ExportFile]:
    s, p, g = summary(r), participation(r), groups(r)
    return [
        ExportFile("summary.json", json_bytes(s), JSON_TYPE),
        ExportFile("proposals.csv", proposals_csv(r), CSV_TYPE),
        ExportFile("segments.csv", segments_csv(r), CSV_TYPE),
        ExportFile("participation.json", json_bytes(p), JSON_TYPE),
        ExportFile("groups.json", json_bytes(g), JSON_TYPE),
        ExportFile("votes.json", json_bytes(votes(r)), JSON_TYPE),
        *(ExportFile(report.file_name(r, lang), report.render(r, s, p, g, lang), "text/html; charset=utf-8") for lang in report.languages(r)),
    ]
