"""The linter finds what lets a test-wise candidate guess, and what leaves the blueprint uncovered."""

import json
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from app.bank.lint import lint_exam, similarity, stats, stem_tokens
from app.bank.loader import load_exam
from app.cli import cli
from app.config import ROOT
from tests.conftest import TEST_BANK

STEMS = [
    "A retailer streams clickstream events and needs hourly aggregates for a dashboard.",
    "A bank must detect fraudulent card transactions within milliseconds of authorization.",
    "A hospital wants to extract diagnoses and medications from free-text clinical notes.",
    "A logistics firm forecasts daily parcel volume for two hundred depots across regions.",
    "A media company tags objects in millions of archived photos without labelled data.",
    "A game studio recommends in-game items based on each player's recent purchase history.",
    "An insurer predicts claim severity from structured policy and incident attributes.",
    "A telecom operator spots unusual spikes in network latency across cell towers.",
]


def question(n, key=None, texts=("alpha one", "beta two", "gamma three", "delta four"), **overrides):
    data = {
        "id": f"q{n}",
        "domain": "D1",
        "task": "1.1",
        "type": "single",
        "stem": STEMS[n % len(STEMS)],
        "options": [
            {"id": letter, "text": text, "explanation": f"why {letter}"}
            for letter, text in zip("ABCD", texts, strict=True)
        ],
        "key": key if isinstance(key, list) else [key or "ABCD"[n % 4]],
        "explanation": "because",
        "references": [{"title": "ref", "url": "https://docs.aws.amazon.com/x.html"}],
        "review": {"status": "reviewed"},
    }
    data.update(overrides)
    return data


def bank(tmp_path, questions, goals=None):
    folder = tmp_path / "bank" / "tst-01"
    shutil.copytree(TEST_BANK / "tst-01", folder)
    if goals:
        exam = yaml.safe_load((folder / "exam.yaml").read_text())
        exam["bank_goals"] = goals
        (folder / "exam.yaml").write_text(yaml.safe_dump(exam))
    (folder / "questions" / "questions.yaml").write_text(yaml.safe_dump({"questions": questions}))
    return load_exam(folder)


def rules(findings, severity="error"):
    return sorted({f.rule for f in findings if f.severity == severity})


BALANCED = [question(i) for i in range(8)]


def test_a_clean_bank_has_no_findings(tmp_path):
    assert lint_exam(bank(tmp_path, BALANCED)) == []


def test_near_duplicate_stems_are_an_error_naming_both_questions(tmp_path):
    twin = question(20, stem=STEMS[1].replace("milliseconds", "seconds"), key="B")
    findings = lint_exam(bank(tmp_path, BALANCED + [twin]))
    [duplicate] = [f for f in findings if f.rule == "near-duplicate"]
    assert duplicate.question == "q1" and "question q20" in duplicate.message
    assert duplicate.path.endswith("questions.yaml") and duplicate.line > 1


def test_token_set_similarity_ignores_order_and_repeats():
    assert similarity(stem_tokens("a b c"), stem_tokens("c b a a")) == 1.0
    assert similarity(stem_tokens("a b"), stem_tokens("c d")) == 0.0


@pytest.mark.parametrize("text", ["All of the above", "None of these", "Both A and B", "neither of the above"])
def test_options_that_point_at_other_options_are_errors(tmp_path, text):
    flawed = question(0, texts=("alpha one", "beta two", text, "delta four"))
    findings = lint_exam(bank(tmp_path, [flawed] + BALANCED[1:]))
    assert "giveaway-option" in rules(findings)


def test_a_question_without_a_reference_is_an_error(tmp_path):
    findings = lint_exam(bank(tmp_path, [question(0, references=[])] + BALANCED[1:]))
    assert rules(findings) == ["reference"]


def test_schema_problems_such_as_a_choose_n_mismatch_are_errors(tmp_path):
    wrong = question(
        0,
        type="multiple",
        stem="Pick the right ones. (Choose three.)",
        key=["A", "B"],
        options=[{"id": x, "text": x, "explanation": x} for x in "ABCDE"],
    )
    [finding] = [f for f in lint_exam(bank(tmp_path, [wrong] + BALANCED[1:])) if f.rule == "schema"]
    assert "says choose 3 but the key has 2" in finding.message and finding.question == "q0"


def test_an_unreviewed_question_is_a_warning(tmp_path):
    findings = lint_exam(bank(tmp_path, [question(0, review={"status": "draft"})] + BALANCED[1:]))
    assert rules(findings, "warning") == ["unreviewed"] and rules(findings) == []


def test_keys_that_are_usually_the_longest_option_are_an_error(tmp_path):
    long_key = [
        question(
            i,
            key="ABCD"[i % 4],
            texts=tuple(
                "a much longer and more careful option" if letter == "ABCD"[i % 4] else "short" for letter in "ABCD"
            ),
        )
        for i in range(8)
    ]
    findings = lint_exam(bank(tmp_path, long_key))
    [finding] = [f for f in findings if f.rule == "longest-key"]
    assert "8 of 8 single-answer questions (100%)" in finding.message


def test_keys_that_are_seldom_the_longest_or_shortest_option_are_errors_too(tmp_path):
    """'Never pick the longest' beats chance when the key is the longest option in under 15% of questions."""

    def middling(n):
        key = "ABCD"[n % 4]
        others = iter(["a much longer distractor", "short", "brief"])
        return question(
            n, key=key, texts=tuple("a middling key" if letter == key else next(others) for letter in "ABCD")
        )

    findings = lint_exam(bank(tmp_path, [middling(n) for n in range(8)]))
    messages = {f.rule: f.message for f in findings if f.severity == "error"}
    assert "the key is the longest option in 0 of 8" in messages["longest-key"]
    assert "'never pick the longest' beats it" in messages["longest-key"]
    assert "the key is the shortest option in 0 of 8" in messages["shortest-key"]


def test_a_key_alone_free_of_absolute_words_is_a_warning(tmp_path):
    hedged = question(
        0, key="C", texts=("It always fails", "Only the first shard", "Usually the hot shard", "Every record is lost")
    )
    [finding] = [f for f in lint_exam(bank(tmp_path, [hedged] + BALANCED[1:])) if f.rule == "hedged-key"]
    assert finding.question == "q0" and finding.severity == "warning"


def test_a_key_alone_repeating_a_phrase_of_the_stem_is_a_warning(tmp_path):
    echo = question(
        0,
        key="B",
        stem="A team must keep streaming checkpoints while the cluster scales in.",
        texts=(
            "Write logs to disk",
            "Store streaming checkpoints in Amazon S3",
            "Add more shards",
            "Lower the batch size",
        ),
    )
    [finding] = [f for f in lint_exam(bank(tmp_path, [echo] + BALANCED[1:])) if f.rule == "stem-echo"]
    assert "'streaming checkpoints'" in finding.message and finding.question == "q0"
    fair = dict(
        echo,
        options=[
            dict(o, text=o["text"] + (" of streaming checkpoints" if o["id"] == "A" else "")) for o in echo["options"]
        ],
    )
    assert not [f for f in lint_exam(bank(tmp_path / "fair", [fair] + BALANCED[1:])) if f.rule == "stem-echo"]


def test_keys_crowding_one_position_are_a_warning(tmp_path):
    findings = lint_exam(bank(tmp_path, [question(i, key="A") for i in range(8)]))
    assert rules(findings, "warning") == ["key-position"]
    assert any("position A in 100%" in f.message for f in findings)


def test_coverage_below_the_goals_names_the_domain_and_task(tmp_path):
    findings = lint_exam(bank(tmp_path, BALANCED, goals={"questions": 40, "per_task": 5}))
    messages = [f.message for f in findings if f.rule == "coverage"]
    assert "TST-01 domain D2 (Beta) has 0 questions; the goal is 20" in messages
    assert "TST-01 task 1.2 has 0 questions; the goal is 5" in messages
    assert not any("task 1.1" in m for m in messages)


def test_stats_count_by_domain_task_type_and_difficulty(tmp_path):
    figures = stats(bank(tmp_path, BALANCED))
    assert figures["questions"] == 8 and figures["domains"] == {"D1": 8, "D2": 0}
    assert figures["tasks"] == {"1.1": 8, "1.2": 0, "2.1": 0}
    assert figures["types"] == {"single": 8} and figures["difficulty"] == {"2": 8}
    assert figures["single_answer_key_positions"] == {"A": 2, "B": 2, "C": 2, "D": 2}


def test_lint_command_exits_non_zero_on_an_error_and_names_it(tmp_path):
    bank(tmp_path, [question(0, references=[])] + BALANCED[1:])
    result = CliRunner().invoke(cli, ["bank", "lint", str(tmp_path / "bank")])
    assert result.exit_code == 1
    assert "question q0: [reference] the question cites no reference" in result.output


def test_the_shipped_bank_lints_without_errors():
    result = CliRunner().invoke(cli, ["bank", "lint", str(ROOT / "question_bank")])
    assert result.exit_code == 0, result.output


def test_stats_command_prints_json_per_exam():
    result = CliRunner().invoke(cli, ["bank", "stats", "--json", str(ROOT / "question_bank")])
    data = json.loads(result.output)
    assert data["MLS-C01"]["questions"] >= 100 and set(data) >= {"MLS-C01", "MLA-C01"}
