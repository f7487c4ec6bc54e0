"""Cassettes: recorded responses replayed in order through the real client code."""

from __future__ import annotations

import json

import pytest
from sources_fakes import ScriptedTransport, ok, write_cassette

from caseminer.sources.errors import CassetteMiss, SourceError
from caseminer.sources.http import HttpClient
from caseminer.sources.replay import RecordingTransport, ReplayTransport

URL = "https://www.ebi.ac.uk/europepmc/webservices/rest/search"


def test_replay_serves_in_order_and_repeats_the_last(tmp_path):
    write_cassette(
        tmp_path,
        [
            (URL, {"query": "ipex"}, 429, b"slow down"),
            (URL, {"query": "ipex"}, 200, b'{"hitCount": 1}'),
        ],
    )
    client = HttpClient(1, max_retries=2, transport=ReplayTransport(tmp_path))
    assert client.get(URL, {"query": "ipex"}, source="europepmc").body == b'{"hitCount": 1}'
    assert client.get(URL, {"query": "ipex"}, source="europepmc").body == b'{"hitCount": 1}'


def test_replay_ignores_identity_params_and_reports_misses(tmp_path):
    write_cassette(tmp_path, [(URL, {"query": "ipex"}, 200, b"{}")])
    transport = ReplayTransport(tmp_path)
    client = HttpClient(1, transport=transport)
    assert client.get(URL, {"query": "ipex", "email": "a@b.c", "tool": "x"}, source="europepmc").body == b"{}"
    with pytest.raises(CassetteMiss, match=r'GET .*/search \{"query": "foxp3"\}') as error:
        client.get(URL, {"query": "foxp3"}, source="europepmc")
    assert isinstance(error.value, SourceError)


def test_recording_then_replaying_gives_the_same_bytes(tmp_path):
    live = ScriptedTransport(lambda request: ok(json.dumps({"q": request.params["query"]})))
    recorder = HttpClient(100, transport=RecordingTransport(live, tmp_path))
    recorded = [recorder.get(URL, {"query": q, "api_key": "k"}, source="europepmc").body for q in ("a", "b")]
    index = (tmp_path / "index.jsonl").read_text()
    assert "api_key" not in index and index.count("\n") == 2
    replayer = HttpClient(100, transport=ReplayTransport(tmp_path))
    assert [replayer.get(URL, {"query": q}, source="europepmc").body for q in ("a", "b")] == recorded


def test_missing_or_malformed_cassette_is_a_clear_error(tmp_path):
    with pytest.raises(CassetteMiss, match="no cassette index"):
        ReplayTransport(tmp_path)
    (tmp_path / "index.jsonl").write_text("{not json\n")
    with pytest.raises(CassetteMiss, match=r"index\.jsonl:1: malformed"):
        ReplayTransport(tmp_path)
