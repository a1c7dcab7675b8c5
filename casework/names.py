"""A matching key for Latin transliterations of Lao names.

The same Lao name is romanised many ways (Phonsavanh, Ponsavan, Phonesavanh; Xaysomboun,
Saisomboun), and given and family names are swapped between documents. The key folds the usual
variants so that duplicate search compares like with like; trigram similarity does the rest."""

from __future__ import annotations

import re
import unicodedata

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


def name_key(*parts: str) -> str:
    """Fold each name part, then sort them so that the order of given and family name does not
    matter. Empty when there is no Latin name."""
    tokens = []
    for part in parts:
        for word in re.split(r"[\s\-']+", part or ""):
            folded = _fold(word)
            if folded:
                tokens.append(folded)
    return " ".join(sorted(tokens))


def _fold(word: str) -> str:
    ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()
    ascii_word = re.sub(r"[^a-z]", "", ascii_word)
    for spelling, folded in _FOLDS:
        ascii_word = ascii_word.replace(spelling, folded)
    return re.sub(r"(.)\1+", r"\1", ascii_word)  # doubled letters: Souksavanh ~ Souksavvanh
