"""A view of the tokens that clause matchers walk with an index.

A matcher gets the view and a start index and answers `(end, fact)` or None; it
never consumes anything, so trying every matcher at every position is safe. The
view also knows where the clauses found so far end (`ended`), so a word that is
timing only beside other timing ("5pm PT", "every 30 min 9-5") can ask, and the
caller's own zone (`context`), which settles words such as "IST" or "local time".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from agentcron.timing.language.facts import Fact
from agentcron.timing.language.lexicon import Kind, Token

LIST_JOINERS = (",", "and", "&", "+")


class Words:
    def __init__(self, tokens: Sequence[Token], source: str, context: str, now: datetime) -> None:
        self.tokens = tokens
        self.source = source
        self.context = context
        self.now = now  # which year's daylight-saving rules a zone word is judged by
        self.ended: dict[int, Fact] = {}  # token index just past a clause -> its fact

    def after(self, i: int) -> Fact | None:
        """The fact of the clause that ends right before token i, if one does."""
        return self.ended.get(i)

    def is_last(self, i: int) -> bool:
        """Whether token i is the last word, only closing punctuation after it."""
        rest = self.tokens[i + 1 :]
        return all(t.kind is Kind.PUNCT or t.norm == "." for t in rest)

    def __len__(self) -> int:
        return len(self.tokens)

    def at(self, i: int) -> str:
        """The normalised word or punctuation at i; "" past the end and for quoted text."""
        if 0 <= i < len(self.tokens) and self.tokens[i].kind is not Kind.QUOTED:
            return self.tokens[i].norm
        return ""

    def skip(self, i: int, *options: str) -> int:
        """i moved past one of `options`, or i unchanged."""
        return i + 1 if self.at(i) in options else i

    def seq(self, i: int, *words: str) -> int | None:
        """The index after `words` in this order, or None."""
        for word in words:
            if self.at(i) != word:
                return None
            i += 1
        return i

    def joiner(self, i: int) -> int | None:
        """Past a list joiner: ",", "and", ", and", "&"; None when there is none."""
        if self.at(i) == "," and self.at(i + 1) == "and":
            return i + 2
        return i + 1 if self.at(i) in LIST_JOINERS else None

    def month_suffix(self, i: int) -> int | None:
        """Past "of every month", "of the month", "every month", "monthly", "in each month"."""
        if self.at(i) == "monthly":
            return i + 1
        j = self.skip(i, "of", "in")
        if self.at(j) in ("every", "each", "the", "a") and self.at(j + 1) == "month":
            return j + 2
        return None

    def text(self, start: int, end: int) -> str:
        return self.source[self.tokens[start].start : self.tokens[end - 1].end]


Match = tuple[int, Fact]
Matcher = Callable[[Words, int], Match | None]
