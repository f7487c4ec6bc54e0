"""One article = one identity, whichever source named it: PMIDs, PMCIDs and DOIs are merged.

`ArticleIds` normalises each id on construction; here are the rules that join records.
"""

from __future__ import annotations

from collections.abc import Iterable

from caseminer.schemas.sources import ArticleIds


def same_article(first: ArticleIds, second: ArticleIds) -> bool:
    """True when the two share any id and none of their shared kinds disagree."""
    shared = [
        (getattr(first, field), getattr(second, field))
        for field in ("pmid", "pmcid", "doi")
        if getattr(first, field) and getattr(second, field)
    ]
    return bool(shared) and all(a == b for a, b in shared)


def merge_ids(ids: Iterable[ArticleIds]) -> ArticleIds:
    """The union of several id sets of one article (the first value of each kind wins)."""
    merged = ArticleIds()
    for item in ids:
        merged = merged.merged(item)
    return merged


class IdentityIndex:
    """Groups records of the same article as they stream in; a later source enriches, never duplicates."""

    def __init__(self) -> None:
        self._keys: dict[str, int] = {}
        self.articles: list[ArticleIds] = []

    @staticmethod
    def _keys_of(ids: ArticleIds) -> list[str]:
        return [f"{field}:{value}" for field in ("pmid", "pmcid", "doi") if (value := getattr(ids, field))]

    def add(self, ids: ArticleIds) -> tuple[int, bool]:
        """(article index, is_new). Ids conflicting with a matched article stay a separate article."""
        matches = {self._keys[key] for key in self._keys_of(ids) if key in self._keys}
        compatible = sorted(index for index in matches if same_article(self.articles[index], ids))
        if compatible:
            index = compatible[0]
            self.articles[index] = self.articles[index].merged(ids)
            is_new = False
        else:
            index = len(self.articles)
            self.articles.append(ids)
            is_new = True
        for key in self._keys_of(self.articles[index]):
            self._keys.setdefault(key, index)
        return index, is_new
