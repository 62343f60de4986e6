"""The upload page and the HTTP endpoint: admins only, a dry run first, one transaction when stored."""

import re
from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import cli
from app.db.tables import Question, QuestionVersion

FILES = Path(__file__).parents[2] / "data" / "imports"


def upload(client, name, **form):
    return client.post(
        "/admin/import", data={"exam": "TST-01", **form}, files=[("files", (name, (FILES / name).read_bytes()))]
    )


def stored(app, slug):
    with Session(app.state.engine) as session:
        return session.exec(select(Question).where(Question.slug == slug)).first() is not None


def test_candidates_do_not_see_the_admin_pages(client):
    assert client.get("/admin/import").status_code == 404
    assert upload(client, "sheet.csv").status_code == 404


def test_an_upload_is_checked_first_and_stored_only_when_the_admin_says_so(admin_client, app):
    check = upload(admin_client, "sheet.csv")
    assert check.status_code == 200 and "2 new, 0 changed, 0 unchanged" in check.text
    assert not stored(app, "csv-scaling")
    batch = check.text.split("/admin/imports/")[1].split("/commit")[0]
    committed = admin_client.post(f"/admin/imports/{batch}/commit")
    assert committed.status_code == 200 and "Stored 2 new and 0 changed questions" in committed.text
    assert stored(app, "csv-scaling")
    twice = admin_client.post(f"/admin/imports/{batch}/commit")
    assert twice.status_code == 409 and "was committed already" in twice.text
    assert "sheet.csv" in admin_client.get("/admin/import").text


def test_an_upload_with_errors_offers_no_store_button(admin_client, app):
    response = upload(admin_client, "questions.aiken.txt")
    assert response.status_code == 422 and "no domain" in response.text and "Store " not in response.text
    fixed = upload(admin_client, "questions.aiken.txt", domain="D2", task="2.1")
    assert fixed.status_code == 200 and "Store 2 new and changed questions" in fixed.text


def test_the_api_needs_an_admin_token(client):
    response = client.post(
        "/api/imports",
        data={"exam": "TST-01"},
        files=[("files", ("sheet.csv", (FILES / "sheet.csv").read_bytes()))],
        headers={"Authorization": "Bearer nonsense", "X-CSRF-Token": ""},
    )
    assert response.status_code == 401 and "API token is required" in response.json()["detail"]


def test_the_api_checks_and_commits_with_a_token(admin_client, app, settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    token = CliRunner().invoke(cli, ["admin", "token", "root@example.com"]).output.strip()
    assert token.startswith("mx_")
    api = {"Authorization": f"Bearer {token}"}
    files = [("files", ("sheet.csv", (FILES / "sheet.csv").read_bytes()))]
    dry = admin_client.post("/api/imports", data={"exam": "TST-01"}, files=files, headers=api)
    assert dry.status_code == 200 and dry.json()["committed"] is False and not stored(app, "csv-scaling")
    assert dry.json()["reports"][0]["counts"]["new"] == 2
    done = admin_client.post("/api/imports", data={"exam": "TST-01", "commit": "true"}, files=files, headers=api)
    assert done.status_code == 200 and done.json()["stored"] == {"new": 2, "changed": 0, "unchanged": 0, "drafts": 1}
    bad = admin_client.post(
        "/api/imports",
        data={"exam": "TST-01", "commit": "true"},
        headers=api,
        files=[("files", ("broken.yaml", (FILES / "broken.yaml").read_bytes()))],
    )
    assert bad.status_code == 422 and "is not valid YAML/JSON" in bad.json()["reports"][0]["errors"][0]


def test_a_file_nested_too_deeply_is_refused_by_name_everywhere(admin_client, app, settings, monkeypatch, tmp_path):
    deep = ("deep.yaml", ("questions: " + "[" * 50_000 + "]" * 50_000).encode())
    page = admin_client.post("/admin/import", data={"exam": "TST-01"}, files=[("files", deep)])
    assert page.status_code == 422 and "deep.yaml nests lists or mappings too deeply" in page.text
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    token = CliRunner().invoke(cli, ["admin", "token", "root@example.com"]).output.strip()
    api = admin_client.post(
        "/api/imports", data={"exam": "TST-01"}, files=[("files", deep)], headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status_code == 422 and "nests lists or mappings too deeply" in api.text
    (tmp_path / "deep.yaml").write_bytes(deep[1])
    command = CliRunner().invoke(cli, ["bank", "import", str(tmp_path / "deep.yaml"), "--exam", "TST-01"])
    assert command.exit_code == 1 and "deep.yaml nests lists or mappings too deeply" in command.output


def test_an_export_nested_too_deeply_is_refused_by_the_import_command(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50_000 + "]" * 50_000)
    result = CliRunner().invoke(cli, ["import", str(deep)])
    assert result.exit_code == 1 and "nests lists or objects too deeply" in result.output


def test_storing_one_file_keeps_the_check_of_every_other_file_of_the_upload(admin_client, app):
    page = admin_client.get("/admin/import").text
    assert 'id="csv-columns"' in page and "option_a, explanation_a" in page
    check = admin_client.post(
        "/admin/import",
        data={"exam": "TST-01"},
        files=[("files", (name, (FILES / name).read_bytes())) for name in ("sheet.csv", "quiz.xml")],
    )
    forms = re.findall(r'action="/admin/imports/(\d+)/commit"', check.text)
    assert len(forms) == 2
    shown = re.findall(r'name="shown" value="(\d+)"', check.text)[:2]
    first = admin_client.post(f"/admin/imports/{forms[0]}/commit", data={"shown": shown})
    assert first.status_code == 200 and "Stored " in first.text
    assert "sheet.csv" in first.text and "quiz.xml" in first.text
    assert re.findall(r'action="/admin/imports/(\d+)/commit"', first.text) == [forms[1]]  # the other one, unstored
    second = admin_client.post(f"/admin/imports/{forms[1]}/commit", data={"shown": shown})
    assert second.status_code == 200 and "/commit" not in second.text
    assert admin_client.post(f"/admin/imports/{forms[1]}/commit", data={"shown": ["0"]}).status_code == 422


def test_the_page_and_the_api_can_store_only_the_valid_questions(admin_client, app, settings, monkeypatch, tmp_path):
    rows = (FILES / "sheet.csv").read_text().splitlines()
    bad = "csv-broken,D1,1.1,single,1,,A stem with a key that is no option?,One,x,Two,y,Three,z,Four,w,,,G,Why.,,"
    mixed = ("\n".join([rows[0], rows[1], bad]) + "\n").encode()
    check = admin_client.post("/admin/import", data={"exam": "TST-01"}, files=[("files", ("mixed.csv", mixed))])
    assert check.status_code == 422 and "Store only the 1 questions without errors from mixed.csv" in check.text
    batch = check.text.split("/admin/imports/")[1].split("/commit")[0]
    whole = admin_client.post(f"/admin/imports/{batch}/commit")
    assert whole.status_code == 422 and not stored(app, "csv-scaling")
    part = admin_client.post(f"/admin/imports/{batch}/commit", data={"partial": "true"})
    assert part.status_code == 200 and "Stored 1 new" in part.text and "key names no option: G" in part.text
    assert stored(app, "csv-scaling") and not stored(app, "csv-broken")


def test_the_upload_page_adds_a_missing_choose_n_when_asked_and_stores_the_stem_it_showed(admin_client, app):
    from tests.test_imports import NO_CHOOSE_ROW

    def check(**form):
        files = [("files", ("no-choose.csv", NO_CHOOSE_ROW.encode()))]
        return admin_client.post("/admin/import", data={"exam": "TST-01", **form}, files=files)

    refused = check()
    assert refused.status_code == 422 and "must say how many to choose" in refused.text
    added = check(add_choose="true")
    assert added.status_code == 200 and "(Choose two.) added to the stem" in added.text
    batch = added.text.split("/admin/imports/")[1].split("/commit")[0]
    assert admin_client.post(f"/admin/imports/{batch}/commit").status_code == 200
    with Session(app.state.engine) as session:
        question = session.exec(select(Question).where(Question.slug == "csv-two-keys")).one()
        version = session.get(QuestionVersion, question.current_version_id)
        assert version.content["stem"].endswith("(Choose two.)")
