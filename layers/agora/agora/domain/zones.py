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
# Each line a share can cross to move a proposal to another zone.
CUTS = (("agree", MOSTLY), ("agree", FEW), ("disagree", MOSTLY), ("disagree", FEW), ("neutral", UNDECIDED))


def zone_index(agree: np.ndarray, disagree: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """Each proposal's zone as an index into ZONES, from its shares, by Make.org's rules in its order."""
    decided = neutral < UNDECIDED
    consensus = (agree >= MOSTLY) | (decided & (disagree < FEW))
    rejection = (disagree >= MOSTLY) | (decided & (agree < FEW))
    return np.select([consensus, rejection, ~decided], [ZONES.index(CONSENSUS), ZONES.index(REJECTION), ZONES.index(LIMBO)], ZONES.index(CONTROVERSY))
