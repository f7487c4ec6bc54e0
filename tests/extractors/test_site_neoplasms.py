"""The dictionary NER names a neoplasm by its site where a site word modifies a histology word
("endometrial carcinomas": Endometrial Neoplasms, not Carcinoma): the most specific concept the text
names."""

from __future__ import annotations

import pytest

from caseminer.pipeline.extract import build_nlp
from caseminer.vocab import TerminologyStore


@pytest.mark.shared
def test_a_site_word_before_a_neoplasm_word_names_the_sites_neoplasm(vocab_store: TerminologyStore) -> None:
    nlp = build_nlp(vocab_store, trained_recognizer=False)
    doc = nlp("Tumours were endometrial carcinomas in two women and thymic lymphomas in one man.")
    concepts = {e.text: e._.concept_label for e in doc.ents if e.label_ == "DISEASE"}
    assert concepts["endometrial carcinomas"] == "Endometrial Neoplasms"
    # a lymphoma is named by its histology wherever it grows
    assert concepts["thymic lymphomas"] != "Thymus Neoplasms"
