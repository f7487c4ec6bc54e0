"""The counts every evaluation adds up: set matches (P/R/F1) and per-field accuracy."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Counts(BaseModel):
    tp: int = 0
    fp: int = 0
    fn: int = 0
    # What was missed and what was found wrongly ("text | ids"), for reading a document's errors.
    missed: list[str] = Field(default_factory=list, exclude=True)
    spurious: list[str] = Field(default_factory=list, exclude=True)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        """Sum the counts (the totals of a report; the item lists stay with each document)."""
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    def summary(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


class Accuracy(BaseModel):
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def add(self, correct: bool) -> None:
        self.correct += int(correct)
        self.total += 1


__all__ = ["Accuracy", "Counts"]
