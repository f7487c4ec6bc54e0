"""The analyst views as migration 0001 created them, frozen: 0001 (and 0004's downgrade) builds these.

The current views are in caseminer/db/views.py; a migration must not read them, since they use
tables that later migrations add.
"""

from __future__ import annotations

ARTICLE_COLUMNS = "a.pmid, a.pmcid, a.doi, a.title, a.journal, a.year"

VIEWS: dict[str, str] = {
    "patients_v": f"""
SELECT p.id AS patient_id, p.label AS patient_label, a.id AS article_id, {ARTICLE_COLUMNS},
       p.sex, p.consanguinity, p.country,
       (SELECT min(g.days) FROM patient_ages g WHERE g.patient_id = p.id AND g.role = 'onset')
           AS age_at_onset_days,
       (SELECT min(g.days) FROM patient_ages g WHERE g.patient_id = p.id AND g.role = 'diagnosis')
           AS age_at_diagnosis_days,
       (SELECT max(g.days) FROM patient_ages g WHERE g.patient_id = p.id AND g.role = 'last_report')
           AS age_at_last_report_days,
       (SELECT {{agg}}(trim(coalesce(v.gene, '') || ' '
                           || coalesce(v.hgvs_c, v.hgvs_p, v.hgvs_g, v.text, '')), '; ')
          FROM patient_variants v WHERE v.patient_id = p.id) AS variants,
       h.performed AS hsct_performed, h.donor AS hsct_donor, h.age_days AS hsct_age_days,
       o.status AS outcome, o.age_at_death_days, o.follow_up_days,
       e.extractor_version
FROM patients p
JOIN articles a ON a.id = p.article_id
JOIN extractions e ON e.id = p.extraction_id
LEFT JOIN patient_hsct h ON h.patient_id = p.id
LEFT JOIN patient_outcomes o ON o.patient_id = p.id
""",
    "patient_phenotypes_v": f"""
SELECT f.id AS phenotype_id, p.id AS patient_id, p.label AS patient_label, {ARTICLE_COLUMNS},
       f.text, f.hpo_id, hp.label AS hpo_label, f.mondo_id, mondo.label AS mondo_label,
       f.mesh_id, mesh.label AS mesh_label, f.label, f.excluded,
       CASE WHEN f.excluded THEN 'excluded' ELSE 'present' END AS status,
       f.onset_days, f.onset_text, f.section, f.sentence
FROM patient_phenotypes f
JOIN patients p ON p.id = f.patient_id
JOIN articles a ON a.id = p.article_id
LEFT JOIN concepts hp ON hp.curie = f.hpo_id
LEFT JOIN concepts mondo ON mondo.curie = f.mondo_id
LEFT JOIN concepts mesh ON mesh.curie = f.mesh_id
""",
    "variants_v": f"""
SELECT v.id AS variant_id, p.id AS patient_id, p.label AS patient_label, {ARTICLE_COLUMNS},
       v.gene, v.gene_id, v.hgvs_c, v.hgvs_p, v.hgvs_g, v.text, v.zygosity, v.origin,
       v.section, v.sentence
FROM patient_variants v
JOIN patients p ON p.id = v.patient_id
JOIN articles a ON a.id = p.article_id
""",
    "treatments_v": f"""
SELECT t.id AS treatment_id, p.id AS patient_id, p.label AS patient_label, {ARTICLE_COLUMNS},
       t.kind, t.text, t.concept_id, c.label AS concept_label, t.label, t.section, t.sentence
FROM patient_treatments t
JOIN patients p ON p.id = t.patient_id
JOIN articles a ON a.id = p.article_id
LEFT JOIN concepts c ON c.curie = t.concept_id
""",
    "mentions_v": f"""
SELECT m.id AS mention_id, {ARTICLE_COLUMNS}, m.doc_id, m.start AS char_start, m."end" AS char_end,
       m.text, m.type, NULLIF(m.concept_id, '') AS concept_id, coalesce(c.label, m.label) AS concept_label,
       m.negated, m.uncertain, m.family, m.hypothetical, m.section, m.source, m.extractor_version
FROM mentions m
JOIN articles a ON a.id = m.article_id
LEFT JOIN concepts c ON c.curie = m.concept_id
""",
}

AGGREGATE = {"sqlite": "group_concat", "postgresql": "string_agg"}


def create_view_statements(dialect: str) -> list[str]:
    agg = AGGREGATE.get(dialect, "string_agg")
    return [f"CREATE VIEW {name} AS {sql.format(agg=agg)}" for name, sql in VIEWS.items()]


def drop_view_statements() -> list[str]:
    return [f"DROP VIEW IF EXISTS {name}" for name in reversed(VIEWS)]
