"""Analyst views: one flat row per patient, fact, phenotype, variant, treatment, mention and individual.

Curated values win: each fact is matched to its latest curation by its identity (article, patient
label, field, value lower-cased), which survives re-extraction. A rejected fact is absent, a corrected
one shows the correction, a fact a curator added shows beside the extracted ones, and the `curated`
column (the curation's action) and `curator` say so.

The SQL is plain and portable except for string aggregation (SQLite `group_concat`, PostgreSQL
`string_agg`) and the position of a substring (`instr`, `strpos`); `{agg}` and `{pos}` are filled
in per dialect. The newest migration that changes views creates them from here; older migrations
keep their own frozen copy (views_0001.py, views_0004.py).
"""

from __future__ import annotations

ARTICLE_COLUMNS = "a.pmid, a.pmcid, a.doi, a.title, a.journal, a.year"
# Actions about one fact; merge and split are about two patient records (field LINK_FIELD).
FACT_ACTIONS = "('accept', 'reject', 'correct', 'add')"
LINK_FIELD = "individual"
PROVENANCE = (
    "{alias}.doc_id, {alias}.char_start, {alias}.char_end, {alias}.sentence, {alias}.extractor_version"
)

# The value of each kind of fact as the registry normalizes it; its lower-cased form is its identity.
SEX_VALUE = "p.sex"
CONSANGUINITY_VALUE = "CASE WHEN p.consanguinity THEN 'yes' WHEN NOT p.consanguinity THEN 'no' END"
COUNTRY_VALUE = "p.country"
AGE_VALUE = "coalesce(CAST(g.days AS TEXT), g.text)"
VARIANT_VALUE = "trim(coalesce(v.gene, '') || ' ' || coalesce(v.hgvs_c, v.hgvs_p, v.hgvs_g, v.text, ''))"
PHENOTYPE_VALUE = "CASE WHEN f.excluded THEN 'not ' ELSE '' END || coalesce(f.hpo_id, f.text)"
TREATMENT_VALUE = "coalesce(t.concept_id, t.text)"
HSCT_VALUE = "CASE WHEN h.performed THEN 'performed' WHEN NOT h.performed THEN 'not performed' END"
OUTCOME_VALUE = "NULLIF(o.status, 'unknown')"

AGE_ROLES = ("onset", "diagnosis", "presentation", "last_report")


def _fact(field: str, value: str, table: str, alias: str, provenance: str | None = None) -> str:
    """One kind of fact as rows of extracted_facts_v."""
    patient = "" if table == "patients" else f"JOIN patients p ON p.id = {alias}.patient_id"
    return f"""
SELECT p.id AS patient_id, p.article_id, p.label AS patient_label, {field} AS field,
       {value} AS value, lower({value}) AS value_key, '{table}' AS fact_table, {alias}.id AS fact_id,
       {provenance or PROVENANCE.format(alias=alias)}
FROM {table} {alias} {patient}
WHERE {value} IS NOT NULL"""


# Country and consanguinity have no provenance of their own (the patient row's is the sex statement's).
NO_PROVENANCE = (
    "CAST(NULL AS VARCHAR(255)) AS doc_id, CAST(NULL AS INTEGER) AS char_start, "
    "CAST(NULL AS INTEGER) AS char_end, CAST(NULL AS TEXT) AS sentence, p.extractor_version"
)

EXTRACTED_FACTS = " UNION ALL ".join(
    [
        _fact("'sex'", SEX_VALUE, "patients", "p"),
        _fact("'consanguinity'", CONSANGUINITY_VALUE, "patients", "p", NO_PROVENANCE),
        _fact("'country'", COUNTRY_VALUE, "patients", "p", NO_PROVENANCE),
        _fact("'age_at_' || g.role", AGE_VALUE, "patient_ages", "g"),
        _fact("'variant'", VARIANT_VALUE, "patient_variants", "v"),
        _fact("'phenotype'", PHENOTYPE_VALUE, "patient_phenotypes", "f"),
        _fact("'treatment'", TREATMENT_VALUE, "patient_treatments", "t"),
        _fact("'hsct'", HSCT_VALUE, "patient_hsct", "h"),
        _fact("'outcome'", OUTCOME_VALUE, "patient_outcomes", "o"),
    ]
)

FIELDS = (
    "sex",
    "consanguinity",
    "country",
    *(f"age_at_{role}" for role in AGE_ROLES),
    "variant",
    "phenotype",
    "treatment",
    "hsct",
    "outcome",
)


def _latest_curation(field: str, value: str, article: str, label: str) -> str:
    """The id of the newest fact curation of (article, label, field, value): the one that applies."""
    return f"""(SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = {article} AND cx.patient_label = {label} AND cx.field = {field}
          AND cx.value_key = lower({value}) AND cx.action IN {FACT_ACTIONS})"""


def _current(curation: str, extracted: str) -> str:
    """A fact's value once curated: NULL when rejected, the correction when corrected or added."""
    return (
        f"CASE WHEN {curation}.action = 'reject' THEN NULL "
        f"WHEN {curation}.action IN ('correct', 'add') THEN {curation}.correction ELSE {extracted} END"
    )


PATIENT_FACTS = f"""
SELECT x.patient_id, x.article_id, x.patient_label, x.field, x.value AS extracted_value,
       {_current("c", "x.value")} AS value, x.value_key, x.fact_table, x.fact_id,
       x.doc_id, x.char_start, x.char_end, x.sentence, x.extractor_version,
       c.id AS curation_id, c.action AS curated, c.curator, c.created_at AS curated_at, c.note
FROM extracted_facts_v x
LEFT JOIN curations c
  ON c.id = {_latest_curation("x.field", "x.value", "x.article_id", "x.patient_label")}
UNION ALL
SELECT p.id, p.article_id, p.label, c.field, NULL, c.correction, c.value_key, 'curations', c.id,
       c.doc_id, c.char_start, c.char_end, c.sentence, NULL,
       c.id, c.action, c.curator, c.created_at, c.note
FROM curations c
JOIN patients p ON p.article_id = c.article_id AND p.label = c.patient_label
WHERE c.action = 'add'
  AND c.id = {_latest_curation("c.field", "c.value", "c.article_id", "c.patient_label")}
  AND NOT EXISTS (SELECT 1 FROM extracted_facts_v x
                  WHERE x.patient_id = p.id AND x.field = c.field AND x.value_key = c.value_key)
"""


def _scalar_curation(alias: str, field: str, value: str) -> str:
    latest = _latest_curation(repr(field), value, "p.article_id", "p.label")
    return f"LEFT JOIN curations {alias} ON {alias}.id = {latest}"


def _added(field: str) -> str:
    """A value a curator added for a field the extractor left empty."""
    return f"""(SELECT cx.correction FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = '{field}'
          AND cx.action = 'add' ORDER BY cx.id DESC LIMIT 1)"""


def _scalar(alias: str, field: str, value: str, present: str = "{}") -> str:
    """A patient-level field once curated; `present` turns the curated text into the column's type."""
    as_column = present.format
    return (
        f"CASE WHEN {alias}.action = 'reject' THEN NULL "
        f"WHEN {alias}.action IN ('correct', 'add') THEN {as_column(alias + '.correction')} "
        f"WHEN {value} IS NULL THEN coalesce({as_column(_added(field))}, {{extracted}}) "
        "ELSE {extracted} END"
    )


def _age(role: str, aggregate: str) -> str:
    latest = _latest_curation(f"'age_at_{role}'", AGE_VALUE, "p.article_id", "p.label")
    return f"""coalesce(
        (SELECT {aggregate}(CASE WHEN cg.action IN ('correct', 'add') THEN CAST(cg.correction AS INTEGER)
                                 ELSE g.days END)
           FROM patient_ages g
           LEFT JOIN curations cg ON cg.id = {latest}
          WHERE g.patient_id = p.id AND g.role = '{role}' AND (cg.action IS NULL OR cg.action <> 'reject')),
        CAST({_added(f"age_at_{role}")} AS INTEGER))"""


_CONSANGUINITY = _scalar("c_cons", "consanguinity", CONSANGUINITY_VALUE, "({} = 'yes')").format(
    extracted="p.consanguinity"
)
PATIENTS = f"""
SELECT p.id AS patient_id, p.label AS patient_label, a.id AS article_id, {ARTICLE_COLUMNS},
       {_scalar("c_sex", "sex", SEX_VALUE).format(extracted="p.sex")} AS sex,
       {_CONSANGUINITY} AS consanguinity,
       {_scalar("c_country", "country", COUNTRY_VALUE).format(extracted="p.country")} AS country,
       {_age("onset", "min")} AS age_at_onset_days,
       {_age("diagnosis", "min")} AS age_at_diagnosis_days,
       {_age("last_report", "max")} AS age_at_last_report_days,
       (SELECT {{agg}}(pf.value, '; ') FROM patient_facts_v pf
         WHERE pf.patient_id = p.id AND pf.field = 'variant' AND pf.value IS NOT NULL) AS variants,
       {_scalar("c_hsct", "hsct", HSCT_VALUE, "({} = 'performed')").format(extracted="h.performed")}
           AS hsct_performed,
       h.donor AS hsct_donor, h.age_days AS hsct_age_days,
       {_scalar("c_outcome", "outcome", OUTCOME_VALUE).format(extracted="o.status")} AS outcome,
       o.age_at_death_days, o.follow_up_days,
       e.extractor_version,
       EXISTS (SELECT 1 FROM curations cx WHERE cx.article_id = p.article_id AND cx.patient_label = p.label)
           AS curated,
       (SELECT cx.curator FROM curations cx WHERE cx.article_id = p.article_id AND cx.patient_label = p.label
         ORDER BY cx.id DESC LIMIT 1) AS curator
FROM patients p
JOIN articles a ON a.id = p.article_id
JOIN extractions e ON e.id = p.extraction_id
LEFT JOIN patient_hsct h ON h.patient_id = p.id
LEFT JOIN patient_outcomes o ON o.patient_id = p.id
{_scalar_curation("c_sex", "sex", SEX_VALUE)}
{_scalar_curation("c_cons", "consanguinity", CONSANGUINITY_VALUE)}
{_scalar_curation("c_country", "country", COUNTRY_VALUE)}
{_scalar_curation("c_hsct", "hsct", HSCT_VALUE)}
{_scalar_curation("c_outcome", "outcome", OUTCOME_VALUE)}
"""

# Per-fact views read patient_facts_v, so rejected facts drop out and added ones come in.
_CHANGED = "coalesce(pf.curated, '') IN ('correct', 'add')"
_FACTS_OF = """FROM patient_facts_v pf
JOIN patients p ON p.id = pf.patient_id
JOIN articles a ON a.id = p.article_id
LEFT JOIN {table} {alias} ON pf.fact_table = '{table}' AND {alias}.id = pf.fact_id
"""
_KEPT = "WHERE pf.field = '{field}' AND pf.value IS NOT NULL"
_CURATION_COLUMNS = "pf.curated, pf.curator"
_PHENOTYPE_ID = (
    f"CASE WHEN {_CHANGED} THEN CASE WHEN pf.value LIKE 'not %' THEN substr(pf.value, 5) ELSE pf.value END "
    "ELSE f.hpo_id END"
)
_EXCLUDED = f"CASE WHEN {_CHANGED} THEN pf.value LIKE 'not %' ELSE f.excluded END"
_VARIANT_GENE = (
    f"CASE WHEN {_CHANGED} THEN substr(pf.value, 1, {{pos}}(pf.value || ' ', ' ') - 1) ELSE v.gene END"
)
_VARIANT_REST = "substr(pf.value, {pos}(pf.value || ' ', ' ') + 1)"


def _hgvs(column: str, prefix: str) -> str:
    corrected = f"CASE WHEN {_VARIANT_REST} LIKE '{prefix}.%' THEN {_VARIANT_REST} END"
    return f"CASE WHEN {_CHANGED} THEN {corrected} ELSE v.{column} END"


# Individuals: patient records joined by the merges in force, transitively. The decision in force
# about a pair (stored in one order) is its latest merge or split, so a split undoes that pair's merge.
# A record's individual is the smallest patient id it reaches (a row id: re-extraction renumbers it).
# A split between two records that other merges still join is counted (split_conflicts): it needs a look.
INDIVIDUALS = f"""
WITH RECURSIVE
decided AS (
  SELECT c.article_id, c.patient_label, c.other_article_id, c.other_patient_label, c.action
  FROM curations c
  WHERE c.field = '{LINK_FIELD}' AND c.action IN ('merge', 'split')
    AND c.id = (SELECT max(cx.id) FROM curations cx
                WHERE cx.field = '{LINK_FIELD}' AND cx.action IN ('merge', 'split')
                  AND cx.article_id = c.article_id AND cx.patient_label = c.patient_label
                  AND cx.other_article_id = c.other_article_id
                  AND cx.other_patient_label = c.other_patient_label)
),
pairs AS (
  SELECT pa.id AS patient_id, pb.id AS other_id, d.action
  FROM decided d
  JOIN patients pa ON pa.article_id = d.article_id AND pa.label = d.patient_label
  JOIN patients pb ON pb.article_id = d.other_article_id AND pb.label = d.other_patient_label
),
linked AS (
  SELECT patient_id, other_id FROM pairs WHERE action = 'merge'
  UNION SELECT other_id, patient_id FROM pairs WHERE action = 'merge'
),
reach (patient_id, member_id) AS (
  SELECT id, id FROM patients
  UNION
  SELECT r.patient_id, l.other_id FROM reach r JOIN linked l ON l.patient_id = r.member_id
),
membership AS (
  SELECT patient_id, min(member_id) AS individual_id FROM reach GROUP BY patient_id
),
individual_articles AS (
  SELECT DISTINCT m.individual_id, a.id AS article_id, a.pmid, a.pmcid, a.doi, a.year
  FROM membership m
  JOIN patients p ON p.id = m.patient_id
  JOIN articles a ON a.id = p.article_id
),
by_article AS (
  SELECT individual_id, count(*) AS article_count,
         {{agg}}(coalesce('PMID:' || pmid, pmcid, 'DOI:' || doi), '; ') AS articles,
         {{agg}}(pmid, '; ') AS pmids, min(year) AS first_year, max(year) AS last_year
  FROM individual_articles GROUP BY individual_id
),
conflicts AS (
  SELECT ma.individual_id, count(*) AS split_conflicts
  FROM pairs s
  JOIN membership ma ON ma.patient_id = s.patient_id
  JOIN membership mb ON mb.patient_id = s.other_id
  WHERE s.action = 'split' AND ma.individual_id = mb.individual_id
  GROUP BY ma.individual_id
),
by_record AS (
  SELECT m.individual_id, count(*) AS patient_records,
         {{agg}}(coalesce('PMID:' || pv.pmid, pv.pmcid, 'DOI:' || pv.doi) || ' ' || pv.patient_label, '; ')
             AS records,
         {{agg}}(CAST(pv.patient_id AS TEXT), '; ') AS patient_ids,
         count(DISTINCT pv.sex) AS sexes, max(pv.sex) AS sex, min(pv.age_at_onset_days) AS age_at_onset_days
  FROM membership m
  JOIN patients_v pv ON pv.patient_id = m.patient_id
  GROUP BY m.individual_id
)
SELECT r.individual_id, r.patient_records, b.article_count, b.articles, b.pmids, r.records, r.patient_ids,
       b.first_year, b.last_year, CASE WHEN r.sexes > 1 THEN NULL ELSE r.sex END AS sex,
       r.age_at_onset_days, coalesce(c.split_conflicts, 0) AS split_conflicts
FROM by_record r
JOIN by_article b ON b.individual_id = r.individual_id
LEFT JOIN conflicts c ON c.individual_id = r.individual_id
"""
VIEWS: dict[str, str] = {
    "extracted_facts_v": EXTRACTED_FACTS,
    "patient_facts_v": PATIENT_FACTS,
    "patients_v": PATIENTS,
    "patient_phenotypes_v": f"""
SELECT f.id AS phenotype_id, p.id AS patient_id, p.label AS patient_label, {ARTICLE_COLUMNS},
       coalesce(f.text, pf.value) AS text, {_PHENOTYPE_ID} AS hpo_id, hp.label AS hpo_label,
       CASE WHEN {_CHANGED} THEN NULL ELSE f.mondo_id END AS mondo_id, mondo.label AS mondo_label,
       CASE WHEN {_CHANGED} THEN NULL ELSE f.mesh_id END AS mesh_id, mesh.label AS mesh_label,
       CASE WHEN {_CHANGED} THEN hp.label ELSE f.label END AS label,
       {_EXCLUDED} AS excluded,
       CASE WHEN {_EXCLUDED} THEN 'excluded' ELSE 'present' END AS status,
       f.onset_days, f.onset_text, f.section, pf.sentence, {_CURATION_COLUMNS}
{_FACTS_OF.format(table="patient_phenotypes", alias="f")}
LEFT JOIN concepts hp ON hp.curie = {_PHENOTYPE_ID}
LEFT JOIN concepts mondo ON mondo.curie = f.mondo_id AND NOT ({_CHANGED})
LEFT JOIN concepts mesh ON mesh.curie = f.mesh_id AND NOT ({_CHANGED})
{_KEPT.format(field="phenotype")}
""",
    "variants_v": f"""
SELECT v.id AS variant_id, p.id AS patient_id, p.label AS patient_label, {ARTICLE_COLUMNS},
       {_VARIANT_GENE} AS gene,
       CASE WHEN {_CHANGED} AND upper({_VARIANT_GENE}) <> upper(coalesce(v.gene, '')) THEN NULL
            ELSE v.gene_id END AS gene_id,
       {_hgvs("hgvs_c", "c")} AS hgvs_c, {_hgvs("hgvs_p", "p")} AS hgvs_p, {_hgvs("hgvs_g", "g")} AS hgvs_g,
       CASE WHEN {_CHANGED} THEN pf.value ELSE v.text END AS text, v.zygosity, v.origin,
       v.section, pf.sentence, {_CURATION_COLUMNS}
{_FACTS_OF.format(table="patient_variants", alias="v")}
{_KEPT.format(field="variant")}
""",
    "treatments_v": f"""
SELECT t.id AS treatment_id, p.id AS patient_id, p.label AS patient_label, {ARTICLE_COLUMNS},
       t.kind, coalesce(t.text, pf.value) AS text,
       CASE WHEN {_CHANGED} THEN pf.value ELSE t.concept_id END AS concept_id, c.label AS concept_label,
       CASE WHEN {_CHANGED} THEN c.label ELSE t.label END AS label, t.section, pf.sentence,
       {_CURATION_COLUMNS}
{_FACTS_OF.format(table="patient_treatments", alias="t")}
LEFT JOIN concepts c ON c.curie = CASE WHEN {_CHANGED} THEN pf.value ELSE t.concept_id END
{_KEPT.format(field="treatment")}
""",
    "mentions_v": f"""
SELECT m.id AS mention_id, {ARTICLE_COLUMNS}, m.doc_id, m.start AS char_start, m."end" AS char_end,
       m.text, m.type, NULLIF(m.concept_id, '') AS concept_id, coalesce(c.label, m.label) AS concept_label,
       m.negated, m.uncertain, m.family, m.hypothetical, m.section, m.source, m.extractor_version
FROM mentions m
JOIN articles a ON a.id = m.article_id
LEFT JOIN concepts c ON c.curie = m.concept_id
""",
    "individuals_v": INDIVIDUALS,
}
# The views an export writes (extracted_facts_v is the un-curated layer patient_facts_v is built on).
EXPORTED_VIEWS = tuple(name for name in VIEWS if name != "extracted_facts_v")

AGGREGATE = {"sqlite": "group_concat", "postgresql": "string_agg"}
POSITION = {"sqlite": "instr", "postgresql": "strpos"}


def create_view_statements(dialect: str) -> list[str]:
    agg = AGGREGATE.get(dialect, "string_agg")
    pos = POSITION.get(dialect, "strpos")
    return [f"CREATE VIEW {name} AS {sql.format(agg=agg, pos=pos)}" for name, sql in VIEWS.items()]


def drop_view_statements() -> list[str]:
    return [f"DROP VIEW IF EXISTS {name}" for name in reversed(VIEWS)]
