"""A category mapping on the upload page and in the API: it places the questions, and Store places them alike."""

from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import cli
from app.db.tables import Question
from tests.test_category_mapping import GIFT, MAPPING


def placed(app) -> dict[str, tuple[str, str]]:
    with Session(app.state.engine) as session:
        return {
            q.slug: (q.domain, q.task) for q in session.exec(select(Question).where(Question.exam_code == "TST-01"))
        }


def test_the_upload_page_offers_a_mapping_file_and_store_places_the_questions_as_the_check_did(admin_client, app):
    assert 'name="categories" type="file"' in admin_client.get("/admin/import").text
    check = admin_client.post(
        "/admin/import",
        data={"exam": "TST-01", "domain": "D1", "task": "1.1"},
        files=[("files", ("unit.gift", GIFT.encode())), ("categories", ("units.yaml", MAPPING.encode()))],
    )
    assert check.status_code == 200 and "4 new, 0 changed, 0 unchanged" in check.text
    batch = check.text.split("/admin/imports/")[1].split("/commit")[0]
    committed = admin_client.post(f"/admin/imports/{batch}/commit")
    assert committed.status_code == 200 and "Stored 4 new" in committed.text
    questions = placed(app)
    assert questions["dns-port"] == ("D1", "1.2") and questions["no-handshake"] == ("D2", "2.1")
    assert questions["own-place"] == ("D2", "2.1") and questions["no-place"] == ("D1", "1.1")


def test_the_upload_page_without_a_mapping_file_places_as_before(admin_client, app):
    check = admin_client.post(
        "/admin/import",
        data={"exam": "TST-01", "domain": "D1", "task": "1.1"},
        files=[("files", ("unit.gift", GIFT.encode())), ("categories", ("", b""))],
    )
    assert check.status_code == 200
    batch = check.text.split("/admin/imports/")[1].split("/commit")[0]
    admin_client.post(f"/admin/imports/{batch}/commit")
    assert placed(app)["dns-port"] == ("D1", "1.1")


def test_the_upload_page_refuses_a_mapping_line_naming_an_unknown_task(admin_client):
    check = admin_client.post(
        "/admin/import",
        data={"exam": "TST-01", "domain": "D1", "task": "1.1"},
        files=[("files", ("unit.gift", GIFT.encode())), ("categories", ("units.yaml", b'"x": D1/1.9\n'))],
    )
    assert check.status_code == 422 and "units.yaml line 1" in check.text
    assert "task &#39;1.9&#39; is not in domain D1" in check.text and "Store " not in check.text


def test_the_api_takes_a_mapping_file(admin_client, app, settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    token = CliRunner().invoke(cli, ["admin", "token", "root@example.com"]).output.strip()
    done = admin_client.post(
        "/api/imports",
        data={"exam": "TST-01", "domain": "D1", "task": "1.1", "commit": "true"},
        files=[
            ("files", ("unit.gift", GIFT.encode())),
            ("categories", ("units.csv", b"$course$/Networking/Protocols,D2/2.1\n")),
        ],
        headers={"Authorization": f"Bearer {token}"},
    )
    assert done.status_code == 200, done.json()
    assert done.json()["reports"][0]["domains"] == {"D1": 2, "D2": 2}
    refused = admin_client.post(
        "/api/imports",
        data={"exam": "TST-01", "domain": "D1", "task": "1.1"},
        files=[("files", ("unit.gift", GIFT.encode())), ("categories", ("units.yaml", b'"x": D9/1.1\n'))],
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 422
    assert refused.json()["reports"][0]["errors"][0] == (
        "units.yaml line 1: (categories): 'x': unknown domain 'D9'; TST-01 has D1, D2"
    )
