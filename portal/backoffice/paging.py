"""Page numbers from query strings, bounded so no stranger's input can ask for absurd work."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..params import parse_int

MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page:
    number: int
    size: int
    total: int = 0

    @classmethod
    def from_args(cls, args, size: int) -> "Page":
        raw = args.get("page", "1")
        number = parse_int(raw, lo=1) or 1
        return cls(min(number, MAX_PAGE), size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def with_total(self, total: int) -> "Page":
        return replace(self, total=total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
