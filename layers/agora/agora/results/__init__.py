"""Statistics of a consultation and the files that publish them: no boto3, no I/O.

The rule: a module belongs here when it computes figures over many votes or proposals for
people to read (scores, segments, representativeness, opinion groups, proposal clusters,
brigading signals, k-anonymity) or formats them (`formats`). What one request is allowed or
decides stays in `agora.domain`. Results import the domain; the domain never imports results,
and the statistics never import the formats (tests/unit/test_layering.py).
"""
