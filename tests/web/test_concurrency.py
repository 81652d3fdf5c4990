"""No lost update under real concurrency: many requests save the same answer version at once
through a live, threaded server; exactly one wins, every other one is told of the conflict."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.test import Client

from polindex.web.collection.models import Answer

from .conftest import complete

SAVERS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_version(
    live_server: Any, edition: Any, people: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(people["expert_at"])
    client.get("/work/demo-2025/AT/")  # the answer rows
    session = client.cookies["sessionid"].value
    csrf = "x" * 32
    url = f"{live_server.url}/work/demo-2025/AT/LMM1/"
    results: list[int] = []
    start = threading.Barrier(SAVERS)

    def save(k: int) -> None:
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf, "action": "autosave", "version": 1,
             **complete(option="abc"[k % 3], justification=f"Saver {k}.")}
        ).encode()  # fmt: skip
        request = urllib.request.Request(url, body, method="POST")
        request.add_header("Cookie", f"sessionid={session}; csrftoken={csrf}")
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                results.append(response.status)
        except urllib.error.HTTPError as exc:
            results.append(exc.code)

    threads = [threading.Thread(target=save, args=(k,)) for k in range(SAVERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [409] * (SAVERS - 1)
    answer = Answer.objects.get(unit="AT", indicator="LMM1")
    assert answer.version == 2
    assert answer.changes.count() == 1  # one save, one history entry
    winner = int(answer.justification.split()[1].rstrip("."))
    assert answer.option == "abc"[winner % 3]
