"""caseminer_variants on sentences written for these tests."""

from __future__ import annotations

import pytest
import spacy
from component_pipelines import component_pipeline
from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.language import Language
from spacy.tokens import Span

from caseminer.extractors.variants import normalize_protein


@pytest.fixture(scope="module")
def nlp() -> Language:
    return component_pipeline("caseminer_variants")


def variants(nlp: Language, text: str) -> list[Span]:
    return [e for e in nlp(text).ents if e.label_ == "VARIANT"]


@pytest.mark.parametrize(
    ("text", "mention", "hgvs_c", "hgvs_p"),
    [
        ("Sequencing showed the missense change c.2210C>T in exon 9.", "c.2210C>T", "c.2210C>T", None),
        ("A splice-site change c.543+1G>C was found.", "c.543+1G>C", "c.543+1G>C", None),
        ("He carried c.-44A>G in the promoter region.", "c.-44A>G", "c.-44A>G", None),
        ("An indel c.702_706delinsTA was detected.", "c.702_706delinsTA", "c.702_706delinsTA", None),
        ("An insertion c.318_319insT was detected.", "c.318_319insT", "c.318_319insT", None),
        ("The deletion c.87_88delCT shifts the frame.", "c.87_88delCT", "c.87_88del", None),
        ("A duplication c.1021dup was present.", "c.1021dup", "c.1021dup", None),
        ("The predicted change p.(Gly212Ser) was absent in controls.", "p.(Gly212Ser)", None, "p.Gly212Ser"),
        ("The substitution p.R511W alters the domain.", "p.R511W", None, "p.Arg511Trp"),
        ("A nonsense variant p.W92X truncates the protein.", "p.W92X", None, "p.Trp92Ter"),
        ("A frameshift p.S120Rfs*14 was found.", "p.S120Rfs*14", None, "p.Ser120ArgfsTer14"),
        ("The legacy frameshift K33EfsX9 was reported.", "K33EfsX9", None, "p.Lys33GlufsTer9"),
        ("The mutation R511W was found in the proband.", "R511W", None, "p.Arg511Trp"),
        ("The written change 2210C>T was confirmed.", "2210C>T", "c.2210C>T", None),
        ("The change 2210C→T was confirmed.", "2210C→T", "c.2210C>T", None),
        ("The change c.2210 C>T was confirmed.", "c.2210 C>T", "c.2210C>T", None),
        ("An indel c.45_46delAGinsT was found.", "c.45_46delAGinsT", "c.45_46delinsT", None),
        ("An intronic mutation IVS4-2A>G was identified.", "IVS4-2A>G", None, None),
        ("RNA studies showed exon 5 skipping in the patient.", "exon 5 skipping", None, None),
        # spellings of real papers: spaces around an intronic offset and the arrow, a capital level
        ("The splice variant c.543 + 5G > A was found.", "c.543 + 5G > A", "c.543+5G>A", None),
        ("An acceptor variant c.210 - 2 A>G was found.", "c.210 - 2 A>G", "c.210-2A>G", None),
        ("The deletion C.227del was found in the boy.", "C.227del", "c.227del", None),
        ("A C→T transition (1189C>T) was found.", "1189C>T", "c.1189C>T", None),
        ("The missense mutation A384T was inherited.", "A384T", None, "p.Ala384Thr"),
    ],
)
def test_variant_forms_are_found_and_normalised(
    nlp: Language, text: str, mention: str, hgvs_c: str | None, hgvs_p: str | None
) -> None:
    found = variants(nlp, text)
    assert [v.text for v in found] == [mention]
    assert (found[0]._.hgvs_c, found[0]._.hgvs_p) == (hgvs_c, hgvs_p)


def test_genomic_level_is_kept_apart(nlp: Language) -> None:
    [variant] = variants(nlp, "The genomic change g.3345T>A was confirmed.")
    assert (variant._.hgvs_g, variant._.hgvs_c) == ("g.3345T>A", None)


def test_coding_and_protein_change_written_together_form_one_variant(nlp: Language) -> None:
    found = variants(nlp, "Sanger sequencing found IL2RA c.530A>G (p.Tyr177Cys) in the boy.")
    assert [v.text for v in found] == ["c.530A>G", "p.Tyr177Cys"]
    assert found[0]._.variant_group == found[1]._.variant_group
    assert all((v._.hgvs_c, v._.hgvs_p) == ("c.530A>G", "p.Tyr177Cys") for v in found)
    assert found[0]._.gene_symbol == "IL2RA"


def test_separate_variants_get_separate_groups(nlp: Language) -> None:
    found = variants(nlp, "She carried c.530A>G and, on the other allele, c.87_88delCT.")
    assert len({v._.variant_group for v in found}) == 2
    assert all(v._.hgvs_p is None for v in found)


def test_transcript_prefix_names_the_gene(nlp: Language) -> None:
    [variant] = variants(nlp, "The report lists NM_000417.3(IL2RA):c.530A>G as pathogenic.")
    assert (variant._.gene_symbol, variant._.hgvs_c) == ("IL2RA", "c.530A>G")
    assert variant._.transcript == "NM_000417.3"


def test_the_articles_one_transcript_is_the_coding_changes_reference(nlp: Language) -> None:
    [coding, protein] = variants(
        nlp, "Variants are numbered after NM_000417.3. She carried c.530A>G and p.Arg511Trp."
    )
    assert (coding._.transcript, protein._.transcript) == ("NM_000417.3", None)
    two = variants(nlp, "Numbered after NM_000417.3 and NM_000206.2, she carried c.530A>G.")
    assert [v._.transcript for v in two] == [None]  # two transcripts: which one is not said


def test_mention_at_sentence_end_excludes_the_full_stop(nlp: Language) -> None:
    # the tokenizer reads "G." as an initial; the component splits it and keeps the sentences
    doc = nlp("The boy carried c.530A>G. His sister was healthy.")
    [variant] = [e for e in doc.ents if e.label_ == "VARIANT"]
    assert variant.text == "c.530A>G"
    assert [s.text for s in doc.sents] == ["The boy carried c.530A>G.", "His sister was healthy."]


@pytest.mark.parametrize(
    ("text", "zygosity"),
    [
        ("A hemizygous variant c.530A>G was found in the boy.", "hemizygous"),
        ("She was homozygous for c.530A>G.", "homozygous"),
        ("He was compound heterozygous for c.530A>G and c.87_88delCT.", "compound heterozygous"),
        ("The boy carried c.530A>G and his mother was heterozygous.", None),
        ("The boy carried c.530A>G.", None),
        ("Sequencing found a hemizygous FOXP3 mutation. It was c.530A>G.", "hemizygous"),
    ],
)
def test_zygosity_from_the_sentence_not_from_relatives(
    nlp: Language, text: str, zygosity: str | None
) -> None:
    assert variants(nlp, text)[0]._.zygosity == zygosity


def test_zygosity_is_not_borrowed_from_a_sentence_with_its_own_variant(nlp: Language) -> None:
    found = variants(nlp, "She was homozygous for c.87_88delCT. A screen also showed c.530A>G.")
    assert [v._.zygosity for v in found] == ["homozygous", None]


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("The c.530A>G variant was inherited from his mother.", "maternal"),
        ("Segregation showed a carrier mother for c.530A>G.", "maternal"),
        ("The boy carried c.530A>G, which his father carried too; the father was a carrier.", "paternal"),
        ("The change c.530A>G arose de novo.", "de novo"),
        ("We found c.530A>G. It was absent in both parents.", "de novo"),
        ("We found c.530A>G. The mother was not a carrier.", None),
        ("We found c.530A>G. His mother was found to be a carrier.", "maternal"),
        ("We found c.530A>G. Later, c.87_88delCT was reported de novo in a cousin.", None),
    ],
)
def test_origin_from_the_sentence_or_the_next(nlp: Language, text: str, origin: str | None) -> None:
    assert variants(nlp, text)[0]._.origin == origin


@pytest.mark.parametrize(
    "text",
    [
        "HbA1c was 7.5% at 10:30 and the lesion measured 3x4 cm.",
        "She has T1D and the score was A12 on the scale.",
        "The clone A384T grew on the plate.",  # one-letter form without a variant cue
        "See p. 123 of the manual and c. 5 mm of tissue.",
    ],
)
def test_no_variants_in_ordinary_text(nlp: Language, text: str) -> None:
    assert variants(nlp, text) == []


def test_existing_entities_are_kept() -> None:
    nlp = spacy.blank("en")
    nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GENE", "pattern": "IL2RA"}])
    nlp.add_pipe("caseminer_variants")
    doc = nlp("IL2RA c.530A>G was found.")
    assert [(e.text, e.label_) for e in doc.ents] == [("IL2RA", "GENE"), ("c.530A>G", "VARIANT")]


def test_sentence_end_hidden_in_a_token_is_restored_for_rule_based_sentences() -> None:
    nlp = spacy.blank("en")
    nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("caseminer_variants")
    doc = nlp("The boy carried c.530A>G. His sister was healthy.")
    assert [s.text for s in doc.sents] == ["The boy carried c.530A>G.", "His sister was healthy."]


def test_abbreviations_survive_token_splits() -> None:
    nlp = component_pipeline("abbreviation_detector", "caseminer_variants", sentencizer="sentencizer")
    doc = nlp("He carried c.530A>G. Autoimmune enteropathy (AIE) followed. AIE was severe.")
    assert [e.text for e in doc.ents] == ["c.530A>G"]
    assert [(a.text, a._.long_form.text) for a in doc._.abbreviations] == [
        ("AIE", "Autoimmune enteropathy"),
        ("AIE", "Autoimmune enteropathy"),
    ]


def test_unparseable_protein_text_gives_none() -> None:
    assert normalize_protein("Xyz12Abc") is None


def test_reference_base_before_the_position(nlp: Language) -> None:
    [variant] = variants(nlp, "Patient 1 was homozygous for c.G545A in exon 5.")
    assert variant._.hgvs_c == "c.545G>A"


@pytest.mark.parametrize(
    "text",
    [
        "The mutations c.70_71del and c.4511T>G were found, which predict p.Ser24Glyfs*14 and p.Phe1504Cys.",
        "Row: c.70_71del | p.Ser24Glyfs*14. Next: c.4511T>G or p.Phe1504Cys.",
    ],
)
def test_coding_and_protein_forms_listed_in_parallel_are_one_variant(nlp: Language, text: str) -> None:
    found = variants(nlp, text)
    groups = {}
    for span in found:
        groups.setdefault(span._.variant_group, set()).add(span.text)
    assert sorted(map(sorted, groups.values())) == [
        ["c.4511T>G", "p.Phe1504Cys"],
        ["c.70_71del", "p.Ser24Glyfs*14"],
    ]
    assert {(s._.hgvs_c, s._.hgvs_p) for s in found} == {
        ("c.70_71del", "p.Ser24GlyfsTer14"),
        ("c.4511T>G", "p.Phe1504Cys"),
    }


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        (
            "Exome sequencing found a c.699T>G transversion in the gene (Fig 3D). It changes aspartic "
            "acid to glutamic acid at residue 233 (p.D233E).",
            ("c.699T>G", "p.Asp233Glu"),
        ),
        (
            "A TC deletion (c.70_71del) generates a premature stop codon and a truncated protein "
            "(p.(Ser24Glyfs*14)).",
            ("c.70_71del", "p.Ser24GlyfsTer14"),
        ),
    ],
)
def test_coding_change_and_protein_change_at_its_codon_are_one_variant(
    nlp: Language, text: str, pair: tuple[str, str]
) -> None:
    coding, protein = variants(nlp, text)
    assert coding._.variant_group == protein._.variant_group
    assert (coding._.hgvs_c, coding._.hgvs_p) == pair == (protein._.hgvs_c, protein._.hgvs_p)


@pytest.mark.parametrize(
    "text",
    [
        # the protein change is at another codon than the coding change touches
        "The boy carried c.699T>G and his cousin had a different change, p.Arg412Trp.",
        # an intronic change does not tell the codon its protein effect starts at
        "A splice change c.324+1G>C was found; elsewhere p.Ala108Val was reported.",
        # two sentences away
        "We found c.699T>G. It was confirmed by Sanger sequencing. A second study reported p.Asp233Glu.",
    ],
)
def test_protein_change_at_another_codon_or_far_away_stays_apart(nlp: Language, text: str) -> None:
    coding, protein = variants(nlp, text)
    assert coding._.variant_group != protein._.variant_group
    assert coding._.hgvs_p is None and protein._.hgvs_c is None
