"""Follow-up questions ("Et à Saint-Michel ?", "qui le pilote ?") resolved with the previous turns.

Without an LLM the rewrite is deterministic: a question that reads as a follow-up (it opens with
"et"/"mais", leans on a pronoun, or is too short to stand alone) is completed with the previous
question, so that retrieval sees the topic and the new detail together.  When the follow-up names
something ("Et à Saint-Michel ?"), its names replace those of the previous question ("combien
d'habitants à Saint-Sauveur ?"): the user has moved on from them.  The extractive answer then
leads with a unit holding a word of the follow-up itself when one may lead ("Et les axes
transversaux ?" after "quels sont les défis des QPV ?": the axes, not the défis again), and of the
kind of answer the follow-up asks, if it asks one ("Et combien de partenaires ?" after "Quand a eu
lieu le séminaire ?": a figure, not the date).  A follow-up that leans on a pronoun ("qui finance
ça ?" after "c'est quoi le PRE ?") asks about the earlier subject: the answer must speak of it,
and is refused when no unit that could answer does (a sentence on financing in general does not
say who finances the PRE).  A follow-up may also point at an item of the previous answer by its
rank ("développe le deuxième", ``rank_asked``): the assistant then asks about that item's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.lexical import names_in, tokenize

_OPENERS = re.compile(r"^\s*(et|mais|aussi|ensuite|puis|alors|du coup)\b", re.IGNORECASE)
_PRONOUNS = re.compile(
    r"\b(ça|ca|cela|ceci|celui-ci|celle-ci|ceux-ci|celles-ci|ce dispositif|cette action|"
    r"il|elle|ils|elles|le|la|les|lui|leur|eux|y|en)\s*(\?|$)|"
    r"\b(qui|comment|quand|où|combien)\s+(le|la|les|l'|l’|y|en)\b|"
    r"^\s*(ça|ca|cela)\s+(?!veut dire)\w+|"
    # "il est ouvert aux moins de 6 ans ?"; not "il y a", "il faut", "il existe ...".
    r"^\s*(il|elle|ils|elles)\s+(?!y\b|faut\b|existe|reste\b|s'agit|s’agit)\w+|"
    r"\b(ce|cet|cette|ces)\s+(dispositif|programme|contrat|démarche|action|instance|comité)s?\b",
    re.IGNORECASE,
)
MIN_CONTENT_TOKENS = 2  # fewer content words than this cannot stand alone
STANDALONE_TOKENS = 4  # "et quels sont les leviers du défi santé ?" stands alone despite its "et"


def is_followup(question: str) -> bool:
    content = len(tokenize(question))
    return bool(
        (_OPENERS.search(question) and content < STANDALONE_TOKENS)
        or _PRONOUNS.search(question)
        or content < MIN_CONTENT_TOKENS
    )


def leans_on_earlier(question: str) -> bool:
    """Whether ``question`` speaks of the earlier question's subject through a pronoun ("qui
    finance ça ?", "il est ouvert aux moins de 6 ans ?") rather than naming its own."""
    return bool(_PRONOUNS.search(question))


_RANKS = {
    "premier": 1, "première": 1, "premiere": 1,
    "deuxième": 2, "deuxieme": 2, "second": 2, "seconde": 2, "troisième": 3, "troisieme": 3,
    "quatrième": 4, "quatrieme": 4, "cinquième": 5, "cinquieme": 5, "sixième": 6, "sixieme": 6,
    "dernier": -1, "dernière": -1, "derniere": -1,
}
# A rank closing the question, after an article: "développe le deuxième", "et le 3e ?", "parle-moi
# du dernier point"; not "le premier comité a eu lieu quand ?".
_RANK = re.compile(
    r"\b(?:le|la|du|au|de la|à la|sur le|sur la)\s+(\w+)(?:\s+(?:point|élément|element|item))?"
    r"\s*[?!.]*\s*$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"(\d+)(?:e|è|ème|eme|er|ère|ere)", re.IGNORECASE)


def rank_asked(question: str) -> int | None:
    """The rank of the item of the previous answer a follow-up points at ("développe le
    deuxième": 2, "et le dernier ?": -1), or None."""
    match = _RANK.search(question)
    if not match:
        return None
    word = match.group(1).lower()
    if number := _NUMBERED.fullmatch(word):
        return int(number.group(1)) or None
    return _RANKS.get(word)


def resolve(question: str, history: Sequence[str]) -> str:
    """The question to search for: standalone, or completed with the last question asked."""
    previous = [q for q in history if q.strip()]
    if not previous or not is_followup(question):
        return question
    context = previous[-1].strip()
    if names := set(names_in(question)):
        for name in set(names_in(context)) - names:
            context = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", "", context)
        context = " ".join(context.split())
    return f"{question.strip()} ({context})"
