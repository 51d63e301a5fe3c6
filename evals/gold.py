"""The gold question set: French questions with known answers, to calibrate and judge the assistant.

Each line of ``evals/gold/questions.jsonl`` is one JSON object::

    {"id": "q001", "question": str, "evidence": [str, ...], "type": str,
     "split": "dev" | "test", "history": [str, ...]}

The ``q...`` questions were written with the first versions of the assistant; the ``b...`` (dev)
and ``c...`` (test) ones later, each set by a separate session that read only the corpus, never
the assistant's code, data or other questions.  Questions repeating another one word for word
were removed.

``evidence`` lists alternative exact substrings of the *cleaned* corpus text; a passage is relevant
to the question when it contains any of them. An empty list means the documents do not answer the
question (the assistant must refuse). ``history`` holds the previous questions of a conversation,
oldest first, for a follow-up that is ambiguous on its own; its evidence is for the resolved
question.  When the cleaning changes the text, evidence is rewritten to the new words of the same
place: q003 quoted the slide of the axes transversaux as the OCR had interleaved its two columns,
and quotes "Les défis des QPV" since the cleaner put them back.  When it put back four more slides
(cleaner version 3), newfacts' qi37 and absent18's ui34 were rewritten to the words of their column,
and one evidence string of the unread refusals12 was cut, by a script that printed only counts, to its
longest part a passage still holds (6 of its 7 words, held by one passage).

``evals/gold/refusals.jsonl`` is a second set, for refusals, outside the splits (run it with
``quartiers eval --gold evals/gold/refusals.jsonl``): 60 everyday questions of other domains
(``do..``), 15 of them naming a local place, and 40 familiar questions the corpus answers
(``di..``, one evidence string each), written by a session that read only the corpus.  No
threshold was chosen on it.  ``evals/gold/refusals2.jsonl`` is a third, written the same way
later (``eo..``, 30 of them naming a local place or a word of daily life, and ``ei..``), and
measured before anything was tuned after it.  Both have since been read while diagnosing: the
changes they informed say so in their comments and commit messages (``min_coverage``, the place
of a figure, small talk, the third batch of scope examples).  ``evals/gold/refusals3.jsonl``
(``fo..`` and ``fi..``) was written the same way by a session that read only the corpus, and
kept unread until its first measurement (57 of its 60 out-of-scope questions refused).  Then one
rule was written after reading it (``assistant.scope.undefined_term``), and the scope threshold
was chosen again, on the dev split, with this set's figures known.  ``evals/gold/refusals4.jsonl``
(``go..`` and ``gi..``) was written the same way; the examples and attached questions sharing
half their words with one of its questions were removed, unread, and the weights learned again
before its first measurement (56 of 60 out-of-scope questions refused, 1 of 40 familiar ones).
It was read after that measurement, and informed one change: "St" is "Saint" in the index tokens.
Quoted words the documents never write (``assistant.scope.unknown_quotation``) were prompted by
questions of ``refusals`` and ``refusals3``, both read by then.
``evals/gold/refusals5.jsonl`` (``ho..`` and ``hi..``) was written and screened the same way, and
measured once the weights were learned again (58 of 60 out-of-scope questions refused, 1 of 40
familiar ones).  Its questions are still unread: keep them so, to measure later changes.
``evals/gold/refusals6.jsonl`` (``jo..`` and ``ji..``) was written the same way, from the corpus as
cleaner 2 cleans it, and screened the same way (3 in-scope and 7 out-of-scope examples and 5
attached questions removed, unread); first measured at 56 of 60 out-of-scope questions refused, 2
of 40 familiar ones.  The fifth batch of scope examples came after that measurement, and the scope
threshold (``assistant.scope.OUT_OF_SCOPE_PROBABILITY``) was then chosen on the dev split and the
first four refusal sets, not on the fifth and sixth.  The sixth was then measured again (57 of 60
out-of-scope questions refused, 3 of 40 familiar ones) and read, and informed four changes: a
compound name opening a question is a name (``assistant.lexical.names_in``), "c'est quoi les
horaires" asks a time of day, "c'est bien le 29 septembre ?" asks to confirm a figure that only a
sentence holding it can, and a figure word in a question asking yes or no asks no figure
(``assistant.answer``).  ``evals/gold/refusals7.jsonl`` (``ko..`` and
``ki..``) was written the same way after that, from the brief of the fifth and sixth, and screened
the same way (1 in-scope and 11 out-of-scope examples removed, unread); first measured at 58 of 60
out-of-scope questions refused, 4 of 40 familiar ones.  It was read a session later (58 and 3 by
then), and informed four changes: an opening at the moment asked ("la boulangerie est ouverte le
lundi ?") needs a sentence saying it, "quand" after another question word opens a clause of time,
and the words of an idiom ("en même temps") name no topic (``assistant.answer``); a request to do
a piece of work gets its own message (``assistant.scope.is_task_request``).  The seventh batch
of scope examples followed it too.  ``evals/gold/refusals8.jsonl`` (``lo..`` and ``li..``) was
written the same way before those changes, from the same brief, and screened the same way (2
in-scope and 4 out-of-scope examples and 1 attached question removed, unread); first measured
at 57 of 60 out-of-scope questions refused, 3 of 40 familiar ones.  ``evals/gold/refusals9.jsonl``
(``mo..`` and ``mi..``) was then written and screened the same way (2 in-scope and 9 out-of-scope
examples and 2 attached questions removed, unread), and first measured with the weights learned
again (57 of 60 out-of-scope questions refused, 9 of 40 familiar ones).  After that the eighth was
read, and informed one change: a count asked in other words ("combien d'organismes", "de
résidents", "de QPV") is counted by what is meant (``assistant.answer``).
``evals/gold/refusals10.jsonl`` (``no..`` and ``ni..``) was written and screened the same way (3
out-of-scope examples removed, unread), and first measured with the weights learned again (56 of
60 out-of-scope questions refused, 2 of 40 familiar ones).  The ninth was read after that, and
informed six changes: hours of work are not an opening, an age question needs a sentence saying an
age, places count nobody in "combien de monde" (``assistant.answer``), a name is not widened by
the synonym table, which gained three words (``assistant.synonyms``), and a question on what is
on tonight gets its own message (``assistant.scope.present_moment``).  With those changes and the
weights learned again, the tenth gave 56 of 60 out-of-scope questions refused and 1 of 40 familiar
ones; it was then seen by accident (printed whole in a check of line lengths), and no change
followed.  All 40 of its familiar questions have evidence that an earlier set's question has too
(24 a question of the ninth), as 38, 37 and 37 of those of the ninth, eighth and fifth have, each
against the sets before it: the blind sets ask again, in other words, the facts the read ones
asked.  ``evals/gold/refusals11.jsonl`` (``po..`` and ``pi..``) was then written from the same
brief, with two more rules its checker enforced: no familiar question on a fact an earlier set
asked (its evidence neither holding nor held by an earlier evidence, nor sharing 4 words in a row
with one), no out-of-scope question sharing half its words with an earlier one.  Screened the same
way (1 in-scope and 5 out-of-scope examples and 1 attached question removed, unread), and first
measured with the weights learned again: 57 of 60 out-of-scope questions refused, 1 of 40
familiar ones, but hit@5 0.875 and MRR 0.680, under the targets the earlier sets meet.
``evals/gold/newfacts.jsonl`` (``qi..``, 40 questions, all answerable) was written by a helper under
the same new-facts rules to find out why, and read: most of the passages it misses are found in
other words than the residents' (comportements "irrespectueux" for "incivilités", "raser" for
"démolitions").  Screened once committed (3 attached questions removed); its figures are
those of a read set.
``evals/gold/refusals12.jsonl`` (``ro..`` and ``ri..``) was then written from the same brief and
checker, the facts and out-of-scope questions of the eleventh and of ``newfacts`` joining the
lists of those already asked; screened the same way (3 in-scope and 5 out-of-scope examples and 2
attached questions removed, unread).  With a thesaurus written term by term of the documents
(``assistant.synonyms``) and the weights learned again, the twelfth was first measured at hit@5
0.975 and MRR 0.845, 57 of 60 out-of-scope questions refused and 1 of 40 familiar ones; the
eleventh, measured a second time (MRR 0.680 -> 0.727, still 57 of 60), then had its failures
read.  ``evals/gold/refusals13.jsonl`` (``so..`` and ``si..``) was written from the same brief
and checker, the facts and out-of-scope questions of the twelfth joining the lists (added unread);
screened the same way (5 in-scope and 5 out-of-scope examples and 3 attached questions removed,
unread), and first measured after a stemming rule for verbs' third person plural, a scope check
that synonyms no longer spare, a day check for "c'est quel jour ?" and the weights learned again:
hit@5 0.925 and MRR 0.827, 57 of 60 out-of-scope questions refused and 2 of 40 familiar ones.  The
twelfth, measured a second time then, gave hit@5 0.975 and MRR 0.840.  After that first
measurement, the 10 examples the thirteenth's screening removed were seen by mistake (in a diff);
its questions were not.  The fifth, the twelfth and the thirteenth are unread.
``evals/gold/absent14.jsonl``, ``absent15.jsonl`` and ``absent16.jsonl`` (``ao..``/``ai..``,
``bo..``/``bi..``, ``co..``/``ci..``) measure the other refusal: 60 questions inside the contract's
subjects that the documents do not answer (a contact, a sum, a person, a date to come, a procedure,
a statistic; ``"type": "absent"``) and 40 familiar questions on facts no earlier set asked, each
written by a helper session from the corpus alone (see ``BLIND_BRIEF.md``).  The fourteenth was
measured (25 of 60 absent questions refused, 3 of 40 familiar ones) and read, and informed the first
kinds of answer a sentence must hold (a contact, a sum, a person by role, a procedure, a share); the
fifteenth, measured before and after them (26 and 30 of 60), was then read too, and with the
fourteenth informed the next (who heads something, how to reach or join, under what conditions, a
deadline, a date to come, a bus line, a consultancy, the kind of thing asked).  The sixteenth is
unread: measured by id only, before and after each of those steps (29, then 35 of 60 absent
questions refused, 0 of 40 familiar ones).  Screened when committed (3, 4 and 6 in-scope examples
and 8, 4 and 4 attached questions removed, unread) and measured with the weights learned again:
49, 49 and 33 of 60 absent questions refused, 3, 2 and 0 of 40 familiar ones; hit@5 0.975 for
each, MRR 0.863, 0.878 and 0.834.
``evals/gold/refusals17.jsonl`` (``to..``/``ti..``) and ``absent18.jsonl`` (``uo..``/``ui..``) were
written later, after the query map (``assistant.adapter``), by two helper sessions from kits made
by a first draft of ``python -m evals.blind`` (the same files; the checker took its settings on its
command line), a third replacing 1 absent question a passage answers, to measure anew
on questions no one had measured: the earlier unread sets had been measured after every change.
Screened when committed (3 and 1 in-scope examples, 3 and 0 out-of-scope ones, 2 and 5 attached
questions removed, unread) and measured once with the weights learned again: the seventeenth, 57 of
60 out-of-scope questions refused, 0 of 40 familiar ones, hit@5 0.875 and MRR 0.777; the
eighteenth, 34 of 60 absent questions refused, 0 of 40 familiar ones, hit@5 0.925 and MRR 0.789.
Both were then read; the eighteenth informed more kinds of answer a sentence must hold (a number to
call, a person asked "c ki" or "quel médecin", how to become a member or whom to ask, a frequency,
a surface, the name of the one landlord or of the bodies asked; a count of the quarters' people is
not one of the quarters; a wish is not a request), which refused 48, then 51 of its 60 absent
questions and 36, then 37 of the sixteenth's (unread), no familiar question more; then "le nombre
de ..." is a count, "l'an dernier" counts nothing, and a common word the synonym table relates to
a thing does not name it: 53 of its 60, the sixteenth unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.lexical import fold

GOLD_PATH = Path(__file__).parent / "gold" / "questions.jsonl"

TYPES = frozenset(
    {
        "factual",  # dates, figures, names
        "list",  # enumerations: axes, priorities, leviers...
        "definition",  # acronyms and notions the corpus explains
        "governance",  # pilotage, comités, suivi, participation citoyenne
        "onboarding",  # broad questions of a new staff member
        "paraphrase",  # worded far from the document
        "followup",  # needs its history to be understood
        "out_of_scope",  # outside the domain: must be refused
        "absent",  # inside the domain but not answered by the documents: must be refused
    }
)
SPLITS = frozenset({"dev", "test"})
_FIELDS = {"id": str, "question": str, "evidence": list, "type": str, "split": str, "history": list}


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    evidence: tuple[str, ...]
    type: str
    split: str
    history: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        """True when the documents answer the question (some evidence is given)."""
        return bool(self.evidence)


def parse_gold_line(line: str, lineno: int = 0) -> GoldQuestion:
    """One JSONL line to a ``GoldQuestion``; ``ValueError`` naming the line when it is malformed."""
    where = f"gold question line {lineno}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: invalid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise ValueError(f"{where}: expected a JSON object, got {type(record).__name__}")
    missing = [key for key in _FIELDS if key not in record]
    if missing:
        raise ValueError(f"{where}: missing key(s) {', '.join(missing)}")
    unknown = sorted(set(record) - set(_FIELDS))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}")
    for key, kind in _FIELDS.items():
        if not isinstance(record[key], kind):
            raise ValueError(f"{where}: {key!r} must be a {kind.__name__}")
    for key in ("evidence", "history"):
        if not all(isinstance(item, str) and item.strip() for item in record[key]):
            raise ValueError(f"{where}: {key!r} must be a list of non-empty strings")
    if not record["id"].strip():
        raise ValueError(f"{where}: empty 'id'")
    if not record["question"].strip():
        raise ValueError(f"{where}: empty 'question'")
    if record["split"] not in SPLITS:
        raise ValueError(f"{where}: split {record['split']!r} is not one of {sorted(SPLITS)}")
    if record["type"] not in TYPES:
        raise ValueError(f"{where}: unknown type {record['type']!r}")
    return GoldQuestion(
        id=record["id"],
        question=record["question"],
        evidence=tuple(record["evidence"]),
        type=record["type"],
        split=record["split"],
        history=tuple(record["history"]),
    )


def load_gold(path: Path | None = None, split: str | None = None) -> list[GoldQuestion]:
    """The gold questions of ``path`` (default: the packaged set), optionally of one split only.

    Blank lines are skipped. A malformed line, or an id seen before, raises ``ValueError`` naming
    the line number (1-based).
    """
    if split is not None and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: expected one of {sorted(SPLITS)}")
    path = Path(path) if path is not None else GOLD_PATH
    questions: list[GoldQuestion] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            if not line.strip():
                continue
            question = parse_gold_line(line, lineno)
            if question.id in seen:
                raise ValueError(
                    f"gold question line {lineno}: duplicate id {question.id!r} "
                    f"(first on line {seen[question.id]})"
                )
            seen[question.id] = lineno
            questions.append(question)
    if split is not None:
        questions = [q for q in questions if q.split == split]
    return questions


def words_of(text: str) -> frozenset[str]:
    """The words of ``text``, accents folded and lower-cased, for ``much_alike``."""
    return frozenset(re.findall(r"\w+", fold(text).lower()))


def much_alike(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two texts' words (``words_of``) share half their union or more: the rule by which
    data written for the assistant is kept apart from the gold questions (``tests/conftest.py``),
    and a question from its near duplicates when the ranking is learned (``evals.fusion``)."""
    return len(a & b) * 2 >= len(a | b)
