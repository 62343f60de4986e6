"""The loader never crashes on a question file, whatever it holds: every defect becomes a problem."""

import shutil

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.bank.loader import load_exam
from tests.conftest import TEST_BANK

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
question_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=12), st.integers()),
        "domain": st.sampled_from(["D1", "D2", "D9", 3]),
        "task": st.one_of(st.sampled_from(["1.1", "2.1"]), st.floats(allow_nan=False)),
        "type": st.sampled_from(["single", "multiple", "essay"]),
        "stem": values,
        "options": values,
        "key": values,
        "explanation": values,
        "references": values,
        "extra": values,
    },
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=st.one_of(values, st.fixed_dictionaries({"questions": st.lists(question_like, max_size=4)})))
def test_any_yaml_document_loads_into_questions_or_problems(tmp_path_factory, document):
    folder = tmp_path_factory.mktemp("bank") / "tst-01"
    shutil.copytree(TEST_BANK / "tst-01", folder)
    (folder / "questions" / "questions.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    loaded = load_exam(folder)
    assert all(problem.message for problem in loaded.problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_any_bytes_load_into_problems_not_crashes(tmp_path_factory, raw):
    folder = tmp_path_factory.mktemp("bank") / "tst-01"
    shutil.copytree(TEST_BANK / "tst-01", folder)
    (folder / "questions" / "questions.yaml").write_bytes(raw)
    loaded = load_exam(folder)
    assert loaded.questions == [] or not loaded.problems or all(p.message for p in loaded.problems)
