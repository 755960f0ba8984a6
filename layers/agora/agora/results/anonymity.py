"""k-anonymity: which cells built from fewer than k participants are withheld from the exports.

A cell is a count of participants defined by a segment (or an opinion group). Zero cells are
published: nobody is in them. Withholding only the small cells is not enough when their total is
published: subtraction recovers them. So, as statistical offices do, more cells are withheld
(smallest first) until what is withheld in a group adds up to k participants or more.
"""

from __future__ import annotations

import numpy as np


def withheld(cells: np.ndarray, total: np.ndarray, k: int) -> np.ndarray:
    """Mask of withheld cells.

    `cells` is [value, group]: the cells one question splits a group into (a proposal's voters,
    the consultation's participants). `total` is [group], what a reader can subtract from: the
    group's published total, whose part outside every cell (participants who did not answer)
    also hides the withheld cells when it is not published itself.
    """
    cells = np.asarray(cells)
    hidden = (cells > 0) & (cells < k)
    for _ in range(cells.shape[0]):
        residual = np.asarray(total) - np.where(hidden, 0, cells).sum(axis=0)
        exposed = hidden.any(axis=0) & (residual < k)
        candidates = np.where(hidden | (cells == 0), np.iinfo(np.int64).max, cells)
        exposed &= candidates.min(axis=0) < np.iinfo(np.int64).max
        if not exposed.any():
            break
        groups = np.nonzero(exposed)[0]
        hidden[candidates[:, groups].argmin(axis=0), groups] = True
    return hidden
