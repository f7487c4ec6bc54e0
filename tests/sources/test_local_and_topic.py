"""Local bulk files (directory, .tar.gz) and topic configuration."""

from __future__ import annotations

import gzip
import io
import tarfile
from datetime import date

import pytest

from caseminer.sources.errors import SourceError
from caseminer.sources.local import iter_local_documents, iter_local_files
from caseminer.sources.topic import TopicError, load_topic

JATS = (
    b'<article article-type="case-report"><front><article-meta>'
    b'<article-id pub-id-type="pmcid">PMC5</article-id>'
    b"<title-group><article-title>A case</article-title></title-group></article-meta></front>"
    b"<body><sec><title>Case report</title><p>A boy.</p></sec></body></article>"
)
PUBMED = (
    b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>7</PMID><Article><ArticleTitle>Seven"
    b"</ArticleTitle></Article></MedlineCitation><PubmedData><ArticleIdList>"
    b'<ArticleId IdType="pubmed">7</ArticleId></ArticleIdList></PubmedData>'
    b"</PubmedArticle></PubmedArticleSet>"
)


def _results(path):
    return {
        item.name: ([d.doc_id for d in item.documents], item.error) for item in iter_local_documents(path)
    }


def test_directory_of_mixed_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "PMC5.nxml").write_bytes(JATS)
    (tmp_path / "pubmed.xml.gz").write_bytes(gzip.compress(PUBMED))
    (tmp_path / "broken.xml").write_bytes(b"<article><front>")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    results = _results(tmp_path)
    assert set(results) == {"a/PMC5.nxml", "pubmed.xml.gz", "broken.xml"}
    assert results["a/PMC5.nxml"] == (["pmc5"], None)
    assert results["pubmed.xml.gz"] == (["pmid7"], None)
    assert results["broken.xml"][0] == [] and "malformed XML" in str(results["broken.xml"][1])


def test_a_corrupt_gzip_file_fails_alone(tmp_path):
    (tmp_path / "a.xml.gz").write_bytes(gzip.compress(JATS)[:40])
    (tmp_path / "b.xml.gz").write_bytes(gzip.compress(PUBMED))
    results = _results(tmp_path)
    assert results["a.xml.gz"][0] == [] and "gzip" in str(results["a.xml.gz"][1])
    assert results["b.xml.gz"] == (["pmid7"], None)


def test_tar_gz_package_is_read_without_extracting(tmp_path):
    package = tmp_path / "oa_package.tar.gz"
    with tarfile.open(package, "w:gz") as archive:
        for name, data in (("../escape/PMC5.xml", JATS), ("dir/pm.xml", PUBMED)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    assert [f.name for f in iter_local_files(package)] == ["../escape/PMC5.xml", "dir/pm.xml"]
    assert not (tmp_path.parent / "escape").exists()
    doc_ids = [d.doc_id for item in iter_local_documents(package) for d in item.documents]
    assert doc_ids == ["pmc5", "pmid7"]


def test_unreadable_local_input_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        list(iter_local_files(tmp_path / "missing"))
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not a tarball")
    with pytest.raises(SourceError, match="unreadable archive"):
        list(iter_local_files(bad))


def test_shipped_topic_loads_by_name():
    topic = load_topic("ipex")
    assert topic.name == "ipex" and topic.case_reports_only
    assert topic.queries.europepmc and topic.queries.pubmed
    assert topic.gene_ids == ["NCBIGene:50943"]
    assert topic.start_date == date(1990, 1, 1)


def test_topic_from_path_and_errors(tmp_path):
    path = tmp_path / "rare.toml"
    path.write_text('name = "rare"\nstart_date = 2020-01-01\n[queries]\neuropepmc = "rare disease"\n')
    topic = load_topic(path)
    assert topic.queries.europepmc == "rare disease" and topic.queries.pubmed is None
    with pytest.raises(TopicError, match=r"no topic 'nope'.*ipex"):
        load_topic("nope")
    path.write_text("name = 3\n")
    with pytest.raises(TopicError, match="name"):
        load_topic(path)
    path.write_text("name = \n")
    with pytest.raises(TopicError, match="invalid TOML"):
        load_topic(path)
