"""The consultation's rules: what one request may do and what it decides. No boto3, no I/O.

The rule: a module belongs here when a request path needs it (proposals, moderation, votes,
identity, limits, opening, participants, submissions, tallies, search, sequencing, similar
proposals, themes). Statistics over the whole consultation and the published files live in
`agora.results`, which may import this package; this package never imports `agora.results`
(tests/unit/test_layering.py).
"""
