"""Seven case reports written by hand for the demo corpus: varied on purpose, every fact declared.

They are fiction in the shape of the literature (one boy, two brothers, an abstract-only record only
PubMed lists, a report whose full text only PMC serves, a fatal course PubTator3 has not annotated,
a late onset, and a follow-up of the first boy five years on: one individual reported in two
articles). Article ids are in a range no real record uses (PMID 991000xx, PMC991000xx).
"""

from __future__ import annotations

from datetime import date

from caseminer.demo.model import (
    Journal,
    SyntheticAge,
    SyntheticPatient,
    SyntheticReference,
    SyntheticReport,
    SyntheticSection,
    SyntheticTable,
    SyntheticVariant,
)

_PAEDIATRICS = Journal(
    "Journal of Synthetic Paediatric Case Reports", "J Synth Paediatr Case Rep", "9999-0001"
)
_IMMUNOLOGY = Journal("Synthetic Clinical Immunology Reports", "Synth Clin Immunol Rep", "9999-0002")
# The team of the first boy's report and of its follow-up.
_SYNTHETIC_CENTRE = "Department of Paediatric Immunology, Synthetic Children's Hospital, Demo City"

_BACKGROUND = (
    "IPEX syndrome (immune dysregulation, polyendocrinopathy, enteropathy, X-linked syndrome) is a rare "
    "disorder of regulatory T cells caused by loss-of-function variants in FOXP3. It classically presents "
    "in male infants with the triad of autoimmune enteropathy, type 1 diabetes mellitus and eczema."
)


def _intro(extra: str = "") -> SyntheticSection:
    return SyntheticSection("Introduction", "introduction", (f"{_BACKGROUND} {extra}".strip(),), "intro")


def handwritten_reports() -> list[SyntheticReport]:
    """The demo corpus of the shipped cassette, in a fixed order."""
    return [
        _single_boy(),
        _brothers(),
        _pmc_only(),
        _abstract_only(),
        _fatal_course(),
        _late_onset(),
        _single_boy_follow_up(),
    ]


def _single_boy() -> SyntheticReport:
    variant = SyntheticVariant("c.1087A>G", "p.Ile363Val")
    patient = SyntheticPatient(
        label="proband",
        sex="male",
        age_at_onset=SyntheticAge("3 weeks", 21),
        variants=(variant,),
        phenotypes=("diarrhea", "eczema", "type 1 diabetes", "failure to thrive", "enteropathy"),
        treatments=("parenteral nutrition", "insulin", "methylprednisolone", "tacrolimus"),
        hsct_donor="matched unrelated",
        conditioning=("treosulfan", "fludarabine"),
        outcome="alive",
        absent_phenotypes=("thrombocytopenia", "autoimmune hemolytic anemia"),
    )
    return SyntheticReport(
        pmid="99100001",
        pmcid="PMC99100001",
        doi="10.99999/synth.2019.0001",
        title="Early-onset watery diarrhea and eczema in an infant with a novel FOXP3 variant",
        journal=_PAEDIATRICS,
        authors=(("Lindqvist", "Maja"), ("Okafor", "Chidi"), ("Serrano", "Lucia")),
        published=date(2019, 5, 14),
        indexed=date(2019, 5, 16),
        abstract=(
            "We report a boy who developed watery diarrhea and eczema at 3 weeks of age, followed by type 1 "
            "diabetes mellitus and failure to thrive. A hemizygous FOXP3 variant, c.1087A>G (p.Ile363Val), "
            "confirmed IPEX syndrome. He received parenteral nutrition, insulin, methylprednisolone and "
            "tacrolimus, and underwent hematopoietic stem cell transplantation from a matched unrelated "
            "donor. "
            "He is alive and well two years after transplantation."
        ),
        sections=(
            _intro("We describe an infant whose disease was controlled by transplantation."),
            SyntheticSection(
                "Case presentation",
                "case",
                (
                    "A boy born at term to non-consanguineous parents developed watery diarrhea at 3 weeks "
                    "of "
                    "age. Generalised eczema appeared a week later, and he showed failure to thrive despite "
                    "feeding support. Type 1 diabetes mellitus was diagnosed at 7 weeks of age when blood "
                    "glucose reached 32 mmol/L; insulin was started.",
                    "Duodenal biopsy showed villous atrophy with lymphocytic infiltration consistent with "
                    "autoimmune enteropathy. Flow cytometry showed absent FOXP3 expression in CD4+CD25+ "
                    "cells. "
                    "Sanger sequencing of FOXP3 revealed a hemizygous missense variant, c.1087A>G "
                    "(p.Ile363Val), in the forkhead domain.",
                    "He was maintained on parenteral nutrition. Intravenous methylprednisolone was followed "
                    "by "
                    "tacrolimus, with partial control of the diarrhea. At 5 months of age he underwent "
                    "hematopoietic stem cell transplantation from a matched unrelated donor after "
                    "conditioning "
                    "with treosulfan and fludarabine. At the last follow-up, two years after "
                    "transplantation, "
                    "he is alive and well, off insulin and parenteral nutrition.",
                ),
                "cases",
            ),
            SyntheticSection(
                "Discussion",
                "discussion",
                (
                    "Our patient showed the classic triad. He had no thrombocytopenia and no autoimmune "
                    "hemolytic anemia at any time. Hematopoietic stem cell transplantation remains the only "
                    "curative treatment of IPEX syndrome.",
                ),
                "discussion",
            ),
            SyntheticSection(
                "Conclusion",
                "conclusion",
                ("Early transplantation can cure IPEX syndrome presenting in the first weeks of life.",),
            ),
        ),
        patients=(patient,),
        keywords=("IPEX syndrome", "FOXP3", "enteropathy", "case report"),
        affiliation=_SYNTHETIC_CENTRE,
    )


def _brothers() -> SyntheticReport:
    variant = SyntheticVariant("c.1040G>A", "p.Arg347His", legacy="R347H")
    first = SyntheticPatient(
        label="Patient 1",
        sex="male",
        age_at_onset=SyntheticAge("15-day-old", 15),
        variants=(variant,),
        phenotypes=("diarrhea", "type 1 diabetes", "autoimmune hemolytic anemia"),
        treatments=("insulin", "steroids", "sirolimus"),
        hsct_donor="haploidentical",
        conditioning=("busulfan", "fludarabine", "alemtuzumab"),
        outcome="alive",
    )
    second = SyntheticPatient(
        label="Patient 2",
        sex="male",
        age_at_onset=SyntheticAge("11 months", 334),
        variants=(variant,),
        phenotypes=("eczema", "hypothyroidism", "food allergy"),
        treatments=("sirolimus",),
        outcome="alive",
        absent_phenotypes=("type 1 diabetes",),
    )
    return SyntheticReport(
        pmid="99100002",
        pmcid="PMC99100002",
        doi="10.99999/synth.2020.0002",
        title="Two brothers with IPEX syndrome and the FOXP3 R347H variant: different courses",
        journal=_IMMUNOLOGY,
        authors=(("Haddad", "Rami"), ("Novak", "Petra")),
        published=date(2020, 9, 2),
        indexed=date(2020, 9, 3),
        abstract=(
            "We describe two brothers carrying the hemizygous FOXP3 variant c.1040G>A (p.Arg347His). "
            "Patient 1, "
            "a 15-day-old boy, presented with diarrhea and type 1 diabetes mellitus, later autoimmune "
            "hemolytic anemia; he received insulin, steroids and sirolimus and underwent hematopoietic stem "
            "cell transplantation from a haploidentical donor. Patient 2 developed eczema, hypothyroidism "
            "and food allergy at the age of 11 months and is controlled with sirolimus. Both boys are alive."
        ),
        sections=(
            _intro(),
            SyntheticSection(
                "Case reports",
                "case",
                subsections=(
                    SyntheticSection(
                        "Patient 1",
                        "case",
                        (
                            "A 15-day-old boy was admitted with profuse diarrhea and dehydration. Type 1 "
                            "diabetes mellitus was diagnosed on admission and insulin was begun. At 4 months "
                            "he developed autoimmune hemolytic anemia with a positive direct antiglobulin "
                            "test, treated with steroids. Sirolimus was added as a steroid-sparing agent.",
                            "Sequencing of FOXP3 found the hemizygous variant c.1040G>A (p.Arg347His), "
                            "reported in older literature as R347H. He underwent hematopoietic stem cell "
                            "transplantation from a haploidentical donor (his father) at 9 months of age "
                            "after conditioning with busulfan, fludarabine and alemtuzumab. He is alive "
                            "and well at 4 years of age.",
                        ),
                    ),
                    SyntheticSection(
                        "Patient 2",
                        "case",
                        (
                            "The younger brother of Patient 1 was tested at birth and carries the same "
                            "hemizygous variant. He remained well until the age of 11 months, when eczema "
                            "and food allergy appeared, followed by hypothyroidism with positive "
                            "anti-thyroid peroxidase antibodies. Sirolimus controlled his symptoms. He did "
                            "not develop diabetes: blood glucose and HbA1c have remained normal. He is alive "
                            "at 3 years of age.",
                        ),
                    ),
                ),
                sec_type="cases",
            ),
            SyntheticSection(
                "Discussion",
                "discussion",
                (
                    "The same FOXP3 variant gave a severe neonatal course in one brother and a milder, later "
                    "course in the other. Their mother is a heterozygous carrier and is healthy; a maternal "
                    "uncle died in infancy of membranous nephropathy, without a genetic diagnosis.",
                ),
                "discussion",
            ),
        ),
        tables=(
            SyntheticTable(
                "Table 1",
                "Clinical features of the two brothers",
                ("Patient", "Age at onset", "FOXP3 variant", "Features", "Treatment", "HSCT", "Outcome"),
                (
                    (
                        "1",
                        "15 days",
                        "c.1040G>A (p.Arg347His)",
                        "Diarrhea, T1D, AIHA",
                        "Insulin, steroids, sirolimus",
                        "Haploidentical",
                        "Alive",
                    ),
                    (
                        "2",
                        "11 months",
                        "c.1040G>A (p.Arg347His)",
                        "Eczema, hypothyroidism, food allergy",
                        "Sirolimus",
                        "No",
                        "Alive",
                    ),
                ),
            ),
        ),
        patients=(first, second),
        keywords=("FOXP3", "IPEX", "siblings"),
    )


def _pmc_only() -> SyntheticReport:
    variant = SyntheticVariant("c.210+1G>A")
    patient = SyntheticPatient(
        label="proband",
        sex="male",
        age_at_onset=SyntheticAge("2 months", 61),
        variants=(variant,),
        phenotypes=("diarrhea", "enteropathy", "thrombocytopenia", "alopecia"),
        treatments=("tacrolimus", "rituximab"),
        hsct_donor="matched sibling",
        conditioning=("busulfan", "cyclophosphamide"),
        outcome="alive",
        absent_phenotypes=("eczema", "type 1 diabetes"),
    )
    return SyntheticReport(
        pmid="99100003",
        pmcid="PMC99100003",
        doi="10.99999/synth.2021.0003",
        title="A FOXP3 splice-site variant presenting with autoimmune enteropathy and thrombocytopenia",
        journal=_PAEDIATRICS,
        authors=(("Brennan", "Aoife"), ("Tanaka", "Hiroshi"), ("Mensah", "Kofi")),
        published=date(2021, 3, 22),
        indexed=date(2021, 3, 24),
        abstract=(
            "A boy presented at the age of 2 months with autoimmune enteropathy, followed by "
            "thrombocytopenia "
            "and alopecia. A hemizygous FOXP3 splice-site variant, c.210+1G>A, was found. Tacrolimus and "
            "rituximab were given before hematopoietic stem cell transplantation from a matched sibling "
            "donor. "
            "He is alive 18 months after transplantation."
        ),
        sections=(
            SyntheticSection(
                "Background",
                "introduction",
                (_BACKGROUND + " Splice-site variants are less often reported than missense variants.",),
            ),
            SyntheticSection(
                "Case description",
                "case",
                (
                    "The patient, a boy, was well until the age of 2 months, when chronic diarrhea began. "
                    "Endoscopy showed autoimmune enteropathy. Immune thrombocytopenia followed at 6 months "
                    "and "
                    "patchy alopecia at 8 months. Skin examination was otherwise normal, without eczema.",
                    "A hemizygous FOXP3 variant at the canonical splice donor site of intron 2, c.210+1G>A, "
                    "was identified. Tacrolimus improved the diarrhea; rituximab was given for the "
                    "thrombocytopenia. He received hematopoietic stem cell transplantation from a matched "
                    "sibling donor after busulfan and cyclophosphamide conditioning. He is alive with full "
                    "donor chimerism 18 months after transplantation.",
                ),
            ),
            SyntheticSection(
                "Discussion and conclusions",
                "discussion",
                (
                    "Cytopenias may dominate the course of IPEX syndrome. Type 1 diabetes mellitus, often an "
                    "early feature, did not occur in our patient.",
                ),
            ),
        ),
        patients=(patient,),
        full_text="pmc",
    )


def _abstract_only() -> SyntheticReport:
    variant = SyntheticVariant("c.1010G>A", "p.Arg337Gln")
    patient = SyntheticPatient(
        label="proband",
        sex="male",
        age_at_onset=SyntheticAge("4 weeks", 28),
        variants=(variant,),
        phenotypes=("diarrhea", "type 1 diabetes", "thyroiditis"),
        treatments=("insulin", "cyclosporine"),
        outcome="alive",
    )
    return SyntheticReport(
        pmid="99100004",
        pmcid=None,
        doi="10.99999/synth.2018.0004",
        title="IPEX syndrome with autoimmune thyroiditis: a case report",
        journal=_IMMUNOLOGY,
        authors=(("Fischer", "Jonas"),),
        published=date(2018, 11, 5),
        indexed=date(2018, 11, 7),
        abstract=(
            "A male infant presented at 4 weeks of age with diarrhea and type 1 diabetes mellitus; "
            "autoimmune "
            "thyroiditis was diagnosed at 10 months. Genetic testing revealed a hemizygous FOXP3 variant, "
            "c.1010G>A (p.Arg337Gln). He was treated with insulin and cyclosporine and is alive at 3 years "
            "of "
            "age awaiting a donor."
        ),
        sections=(),
        patients=(patient,),
        full_text=None,
        in_europepmc=False,
    )


def _fatal_course() -> SyntheticReport:
    variant = SyntheticVariant("c.227delT", "p.Leu76GlnfsTer53")
    patient = SyntheticPatient(
        label="proband",
        sex="male",
        age_at_onset=SyntheticAge("neonatal", 0),
        variants=(variant,),
        phenotypes=("diarrhea", "enteropathy", "type 1 diabetes", "eczema", "hepatitis"),
        treatments=("parenteral nutrition", "insulin", "prednisolone", "tacrolimus"),
        outcome="deceased",
        absent_phenotypes=("alopecia",),
    )
    return SyntheticReport(
        pmid="99100005",
        pmcid="PMC99100005",
        doi="10.99999/synth.2022.0005",
        title="Fatal neonatal IPEX syndrome caused by a FOXP3 frameshift variant",
        journal=_PAEDIATRICS,
        authors=(("Rossi", "Giulia"), ("Abdullah", "Sara")),
        published=date(2022, 7, 1),
        indexed=date(2022, 7, 4),
        abstract=(
            "We report a boy with neonatal onset of autoimmune enteropathy, type 1 diabetes mellitus and "
            "eczema, later complicated by hepatitis. A hemizygous frameshift variant in FOXP3, c.227delT "
            "(p.Leu76GlnfsTer53), was identified. Despite parenteral nutrition, insulin, prednisolone and "
            "tacrolimus he died of sepsis at 5 months of age, before transplantation."
        ),
        sections=(
            _intro(),
            SyntheticSection(
                "Case report",
                "case",
                (
                    "A male infant had diarrhea from the first days of life, in the neonatal period. "
                    "Hyperglycaemia on day 6 led to the diagnosis of type 1 diabetes mellitus and insulin "
                    "was "
                    "started. Eczema developed in the second week. Biopsies showed autoimmune enteropathy.",
                    "Whole-exome sequencing identified a hemizygous frameshift variant, c.227delT "
                    "(p.Leu76GlnfsTer53), in FOXP3. He depended on parenteral nutrition and received "
                    "prednisolone and tacrolimus. Hepatitis with raised transaminases developed at 3 months. "
                    "He died of sepsis at 5 months of age while a donor search was under way.",
                ),
                "case-report",
            ),
            SyntheticSection(
                "Discussion",
                "discussion",
                (
                    "Truncating FOXP3 variants are associated with the most severe phenotypes. Our patient "
                    "did "
                    "not have alopecia. An older brother had died in infancy of intractable diarrhea, which "
                    "in "
                    "retrospect suggests the same disease.",
                ),
            ),
        ),
        patients=(patient,),
        in_pubtator=False,
    )


def _late_onset() -> SyntheticReport:
    variant = SyntheticVariant("c.1189C>T", "p.Arg397Trp", legacy="R397W")
    patient = SyntheticPatient(
        label="proband",
        sex="male",
        age_at_onset=SyntheticAge("4 years", 1460),
        variants=(variant,),
        phenotypes=("membranous nephropathy", "eosinophilia", "atopic dermatitis"),
        treatments=("sirolimus", "prednisolone"),
        outcome="alive",
        absent_phenotypes=("diarrhea", "type 1 diabetes"),
    )
    return SyntheticReport(
        pmid="99100006",
        pmcid="PMC99100006",
        doi="10.99999/synth.2023.0006",
        title="Late-onset IPEX syndrome presenting with membranous nephropathy",
        journal=_IMMUNOLOGY,
        authors=(("Kowalski", "Adam"), ("Ng", "Wei Ling"), ("Duarte", "Ines")),
        published=date(2023, 2, 10),
        indexed=date(2023, 2, 13),
        abstract=(
            "A boy presented at 4 years of age with membranous nephropathy, eosinophilia and atopic "
            "dermatitis. "
            "A hemizygous FOXP3 variant, c.1189C>T (p.Arg397Trp), was found. He responded to prednisolone "
            "and "
            "sirolimus and is alive at 7 years of age."
        ),
        sections=(
            _intro("Milder, later presentations are increasingly recognised."),
            SyntheticSection(
                "Case presentation",
                "case",
                (
                    "A previously healthy boy presented at 4 years of age with oedema and nephrotic-range "
                    "proteinuria. Kidney biopsy showed membranous nephropathy. He also had eosinophilia and "
                    "long-standing atopic dermatitis. There was no history of diarrhea, and he did not have "
                    "type 1 diabetes mellitus.",
                    "Targeted sequencing of FOXP3 showed the hemizygous variant c.1189C>T (p.Arg397Trp), "
                    "written R397W in earlier reports. Prednisolone induced a partial remission and "
                    "sirolimus was added. He is alive with normal renal function at 7 years of age.",
                ),
            ),
            SyntheticSection(
                "Discussion",
                "discussion",
                (
                    "Renal involvement is a recognised but uncommon feature of IPEX syndrome. Hematopoietic "
                    "stem cell transplantation was discussed but not performed.",
                ),
            ),
        ),
        patients=(patient,),
    )


def _single_boy_follow_up() -> SyntheticReport:
    """The boy of _single_boy again, five years after his transplantation: the same individual."""
    variant = SyntheticVariant("c.1087A>G", "p.Ile363Val")
    patient = SyntheticPatient(
        label="proband",
        sex="male",
        age_at_onset=SyntheticAge("3 weeks", 21),
        variants=(variant,),
        phenotypes=("diarrhea", "eczema", "type 1 diabetes", "enteropathy", "hypothyroidism"),
        treatments=("insulin", "tacrolimus"),
        hsct_donor="matched unrelated",
        conditioning=("treosulfan", "fludarabine"),
        outcome="alive",
    )
    return SyntheticReport(
        pmid="99100007",
        pmcid="PMC99100007",
        doi="10.99999/synth.2024.0007",
        title="Autoimmune hypothyroidism five years after transplantation for IPEX syndrome",
        journal=_PAEDIATRICS,
        authors=(("Okafor", "Chidi"), ("Lindqvist", "Maja"), ("Virtanen", "Eero")),
        published=date(2024, 4, 8),
        indexed=date(2024, 4, 10),
        abstract=(
            "We previously reported a boy with IPEX syndrome who developed watery diarrhea and eczema at 3 "
            "weeks of age, followed by type 1 diabetes mellitus, and carries the hemizygous FOXP3 variant "
            "c.1087A>G (p.Ile363Val). He underwent hematopoietic stem cell transplantation from a matched "
            "unrelated donor. Five years later he developed autoimmune hypothyroidism, treated with thyroid "
            "hormone replacement. He is alive."
        ),
        sections=(
            _intro("Late autoimmunity after transplantation is rarely described."),
            SyntheticSection(
                "Case presentation",
                "case",
                (
                    "The patient is a boy whose early course we reported previously. He developed watery "
                    "diarrhea at 3 weeks of age and eczema shortly after; type 1 diabetes mellitus was "
                    "diagnosed at 7 weeks of age. Duodenal biopsy showed autoimmune enteropathy. Sanger "
                    "sequencing had found the hemizygous FOXP3 variant c.1087A>G (p.Ile363Val). He was "
                    "treated with insulin and tacrolimus.",
                    "At 5 months of age he underwent hematopoietic stem cell transplantation from a matched "
                    "unrelated donor after conditioning with treosulfan and fludarabine. Five years after "
                    "transplantation he presented with fatigue and a raised TSH; hypothyroidism with "
                    "positive anti-thyroid peroxidase antibodies was diagnosed and thyroid hormone "
                    "replacement was started. He is alive and well at 6 years of age.",
                ),
                "cases",
            ),
            SyntheticSection(
                "Discussion",
                "discussion",
                (
                    "Donor chimerism remained complete, so the thyroid autoimmunity arose despite a donor "
                    "regulatory T cell compartment. Long follow-up of transplanted patients is needed.",
                ),
                "discussion",
            ),
        ),
        patients=(patient,),
        keywords=("IPEX syndrome", "FOXP3", "hypothyroidism", "follow-up"),
        affiliation=_SYNTHETIC_CENTRE,
        references=(
            SyntheticReference(
                "99100001",
                "10.99999/synth.2019.0001",
                "Lindqvist M, Okafor C, Serrano L. Early-onset watery diarrhea and eczema in an infant "
                "with a novel FOXP3 variant. J Synth Paediatr Case Rep. 2019;19:e0001.",
            ),
        ),
    )
