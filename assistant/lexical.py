"""A French BM25 index over passages, kept beside Chroma and rebuilt from the same passages.

The tokeniser folds case and accents, splits at anything but letters and digits, drops French
stop words and one-letter words (so elided articles go, also the OCR-damaged ``I'activité``
and ``|'activité``), keeps numbers and acronyms, and stems with the Snowball French stemmer,
joining what it leaves apart: plurals in -os, -us, -ois and -eux ("vélos"/"vélo"), and verbs'
third person plural ("renferment"/"renferme").
Documents and queries go through the same function, so folding before stemming is consistent
and makes ``securite`` match ``sécurité``.  A numeric date also yields its month's name
("25/09/2023" is found by "septembre 2023").

Each passage is indexed with its section path ("Les défis thématiques > Favoriser la réussite
scolaire des jeunes"): headings are not passage text, but they name what a list below them is
about.  A question word the corpus never uses is bridged to the corpus words that share its
beginning ("policiers" -> "police", "rodéo" -> "rodéos"), which the stemmer leaves apart.

The index itself is a ``bm25s.BM25`` built from pre-tokenised passages.  ``save`` writes it
with bm25s' own format plus the passage ids and a small JSON (format version, tokeniser
version, fingerprint), atomically; ``load`` memory-maps the score arrays.
"""

from __future__ import annotations

import bisect
import json
import math
import re
import shutil
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from ingest.records import Passage

FORMAT_VERSION = 2  # 2: the section path is indexed with the text
TOKENIZER_VERSION = "fr-snowball-7"  # bump when tokenize() changes: saved indexes become stale
# Weight of a synonym's score against the question's own words' (``search``).  On the dev split
# (evidence MRR, once the synonym table had grown to 3,700 entries, weights as learned at 1): 0.847
# at 0, 0.900 at 0.3 and 0.5, 0.896 at 0.7, 0.888 at 1.
RELATED_WEIGHT = 0.5
META_FILE = "lexical.json"
IDS_FILE = "ids.json"
BM25_DIR = "bm25"

# Folded (lower-case, unaccented) French stop words, plus question words, which are frequent in
# questions and rare in the documents.  The elided forms (l, d, qu, jusqu...) are here or are
# one-letter words: splitting at the apostrophe then drops them.  "pres"/"apres"/"aupres" are here
# so that "près" does not collide with the acronym PRE (the stemmer reduces "près" to "pre").
STOP_WORDS = frozenset(
    """
    a ai aie aient aies ait alors apres as au aucun aucune aupres auquel aussi autre autres aux
    auxquelles auxquels avaient avais avait avant avec avez aviez avions avoir avons ayant ayez
    ayons c ca car ce ceci cela celle celles celui cependant ces cet cette ceux chacun chaque
    chez ci combien comme comment d dans de des desquelles desquels deja donc dont du duquel elle elles
    en encore entre es est et etaient etais etait etant etc ete etee etees etes etiez etions
    etre eu eue eues eurent eus eusse eussent eusses eussiez eussions eut eux faire fait fut
    furent fus fusse fussent il ils j je jusqu l la laquelle le lequel les lesquelles lesquels
    leur leurs lors lorsqu lui m ma mais me meme memes mes moi mon n ne ni nos notre nous on ont
    ou par parce pas peu peut plus pour pourquoi pres presqu puis puisqu qu quand que quel
    quelle quelles quels qui quoi quoiqu s sa sans se sera serai seraient serais serait seras
    serez seriez serions serons seront ses si sien sienne soi soient sois soit sommes son sont
    sous soyez soyons suis sur t ta te tes toi ton tous tout toute toutes tres tu un une unes
    uns vers via vos votre vous y
    """.split()
)

_LIGATURES = (("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("Æ", "AE"), ("ß", "ss"))
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]+")
_ACRONYM = re.compile(r"[A-Z]{2,6}")

# The months, accents folded; "12/07/2020" is also indexed as "12 juillet 2020".
MONTHS = "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split()
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)?\d\d)\b")

_stemmer = Stemmer.Stemmer("french")
_token_cache: dict[str, str | None] = {}  # raw word -> index token (None: dropped)
_CACHE_LIMIT = 500_000
BRIDGE_PREFIX = 5  # an unknown word and a corpus word must share at least this many letters...
BRIDGE_SHARE = 0.8  # ...and this share of the longer: "polici"/"polic" 5 of 6, "argentan"/"argent" no
_ACRONYM_STOP = "\x00acronym-or-stop-word"  # sentinel: decided by the word's neighbours


def fold(text: str) -> str:
    """Remove accents and expand ligatures, keeping case ("Œuvre à" -> "OEuvre a")."""
    for ligature, letters in _LIGATURES:  # str.replace: much faster than str.translate
        if ligature in text:
            text = text.replace(ligature, letters)
    text = unicodedata.normalize("NFKD", text)
    return _COMBINING.sub("", text) if not text.isascii() else text


def folded_lower(text: str) -> str:
    """``fold``, then lower case: the form the letter models read (``assistant.scope``,
    ``assistant.passage_model``)."""
    return fold(text).lower()


def _restem(stem: str) -> str:
    """Join plurals the Snowball stemmer leaves apart: "emplois"/"emploi", "lieux"/"lieu", and the
    plurals in -os and -us it keeps whole ("vélos"/"vélo", "infos", "prévus", "pneus")."""
    if stem.endswith("eux"):
        return stem[:-1]
    if stem.endswith("ois") and len(stem) > 5:
        return stem[:-1]
    if stem.endswith(("os", "us")) and len(stem) >= 4:
        return stem[:-1]
    return stem


# Words in -ent that are not verbs, which the Snowball stemmer leaves whole as it does the verbs
# ("parent", "moment", "urgent"): ``_stem`` must not take them for a third person plural.
_NOT_VERBS_IN_ENT = frozenset(
    """absent accent accident adherent adolescent affluent agent aliment ambient ambivalent
    apparent ardent argent argument arpent astringent bivalent ciment client coefficient coherent
    competent comment conscient consequent content contingent continent convergent corpulent
    couvent decent detergent different diligent divergent efficient element eloquent eminent
    equivalent evident excellent exigent fervent fragment fraudulent frequent froment
    imminent impatient impertinent imprudent incident incoherent incompetent inconscient
    inconsequent indecent indifferent indigent indulgent inexistent influent ingredient inherent
    innocent insolent instrument insurgent intelligent jument latent mecontent moment negligent
    occident omnipotent onguent opulent orient ornement paravent parent patient permanent
    pertinent pigment piment polyvalent pourcent precedent present president prevalent prudent
    quotient recent referent regent resident segment sergent serment serpent somnolent souvent
    strident succulent talent torrent tourment transparent turbulent urgent violent virulent""".split()
)


def _stem(lower: str) -> str:
    stem = _stemmer.stemWord(lower)
    if stem == lower and _is_plural_verb(lower):
        stem = _stemmer.stemWord(lower[:-2])  # "renferment" as "renferme": "renferm"
    return _restem(stem)


def _is_plural_verb(word: str) -> bool:
    """Whether ``word``, which the stemmer left whole, is a verb's third person plural in -ent
    ("ils se renferment", "se supportent"): the stemmer removes the endings of other tenses, not
    this one, so "renferment" did not find "renferme".  A verb singular in -ient ("vient",
    "soutient") is not one."""
    return (
        word.endswith("ent")
        and len(word) >= 6
        and not word.endswith(("vient", "tient"))
        and word not in _NOT_VERBS_IN_ENT
    )


# Abbreviations written as words: "St Sauveur" is "Saint-Sauveur", in the documents as in questions.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def _index_token(word: str) -> str | None:
    """The index token for one raw (folded, case-kept) word; None: dropped; _ACRONYM_STOP: ask."""
    lower = word.lower()
    lower = _ABBREVIATIONS.get(lower, lower)
    if lower.isdigit():
        return lower
    if len(lower) < 2:
        return None
    if lower in STOP_WORDS:
        return _ACRONYM_STOP if _ACRONYM.fullmatch(word) else None
    return _stem(lower)


def _token(word: str) -> str | None:
    try:
        return _token_cache[word]
    except KeyError:
        if len(_token_cache) > _CACHE_LIMIT:
            _token_cache.clear()
        token = _token_cache[word] = _index_token(word)
        return token


def _is_caps_word(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _in_caps_run(words: list[str], i: int) -> bool:
    """Whether words[i] sits in an all-caps run (a heading), not alone like an acronym."""
    return (i > 0 and _is_caps_word(words[i - 1])) or (
        i + 1 < len(words) and _is_caps_word(words[i + 1])
    )


def tokenize(text: str) -> list[str]:
    """French index tokens of ``text``: folded, elisions and stop words dropped, stemmed.

    A stop word written as a lone upper-case word of 2-6 letters is an acronym and is kept;
    inside an all-caps run ("CONTRAT DE VILLE") it is still a stop word.
    """
    words = _WORD.findall(fold(_NUMERIC_DATE.sub(_spelled_date, text)))
    tokens = []
    for i, word in enumerate(words):
        token = _token(word)
        if token is _ACRONYM_STOP:
            token = None if _in_caps_run(words, i) else _stem(word.lower())
        if token is not None:
            tokens.append(token)
    return tokens


def _spelled_date(match: re.Match) -> str:
    """ "25/09/2023" also as "25 septembre 2023", so that either form finds the other."""
    day, month, year = match.groups()
    if not 1 <= int(month) <= 12:
        return match.group(0)
    year = year if len(year) == 4 else "20" + year
    return f"{match.group(0)} {int(day)} {MONTHS[int(month) - 1]} {year}"


_NAME_WORD = re.compile(r"[^\W\d_][\w-]*")
_SENTENCE_OPENERS = (".", "!", "?", ":", "«", '"')


def names_in(text: str) -> list[str]:
    """The capitalised words of ``text`` that do not open a sentence: names ("Argentan",
    "Saint-Michel", "Eurovision"), as written.  Acronyms ("BTS", "HS") are not names.  A
    compound with a capitalised part after its first is a name even opening a sentence
    ("Saint-Sauveur-le-Vicomte, c'est où ?"), unlike "Peut-être"."""
    names = []
    for i, match in enumerate(_NAME_WORD.finditer(text)):
        word = match.group(0)
        opens_sentence = i == 0 or text[: match.start()].rstrip().endswith(_SENTENCE_OPENERS)
        compound_name = any(part[:1].isupper() for part in word.split("-")[1:])
        if word[0].isupper() and not word.isupper() and (compound_name or not opens_sentence):
            names.append(word)
    return names


def indexed_text(passage: Passage) -> str:
    """What the lexical index holds for a passage: its section path, then its text."""
    return "\n".join((*passage.section, passage.text))


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


class IndexFormatError(ValueError):
    """A saved index that this version cannot read (missing files, other format): rebuild it."""


class LexicalIndex:
    """BM25 over passage texts; hits are (passage id, score), best first."""

    def __init__(self, ids: list[str], bm25: bm25s.BM25 | None, fingerprint: str = "") -> None:
        self.ids = ids
        self.fingerprint = fingerprint
        self._bm25 = bm25  # None when no passage has any token
        self._positions: dict[str, int] | None = None
        self._sorted_vocab: list[str] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, passages: Iterable[Passage], fingerprint: str = "") -> LexicalIndex:
        """Index the texts of ``passages``; ``fingerprint`` identifies what was indexed."""
        return cls.from_texts(((p.id, indexed_text(p)) for p in passages), fingerprint)

    @classmethod
    def from_texts(cls, items: Iterable[tuple[str, str]], fingerprint: str = "") -> LexicalIndex:
        """Index (id, text) pairs; each text is found under its id."""
        ids: list[str] = []
        corpus: list[list[str]] = []
        for id_, text in items:
            ids.append(id_)
            corpus.append(tokenize(text))
        bm25 = None
        if any(corpus):
            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
        return cls(ids, bm25, fingerprint)

    def search(
        self,
        query: str,
        k: int = 10,
        allowed_ids: set[str] | None = None,
        related: Iterable[str] = (),
    ) -> list[tuple[str, float]]:
        """The ``k`` best passages with a positive score, optionally among ``allowed_ids``.

        ``related`` holds index tokens related to the query (synonyms), weighing ``RELATED_WEIGHT``
        of its own."""
        if self._bm25 is None or k <= 0:
            return []
        own = self._token_ids(tokenize(query))
        extra = self._token_ids(related) - own
        if not own and not extra:
            return []
        scores = self._bm25.get_scores(sorted(own)) if own else 0.0
        if extra:
            scores = scores + RELATED_WEIGHT * self._bm25.get_scores(sorted(extra))
        if allowed_ids is not None:
            scores = self._restrict(scores, allowed_ids)
        return self._top(scores, k)

    def _token_ids(self, tokens: Iterable[str]) -> set[int]:
        """Vocabulary ids of ``tokens``, an unknown token standing for the tokens it bridges to."""
        vocab = self._bm25.vocab_dict
        return {vocab[w] for t in tokens for w in ([t] if t in vocab else self.bridge(t))}

    def bridge(self, token: str) -> list[str]:
        """Corpus tokens standing for ``token`` when the corpus never uses it: those that share
        its beginning ("polici", from "policiers", -> "polic", from "police").  Empty for a
        known token, a number or a short word."""
        if self._bm25 is None or token in self._bm25.vocab_dict:
            return []
        if token.isdigit() or len(token) < BRIDGE_PREFIX:
            return []
        if self._sorted_vocab is None:
            self._sorted_vocab = sorted(self._bm25.vocab_dict)
        vocab, stem = self._sorted_vocab, token[:BRIDGE_PREFIX]
        found = []
        for i in range(bisect.bisect_left(vocab, stem), len(vocab)):
            word = vocab[i]
            if not word.startswith(stem):
                break
            if _shared_prefix(token, word) >= BRIDGE_SHARE * max(len(token), len(word)):
                found.append(word)
        return found

    def document_frequency(self, token: str) -> int:
        """How many passages hold the index token ``token``."""
        if self._bm25 is None or (column := self._bm25.vocab_dict.get(token)) is None:
            return 0
        indptr = self._bm25.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])

    def idf(self, token: str) -> float:
        """BM25 inverse document frequency of an index token (highest for unseen tokens)."""
        df = self.document_frequency(token)
        n = len(self.ids)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def is_rare(self, token: str, share: float) -> bool:
        """Whether at most ``share`` of the passages hold ``token`` (true of an unknown one)."""
        return self.document_frequency(token) <= share * len(self.ids)

    def _restrict(self, scores: np.ndarray, allowed_ids: set[str]) -> np.ndarray:
        """Scores of the allowed passages only (others set to zero)."""
        if self._positions is None:
            self._positions = {pid: i for i, pid in enumerate(self.ids)}
        rows = [self._positions[pid] for pid in allowed_ids if pid in self._positions]
        kept = np.zeros_like(scores)
        kept[rows] = scores[rows]
        return kept

    def _top(self, scores: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Positive scores, best first (ties broken by position, for stable results)."""
        positive = np.flatnonzero(scores > 0)
        if len(positive) > k:
            best = np.argpartition(-scores[positive], k - 1)[:k]
            positive = positive[best]
        order = sorted(positive.tolist(), key=lambda i: (-float(scores[i]), i))
        return [(self.ids[i], float(scores[i])) for i in order]

    def save(self, directory: Path) -> None:
        """Write the index to ``directory`` (replaced as a whole, never left half-written)."""
        directory = Path(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        if self._bm25 is not None:
            self._bm25.save(staging / BM25_DIR, show_progress=False)
        (staging / IDS_FILE).write_text(json.dumps(self.ids), encoding="utf-8")
        meta = {
            "format": FORMAT_VERSION,
            "tokenizer": TOKENIZER_VERSION,
            "fingerprint": self.fingerprint,
            "count": len(self.ids),
            "bm25s": bm25s.__version__,
        }
        (staging / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        _replace_dir(staging, directory)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read an index written by ``save``; raise ``IndexFormatError`` if it is unusable."""
        directory = Path(directory)
        try:
            meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT_VERSION or meta.get("tokenizer") != TOKENIZER_VERSION:
                raise IndexFormatError(f"index lexical d'un autre format : {directory}")
            ids = json.loads((directory / IDS_FILE).read_text(encoding="utf-8"))
            bm25 = None
            if (directory / BM25_DIR).is_dir():
                bm25 = bm25s.BM25.load(directory / BM25_DIR, mmap=True, show_progress=False)
        except (OSError, ValueError, KeyError) as error:
            if isinstance(error, IndexFormatError):
                raise
            raise IndexFormatError(f"index lexical illisible ({directory}) : {error}") from error
        if len(ids) != meta.get("count"):
            raise IndexFormatError(f"index lexical incohérent : {directory}")
        return cls(ids, bm25, str(meta.get("fingerprint", "")))


def _replace_dir(staging: Path, target: Path) -> None:
    """Put ``staging`` in place of ``target`` (two renames; the old copy is removed last)."""
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
