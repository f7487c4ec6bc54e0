"""`caseminer train ner` on a tiny slice of the real corpora: the command trains with spaCy's trainer,
logs on stderr, prints its record on stdout and writes a recognizer the pipeline loads."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fresh_user import CASEMINER

from caseminer.evaluation.corpora import read_corpus
from caseminer.extractors.trained_entities import load_recognizer
from caseminer.training.ner import TRAINING_FILES, TUNING_FILES
from caseminer.vocab.normalize import normalize_key

DOCUMENTS = 6


def _blocks(path: Path, count: int) -> str:
    """The first `count` documents of a PubTator file, as written."""
    return "\n\n".join(path.read_text(encoding="utf-8").split("\n\n")[:count]) + "\n"


@pytest.fixture
def corpora_slice(shared_dir: Path, tmp_path: Path) -> Path:
    root = tmp_path / "corpora"
    for relative in (*TRAINING_FILES, *TUNING_FILES):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_blocks(shared_dir / "corpora" / relative, 2 * DOCUMENTS), encoding="utf-8")
    return root


@pytest.mark.shared
def test_train_ner_on_a_slice_writes_a_loadable_recognizer_and_its_record(
    corpora_slice: Path, tmp_path: Path
) -> None:
    out = tmp_path / "model"
    done = subprocess.run(
        [
            *(str(CASEMINER), "train", "ner", "--corpora", str(corpora_slice), "--out", str(out)),
            *("--steps", "30", "--eval-frequency", "10", "--limit", str(DOCUMENTS)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)  # stdout is the record, the trainer's table is on stderr
    assert "ENTS_F" in done.stderr and "ENTS_F" not in done.stdout
    assert record["steps"] == 30
    by_file = {c["path"]: c for c in record["corpora"]}
    assert set(by_file) == {*TRAINING_FILES, *TUNING_FILES}
    assert all(c["documents"] == DOCUMENTS for c in by_file.values() if c["split"] == "train")
    # the tuning half only: every other document of the slice's sorted ids
    assert all(
        c["split"] == "tuning" and c["documents"] == DOCUMENTS
        for f, c in by_file.items()
        if f in TUNING_FILES
    )
    gold_spans = sum(
        len([m for m in d.mentions if m.start is not None])
        for d in read_corpus(corpora_slice / TRAINING_FILES[0]).documents[:DOCUMENTS]
    )
    first = by_file[TRAINING_FILES[0]]
    assert first["spans"] + first["dropped_misaligned"] + first["dropped_overlapping"] == gold_spans
    assert json.loads((out / "training.json").read_text()) == record
    assert "ents_f" in record["tuning_scores"]
    lexicon = json.loads((out / "lexicon.json").read_text())
    (mention,) = [
        m
        for m in read_corpus(corpora_slice / TRAINING_FILES[0]).documents[0].mentions
        if m.type == "chemical" and len(m.ids) == 1
    ][:1]
    assert lexicon["CHEMICAL"][normalize_key(mention.text)] in {
        m.ids[0]
        for d in read_corpus(corpora_slice / TRAINING_FILES[0]).documents
        for m in d.mentions
        if normalize_key(m.text) == normalize_key(mention.text) and len(m.ids) == 1
    }
    recognizer = load_recognizer(out)
    assert recognizer.pipe_names == ["tok2vec", "tagger", "bio_entities"]
    assert set(recognizer.get_pipe("tagger").labels) == {
        f"{prefix}-{label}" for prefix in "BI" for label in ("DISEASE", "CHEMICAL")
    } | {"O"}


def test_train_ner_without_the_corpora_is_one_error_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(CASEMINER), "train", "ner", "--corpora", str(tmp_path), "--out", str(tmp_path / "m")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "corpus files missing" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "m").exists()
