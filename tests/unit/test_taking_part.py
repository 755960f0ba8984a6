"""Who counts as a participant: the mark at a first vote or proposal, and what it costs."""

from agora.services.participants import TakingPart


class Profiles:
    """The two calls TakingPart makes on the content store, recorded; the mark lands once."""

    def __init__(self) -> None:
        self.marked: dict[str, float] = {}
        self.reads = self.writes = 0

    def took_part(self, participant_id: str) -> bool:
        self.reads += 1
        return participant_id in self.marked

    def note_took_part(self, participant_id: str, at: float) -> None:
        self.writes += 1
        self.marked.setdefault(participant_id, at)


def test_the_first_act_marks_the_participant_and_later_ones_cost_nothing():
    profiles = Profiles()
    taking_part = TakingPart(profiles)
    for at in (10.0, 11.0, 12.0):
        taking_part.note("ann", at)
    assert profiles.marked == {"ann": 10.0}
    assert (profiles.reads, profiles.writes) == (1, 1)


def test_a_participant_marked_elsewhere_costs_a_read_and_no_write():
    profiles = Profiles()
    profiles.marked["bob"] = 1.0  # marked by another container
    TakingPart(profiles).note("bob", 5.0)
    assert profiles.marked == {"bob": 1.0} and (profiles.reads, profiles.writes) == (1, 0)


def test_a_full_memory_is_forgotten_whole_and_only_costs_reads_again():
    profiles = Profiles()
    taking_part = TakingPart(profiles, remembered=2)
    for name in ("a", "b", "c", "a"):
        taking_part.note(name, 1.0)
    assert set(profiles.marked) == {"a", "b", "c"}
    assert profiles.writes == 3 and profiles.reads == 4
