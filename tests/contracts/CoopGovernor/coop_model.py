"""An independent Python model of CoopGovernor's decision rule, in exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

from lumbung.protocol import StakeholderClass

BPS = 10_000
AGAINST, FOR, ABSTAIN = range(3)


def coop_succeeds(members, votes, weights, quorums) -> bool:
    """True if the proposal succeeds.

    members: members per class at the snapshot; votes: (class, support, n) per voter;
    weights, quorums: basis points per class, as copied into the proposal.
    """
    voters = [0] * len(StakeholderClass)
    tally = [[0, 0, 0] for _ in StakeholderClass]  # Against, For, Abstain (Bravo order)
    for cls, support, n in votes:
        voters[cls] += 1
        tally[cls][support] += n
    classes = [c for c in StakeholderClass if members[c] > 0]
    if any(Fraction(voters[c], members[c]) < Fraction(quorums[c], BPS) for c in classes):
        return False
    total_weight = sum(weights[c] for c in classes)
    support = Fraction(0)
    for c in classes:
        decided = tally[c][FOR] + tally[c][AGAINST]
        if (
            decided
        ):  # a class with members but no For/Against votes adds 0 support, keeps its weight
            support += Fraction(weights[c] * tally[c][FOR], decided)
    return support > Fraction(total_weight, 2)
