"""Chinese text for the database search backend.

PostgreSQL's and SQLite's full-text tokenisers split on spaces and punctuation, so a Chinese
sentence is one long "word" and a search for 安全 would not find 安全生产月. Pages are indexed
with their Chinese runs cut into single characters and overlapping pairs (bigrams, as
Lucene's CJK analyser does), and a query is cut the same way, so any run of two or more
characters matches wherever it appears.
"""

import re

from django.utils.html import strip_tags

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_SPLIT = re.compile(f"({_CJK_RUN.pattern})")
_WORD = re.compile(r"\w+")


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _pieces(text: str):
    """(piece, is_chinese) for each word of the text, Chinese runs split from the rest."""
    for word in _WORD.findall(text):
        for piece in _CJK_SPLIT.split(word):
            if piece:
                yield piece, bool(_CJK_RUN.fullmatch(piece))


def search_text_index(*parts: str) -> str:
    """Text to index: Latin words as they are, Chinese runs as characters and bigrams."""
    tokens: list[str] = []
    for piece, chinese in _pieces(strip_tags(" ".join(part for part in parts if part))):
        tokens.extend([*piece, *_bigrams(piece)] if chinese else [piece.lower()])
    return " ".join(tokens)


def search_query_terms(query: str) -> str:
    """The query cut like the index; every term must match (the backend's AND operator)."""
    terms: list[str] = []
    for piece, chinese in _pieces(query):
        if chinese:
            terms.extend(_bigrams(piece) if len(piece) > 1 else [piece])
        else:
            terms.append(piece.lower())
    return " ".join(dict.fromkeys(terms))
