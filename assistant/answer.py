"""Extractive answers: sentences and list items taken word for word from the passages found.

For each retrieved passage, candidate *units* (sentences, list items, lead-ins) are scored by
how much of the question they cover (tokens weighted by their IDF in the corpus), with a small
bonus for the passage's retrieval rank.  The answer is a lead sentence and, when the question asks
for a list or the best evidence is one, bullets from the same list.  Every sentence is a quote of
its passage, so its citation is exact by construction.

The documents are judged to answer the question when the best unit covers enough of the
question's weight (``AnswerPolicy.min_coverage``, calibrated on the dev questions of the gold
set) and, for a question asking for a figure or a date, when that unit contains one, of the
place the question names.  So for the other kinds of answer a question may ask (a person's name,
who heads something, a phone number, a sum in euros, how to sign up or join, a deadline, a date to
come, which association...): a question inside the contract's subjects that the documents do not
answer ("qui est le nouveau principal ?", "le PIJ, c'est quel numéro ?", "quand aura lieu la
prochaine réunion ?") is refused, not answered with a sentence that merely shares its words.
What each kind of question asks, and what a sentence must say to give it, is in
``assistant.kinds``; the units are cut by ``assistant.units``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant import kinds
from assistant.followup import leans_on_earlier
from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex, fold, names_in, tokenize
from assistant.records import Answer, Citation, Hit, Sentence
from assistant.synonyms import default_synonyms
from assistant.units import Unit, in_context, is_heading, overlaps, with_lead_ins

REFUSAL = (
    "Les documents du contrat de ville ne contiennent pas d'information qui réponde à cette "
    "question. Les passages les plus proches sont proposés en lecture complémentaire."
)

COMMON_NAME_SHARE = 0.2  # a name held by more passages is the setting of the whole contract
# A name held by at most this share of the passages (4 of the 89 shipped) tells what a question
# asking a particular is about.  At 0.2, five answerable questions of the read gold sets naming
# "l'État" (9 passages) were refused; at 0.05, none, and three absent ones more were refused.
SUBJECT_NAME_SHARE = 0.05
LIST_LEAD_SHARE = 0.5  # a lead-in with its list may lead a list question covered this well
SUBJECT_SHARE = 0.5  # an earlier question's words this close to its rarest one are its subject
RERANK_WEIGHT = 0.5  # chosen on the dev split: MRR 0.663 without, 0.717 with


@dataclass(frozen=True)
class AnswerPolicy:
    """The knobs of extractive answering.  ``min_coverage`` is calibrated, not guessed."""

    # Share of the question's IDF weight the best unit must cover.  On the dev split (python -m
    # evals.run --calibrate) 0.1, 0.15, 0.2 refuse 2.5 %, 3.3 %, 7.4 % of answerable questions;
    # 0.15, the highest within 1 in 20, refused 5 of the 40 familiar questions of
    # evals/gold/refusals2.jsonl (3 asking a figure or a date, covered 0.11 to 0.13), 0.1 two.
    # Out-of-scope questions are caught before, by assistant.scope.
    min_coverage: float = 0.1
    max_prose: int = 2  # sentences in the lead
    max_items: int = 6  # bullets in a list answer
    # Favours the units of the better-ranked passages (+ rank_bonus / rank).  Dev split, with the
    # learned ranking: CRAG 0.653, 0.707, 0.721, 0.707 at 0.15, 0.3, 0.5, 0.7.
    rank_bonus: float = 0.5
    definition_bonus: float = 0.3  # "c'est quoi X ?": prefer "X est ..." sentences
    # Prefer the words that answer a question much like this one (``Hit.anchors``).  Dev split:
    # CRAG 0.633 without, 0.701 at 0.1 and 0.2, 0.646 at 0.4; evidence cited 0.78 -> 0.82.
    anchor_bonus: float = 0.2


class ExtractiveAnswerer:
    """Composes a cited answer from retrieved passages, or refuses."""

    def __init__(
        self, lexical: LexicalIndex, glossary: Glossary | None = None, policy: AnswerPolicy = AnswerPolicy()
    ) -> None:
        self.lexical = lexical
        self.glossary = glossary or Glossary()
        self.synonyms = default_synonyms()
        self.policy = policy
        self._scored = lru_cache(maxsize=16)(self._score_units)
        self._acronym_forms: list[tuple[frozenset[str], frozenset[str]]] | None = None

    def _concepts(self, question: str, related: bool = True) -> list[_Concept]:
        """One concept per question token, weighted by its rarity in the corpus; the words of an
        idiom ("en même temps", "du coup") name no topic and make none."""
        concepts = []
        related = self.synonyms.related_in(question, self.lexical) if related else {}
        tokens = list(dict.fromkeys(tokenize(kinds.IDIOM.sub(" ", question.replace("’", "'")))))
        short = self._short_forms(set(tokens))
        for token in tokens:
            matches = frozenset({token, *self.lexical.bridge(token)}) | related.get(token, frozenset())
            matches |= short.get(token, frozenset())
            concepts.append(_Concept(self.lexical.idf(token), matches, self._long_form(token)))
        return concepts

    def _short_forms(self, tokens: set[str]) -> dict[str, frozenset[str]]:
        """For the question's tokens that spell out most of an acronym's expansion ("quartiers
        prioritaires"), the acronym's tokens ("qpv"): a unit naming the QPV covers them."""
        found: dict[str, set[str]] = {}
        for long_form, short in self._acronyms():
            if _spells_out(long_form, tokens):
                for token in long_form & tokens:
                    found.setdefault(token, set()).update(short)
        return {token: frozenset(short) for token, short in found.items()}

    def _acronyms(self) -> list[tuple[frozenset[str], frozenset[str]]]:
        """(expansion tokens, acronym tokens) of the glossary's acronyms of two words or more."""
        if self._acronym_forms is None:
            forms = [
                (frozenset(tokenize(entry.expansion)), frozenset(tokenize(entry.term)))
                for entry in self.glossary.entries()
                if entry.is_acronym
            ]
            self._acronym_forms = [(long, short) for long, short in forms if len(long) >= 2 and short]
        return self._acronym_forms

    def _long_form(self, token: str) -> frozenset[str]:
        """The tokens of an acronym's expansion in the glossary ("pre": "programme de réussite
        éducative"); empty for any other token."""
        entry = self.glossary.lookup(token)
        return frozenset(tokenize(entry.expansion)) if entry and entry.is_acronym else frozenset()

    def _coverage(self, concepts: list[_Concept], tokens: set[str], context: set[str]) -> float:
        """Share of the question's weight found in the unit; half as much when found only in its
        context (the sentence before it in the same block, the passage's section path)."""
        total = sum(c.weight for c in concepts) or 1.0
        found = 0.0
        for concept in concepts:
            if concept.found_in(tokens):
                found += concept.weight
            elif concept.found_in(context):
                found += concept.weight / 2
        return found / total

    def score_units(self, question: str, hits: Sequence[Hit]) -> tuple[Unit, ...]:
        """All units of the hits, best first (the last results are kept: the same hits are
        often scored again, by the answer after the re-ranking, by the evaluation)."""
        return self._scored(question, tuple(hits))

    def _score_units(self, question: str, hits: tuple[Hit, ...]) -> tuple[Unit, ...]:
        concepts = self._concepts(question)
        definition = bool(kinds.DEFINITION_QUESTION.search(question))
        scored: list[Unit] = []
        for unit, tokens, context in in_context(hits):
            coverage = self._coverage(concepts, tokens, context)
            score = coverage + self.policy.rank_bonus / unit.hit.rank
            if definition and coverage >= 0.5 and kinds.DEFINES.search(unit.text[:120]):
                score += self.policy.definition_bonus
            if _answers_like(unit):
                score += self.policy.anchor_bonus
            scored.append(_with(unit, coverage, score))
        return tuple(sorted(scored, key=lambda u: -u.score))

    def coverage(self, question: str, hits: Sequence[Hit], synonyms: bool = True) -> float:
        """The best unit's coverage of the question; without ``synonyms``, of its own words
        only ("quel temps fera-t-il ce week-end ?" reaches "dimanche" only through the synonym
        table)."""
        if synonyms:  # the units as the answer scores them (kept: the answer reuses them)
            return max((u.coverage for u in self.score_units(question, hits)), default=0.0)
        concepts = self._concepts(question, related=False)
        coverages = (self._coverage(concepts, tokens, context) for _, tokens, context in in_context(hits))
        return max(coverages, default=0.0)

    def rerank(self, question: str, hits: Sequence[Hit], weight: float = RERANK_WEIGHT) -> list[Hit]:
        """Hits re-ordered by fused score (scaled to 1) plus ``weight`` x the coverage of their best
        unit that can answer (``answering_coverage``).  Counting the other units at 0, 0.3, 0.5,
        0.7 or 1.0 of their coverage gave dev MRR 0.795, 0.790, 0.790, 0.790, 0.783
        (``python -m evals.run --split dev``).  The assistant orders by ``assistant.ranking``,
        which learned how to weigh this coverage; this is the ablation without it."""
        if not hits:
            return []
        best = self.answering_coverage(question, hits)
        top = max(h.score for h in hits) or 1.0
        scores = {h.passage.id: h.score / top + weight * best.get(h.passage.id, 0.0) for h in hits}
        ordered = sorted(hits, key=lambda h: -scores[h.passage.id])
        return [replace(h, rank=rank, score=scores[h.passage.id]) for rank, h in enumerate(ordered, 1)]

    def answering_coverage(self, question: str, hits: Sequence[Hit]) -> dict[str, float]:
        """For each passage (by id), the coverage of its best unit that can answer: for "depuis
        quand ... ?", a unit with a date (see ``_answering``); passages with none are left out."""
        best: dict[str, float] = {}
        for unit in self._answering(question, self.score_units(question, hits)):
            pid = unit.hit.passage.id
            best[pid] = max(best.get(pid, 0.0), unit.coverage)
        return best

    def answer(self, question: str, hits: Sequence[Hit], focus: str = "") -> Answer:
        """``focus``: what a follow-up adds to the question it completes (``question`` is then
        "Et côté emploi ? (Quels leviers pour l'accès aux services ?)", ``focus`` "Et côté
        emploi ?"): the lead holds one of its words when a unit that may lead does."""
        units = self.score_units(question, hits)
        # Whether to answer is weighed on coverage alone: the rank and the anchor hint choose
        # the lead among the units covering the question enough, never whether to answer.
        # A follow-up that asks its own kind of answer ("Et combien de partenaires ?" after "Quand
        # a eu lieu le séminaire ?") asks that one, not the earlier question's date.
        answering = self._answering(focus if kinds.asks_a_kind(focus) else question, units)
        enough = [u for u in answering if u.coverage >= self.policy.min_coverage]
        subject = self._named_subject(question)
        if focus and leans_on_earlier(focus):
            enough = self._of_earlier_subject(question, focus, enough)
        elif not focus and kinds.asks_a_kind(question):
            enough = self._of_named_subject(subject, enough)
        if not enough:
            return refusal(question, _naming_first(subject, hits))
        ranked = self._focused(focus, enough)
        lead = ranked[0]
        wants_list = bool(kinds.LIST_QUESTION.search(question))
        if wants_list and is_heading(lead) and not self._list_items(lead, units):
            lead = self._bringing_a_list(ranked, units) or lead
        chosen = [lead]
        if lead.is_item or wants_list:
            chosen += self._list_items(lead, units)
        if len(chosen) == 1:
            chosen += [
                u for u in units[1:] if not overlaps(u, chosen) and u.coverage >= self.policy.min_coverage
            ][: self.policy.max_prose - 1]
        return compose(question, chosen)

    def _bringing_a_list(self, ranked: list[Unit], units: Sequence[Unit]) -> Unit | None:
        """For a list question whose best unit is a heading with no list under it ("Les 4 axes
        transversaux", over pages of prose), the first of ``ranked`` that introduces a list of
        two items or more ("Des axes transversaux :" and its four items), if it covers the
        question at least half as well."""
        for unit in ranked[1:]:
            if unit.coverage < ranked[0].coverage * LIST_LEAD_SHARE:
                break
            if not unit.is_item and len(self._list_items(unit, units)) >= 2:
                return unit
        return None

    def _of_earlier_subject(self, question: str, focus: str, units: list[Unit]) -> list[Unit]:
        """``units`` that hold a word of ``focus``, the follow-up, and speak, in their words or
        their context, of the subject of the earlier question ``question`` was completed with:
        its rarest words ("PRE" in "c'est quoi le PRE ?"), and those weighing at least half as
        much.  "qui finance ça ?" then needs the financing of the PRE, not of anything else.
        Those naming the subject themselves come first, each group in its order."""
        wanted = self._forms(focus)
        earlier = question.replace(focus.strip(), "", 1)
        concepts = [c for c in self._concepts(earlier) if not c.matches & wanted]
        if not concepts:
            return units
        top = max(c.weight for c in concepts)
        subject = [c for c in concepts if c.weight >= top * SUBJECT_SHARE]
        hits = {u.hit.passage.id: u.hit for u in units}.values()
        around = {(u.hit.passage.id, u.start): context for u, _, context in in_context(hits)}
        naming, near = [], []
        for unit in units:
            tokens = set(tokenize(unit.text))
            if wanted and not wanted & tokens:
                continue
            if any(c.found_in(tokens) for c in subject):
                naming.append(unit)
            elif any(c.found_in(around[unit.hit.passage.id, unit.start]) for c in subject):
                near.append(unit)
        return naming + near

    @staticmethod
    def _of_named_subject(subject: list[set[str]], units: list[Unit]) -> list[Unit]:
        """For a question asking a particular of something it calls by a name few passages hold
        (``subject``: "Quelles écoles participent aux Cordées de la réussite ?", "Quel bailleur
        gère le secteur des Joyaux ?"), the ``units`` naming it too, in their words, their lead-in
        or their passage's section path: a school named in a sentence on something else does not
        answer."""
        if not subject:
            return units
        led = with_lead_ins(units)
        return [
            u for u in units if _holds_each(subject, kinds.named_in(u, led[u.hit.passage.id, u.start]))
        ]

    def _named_subject(self, question: str) -> list[set[str]]:
        """The forms of each name of ``question`` that few passages hold (``SUBJECT_NAME_SHARE``):
        what it is about ("Cordées").  Places are checked, for figures and dates, by ``_naming``;
        a name many passages hold ("l'État", "Flers Agglo") is a party to the whole contract, and
        one the documents never use is weighed by ``assistant.scope``."""
        places = set(kinds.places(question))
        return [
            self._forms(word)
            for word in names_in(question.replace("’", "'"))
            if word not in places
            and all(
                self.lexical.document_frequency(token)
                and self.lexical.is_rare(token, SUBJECT_NAME_SHARE)
                for token in tokenize(word)
            )
        ]

    def _focused(self, focus: str, units: list[Unit]) -> list[Unit]:
        """``units`` holding a word of ``focus``, or one the synonym table relates to it, first;
        each group in its order."""
        wanted = self._forms(focus)
        if not wanted:  # a question that stands alone: nothing to read in the units
            return units
        return sorted(units, key=lambda u: not wanted & set(tokenize(u.text)))  # a stable sort

    def _answering(self, question: str, units: Sequence[Unit]) -> list[Unit]:
        """The units holding what the question asks for, in their order: a time of day, a day, an
        age, a person's name (or who heads what is asked), a phone number or an address, a sum in
        euros, the procedure asked (how to sign up or join, whom to ask, under what conditions,
        which papers), a deadline, a date to come, a frequency or a surface, the opening at the
        moment asked, a place's name, the kind of thing asked ("quelle association"), the figure it
        asks to confirm, a date or a figure.  A
        figure must also be *of* what is asked: "quel est le budget" needs "budget" near it, and
        "combien ont moins de 25 ans" needs "25"; a date to come is not in a sentence telling only
        of years before its document's."""
        question = question.replace("’", "'")
        for asked, said in kinds.ASKED_AND_SAID:
            if asked.search(question):
                units = [u for u in units if said.search(fold(u.text))]
        for moment in kinds.opening_moments(question):
            units = [
                u for u in units
                if kinds.OPENING.search(u.text)
                and (moment.search(u.text) or kinds.TIME_OF_DAY.search(u.text))
            ]
        if kinds.PLACE_QUESTION.search(question):
            units = [u for u in units if self._place_tokens(u.text)]
        for thing in kinds.THING_QUESTION.findall(question):
            units = self._naming_thing(thing, units)
        if kinds.MEANING_QUESTION.search(question):
            units = self._spelling_out(question, units)
        for confirmed in kinds.confirmed(question):
            units = [u for u in units if confirmed <= set(tokenize(u.text))]
        asks_date, asks_figure = kinds.asks_date(question), kinds.asks_figure(question)
        if asks_date or asks_figure:
            units = self._naming(question, units)
        if asks_date:
            units = [u for u in units if kinds.YEAR_OR_DATE.search(u.text)]
            if kinds.DATE_TO_COME_QUESTION.search(question):
                units = [u for u in units if not kinds.dated_before_its_document(u)]
        elif asks_figure:
            measured = kinds.measured_words(question)
            counted = self._counted(question)
            priced = [self._forms(w) for w in kinds.PRICED.findall(question)]
            stated = kinds.stated_numbers(question)
            units = [
                u for u in units
                if kinds.NUMBER.search(u.text)
                and stated <= set(kinds.DIGITS.findall(u.text))
                and all(kinds.measures(word, u) for word in measured)
                and all(count.found_in(u.text) for count in counted)
                and all(forms & kinds.named_in(u) for forms in priced)
            ]
        return list(units)

    def _naming(self, question: str, units: Sequence[Unit]) -> list[Unit]:
        """For a figure or a date of a named place ("combien d'habitants à Argentan ?"), the
        units that do not name another place instead, in their words or the sentence before them
        in the same block: Saint-Michel's figure is not Argentan's.  A unit naming no place is
        kept ("La métropole compte 1 362 quartiers prioritaires" answers for "en France").  Names
        that many passages hold ("Flers") are the contract's own setting and are not checked."""
        asked = [{token, *self.synonyms.related(token)} for token in self._place_tokens(question)]
        if not asked:
            return list(units)
        led = with_lead_ins(units)
        kept = []
        for unit in units:
            named = self._place_tokens(led[unit.hit.passage.id, unit.start])
            if not named or all(forms & named for forms in asked):
                kept.append(unit)
        return kept

    def _naming_thing(self, thing: str, units: Sequence[Unit]) -> list[Unit]:
        """The units that name ``thing`` ("école" in "quelle école ... ?"), or a word the synonym
        table relates to it, in their words or the lead-in before them in the same block ("Des
        structures :"): "Quelles écoles participent aux Cordées de la réussite ?" is not answered by
        a sentence naming the Cordées and no school.  One thing asked ("quel bailleur ... ?"), or
        bodies that have names ("quelles associations ... ?"), must be named, by a capitalised
        word or a quotation soon after the word (``kinds.names_a``: "l'école primaire Les
        Vallées", not "une convention Parquet-bailleurs-Etat"), or, not using the word themselves,
        follow a unit of their block that does (the items under "Des écoles :"); "quelles
        structures ... ?" may be answered by kinds ("plateformes mobilité, auto-écoles
        sociales")."""
        # A word the synonym table relates that many passages hold ("social", for "bailleur
        # social") does not name the thing.
        own = set(tokenize(thing))
        forms = {
            form for form in self._forms(thing)
            if form in own or self.lexical.is_rare(form, COMMON_NAME_SHARE)
        }
        led = with_lead_ins(units)
        named = [u for u in units if forms & set(tokenize(led[u.hit.passage.id, u.start]))]
        by_name = thing[-1:] not in "sx" or fold(thing).lower() in kinds.NAMED_BODIES
        if not by_name:
            return named
        return [
            u for u in named if kinds.names_a(forms, u.text) or not forms & set(tokenize(u.text))
        ]

    def _place_tokens(self, text: str) -> set[str]:
        """The index tokens of the places ``text`` names, those that many passages hold aside."""
        return {
            token for name in kinds.places(text) for token in tokenize(name)
            if self.lexical.is_rare(token, COMMON_NAME_SHARE)
        }

    def _spelling_out(self, question: str, units: Sequence[Unit]) -> list[Unit]:
        """For "que veut dire le sigle GUSP ?", the units that spell the acronym out (most words
        of its expansion, from the glossary): a list merely naming "PRE, GUSP, Adultes-relais"
        does not say what it means."""
        long_forms = [form for token in tokenize(question) if (form := self._long_form(token))]
        if not long_forms:
            return list(units)
        return [u for u in units if any(_spells_out(form, set(tokenize(u.text))) for form in long_forms)]

    def _forms(self, text: str) -> set[str]:
        """Index tokens that stand for the words of ``text``: their own and the words the synonym
        table relates to them ("personnes": "habitants", "Saint": "St")."""
        tokens = set(tokenize(text))
        return tokens | {r for t in tokens for r in self.synonyms.related(t)}

    def _counted(self, question: str) -> list[kinds.Count]:
        """What each "combien de ..." of ``question`` counts: its noun in its own forms and the
        words the synonym table relates it to ("résidents": "habitants"), for an acronym the head
        of its expansion ("QPV": "quartiers"), for a word that does not say who ("combien de
        monde ?") any noun of people or bodies, or another noun of the question ("combien de
        personnes ont rempli le questionnaire ?": "23 questionnaires"); or the words qualifying it
        ("de rénovation urbaine")."""
        counts = []
        for noun, complement in kinds.COUNTED.findall(question):
            tokens = set(tokenize(noun))
            forms = self._forms(noun)
            entry = self.glossary.lookup(noun)
            if entry is not None and entry.is_acronym:
                forms |= set(tokenize(entry.expansion)[:1])
            # ...or of what they did: "23 questionnaires" were filled in
            if tokens <= kinds.HEADCOUNT:
                forms |= kinds.PEOPLE | self._things_named(question)
            qualifying = frozenset(tokenize(complement))
            if qualifying & kinds.PLACE_NOUNS:  # "combien d'enfants des quartiers prioritaires ?"
                qualifying = frozenset()
            counts.append(kinds.Count(frozenset(forms), qualifying))
        return counts

    @staticmethod
    def _things_named(question: str) -> set[str]:
        """The index tokens of ``question`` that may name a thing: not a number, a month, a name
        or a place ("23 questionnaires" answers, "17 ... à St Michel" and "deux QPV" do not)."""
        names = {token for name in names_in(question) for token in tokenize(name)}
        left_out = kinds.MONTH_TOKENS | kinds.PLACE_NOUNS | kinds.TIME_NOUNS | names
        return {t for t in tokenize(question) if t.isalpha() and t not in left_out}

    def _list_items(self, lead: Unit, units: Sequence[Unit]) -> list[Unit]:
        """The other items of the lead's list, in document order, best-covered first if many."""
        siblings = [
            u for u in units
            if u.hit is lead.hit and u.block == lead.block and u.is_item and u is not lead
        ]
        if not siblings and not lead.is_item:  # a lead-in sentence: its list follows in the passage
            following = [u for u in units if u.hit is lead.hit and u.is_item and u.start > lead.start]
            if following:  # ...the first list after it, not the next heading's
                first = min(following, key=lambda u: u.start)
                siblings = [u for u in following if u.block == first.block]
        # Items after the lead first: a lead item often introduces the ones below it.
        after = [u for u in siblings if u.start > lead.start]
        pool = after if len(after) >= 2 else siblings
        kept = sorted(pool, key=lambda u: -u.score)[: self.policy.max_items]
        return sorted(kept, key=lambda u: u.start)


def compose(question: str, units: list[Unit]) -> Answer:
    """Number the cited passages in order of first use and build the answer's sentences."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    sentences: list[Sentence] = []
    lead, rest = units[0], units[1:]
    for unit in [lead, *rest]:
        pid = unit.hit.passage.id
        if pid not in numbers:
            numbers[pid] = len(numbers) + 1
            citations.append(Citation(numbers[pid], unit.hit.passage, unit.text))
        elif unit.text not in citations[numbers[pid] - 1].quote:
            first = citations[numbers[pid] - 1]
            citations[numbers[pid] - 1] = Citation(first.n, first.passage, _span(first, unit))
        sentences.append(Sentence(_as_sentence(unit.text), (numbers[pid],), bullet=unit.is_item and unit is not lead))
    return Answer(question, tuple(sentences), tuple(citations), refused=False, mode="extractive")


def refusal(question: str, hits: Sequence[Hit], message: str = REFUSAL) -> Answer:
    return Answer(
        question, (), (), refused=True, mode="extractive", further_reading=tuple(hits[:3]), message=message
    )


def _span(citation: Citation, unit: Unit) -> str:
    """The smallest stretch of the passage holding both the quote and the new unit."""
    text = citation.passage.text
    start = min(text.index(citation.quote), unit.start)
    end = max(text.index(citation.quote) + len(citation.quote), unit.end)
    return text[start:end]


def _as_sentence(text: str) -> str:
    """A unit shown as a sentence: whitespace joined, trailing list punctuation dropped."""
    return " ".join(text.split()).rstrip(" ;,")


@dataclass(frozen=True)
class _Concept:
    """A question token as the re-ranking looks for it: as itself, a corpus word it is bridged
    to ("policiers" -> "police", see ``LexicalIndex.bridge``) or a related word of the synonym
    table ("manger" -> "alimentation"); an acronym such as PRE also as most words of its
    expansion ("programme de réussite éducative")."""

    weight: float
    matches: frozenset[str]
    long_form: frozenset[str]

    def found_in(self, tokens: set[str]) -> bool:
        return bool(self.matches & tokens) or (bool(self.long_form) and _spells_out(self.long_form, tokens))


def _spells_out(long_form: frozenset[str], tokens: set[str]) -> bool:
    """Whether ``tokens`` hold most (two thirds) of an acronym's expansion."""
    return len(long_form & tokens) * 3 >= 2 * len(long_form)


def _naming_first(subject: list[set[str]], hits: Sequence[Hit]) -> list[Hit]:
    """``hits`` with those whose passage names what the question is about (``subject``, see
    ``ExtractiveAnswerer._named_subject``) in its text or its section path first, each group in
    its order: a refusal offers to read where the documents speak of it."""
    def names_it(hit: Hit) -> bool:
        section = " ".join(hit.passage.section)
        return _holds_each(subject, set(tokenize(f"{hit.passage.text} {section}")))

    return sorted(hits, key=lambda hit: not names_it(hit))  # a stable sort


def _holds_each(subject: list[set[str]], tokens: set[str]) -> bool:
    """Whether ``tokens`` hold one of the forms of each name of ``subject`` (true of none)."""
    return all(forms & tokens for forms in subject)


def _answers_like(unit: Unit) -> bool:
    """Whether the unit holds, or lies inside, the anchor of a question much like the query."""
    text = unit.text
    return any(anchor in text or text in anchor for anchor in unit.hit.anchors)


def _with(unit: Unit, coverage: float, score: float) -> Unit:
    return Unit(unit.hit, unit.start, unit.end, unit.is_item, unit.block, coverage, score)
