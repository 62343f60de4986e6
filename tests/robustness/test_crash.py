"""SIGKILL the server again and again in the middle of a sitting: every acknowledged write survives."""

from __future__ import annotations

import re

from tests.conftest import TEST_BANK
from tests.live_server import browser_like_client


def test_killing_the_server_between_writes_loses_no_acknowledged_answer_or_flag(server_factory):
    server = server_factory(mockexam_bank_dir=TEST_BANK)
    client = browser_like_client(server)
    attempt = re.search(r"/attempts/(\w+)/", client.post("/exams/TST-01/attempts").headers["location"]).group(1)
    deadline_text = None
    for position in range(1, 7):
        saved = client.post(
            f"/attempts/{attempt}/questions/{position}/answer", data={"choice": ["B"]}, headers={"HX-Request": "true"}
        )
        assert saved.status_code == 200 and "Saved at" in saved.text
        if position % 2 == 0:
            assert client.post(f"/attempts/{attempt}/questions/{position}", data={"action": "flag"}).status_code == 303
        server.kill()
        server.start()
        clock = client.get(f"/attempts/{attempt}/clock").json()
        deadline_text = deadline_text or clock["deadline"]
        assert clock["deadline"] == deadline_text and not clock["finished"]
        for earlier in range(1, position + 1):
            page = client.get(f"/attempts/{attempt}/questions/{earlier}").text
            assert 'id="choice-B" value="B" checked' in page, (position, earlier)
            assert ('aria-pressed="true"' in page.split('id="btn-flag"')[1][:80]) == (earlier % 2 == 0)
    client.close()
