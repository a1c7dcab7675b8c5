"""Names as searchable tokens, and their blind indexes.

Names are encrypted at rest (core.crypto), so they are found through keyed hashes of their
normalised words instead. The same Lao name is romanised many ways (Phonsavanh, Ponsavan,
Phonesavanh; Xaysomboun, Saisomboun), and given and family names are swapped between documents:
Latin words are folded so that the usual variants give the same token, hence the same hash.
What folding does not catch (a typo, a dropped syllable) is no longer found: a hash has no
"similar", only "equal" (docs/deployment.md, "Encrypted fields"). The beginnings of words are
indexed too (prefix_indexes): a search word finds the names with a word that starts with it."""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Mapping
from functools import reduce
from typing import Any

from django.db.models import Q

from core import crypto

# Order matters: longer spellings first.
_FOLDS = (
    ("ph", "p"),
    ("th", "t"),
    ("kh", "k"),
    ("ch", "s"),
    ("x", "s"),
    ("z", "s"),
    ("v", "w"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("y", "i"),
    ("ne", "n"),
    ("nh", "n"),
    ("h", ""),
)


# Word beginnings indexed (Person.name_prefixes): from 3 characters (fewer would match most
# names) up to 12 (a longer search word is matched on its first 12). docs/deployment.md,
# "Encrypted fields", gives the cost.
PREFIX_MIN, PREFIX_MAX = 3, 12
PREFIX_MARK = "^"

NAME_FIELDS = ("given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin")
_LAO = re.compile(r"[\u0e80-\u0eff]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\ufeff]")


def latin_tokens(*parts: str) -> list[str]:
    """The folded words of a Latin-letter name, sorted and without repeats: the order of given
    and family name does not matter."""
    return sorted({folded for part in parts for word in re.split(r"[\s\-']+", part or "") if (folded := _fold(word))})


def lao_tokens(*parts: str) -> list[str]:
    """The words of a Lao-script name in one Unicode form (NFKC folds the composed and spelled-out
    vowel signs and ligatures keyboards produce), sorted and without repeats."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", " ".join(part or "" for part in parts)))
    return sorted(set(text.split()))


def search_tokens(term: str) -> tuple[list[str], list[str]]:
    """A search term's words as (Latin, Lao) tokens: each word is normalised as the script it is
    written in."""
    words = term.split()
    return latin_tokens(*(w for w in words if not _LAO.search(w))), lao_tokens(*(w for w in words if _LAO.search(w)))


def name_indexes(names: Mapping[str, str]) -> dict[str, Any]:
    """The blind indexes of a person's names under the current index key: the keyed hash of every
    token, per script (Person.name_index_latin, Person.name_index_lo). The full name is the set of
    its tokens: an exact full-name match is an equal set, in either order."""
    latin = latin_tokens(names.get("given_name_latin", ""), names.get("family_name_latin", ""))
    lao = lao_tokens(names.get("given_name_lo", ""), names.get("family_name_lo", ""))
    return {
        "name_index_latin": sorted(crypto.blind_index(token) for token in latin),
        "name_index_lo": sorted(crypto.blind_index(token) for token in lao),
        "name_index_key": crypto.index_keys().current,
    }


def word_prefixes(tokens: list[str]) -> list[str]:
    """The beginnings of each word, from PREFIX_MIN characters up to the whole word (at most
    PREFIX_MAX), marked so that a prefix's hash never equals a word's in name_index_*."""
    return sorted(
        {
            f"{PREFIX_MARK}{token[:length]}"
            for token in tokens
            for length in range(PREFIX_MIN, min(len(token), PREFIX_MAX) + 1)
        }
    )


def prefix_indexes(names: Mapping[str, str]) -> dict[str, Any]:
    """The blind index of the beginnings of the person's words, both scripts in one array
    (Person.name_prefixes): what "Mani" finds "Manivanh" with. Under the same key as
    name_indexes, so a key rotation recomputes both (Person.blind_indexes)."""
    latin = latin_tokens(names.get("given_name_latin", ""), names.get("family_name_latin", ""))
    lao = lao_tokens(names.get("given_name_lo", ""), names.get("family_name_lo", ""))
    return {"name_prefixes": sorted(crypto.blind_index(prefix) for prefix in word_prefixes(latin + lao))}


def person_indexes(names: Mapping[str, str]) -> dict[str, Any]:
    """Every blind index of a person's names: whole words per script, and word beginnings."""
    return {**name_indexes(names), **prefix_indexes(names)}


def token_indexes(tokens: list[str]) -> list[str]:
    """The indexes of these tokens under every configured index key (current and previous)."""
    return [index for token in tokens for index in crypto.blind_indexes(token)]


def name_filter(term: str, path: str = "") -> Q | None:
    """People whose names have every word of `term` (after folding: "Ponsavan" finds
    "Phonsavanh"), a word of PREFIX_MIN characters or more as the beginning of a name's word
    ("Mani" finds "Manivanh"), through the GIN indexes of the hashes. `path` is the lookup path
    to the person (`person__` from a case). None when the term has no word to look for."""
    latin, lao = search_tokens(term)
    if not (latin or lao):
        return None
    searched = {
        "name_index_latin": [token for token in latin if len(token) < PREFIX_MIN],
        "name_index_lo": [token for token in lao if len(token) < PREFIX_MIN],
        "name_prefixes": [f"{PREFIX_MARK}{token[:PREFIX_MAX]}" for token in latin + lao if len(token) >= PREFIX_MIN],
    }
    per_key = []
    for kid in crypto.index_keys().ids:
        condition = Q()
        for column, tokens in searched.items():
            if tokens:
                condition &= Q(**{f"{path}{column}__contains": [crypto.blind_index(t, kid) for t in tokens]})
        per_key.append(condition)
    return reduce(operator.or_, per_key)


def _fold(word: str) -> str:
    ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()
    ascii_word = re.sub(r"[^a-z]", "", ascii_word)
    for spelling, folded in _FOLDS:
        ascii_word = ascii_word.replace(spelling, folded)
    return re.sub(r"(.)\1+", r"\1", ascii_word)  # doubled letters: Souksavanh ~ Souksavvanh
