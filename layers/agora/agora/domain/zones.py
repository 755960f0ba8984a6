"""Make.org's zones: where a tested proposal's shares of agree, disagree and neutral votes place it.

The results publish each zone's best proposals as a list (top consensus, most controversial, most
rejected), so the sequence also needs to know how far a proposal is from changing zone.
"""

from __future__ import annotations

import numpy as np

CONSENSUS, CONTROVERSY, REJECTION, LIMBO = "consensus", "controversy", "rejection", "limbo"
ZONES = (CONSENSUS, CONTROVERSY, REJECTION, LIMBO)  # a zone's index in `zone_index`
LISTED = (CONSENSUS, CONTROVERSY, REJECTION)  # the zones whose best proposals the results publish as lists
MOSTLY = 0.6  # an agree (disagree) share from which a proposal is consensus (rejection)
FEW = 0.15  # a disagree (agree) share under which, with few neutral votes, the other side carries it
UNDECIDED = 0.4  # the neutral share from which a proposal is in limbo
# Each line a share can cross to move a proposal to another zone. A zone depends on the shares
# only through the side of each cut they are on, so the sequence can tell from five bits which
# crossing moves a proposal in or out of a zone.
CUTS = (("agree", MOSTLY), ("agree", FEW), ("disagree", MOSTLY), ("disagree", FEW), ("neutral", UNDECIDED))


def zone_index(agree: np.ndarray, disagree: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """Each proposal's zone as an index into ZONES, from its shares."""
    shares = {"agree": agree, "disagree": disagree, "neutral": neutral}
    member = memberships(*(shares[key] >= cut for key, cut in CUTS))
    return np.select([member[z] for z in ZONES[:-1]], range(len(ZONES) - 1), ZONES.index(ZONES[-1]))


def memberships(most_agree: np.ndarray, some_agree: np.ndarray, most_disagree: np.ndarray, some_disagree: np.ndarray, undecided: np.ndarray) -> dict[str, np.ndarray]:
    """Whether each proposal is in each zone, from whether its shares are at or above each cut (in
    CUTS' order), by Make.org's rules in its order: consensus first, then rejection, then limbo."""
    decided = ~undecided
    consensus = most_agree | (decided & ~some_disagree)
    rejection = ~consensus & (most_disagree | (decided & ~some_agree))
    limbo = ~consensus & ~rejection & undecided
    return {CONSENSUS: consensus, CONTROVERSY: ~(consensus | rejection | limbo), REJECTION: rejection, LIMBO: limbo}
