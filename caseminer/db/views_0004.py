# ruff: noqa: E501, W291 -- frozen SQL, as 0004 rendered it
"""The analyst views as migration 0004 created them, frozen: 0004 (and 0005's downgrade) builds these.

The current views are in caseminer/db/views.py; a migration must not read them, since later
migrations change them. `{agg}` and `{pos}` are filled in per dialect as there.
"""

from __future__ import annotations

VIEWS: dict[str, str] = {
    "extracted_facts_v": """
SELECT p.id AS patient_id, p.article_id, p.label AS patient_label, 'sex' AS field,
       p.sex AS value, lower(p.sex) AS value_key, 'patients' AS fact_table, p.id AS fact_id,
       p.doc_id, p.char_start, p.char_end, p.sentence, p.extractor_version
FROM patients p 
WHERE p.sex IS NOT NULL UNION ALL 
SELECT p.id AS patient_id, p.article_id, p.label AS patient_label, 'consanguinity' AS field,
       CASE WHEN p.consanguinity THEN 'yes' WHEN NOT p.consanguinity THEN 'no' END AS value, lower(CASE WHEN p.consanguinity THEN 'yes' WHEN NOT p.consanguinity THEN 'no' END) AS value_key, 'patients' AS fact_table, p.id AS fact_id,
       CAST(NULL AS VARCHAR(255)) AS doc_id, CAST(NULL AS INTEGER) AS char_start, CAST(NULL AS INTEGER) AS char_end, CAST(NULL AS TEXT) AS sentence, p.extractor_version
FROM patients p 
WHERE CASE WHEN p.consanguinity THEN 'yes' WHEN NOT p.consanguinity THEN 'no' END IS NOT NULL UNION ALL 
SELECT p.id AS patient_id, p.article_id, p.label AS patient_label, 'country' AS field,
       p.country AS value, lower(p.country) AS value_key, 'patients' AS fact_table, p.id AS fact_id,
       CAST(NULL AS VARCHAR(255)) AS doc_id, CAST(NULL AS INTEGER) AS char_start, CAST(NULL AS INTEGER) AS char_end, CAST(NULL AS TEXT) AS sentence, p.extractor_version
FROM patients p 
WHERE p.country IS NOT NULL UNION ALL 
SELECT p.id AS patient_id, p.article_id, p.label AS patient_label, 'age_at_' || g.role AS field,
       coalesce(CAST(g.days AS TEXT), g.text) AS value, lower(coalesce(CAST(g.days AS TEXT), g.text)) AS value_key, 'patient_ages' AS fact_table, g.id AS fact_id,
       g.doc_id, g.char_start, g.char_end, g.sentence, g.extractor_version
FROM patient_ages g JOIN patients p ON p.id = g.patient_id
WHERE coalesce(CAST(g.days AS TEXT), g.text) IS NOT NULL UNION ALL 
SELECT p.id AS patient_id, p.article_id, p.label AS patient_label, 'variant' AS field,
       trim(coalesce(v.gene, '') || ' ' || coalesce(v.hgvs_c, v.hgvs_p, v.hgvs_g, v.text, '')) AS value, lower(trim(coalesce(v.gene, '') || ' ' || coalesce(v.hgvs_c, v.hgvs_p, v.hgvs_g, v.text, ''))) AS value_key, 'patient_variants' AS fact_table, v.id AS fact_id,
       v.doc_id, v.char_start, v.char_end, v.sentence, v.extractor_version
FROM patient_variants v JOIN patients p ON p.id = v.patient_id
WHERE trim(coalesce(v.gene, '') || ' ' || coalesce(v.hgvs_c, v.hgvs_p, v.hgvs_g, v.text, '')) IS NOT NULL UNION ALL 
SELECT p.id AS patient_id, p.article_id, p.label AS patient_label, 'phenotype' AS field,
       CASE WHEN f.excluded THEN 'not ' ELSE '' END || coalesce(f.hpo_id, f.text) AS value, lower(CASE WHEN f.excluded THEN 'not ' ELSE '' END || coalesce(f.hpo_id, f.text)) AS value_key, 'patient_phenotypes' AS fact_table, f.id AS fact_id,
       f.doc_id, f.char_start, f.char_end, f.sentence, f.extractor_version
FROM patient_phenotypes f JOIN patients p ON p.id = f.patient_id
WHERE CASE WHEN f.excluded THEN 'not ' ELSE '' END || coalesce(f.hpo_id, f.text) IS NOT NULL UNION ALL 
SELECT p.id AS patient_id, p.article_id, p.label AS patient_label, 'treatment' AS field,
       coalesce(t.concept_id, t.text) AS value, lower(coalesce(t.concept_id, t.text)) AS value_key, 'patient_treatments' AS fact_table, t.id AS fact_id,
       t.doc_id, t.char_start, t.char_end, t.sentence, t.extractor_version
FROM patient_treatments t JOIN patients p ON p.id = t.patient_id
WHERE coalesce(t.concept_id, t.text) IS NOT NULL UNION ALL 
SELECT p.id AS patient_id, p.article_id, p.label AS patient_label, 'hsct' AS field,
       CASE WHEN h.performed THEN 'performed' WHEN NOT h.performed THEN 'not performed' END AS value, lower(CASE WHEN h.performed THEN 'performed' WHEN NOT h.performed THEN 'not performed' END) AS value_key, 'patient_hsct' AS fact_table, h.id AS fact_id,
       h.doc_id, h.char_start, h.char_end, h.sentence, h.extractor_version
FROM patient_hsct h JOIN patients p ON p.id = h.patient_id
WHERE CASE WHEN h.performed THEN 'performed' WHEN NOT h.performed THEN 'not performed' END IS NOT NULL UNION ALL 
SELECT p.id AS patient_id, p.article_id, p.label AS patient_label, 'outcome' AS field,
       NULLIF(o.status, 'unknown') AS value, lower(NULLIF(o.status, 'unknown')) AS value_key, 'patient_outcomes' AS fact_table, o.id AS fact_id,
       o.doc_id, o.char_start, o.char_end, o.sentence, o.extractor_version
FROM patient_outcomes o JOIN patients p ON p.id = o.patient_id
WHERE NULLIF(o.status, 'unknown') IS NOT NULL""",
    "patient_facts_v": """
SELECT x.patient_id, x.article_id, x.patient_label, x.field, x.value AS extracted_value,
       CASE WHEN c.action = 'reject' THEN NULL WHEN c.action IN ('correct', 'add') THEN c.correction ELSE x.value END AS value, x.value_key, x.fact_table, x.fact_id,
       x.doc_id, x.char_start, x.char_end, x.sentence, x.extractor_version,
       c.id AS curation_id, c.action AS curated, c.curator, c.created_at AS curated_at, c.note
FROM extracted_facts_v x
LEFT JOIN curations c
  ON c.id = (SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = x.article_id AND cx.patient_label = x.patient_label AND cx.field = x.field
          AND cx.value_key = lower(x.value) AND cx.action IN ('accept', 'reject', 'correct', 'add'))
UNION ALL
SELECT p.id, p.article_id, p.label, c.field, NULL, c.correction, c.value_key, 'curations', c.id,
       c.doc_id, c.char_start, c.char_end, c.sentence, NULL,
       c.id, c.action, c.curator, c.created_at, c.note
FROM curations c
JOIN patients p ON p.article_id = c.article_id AND p.label = c.patient_label
WHERE c.action = 'add'
  AND c.id = (SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = c.article_id AND cx.patient_label = c.patient_label AND cx.field = c.field
          AND cx.value_key = lower(c.value) AND cx.action IN ('accept', 'reject', 'correct', 'add'))
  AND NOT EXISTS (SELECT 1 FROM extracted_facts_v x
                  WHERE x.patient_id = p.id AND x.field = c.field AND x.value_key = c.value_key)
""",
    "patients_v": """
SELECT p.id AS patient_id, p.label AS patient_label, a.id AS article_id, a.pmid, a.pmcid, a.doi, a.title, a.journal, a.year,
       CASE WHEN c_sex.action = 'reject' THEN NULL WHEN c_sex.action IN ('correct', 'add') THEN c_sex.correction WHEN p.sex IS NULL THEN coalesce((SELECT cx.correction FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'sex'
          AND cx.action = 'add' ORDER BY cx.id DESC LIMIT 1), p.sex) ELSE p.sex END AS sex,
       CASE WHEN c_cons.action = 'reject' THEN NULL WHEN c_cons.action IN ('correct', 'add') THEN (c_cons.correction = 'yes') WHEN CASE WHEN p.consanguinity THEN 'yes' WHEN NOT p.consanguinity THEN 'no' END IS NULL THEN coalesce(((SELECT cx.correction FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'consanguinity'
          AND cx.action = 'add' ORDER BY cx.id DESC LIMIT 1) = 'yes'), p.consanguinity) ELSE p.consanguinity END AS consanguinity,
       CASE WHEN c_country.action = 'reject' THEN NULL WHEN c_country.action IN ('correct', 'add') THEN c_country.correction WHEN p.country IS NULL THEN coalesce((SELECT cx.correction FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'country'
          AND cx.action = 'add' ORDER BY cx.id DESC LIMIT 1), p.country) ELSE p.country END AS country,
       coalesce(
        (SELECT min(CASE WHEN cg.action IN ('correct', 'add') THEN CAST(cg.correction AS INTEGER)
                                 ELSE g.days END)
           FROM patient_ages g
           LEFT JOIN curations cg ON cg.id = (SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'age_at_onset'
          AND cx.value_key = lower(coalesce(CAST(g.days AS TEXT), g.text)) AND cx.action IN ('accept', 'reject', 'correct', 'add'))
          WHERE g.patient_id = p.id AND g.role = 'onset' AND (cg.action IS NULL OR cg.action <> 'reject')),
        CAST((SELECT cx.correction FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'age_at_onset'
          AND cx.action = 'add' ORDER BY cx.id DESC LIMIT 1) AS INTEGER)) AS age_at_onset_days,
       coalesce(
        (SELECT min(CASE WHEN cg.action IN ('correct', 'add') THEN CAST(cg.correction AS INTEGER)
                                 ELSE g.days END)
           FROM patient_ages g
           LEFT JOIN curations cg ON cg.id = (SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'age_at_diagnosis'
          AND cx.value_key = lower(coalesce(CAST(g.days AS TEXT), g.text)) AND cx.action IN ('accept', 'reject', 'correct', 'add'))
          WHERE g.patient_id = p.id AND g.role = 'diagnosis' AND (cg.action IS NULL OR cg.action <> 'reject')),
        CAST((SELECT cx.correction FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'age_at_diagnosis'
          AND cx.action = 'add' ORDER BY cx.id DESC LIMIT 1) AS INTEGER)) AS age_at_diagnosis_days,
       coalesce(
        (SELECT max(CASE WHEN cg.action IN ('correct', 'add') THEN CAST(cg.correction AS INTEGER)
                                 ELSE g.days END)
           FROM patient_ages g
           LEFT JOIN curations cg ON cg.id = (SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'age_at_last_report'
          AND cx.value_key = lower(coalesce(CAST(g.days AS TEXT), g.text)) AND cx.action IN ('accept', 'reject', 'correct', 'add'))
          WHERE g.patient_id = p.id AND g.role = 'last_report' AND (cg.action IS NULL OR cg.action <> 'reject')),
        CAST((SELECT cx.correction FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'age_at_last_report'
          AND cx.action = 'add' ORDER BY cx.id DESC LIMIT 1) AS INTEGER)) AS age_at_last_report_days,
       (SELECT {agg}(pf.value, '; ') FROM patient_facts_v pf
         WHERE pf.patient_id = p.id AND pf.field = 'variant' AND pf.value IS NOT NULL) AS variants,
       CASE WHEN c_hsct.action = 'reject' THEN NULL WHEN c_hsct.action IN ('correct', 'add') THEN (c_hsct.correction = 'performed') WHEN CASE WHEN h.performed THEN 'performed' WHEN NOT h.performed THEN 'not performed' END IS NULL THEN coalesce(((SELECT cx.correction FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'hsct'
          AND cx.action = 'add' ORDER BY cx.id DESC LIMIT 1) = 'performed'), h.performed) ELSE h.performed END
           AS hsct_performed,
       h.donor AS hsct_donor, h.age_days AS hsct_age_days,
       CASE WHEN c_outcome.action = 'reject' THEN NULL WHEN c_outcome.action IN ('correct', 'add') THEN c_outcome.correction WHEN NULLIF(o.status, 'unknown') IS NULL THEN coalesce((SELECT cx.correction FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'outcome'
          AND cx.action = 'add' ORDER BY cx.id DESC LIMIT 1), o.status) ELSE o.status END AS outcome,
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
LEFT JOIN curations c_sex ON c_sex.id = (SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'sex'
          AND cx.value_key = lower(p.sex) AND cx.action IN ('accept', 'reject', 'correct', 'add'))
LEFT JOIN curations c_cons ON c_cons.id = (SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'consanguinity'
          AND cx.value_key = lower(CASE WHEN p.consanguinity THEN 'yes' WHEN NOT p.consanguinity THEN 'no' END) AND cx.action IN ('accept', 'reject', 'correct', 'add'))
LEFT JOIN curations c_country ON c_country.id = (SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'country'
          AND cx.value_key = lower(p.country) AND cx.action IN ('accept', 'reject', 'correct', 'add'))
LEFT JOIN curations c_hsct ON c_hsct.id = (SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'hsct'
          AND cx.value_key = lower(CASE WHEN h.performed THEN 'performed' WHEN NOT h.performed THEN 'not performed' END) AND cx.action IN ('accept', 'reject', 'correct', 'add'))
LEFT JOIN curations c_outcome ON c_outcome.id = (SELECT max(cx.id) FROM curations cx
        WHERE cx.article_id = p.article_id AND cx.patient_label = p.label AND cx.field = 'outcome'
          AND cx.value_key = lower(NULLIF(o.status, 'unknown')) AND cx.action IN ('accept', 'reject', 'correct', 'add'))
""",
    "patient_phenotypes_v": """
SELECT f.id AS phenotype_id, p.id AS patient_id, p.label AS patient_label, a.pmid, a.pmcid, a.doi, a.title, a.journal, a.year,
       coalesce(f.text, pf.value) AS text, CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN CASE WHEN pf.value LIKE 'not %' THEN substr(pf.value, 5) ELSE pf.value END ELSE f.hpo_id END AS hpo_id, hp.label AS hpo_label,
       CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN NULL ELSE f.mondo_id END AS mondo_id, mondo.label AS mondo_label,
       CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN NULL ELSE f.mesh_id END AS mesh_id, mesh.label AS mesh_label,
       CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN hp.label ELSE f.label END AS label,
       CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN pf.value LIKE 'not %' ELSE f.excluded END AS excluded,
       CASE WHEN CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN pf.value LIKE 'not %' ELSE f.excluded END THEN 'excluded' ELSE 'present' END AS status,
       f.onset_days, f.onset_text, f.section, pf.sentence, pf.curated, pf.curator
FROM patient_facts_v pf
JOIN patients p ON p.id = pf.patient_id
JOIN articles a ON a.id = p.article_id
LEFT JOIN patient_phenotypes f ON pf.fact_table = 'patient_phenotypes' AND f.id = pf.fact_id

LEFT JOIN concepts hp ON hp.curie = CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN CASE WHEN pf.value LIKE 'not %' THEN substr(pf.value, 5) ELSE pf.value END ELSE f.hpo_id END
LEFT JOIN concepts mondo ON mondo.curie = f.mondo_id AND NOT (coalesce(pf.curated, '') IN ('correct', 'add'))
LEFT JOIN concepts mesh ON mesh.curie = f.mesh_id AND NOT (coalesce(pf.curated, '') IN ('correct', 'add'))
WHERE pf.field = 'phenotype' AND pf.value IS NOT NULL
""",
    "variants_v": """
SELECT v.id AS variant_id, p.id AS patient_id, p.label AS patient_label, a.pmid, a.pmcid, a.doi, a.title, a.journal, a.year,
       CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN substr(pf.value, 1, {pos}(pf.value || ' ', ' ') - 1) ELSE v.gene END AS gene,
       CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') AND upper(CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN substr(pf.value, 1, {pos}(pf.value || ' ', ' ') - 1) ELSE v.gene END) <> upper(coalesce(v.gene, '')) THEN NULL
            ELSE v.gene_id END AS gene_id,
       CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN CASE WHEN substr(pf.value, {pos}(pf.value || ' ', ' ') + 1) LIKE 'c.%' THEN substr(pf.value, {pos}(pf.value || ' ', ' ') + 1) END ELSE v.hgvs_c END AS hgvs_c, CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN CASE WHEN substr(pf.value, {pos}(pf.value || ' ', ' ') + 1) LIKE 'p.%' THEN substr(pf.value, {pos}(pf.value || ' ', ' ') + 1) END ELSE v.hgvs_p END AS hgvs_p, CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN CASE WHEN substr(pf.value, {pos}(pf.value || ' ', ' ') + 1) LIKE 'g.%' THEN substr(pf.value, {pos}(pf.value || ' ', ' ') + 1) END ELSE v.hgvs_g END AS hgvs_g,
       CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN pf.value ELSE v.text END AS text, v.zygosity, v.origin,
       v.section, pf.sentence, pf.curated, pf.curator
FROM patient_facts_v pf
JOIN patients p ON p.id = pf.patient_id
JOIN articles a ON a.id = p.article_id
LEFT JOIN patient_variants v ON pf.fact_table = 'patient_variants' AND v.id = pf.fact_id

WHERE pf.field = 'variant' AND pf.value IS NOT NULL
""",
    "treatments_v": """
SELECT t.id AS treatment_id, p.id AS patient_id, p.label AS patient_label, a.pmid, a.pmcid, a.doi, a.title, a.journal, a.year,
       t.kind, coalesce(t.text, pf.value) AS text,
       CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN pf.value ELSE t.concept_id END AS concept_id, c.label AS concept_label,
       CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN c.label ELSE t.label END AS label, t.section, pf.sentence,
       pf.curated, pf.curator
FROM patient_facts_v pf
JOIN patients p ON p.id = pf.patient_id
JOIN articles a ON a.id = p.article_id
LEFT JOIN patient_treatments t ON pf.fact_table = 'patient_treatments' AND t.id = pf.fact_id

LEFT JOIN concepts c ON c.curie = CASE WHEN coalesce(pf.curated, '') IN ('correct', 'add') THEN pf.value ELSE t.concept_id END
WHERE pf.field = 'treatment' AND pf.value IS NOT NULL
""",
    "mentions_v": """
SELECT m.id AS mention_id, a.pmid, a.pmcid, a.doi, a.title, a.journal, a.year, m.doc_id, m.start AS char_start, m."end" AS char_end,
       m.text, m.type, NULLIF(m.concept_id, '') AS concept_id, coalesce(c.label, m.label) AS concept_label,
       m.negated, m.uncertain, m.family, m.hypothetical, m.section, m.source, m.extractor_version
FROM mentions m
JOIN articles a ON a.id = m.article_id
LEFT JOIN concepts c ON c.curie = m.concept_id
""",
}

AGGREGATE = {"sqlite": "group_concat", "postgresql": "string_agg"}
POSITION = {"sqlite": "instr", "postgresql": "strpos"}


def create_view_statements(dialect: str) -> list[str]:
    agg = AGGREGATE.get(dialect, "string_agg")
    pos = POSITION.get(dialect, "strpos")
    return [f"CREATE VIEW {name} AS {sql.format(agg=agg, pos=pos)}" for name, sql in VIEWS.items()]


def drop_view_statements() -> list[str]:
    return [f"DROP VIEW IF EXISTS {name}" for name in reversed(VIEWS)]
