"""PubTator3 annotations as mentions: normalised ids, tmVar variants, offsets into the parsed text."""

from __future__ import annotations

import json

import pytest
from sources_fakes import ScriptedTransport, ok

from caseminer.parsing import ParseError, parse_bytes
from caseminer.sources.http import HttpClient
from caseminer.sources.pubtator import PubTatorClient, annotations_from_biocjson, parse_tmvar

TITLE = "Improved survival with MEK inhibition in BRAF-mutated melanoma."
ABSTRACT = "Patients with the V600E mutation."


def _annotation(identifier, kind, text, offset, name=None):
    infons = {"identifier": identifier, "type": kind, "valid": True, "name": name}
    return {"id": "1", "infons": infons, "text": text, "locations": [{"offset": offset, "length": len(text)}]}


def _export() -> bytes:
    abstract_offset = len(TITLE) + 1
    variant = "tmVar:p|SUB|V|600|E;HGVS:p.V600E;VariantGroup:0;CorrespondingGene:673;RS#:113488022"
    document = {
        "_id": "22663011|None",
        "id": "22663011",
        "infons": {},
        "pmid": 22663011,
        "pmcid": None,
        "passages": [
            {
                "infons": {"type": "title"},
                "offset": 0,
                "text": TITLE,
                "sentences": [],
                "annotations": [
                    _annotation("5609", "Gene", "MEK", TITLE.index("MEK"), "MAP2K7"),
                    _annotation("673", "Gene", "BRAF", TITLE.index("BRAF"), "BRAF"),
                    _annotation("MESH:D008545", "Disease", "melanoma", TITLE.index("melanoma"), "Melanoma"),
                ],
                "relations": [],
            },
            {
                "infons": {"type": "abstract"},
                "offset": abstract_offset,
                "text": ABSTRACT,
                "sentences": [],
                "annotations": [
                    _annotation("9606", "Species", "Patients", abstract_offset, "9606"),
                    _annotation(
                        variant, "Variant", "V600E", abstract_offset + ABSTRACT.index("V600E"), "p.V600E"
                    ),
                    _annotation("-", "CellLine", "A375", abstract_offset, None),
                ],
                "relations": [],
            },
        ],
        "relations": [],
    }
    return json.dumps({"PubTator3": [document]}).encode()


def test_mentions_have_normalised_ids_and_offsets_into_our_text():
    body = _export()
    (annotations,) = annotations_from_biocjson(body)
    (document,) = parse_bytes(body)
    assert annotations.ids.pmid == "22663011"
    by_text = {m.text: m for m in annotations.mentions}
    assert set(by_text) == {"MEK", "BRAF", "melanoma", "Patients", "V600E"}  # cell lines have no entity type
    assert by_text["BRAF"].concept_id == "NCBIGene:673" and by_text["BRAF"].type == "gene"
    assert by_text["melanoma"].concept_id == "MESH:D008545" and by_text["melanoma"].section == "title"
    assert by_text["Patients"].concept_id == "NCBITaxon:9606" and by_text["Patients"].label is None
    variant = by_text["V600E"]
    assert variant.type == "variant" and variant.concept_id == "dbSNP:rs113488022"
    assert variant.alt_ids == ["HGVS:p.V600E", "NCBIGene:673"] and variant.label == "p.V600E"
    assert all(m.source == "pubtator3" for m in annotations.mentions)
    for mention in annotations.mentions:
        assert document.text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize("body", [_export()[:-40], b"\xff\xfe\x00garbage", b'{"unexpected": 1}'])
def test_unreadable_exports_are_parse_errors(body):
    with pytest.raises(ParseError):
        annotations_from_biocjson(body)


def test_tmvar_forms():
    allele = parse_tmvar("tmVar:p|Allele|S|161;VariantGroup:0;OriginalGene:108909;CorrespondingGene:64853")
    assert allele.hgvs is None and allele.rsid is None and allele.gene_ids == ("64853",)
    assert allele.concept_id == "tmVar:p|Allele|S|161"
    substitution = parse_tmvar("tmVar:c|SUB|G|1150|A;HGVS:c.1150G>A;VariantGroup:0;CorrespondingGene:50943")
    assert substitution.hgvs == "c.1150G>A" and substitution.concept_id == "tmVar:c|SUB|G|1150|A"


def test_export_batches_ids_and_rejects_empty_answers(clock, buckets):
    transport = ScriptedTransport(lambda request: ok(_export()), clock)
    client = PubTatorClient(HttpClient(3, transport=transport, buckets=buckets), batch_size=2)
    results = list(client.export_pmids(["1", "2", "3", "2"]))
    assert len(results) == 2
    assert [r.params["pmids"] for r in transport.requests] == ["1,2", "3"]
    assert transport.requests[0].url.endswith("/publications/export/biocjson")
    pmc = list(client.export_pmcids(["PMC9"]))
    assert pmc and transport.requests[-1].url.endswith("/publications/pmc_export/biocjson")
