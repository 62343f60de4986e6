"""Bad input of every kind: a 4xx with a clear message, never a 500, and nothing changed."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.helpers import paper, start


@pytest.fixture
def attempt(client):
    return start(client)


def _unchanged(app, attempt):
    return all(i["selection"] == "" and not i["flagged"] and i["struck"] == "" for i in paper(app, attempt))


def test_an_oversized_body_is_refused_before_it_is_read(client, app, attempt):
    response = client.post(
        f"/attempts/{attempt}/questions/1",
        content=b"x" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413 and "larger than the 1024 KiB" in response.json()["error"]
    assert _unchanged(app, attempt)


def test_a_body_of_the_wrong_type_is_refused_by_name(client, app, attempt):
    response = client.post(
        f"/attempts/{attempt}/questions/1", content=b'{"action": "flag"}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 415 and "not application/json" in response.json()["error"]
    assert _unchanged(app, attempt)


def test_malformed_utf8_in_a_form_is_a_clear_refusal(client, app, attempt):
    response = client.post(
        f"/attempts/{attempt}/questions/1",
        content=b"choice=%FF%FE&action=next&carries_selection=true",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 422 and "Unknown option" in response.text and "\ufffd" not in response.text
    assert _unchanged(app, attempt)


@pytest.mark.parametrize(
    "path", ["/attempts/nope/questions/1", "/attempts/nope/report", "/exams/X/attempts", "/attempts/nope/domains/D1"]
)
def test_unknown_ids_are_not_found(client, path):
    response = client.get(path) if "exams" not in path else client.post(path)
    assert response.status_code == 404


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    choice=st.lists(st.text(max_size=6), max_size=4),
    action=st.one_of(
        st.sampled_from(["next", "previous", "flag", "review", "end", "check", "strike-B"]), st.text(max_size=12)
    ),
    position=st.integers(min_value=-3, max_value=12),
)
def test_any_exam_form_gets_an_answer_below_500(client, attempt, choice, action, position):
    response = client.post(
        f"/attempts/{attempt}/questions/{position}",
        data={"choice": choice, "action": action, "carries_selection": "true"},
    )
    assert response.status_code < 500, response.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(letters=st.lists(st.sampled_from(list(string.ascii_uppercase[:8]) + ["", " ", "a", "AB"]), max_size=5))
def test_autosave_accepts_valid_letters_and_names_invalid_ones(client, attempt, letters):
    response = client.post(
        f"/attempts/{attempt}/questions/1/answer", data={"choice": letters}, headers={"HX-Request": "true"}
    )
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        # Either an option that is not on the screen, or more letters than a "(Choose N)" question takes.
        assert "option" in response.text or "This question takes" in response.text


def test_an_autosave_with_too_many_fields_is_refused_by_name(client, app, attempt):
    body = "&".join(["choice=A"] * 1001)
    response = client.post(
        f"/attempts/{attempt}/questions/1/answer",
        content=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"},
    )
    assert response.status_code == 400 and "more than 1000 fields" in response.text
    assert _unchanged(app, attempt)


def test_an_autosave_form_reads_as_starlette_would(client, app, attempt):
    """The standard library's parser: a charset parameter, plus signs, percent escapes, empty values."""
    letter = paper(app, attempt)[0]["key"][0]
    response = client.post(
        f"/attempts/{attempt}/questions/1/answer",
        content=f"choice=%{ord(letter):02X}&before=&unused=a+b%20c".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", "HX-Request": "true"},
    )
    assert response.status_code == 200, response.text
    assert paper(app, attempt)[0]["selection"] != ""


def test_an_autosave_as_multipart_is_still_read(client, app, attempt):
    response = client.post(
        f"/attempts/{attempt}/questions/1/answer",
        data={"choice": "A"},
        files={"ignored": ("a.txt", b"x")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.text
    assert paper(app, attempt)[0]["selection"] != ""


def test_an_autosave_with_a_file_for_its_choice_is_refused_by_name(client, app, attempt):
    response = client.post(
        f"/attempts/{attempt}/questions/1/answer",
        files={"choice": ("a.txt", b"A", "text/plain")},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422 and "not a file" in response.text
    assert _unchanged(app, attempt)


@pytest.mark.parametrize(
    "position, status", [("abc", 404), ("-1", 404), ("0", 404), ("99", 404), ("01", 200), ("+1", 200)]
)
def test_a_question_position_names_a_question_of_the_paper_or_nothing(client, attempt, position, status):
    response = client.get(f"/attempts/{attempt}/questions/{position}")
    assert response.status_code == status
    assert "text/html" in response.headers["content-type"]


def test_a_host_header_the_server_was_not_configured_for_is_refused(client):
    response = client.get("/signin", headers={"Host": "evil.example"})
    assert response.status_code == 400 and "Invalid host header" in response.text
    assert "content-security-policy" in response.headers


def test_a_trailing_slash_redirects_to_a_relative_path_and_keeps_the_query(client):
    response = client.get("/signin/?next=1")
    assert response.status_code == 308 and response.headers["location"] == "/signin?next=1"
    assert client.get("/no-such-page/").status_code == 404


BEYOND_64_BITS = "99999999999999999999"


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/attempts/{attempt}/questions/" + BEYOND_64_BITS),
        ("post", "/attempts/{attempt}/questions/" + BEYOND_64_BITS),
        ("post", "/attempts/{attempt}/questions/" + BEYOND_64_BITS + "/answer"),
        ("post", "/attempts/{attempt}/questions/" + BEYOND_64_BITS + "/report"),
        ("get", "/attempts/{attempt}/questions/2147483648"),
        ("get", "/attempts/{attempt}/questions/999999999"),
    ],
)
def test_numbers_no_column_holds_are_refused_as_input_or_not_found(client, attempt, method, path):
    url = path.format(attempt=attempt)
    response = client.get(url) if method == "get" else client.post(url, data={"action": "flag", "choice": "A"})
    assert response.status_code in (404, 422), response.text
