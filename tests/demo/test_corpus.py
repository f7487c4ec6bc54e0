"""The generator gives many distinct, deterministic reports whose text states their facts."""

from __future__ import annotations

import gzip
import re

from caseminer.demo import generate_reports, handwritten_reports
from caseminer.demo.concepts import ALL_CONCEPTS, PHENOTYPES, TREATMENTS


def test_generator_yields_n_distinct_reports():
    reports = generate_reports(500, seed=7)
    assert len(reports) == 500
    assert len({report.pmid for report in reports}) == 500
    assert len({report.pmcid for report in reports}) == 500
    assert len({report.abstract for report in reports}) == 500


def test_generator_is_deterministic_per_seed():
    assert generate_reports(20, seed=3) == generate_reports(20, seed=3)
    assert generate_reports(20, seed=3) != generate_reports(20, seed=4)


def test_generated_corpus_varies_in_every_dimension():
    reports = generate_reports(300, seed=1)
    patients = [patient for report in reports for patient in report.patients]
    onset_forms = {
        re.sub(r"\d+", "N", patient.age_at_onset.text) for patient in patients if patient.age_at_onset
    }
    assert onset_forms >= {"N-day-old", "N weeks", "N months", "N years", "neonatal"}
    assert {patient.sex for patient in patients} == {"male", "female"}
    assert {patient.outcome for patient in patients} == {"alive", "deceased"}
    assert {patient.hsct_donor for patient in patients} >= {
        "matched unrelated",
        "haploidentical",
        "cord blood",
        None,
    }
    assert any(len(report.patients) == 2 for report in reports)
    assert any(variant.legacy for patient in patients for variant in patient.variants)
    assert any(variant.hgvs_p is None for patient in patients for variant in patient.variants)


def _full_text(report) -> str:
    paragraphs = [report.abstract]
    for section in report.sections:
        paragraphs += section.paragraphs
        for subsection in section.subsections:
            paragraphs += subsection.paragraphs
    return " ".join(paragraphs)


def test_the_text_states_every_fact():
    for report in handwritten_reports() + generate_reports(200, seed=5):
        text = _full_text(report).lower()
        for patient in report.patients:
            for variant in patient.variants:
                assert variant.hgvs_c in report.abstract, report.pmid
                assert variant.hgvs_p is None or variant.hgvs_p in report.abstract
            for key in patient.phenotypes:
                assert any(form.lower() in text for form in PHENOTYPES[key].forms), (report.pmid, key)
            for key in patient.treatments:
                assert TREATMENTS[key].text.lower() in text, (report.pmid, key)
            if report.text_scope == "full":
                for key in patient.absent_phenotypes:
                    assert PHENOTYPES[key].text.lower() in text, (report.pmid, key)


def test_concept_ids_exist_in_the_shared_vocabulary(vocab_source_dir):
    known = set()
    for name in ("ipex_concepts_verified.tsv", "ipex_genes_drugs_verified.tsv"):
        known.update(
            re.findall(r"\b(?:[CD]\d{6,9}|HP:\d{7}|\d{4,6})\b", (vocab_source_dir / name).read_text())
        )
    with gzip.open(vocab_source_dir / "mesh" / "mesh_terms_derived.tsv.gz", "rt", encoding="utf-8") as mesh:
        known.update(line.split("\t", 1)[0] for line in mesh)
    for concept in ALL_CONCEPTS:
        local = concept.id.split(":", 1)[1]
        assert local in known, concept.id
        assert concept.hp_id is None or concept.hp_id in known, concept.hp_id
