"""Exporting a selection of the bank as GIFT and Moodle XML: what is written reads back the same through our own
import (id, type, stem, options with their explanations, key, explanation, matching pairs, ordering steps), what
a format cannot hold is left out and named with its reason, and the command and the admin download work end to
end."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from app.bank.exports import gift_escape, write_gift, write_moodle_xml
from app.bank.imports import read_gift, read_moodle_xml, read_upload
from app.bank.loader import load_bank
from app.bank.upload_check import check_upload
from app.cli import cli
from app.config import ROOT
from app.db import bank

READ = {"gift": read_gift, "moodle-xml": read_moodle_xml}
WRITE = {"gift": write_gift, "moodle-xml": write_moodle_xml}


@pytest.fixture(scope="module")
def shipped():
    return {exam.blueprint.code: exam for exam in load_bank(ROOT / "question_bank")}


def by_id(upload) -> dict[str, dict]:
    return {parsed.content["id"]: parsed.content for parsed in upload.questions}


def options(content: dict) -> list[tuple[str, str, str]]:
    return [(o["id"], o["text"], o["explanation"]) for o in content["options"]]


def steps(content: dict) -> list[tuple[str, str]]:
    """An ordering question's steps in their right order, with their explanations: what it means, whatever
    letters the steps carry."""
    found = {o["id"]: (o["text"], o["explanation"]) for o in content["options"]}
    return [found[k] for k in content["key"]]


def pairs(content: dict) -> dict[str, str]:
    """A matching question's prompt text -> response text."""
    responses = {o["id"]: o["text"] for o in content["options"]}
    return {p["text"]: responses[content["key"][p["id"]]] for p in content["prompts"]}


def assert_same(before: dict, after: dict, fmt: str) -> None:
    assert after["id"] == before["id"]
    assert (after["type"], after["stem"], after["explanation"]) == (
        before["type"],
        before["stem"],
        before["explanation"],
    ), before["id"]
    if before["type"] == "ordering":
        assert steps(after) == steps(before), before["id"]
    elif before["type"] == "matching":
        assert pairs(after) == pairs(before), before["id"]
        assert [o["text"] for o in after["options"]] == [o["text"] for o in before["options"]], before["id"]
        assert after["key"] == before["key"] and [p["id"] for p in after["prompts"]] == [
            p["id"] for p in before["prompts"]
        ]
    else:
        assert options(after) == options(before), before["id"]
        assert after["key"] == before["key"], before["id"]


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml"])
@pytest.mark.parametrize("code", ["MLA-C02", "MLS-C01"])
def test_every_shipped_question_a_format_can_hold_reads_back_the_same(shipped, code, fmt):
    contents = [q.content() for q in shipped[code].questions]
    written = WRITE[fmt](contents, exam=code)
    back = by_id(READ[fmt](written.text, f"bank.{fmt}"))
    assert set(back) == set(written.written)
    left_out = {item.id for item in written.left_out}
    assert set(written.written) | left_out == {c["id"] for c in contents} and not set(written.written) & left_out
    for content in contents:
        if content["id"] in back:
            assert_same(content, back[content["id"]], fmt)
    # Only case studies (both formats) and ordering questions (GIFT) are left out.
    for content in contents:
        if content["id"] in left_out:
            assert content.get("case") or (fmt == "gift" and content["type"] == "ordering"), content["id"]
    kinds = {back[i]["type"] for i in back}
    assert {"single", "multiple"} <= kinds
    if code == "MLA-C02":
        assert "matching" in kinds and ("ordering" in kinds) == (fmt == "moodle-xml")


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml"])
def test_the_category_gives_back_domain_and_task_on_import_into_the_same_exam(shipped, fmt):
    exam = shipped["MLS-C01"]
    contents = [q.content() for q in exam.questions]
    written = WRITE[fmt](contents, exam="MLS-C01")
    assert "$course$/MLS-C01/D1/1.1" in written.text
    report = check_upload(
        read_upload(written.text.encode(), f"bank.{'gift' if fmt == 'gift' else 'xml'}"),
        exam.blueprint,
        filename="bank",
        current={},
    )
    assert report.errors == [], [str(e) for e in report.errors[:3]]
    placed = {q.id: (q.domain, q.task) for q in report.valid}
    assert placed == {c["id"]: (c["domain"], c["task"]) for c in contents}


def test_ordering_steps_keep_their_explanations_through_moodle_xml_and_relettering_is_reported(shipped):
    ordering = [q.content() for q in shipped["MLA-C02"].questions if q.type == "ordering" and not q.case]
    written = write_moodle_xml(ordering, exam="MLA-C02")
    back = by_id(read_moodle_xml(written.text, "o.xml"))
    assert len(back) == len(ordering) and all(any(s[1] for s in steps(back[q["id"]])) for q in ordering)
    relettered = [q["id"] for q in ordering if q["key"] != sorted(q["key"])]
    assert relettered and all(
        any(loss.startswith(f"{i}: its steps are relettered") for loss in written.losses) for i in relettered
    )


TRICKY = {
    "id": "tricky-chars",
    "domain": "D1",
    "task": "1.1",
    "type": "single",
    "stem": "In `{a: ~b}` = #1 \\ 100%: is <b>bold</b> & café → ok?\n\n    indented code {x}\n\n// not a comment",
    "options": [
        {"id": "A", "text": "=x ~y #z", "explanation": "Braces {} and colons ::name:: stay text."},
        {"id": "B", "text": "%50% of a & b < c", "explanation": "#### not general feedback"},
        {"id": "C", "text": "[html]<p>kept</p>", "explanation": "Back\\slash \\n and \\\\ too."},
        {"id": "D", "text": "-> arrow ½ ünïcödé 日本", "explanation": ""},
    ],
    "key": ["C"],
    "explanation": "General: {braces}, ~tilde, =equals, #hash, a:b.\n\nSecond paragraph with `<tags>` & more.",
}


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml"])
def test_tricky_characters_read_back_unchanged(fmt):
    multiple = dict(TRICKY, id="tricky-multiple", type="multiple", key=["A", "B", "D"])
    matching = {
        "id": "tricky-matching",
        "domain": "D1",
        "task": "1.1",
        "type": "matching",
        "stem": "Match {each} = one: ~tilde #hash",
        "prompts": [
            {"id": "1", "text": "a = b {c}", "explanation": ""},
            {"id": "2", "text": "d ~ e #f", "explanation": ""},
        ],
        "options": [
            {"id": "A", "text": "unused & <x>", "explanation": ""},
            {"id": "B", "text": "x -> y: z", "explanation": ""},
            {"id": "C", "text": "{w} = ~v #u", "explanation": ""},
        ],
        "key": {"1": "C", "2": "B"},
        "explanation": "",
    }
    written = WRITE[fmt]([TRICKY, multiple, matching])
    assert written.left_out == [] and written.losses == []
    back = by_id(READ[fmt](written.text, "t"))
    for question in (TRICKY, multiple, matching):
        assert_same(question, back[question["id"]], fmt)


def test_gift_escapes_every_special_character_and_line_break():
    assert gift_escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"
    question = write_gift([TRICKY]).text
    block = question.split("::tricky-chars::", 1)[1]
    assert "\n\n" not in block and block.startswith("[markdown]")
    assert "\n~%0%%50% of a & b < c#" in block  # a wrong answer whose text starts like a weight
    assert "\n=[markdown][html]<p>kept</p>#" in block  # an answer whose text starts like a format marker


def test_what_a_format_cannot_hold_is_left_out_with_its_reason_and_named_in_the_file(shipped):
    exam = shipped["MLA-C02"]
    case = next(q.content() for q in exam.questions if q.case)
    ordering = next(q.content() for q in exam.questions if q.type == "ordering" and not q.case)
    arrow = {
        "id": "arrow-prompt",
        "domain": "D1",
        "task": "1.1",
        "type": "matching",
        "stem": "Match.",
        "prompts": [{"id": "1", "text": "a -> b", "explanation": ""}, {"id": "2", "text": "c", "explanation": ""}],
        "options": [{"id": "A", "text": "x", "explanation": ""}, {"id": "B", "text": "y", "explanation": ""}],
        "key": {"1": "A", "2": "B"},
        "explanation": "",
    }
    gift = write_gift([case, ordering, arrow, TRICKY])
    reasons = {item.id: item.reason for item in gift.left_out}
    assert gift.written == ["tricky-chars"]
    assert "case study" in reasons[case["id"]]
    assert "GIFT has no ordering questions" in reasons[ordering["id"]]
    assert "'->'" in reasons["arrow-prompt"]
    for qid in reasons:
        assert f"// Left out: {qid}: " in gift.text
    control = dict(TRICKY, id="control-char", stem="A bell \x07 rings?")
    xml = write_moodle_xml([case, ordering, arrow, control])
    reasons = {item.id: item.reason for item in xml.left_out}
    assert set(reasons) == {case["id"], "control-char"} and f"Left out: {case['id']}: " in xml.text
    assert reasons["control-char"].startswith("Moodle XML cannot hold it")
    assert set(xml.written) == {ordering["id"], "arrow-prompt"}
    assert set(by_id(read_moodle_xml(xml.text, "x.xml"))) == set(xml.written)


def test_what_does_not_come_back_the_same_is_reported_as_a_loss(shipped):
    matching = next(q.content() for q in shipped["MLA-C02"].questions if q.type == "matching" and not q.case)
    assert any(p["explanation"] for p in matching["prompts"])
    for writer in (write_gift, write_moodle_xml):
        written = writer([matching])
        assert written.written == [matching["id"]]
        [loss] = written.losses
        assert loss.startswith(matching["id"]) and "prompts.1.explanation" in loss and "no feedback" in loss
        assert "Changes on import: " in written.text
    odd = dict(TRICKY, id="double--hyphen")
    [loss] = write_gift([odd]).losses
    assert loss.startswith("double--hyphen: id will read back different")


def test_tags_and_references_are_in_the_file_though_an_import_does_not_take_them_back(shipped):
    question = shipped["MLS-C01"].questions[0].content()
    gift = write_gift([question]).text
    xml = write_moodle_xml([question]).text
    for reference in question["references"]:
        assert reference["url"] in gift and reference["url"] in xml
    for tag in question["tags"]:
        assert re.search(rf"<tag>\s*<text>{tag}</text>\s*</tag>", xml)
        assert tag in gift
    assert "are not read back by an import" in gift and "are not read back by an import" in xml


# ---- the command and the admin download ---------------------------------------------------------------


def test_the_command_writes_the_selection_and_the_file_reads_back(tmp_path, settings, monkeypatch, app):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    runner = CliRunner()
    out = tmp_path / "d2.gift"
    result = runner.invoke(
        cli, ["bank", "export", "--format", "gift", "--exam", "TST-01", "--domain", "D2", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 4 questions as gift" in result.output
    with Session(app.state.engine) as session:
        blueprint = bank.get_blueprint(session=session, code="TST-01")
        stored = {c["id"]: c for _, c in bank.list_questions(session=session, exam_code="TST-01", domain="D2")}
        current = bank.current_hashes(session=session, exam_code="TST-01")
    report = check_upload(read_upload(out.read_bytes(), "d2.gift"), blueprint, filename="d2.gift", current=current)
    assert report.errors == [] and {q.id for q in report.valid} == set(stored)
    for question in report.valid:
        assert_same(stored[question.id], question.content(), "gift")
        assert (question.domain, question.task) == (stored[question.id]["domain"], stored[question.id]["task"])

    xml = tmp_path / "two.xml"
    ids = ["--ids", "d1-1-1-q1,d2-2-1-q1"]
    result = runner.invoke(cli, ["bank", "export", "--format", "moodle-xml", "--exam", "TST-01", *ids, "-o", str(xml)])
    assert result.exit_code == 0, result.output
    assert set(by_id(read_moodle_xml(xml.read_text(), "two.xml"))) == {"d1-1-1-q1", "d2-2-1-q1"}

    unknown = runner.invoke(cli, ["bank", "export", "--format", "gift", "--exam", "TST-01", "--ids", "nope", "-o", "-"])
    assert unknown.exit_code == 1 and "no question nope" in unknown.output
    wrong = runner.invoke(cli, ["bank", "export", "--format", "qti", "--exam", "TST-01", "-o", "-"])
    assert wrong.exit_code == 2 and "unknown format 'qti'" in wrong.output


@pytest.mark.parametrize(
    ("fmt", "media", "suffix"), [("gift", "text/plain", "gift"), ("moodle-xml", "application/xml", "xml")]
)
def test_the_admin_download_writes_the_lists_selection(admin_client, app, fmt, media, suffix):
    page = admin_client.get("/admin/questions?exam=TST-01&domain=D1").text
    assert f"/admin/questions/export?exam=TST-01&amp;domain=D1&amp;format={fmt}" in page
    response = admin_client.get(f"/admin/questions/export?exam=TST-01&domain=D1&format={fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media}; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="tst-01-questions.{suffix}"'
    back = by_id(READ[fmt](response.text, f"tst.{suffix}"))
    with Session(app.state.engine) as session:
        stored = {c["id"]: c for _, c in bank.list_questions(session=session, exam_code="TST-01", domain="D1")}
    assert set(back) == set(stored) and len(stored) == 6
    for qid, content in stored.items():
        assert_same(content, back[qid], fmt)
    assert admin_client.get("/admin/questions/export?exam=TST-01&format=qti").status_code == 422
    assert admin_client.get("/admin/questions/export?exam=NOPE&format=gift").status_code == 422


def test_candidates_cannot_download_the_bank(client):
    assert client.get("/admin/questions/export?exam=TST-01&format=gift").status_code == 404


def test_moodle_xml_reads_a_markdown_text_as_written_and_an_ordering_steps_feedback():
    text = """<quiz><question type="ordering"><name><text>Steps</text></name>
      <questiontext format="markdown"><text>Order:

    indented &lt;b&gt;x&lt;/b&gt; &amp;amp;</text></questiontext>
      <answer fraction="1" format="markdown"><text>one</text>
        <feedback format="html"><text>&lt;p&gt;First.&lt;/p&gt;</text></feedback></answer>
      <answer fraction="2" format="markdown"><text>two</text></answer>
    </question></quiz>"""
    question = by_id(read_moodle_xml(text, "q.xml"))["steps"]
    assert question["stem"] == "Order:\n\n    indented <b>x</b> &amp;"
    assert [(o["text"], o["explanation"]) for o in question["options"]] == [("one", "First."), ("two", "")]
