import dataclasses
import random
from collections import Counter

import pytest

from app.domain.assembly import BankTooSmall, Candidate, assemble, draw, shuffle_options
from tests.domain.helpers import MLS_C01


def _pool(per_domain: dict[str, int]) -> list[Candidate]:
    pool, version = [], 1
    for domain, count in per_domain.items():
        for i in range(count):
            pool.append(Candidate(version, f"{domain.lower()}-q{i}", domain))
            version += 1
    return pool


FULL = _pool({"D1": 20, "D2": 24, "D3": 36, "D4": 20})
OPTIONS = {version: ("A", "B", "C", "D") for version in range(1, 10_000)}


def test_paper_has_65_questions_with_blueprint_counts_per_domain():
    paper = assemble(MLS_C01, FULL, OPTIONS, seen=set(), rng=random.Random(1))
    assert len(paper) == 65
    assert Counter(i.domain for i in paper) == {"D1": 13, "D2": 16, "D3": 23, "D4": 13}
    scored = Counter(i.domain for i in paper if i.scored)
    assert scored == {"D1": 10, "D2": 12, "D3": 18, "D4": 10}
    assert [i.position for i in paper] == list(range(1, 66))


def test_no_question_appears_twice_even_when_the_pool_lists_two_versions():
    pool = FULL + [Candidate(999, "d1-q0", "D1")]
    paper = assemble(MLS_C01, pool, OPTIONS, seen=set(), rng=random.Random(2))
    assert len({i.question_id for i in paper}) == 65


def test_the_same_seed_rebuilds_the_same_paper():
    first = assemble(MLS_C01, FULL, OPTIONS, seen=set(), rng=random.Random(42))
    again = assemble(MLS_C01, list(reversed(FULL)), OPTIONS, seen=set(), rng=random.Random(42))
    other = assemble(MLS_C01, FULL, OPTIONS, seen=set(), rng=random.Random(43))
    assert first == again
    assert first != other


def test_unseen_questions_are_preferred():
    seen = {c.question_id for c in FULL if c.domain == "D1"}
    pool = FULL + _pool({"D1": 0}) + [Candidate(5000 + i, f"d1-new{i}", "D1") for i in range(13)]
    paper = assemble(MLS_C01, pool, OPTIONS, seen=seen, rng=random.Random(3))
    assert {i.question_id for i in paper if i.domain == "D1"} == {f"d1-new{i}" for i in range(13)}


def test_seen_questions_fill_in_when_unseen_ones_run_out():
    seen = {c.question_id for c in FULL}
    paper = assemble(MLS_C01, FULL, OPTIONS, seen=seen, rng=random.Random(4))
    assert len(paper) == 65


def test_options_are_shuffled_per_question_and_keep_every_option():
    paper = assemble(MLS_C01, FULL, OPTIONS, seen=set(), rng=random.Random(5))
    assert all(sorted(i.option_order) == ["A", "B", "C", "D"] for i in paper)
    assert len({i.option_order for i in paper}) > 1


def test_a_thin_bank_names_each_short_domain_and_the_gap():
    pool = _pool({"D1": 20, "D2": 10, "D3": 36, "D4": 12})
    with pytest.raises(BankTooSmall) as error:
        draw(MLS_C01, pool, seen=set(), rng=random.Random(6))
    message = str(error.value)
    assert "domain D2 (Exploratory Data Analysis) needs 16 questions and the bank has 10: 6 short" in message
    assert "domain D4 (Machine Learning Implementation and Operations) needs 13" in message
    assert "D1 " not in message.replace("(D1", "")


def test_new_questions_take_the_unscored_slots_first():
    pool = [
        Candidate(c.version_id, c.question_id, c.domain, calibrated=not c.question_id.endswith(("q0", "q1", "q2")))
        for c in FULL
    ]
    paper = assemble(MLS_C01, pool, OPTIONS, seen=set(), rng=random.Random(7))
    new = [i for i in paper if i.question_id.endswith(("q0", "q1", "q2"))]
    assert len(new) == 12 and not any(i.scored for i in new)  # 3 per domain = every unscored slot
    assert Counter(i.domain for i in paper if not i.scored) == {"D1": 3, "D2": 4, "D3": 5, "D4": 3}


def test_a_question_keeps_the_options_of_the_version_drawn():
    options = {**OPTIONS, 7: ("W", "X", "Y", "Z", "V")}
    paper = assemble(MLS_C01, FULL, options, seen=set(), rng=random.Random(8))
    for item in paper:
        assert sorted(item.option_order) == sorted(options[item.version_id])


def test_options_read_after_the_draw_give_the_paper_the_seed_fixes():
    rng = random.Random(9)
    drawn = draw(MLS_C01, FULL, seen=set(), rng=rng)
    only_drawn = {item.version_id: OPTIONS[item.version_id] for item in drawn}
    assert shuffle_options(drawn, only_drawn, rng=rng) == assemble(
        MLS_C01, FULL, OPTIONS, seen=set(), rng=random.Random(9)
    )


# ---- case studies: drawn whole, on consecutive positions, counted in their members' domains


def _with_cases(cases: dict[str, list[str]]) -> list[Candidate]:
    """The full pool plus case studies, each given as the domains of its questions in order."""
    extra, version = [], 8000
    for case, domains in cases.items():
        for i, domain in enumerate(domains):
            extra.append(Candidate(version, f"{case}-q{i}", domain, case=case))
            version += 1
    return FULL + extra


MLS_WITH_CASES = dataclasses.replace(MLS_C01, case_studies=2)
CASES = {"case-a": ["D1", "D3", "D3"], "case-b": ["D2", "D2", "D4", "D1"], "case-c": ["D3", "D4", "D4"]}


@pytest.mark.parametrize("seed", range(20))
def test_case_studies_are_drawn_whole_on_consecutive_positions_and_the_domain_counts_still_hold(seed):
    paper = assemble(MLS_WITH_CASES, _with_cases(CASES), OPTIONS, seen=set(), rng=random.Random(seed))
    assert Counter(i.domain for i in paper) == {"D1": 13, "D2": 16, "D3": 23, "D4": 13}
    assert len({i.question_id for i in paper}) == 65
    drawn_cases = {i.question_id.split("-q")[0] for i in paper if i.question_id.startswith("case-")}
    assert len(drawn_cases) == 2
    for case in drawn_cases:
        positions = [i.position for i in paper if i.question_id.startswith(case + "-")]
        assert len(positions) == len(CASES[case]), "a case study is drawn whole"
        assert positions == list(range(positions[0], positions[0] + len(positions))), "and kept together"


def test_an_exam_that_holds_no_case_studies_never_draws_their_questions():
    paper = assemble(MLS_C01, _with_cases(CASES), OPTIONS, seen=set(), rng=random.Random(3))
    assert not [i for i in paper if i.question_id.startswith("case-")]


def test_a_case_study_the_candidate_has_seen_comes_after_unseen_ones():
    one_case = dataclasses.replace(MLS_C01, case_studies=1)
    seen = {"case-a-q0", "case-b-q2"}
    for seed in range(10):
        paper = assemble(one_case, _with_cases(CASES), OPTIONS, seen=seen, rng=random.Random(seed))
        assert {i.question_id.split("-q")[0] for i in paper if i.question_id.startswith("case-")} == {"case-c"}


def test_a_case_study_too_big_for_a_domains_count_is_left_out():
    tiny = dataclasses.replace(MLS_C01, scored=8, unscored=0, case_studies=1)  # D1 2, D2 2, D3 3, D4 1
    pool = _with_cases({"case-big": ["D4", "D4"], "case-fits": ["D3", "D4"]})
    for seed in range(10):
        paper = assemble(tiny, pool, OPTIONS, seen=set(), rng=random.Random(seed))
        assert not [i for i in paper if i.question_id.startswith("case-big")]


def test_without_case_studies_the_draw_is_the_same_as_before_they_existed():
    plain = assemble(MLS_C01, FULL, OPTIONS, seen=set(), rng=random.Random(7))
    with_unused = assemble(MLS_C01, _with_cases(CASES), OPTIONS, seen=set(), rng=random.Random(7))
    assert plain == with_unused
