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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from assistant.followup import leans_on_earlier
from assistant.glossary import Glossary
from assistant.lexical import MONTHS, LexicalIndex, fold, names_in, tokenize
from assistant.records import Answer, Citation, Hit, Sentence
from assistant.synonyms import default_synonyms
from assistant.units import Unit, in_context, is_heading, overlaps, with_lead_ins

REFUSAL = (
    "Les documents du contrat de ville ne contiennent pas d'information qui réponde à cette "
    "question. Les passages les plus proches sont proposés en lecture complémentaire."
)

_LIST_QUESTION = re.compile(
    r"\b(quel(le)?s|lesquel(le)?s|liste[rz]?|énumér|enumer|actions|leviers|axes|priorités|"
    r"priorites|objectifs|défis|defis|thèmes|themes|dispositifs|enjeux|mesures|outils|"
    r"signataires|partenaires|étapes|etapes|attendus|problématiques|problematiques)\b",
    re.IGNORECASE,
)
# "part" is a share, not in "c'est noté quelque part ?", "à part", "de ma part", "il part".
_PART_IDIOM = "".join(
    rf"(?<!\b{before} )"
    for before in (
        "quelque", "qq", "nulle", "autre", "à", "a", "de la", "de ma", "de ta", "de sa", "de leur",
        "de notre", "de votre", "fait", "faire", "qui", "il", "elle", "on", "ça", "ca",
    )
)
_FIGURE_QUESTION = re.compile(
    r"\b(combien|nombre|taux|montant|budget|pourcentage|proportion|chiffre|population|coût|cout|"
    rf"revenu|revenus|médian|median|salaire|prix|tarif|superficie|{_PART_IDIOM}part)\b",
    re.IGNORECASE,
)
# A figure word asks for the figure in a question asking a quantity ("combien", "quel est le
# budget", "c'est quoi le taux"), not in one asking yes or no ("les tarifs dépendent des
# revenus ?").
_ASKS_QUANTITY = re.compile(
    r"\bcombien\b|\bquel(le)?s?\b|c'?est quoi|\bc koi\b|^\W*(?:le )?nombre d", re.IGNORECASE
)
_DATE_QUESTION = re.compile(r"\b(quand|quelle date|en quelle année|depuis quand|date)\b", re.IGNORECASE)
# "quand" before a subject pronoun opens a clause of time, not a question: "... quand je finis
# tard", "quand on a un souci, qui appeler ?"; after "depuis", "jusqu'à" or "c'est" it still asks.
_WHEN_CLAUSE = re.compile(
    r"(?<!depuis )(?<!jusqu'à )(?<!jusqu'a )(?<!c'est )\bquand\s+(je|j'|tu|il|ils|elle|elles|on|nous|vous)\b",
    re.IGNORECASE,
)
# "Pourquoi ... quand le centre ouvre le soir ?", "Comment faire quand ... ?": after another
# question word, "quand" opens a clause of time; "... ça commence quand ?" still asks.
_OTHER_QUESTION_WORD = re.compile(r"\W*(pourquoi|comment|qui|où|que|qu'|quoi)\b", re.IGNORECASE)
_WHEN = re.compile(r"\bquand\b(?!\s*\?*\s*$)", re.IGNORECASE)
# Answer types a sentence must hold before it can answer: a time of day, a person's name.
# "c'est quoi les horaires du cinéma ?" and a bare "horaires leclerc dimanche" ask one too; "les
# horaires de bus, c'est prévu de les changer ?" does not.
_TIME_QUESTION = re.compile(
    r"\b(quel(le)?s? (sont )?(les )?horaires|[àa] quelle heure|(horaires?|heures?) d'ouverture)\b"
    r"|\b(c'?est quoi|c koi|ce sont quoi) (les )?horaires\b|^\s*horaires\b",
    re.IGNORECASE,
)
# "c'est pour quel âge ?", "à partir de quel âge ... ?", "quelle tranche d'âge ?": an age, in years.
_AGE_QUESTION = re.compile(
    r"\bquel(le)?s? (tranches? d')?[âa]ges?\b|\btranches? d'[âa]ges?\b", re.IGNORECASE
)
_AGE = re.compile(r"\b\d{1,2} ?ans\b|\b[âa]g[ée]e?s? de\b", re.IGNORECASE)
_TIME_OF_DAY = re.compile(r"\b\d{1,2} ?h ?(\d\d)?\b|\b\d{1,2} heures\b", re.IGNORECASE)
# "La boulangerie est ouverte le lundi ?", "le centre ouvre le soir ?" ask when a place opens:
# only a unit saying that something opens or closes at that moment can answer.
_OPENING = re.compile(
    r"\b(ouv(?:ert|erte|erts|ertes|re|rent|rir|erture|ertures)|"
    r"ferm(?:e|ent|er|é|ée|és|ées|eture|etures)|horaires?)\b",
    re.IGNORECASE,
)
# One's hours of work are not a place's opening: "les bus collent pas aux horaires de boulot de
# nuit" asks about no opening at night.
_WORKING_HOURS = re.compile(
    r"\bhoraires (?:de (?:travail|boulot|taf|job)|d[ée]cal[ée]s|atypiques)\b", re.IGNORECASE
)
# Each moment as a question names it, and the other forms a unit may say it in: "le soir" is
# said "en soirée", "le week-end" is said "le samedi" or "le dimanche".
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MOMENTS = [
    (re.compile(asked, re.IGNORECASE), re.compile("|".join((asked, *also)), re.IGNORECASE))
    for asked, *also in [
        *((rf"\b{day}s?\b",) for day in _DAYS),
        (r"\bweek-?ends?\b", r"\bsamedis?\b", r"\bdimanches?\b"),
        (r"\bf[ée]ri[ée]s?\b",),
        (r"\bsoir(s|ée|ées)?\b",),
        (r"\bmatin(s|ée|ées)?\b",),
        (r"\bmidi\b",),
        (r"\bnuits?\b", r"\bnocturne"),
    ]
]
_WEEKDAY_DATE = re.compile(rf"\b({'|'.join(_DAYS)})\s+\d+", re.IGNORECASE)  # "vendredi 27 octobre"
# "c'était quel jour ?" asks a day: a date ("le 25 novembre 2021") or the day something happens
# ("le mardi", "chaque jeudi", "tous les lundis"), not a weekday named in passing ("horaires
# décalés, dimanche et jours fériés").  The documents date their meetings and surveys; they give
# no day to a weekly market or a lesson.
_DAY_QUESTION = re.compile(r"\bquels? jours?\b", re.IGNORECASE)
_DAY = re.compile(  # read in folded text, as every pattern of _ASKED_AND_SAID
    rf"\b(?:le|les|chaque|tous les|du|au)\s+(?:{'|'.join(_DAYS)})s?\b"
    rf"|\b\d{{1,2}}(?:er)? (?:{'|'.join(MONTHS)})\b",
    re.IGNORECASE,
)
_ROLE = (
    r"(?:(?:(?:nouveau|nouvel|nouvelle|actuel|actuelle) )?"
    r"(?:délégué|déléguée|maire|président|présidente|vice-président|vice-présidente|directeur|"
    r"directrice|préfet|préfète|sous-préfet|sous-préfète|responsable|chef|cheffe|élu|élue|adjoint|"
    r"adjointe|coordinateur|coordinatrice|coordonnateur|coordonnatrice|proviseur|proviseure|"
    r"animateur|animatrice|référent|référente|médiateur|médiatrice|éducateur|éducatrice|"
    r"conseiller|conseillère|chargée? de mission|adulte[- ]relais)"
    # "le principal objectif" is no one: the head of a collège is "le principal du collège"
    r"|(?:nouveau|nouvelle|actuel|actuelle) principale?|principale? d[eu] coll(?:è|e)ge)\b"
)
# "comment s'appelle le nouveau principal ?", "c qui l'adulte relais ? elle s'appelle comment ?",
# "quel élu ... ?" ask a person's name: the role alone ("un nouveau principal") does not answer.
_PERSON_QUESTION = re.compile(
    r"\b(?:comment s'appelle|comment se nomme|qui est|quel est le nom d[eu']|nom d[eu']|"
    rf"c(?:'est)? (?:qui|ki))\s*(?:le |la |l')?{_ROLE}"
    rf"|\b{_ROLE}[^?]*\b(?:s'appelle|se nomme)(?:nt)? comment\b"
    r"|\bquel(?:le)?s? (?:élu|élue|élus|élues|adjoint|adjointe)\b"
    r"|\bquel(?:le)? (?:médecin|psychologue|infirmi(?:er|ère)|animat(?:eur|rice)|éducat(?:eur|rice)|"
    r"coordinat(?:eur|rice)|référente?|directeur|directrice|responsable)\b"
    r"|\bqui est (?:la|le) personne\b|\bpersonne (?:chargée|en charge|responsable|référente) d",
    re.IGNORECASE,
)
# A phone number, an e-mail, a website or a street address is asked only to be given: "le PIJ,
# on peut l'appeler à quel numéro ?" is not answered by the PIJ's permanences.
_CONTACT_QUESTION = re.compile(
    r"\b(?:num[ée]ro|num) (?:de )?(?:t[ée]l[ée]phone|tel|portable|fixe)\b"
    r"|\b[àa] quel num[ée]ro\b|\b(?:son|leur|votre|ton) num[ée]ro\b"
    r"|\bquel num[ée]ro (?:appeler|composer|faire)\b"
    r"|\b(?:vous avez|avez-vous|auriez-vous|tu as|t'as|as-tu|je cherche|donnez-moi|donne-moi) "
    r"(?:le|un) num[ée]ro\b"
    r"|\badresses? (?:e-?)?mail\b|\badresse [ée]lectronique\b|\bcourriel\b"
    r"|\bquel(?:le)?(?: est (?:le|son|leur))? (?:e-?)?mail\b|\bquel(?: est)? (?:le |leur |son )?site\b"
    r"|\b(?:[àa] quelle |l')adresse(?! (?:e-?)?mail| [ée]lectronique)\b"
    r"|\bcomment (?:le |la |les |l')?(?:contacter|joindre)\b|\b(?:un|son|leur) (?:num[ée]ro|num|tel) ou\b"
    r"|\bquelle rue\b",
    re.IGNORECASE,
)
_CONTACT = re.compile(  # read in folded text
    r"\b0\d(?:[ .-]?\d\d){4}\b|\+33|\S@\S|\bwww\.|https?://|\.fr\b"
    r"|\b\d+(?: ?bis| ?ter)?,? (?:rue|avenue|boulevard|bd|place|allee|chemin|impasse|route|square)\b",
    re.IGNORECASE,
)
# An amount of money asked ("doté de combien ?", "quelle enveloppe de DPV ?", "combien d'euros ?")
# needs a sum in euros: a count or a year does not answer it.
_MONEY_QUESTION = re.compile(
    r"^(?=.*\b(?:combien|quel(?:le)?s?)\b)"
    r"(?=.*(?:\b(?:enveloppes?|dot(?:é|e)e?s?|budgets?|montants?|euros?|somme|prix|"
    r"co[ûu]t(?:e|ent|era|eront|er|é|s)?|économis\w*)\b|€))",
    re.IGNORECASE | re.DOTALL,
)
_MONEY = re.compile(r"\d\s*(?:€|k€|m€|euros?\b|millions? d'euros|milliers d'euros)", re.IGNORECASE)
# Signing up ("inscription aux ateliers"), not fitting within or being set as something: "s'est
# inscrite en 2021 dans le dispositif", "l'inscription d'une politique ... dans les politiques
# sectorielles", "inscrire le sport comme vecteur d'émancipation".
_SIGNING_UP = (
    r"\binscri\w*(?![^.;:]{0,80}\b(?:dans|comme)\b)|\bdossiers? (?:de |d'|a )|\bcandidat"
)
# A request made, not wished: "déposer une demande", "sur demande", "la demande se fait en mairie";
# "des demandes de parents pour ..." tells what residents wish for.
_REQUEST = (
    r"\b(?:faire|fait|faite|adresser|adressee?|deposer|deposee?|formuler) "
    r"(?:une |la |sa |leur |les )?demandes?\b|\bsur demande\b"
    r"|\bdemandes? (?:doi(?:t|vent)|est|sont|se fai(?:t|tes?)|peu(?:t|vent)|d'inscription|"
    r"d'adhesion|de subvention|a adresser)\b"
)
# How to sign up or join, under what conditions, which papers or form, how to report a problem,
# under what income: a procedure is answered only by a unit that speaks of it.  "Comment inscrire mon
# enfant au dispositif d'appui aux stages ?" is not answered by "Mise en place d'un dispositif
# d'appui aux stages".
_PROCEDURES = tuple(
    (re.compile(asked, re.IGNORECASE), re.compile(said, re.IGNORECASE))
    for asked, said in [
        (
            r"\b(?:comment|où|étapes?|procédure|démarches?)\b[^?]*\b(?:s'inscri\w*|inscri\w*)",
            _SIGNING_UP,
        ),
        # "comment on fait pour rejoindre le dispositif ?", "par quelle démarche ?"
        (
            r"\bcomment (?:(?:on fait|faire|fait-on|je fais) pour|peut-on|puis-je|je peux|on peut) "
            r"(?:rejoindre|entrer|intégrer|adhérer|demander|obtenir|candidater|postuler)\b"
            r"|\bcomment (?:devenir|adhérer|rejoindre)\b"
            r"|\bcomment (?:un|une|le|la|les|l')\s*[\w-]+(?: \w+)? "
            r"(?:peut|peuvent)-(?:il|elle|ils|elles) "
            r"(?:demander|obtenir|accueillir|rejoindre|candidater|postuler|adhérer)\b"
            r"|\b(?:s'adresse|s'adresser|demander) (?:à|a) qui\b|\bauprès de qui\b"
            r"|\bfaire la demande\b"
            r"|\bpar quelle (?:démarche|procédure)\b"
            r"|\bquelle est la (?:démarche|procédure) (?:pour|à suivre)\b"
            r"|\bprocédure pour\b",
            rf"{_SIGNING_UP}|{_REQUEST}|\badhe|\bs'adresser|\bcontacter|\baupres d",
        ),
        # "quelles conditions faut-il remplir ?", "sur quels critères ?", "faut-il habiter dans un
        # QPV pour ... ?"
        (
            r"\bconditions?\b (?:faut-il |à |a )?(?:remplir|pour|d'accès|d'admission|d'entrée)\b"
            r"|\bsur quels? critères\b|\bcritères? (?:d'attribution|d'accès|d'admission|pour)\b"
            r"|\bfaut-il (?:habiter|résider|vivre|être domicilié) (?:dans|à|en|au|aux)\b",
            r"(?<!creer les )(?<!reunir les )(?<!favoriser les )\bconditions?\b|\bcriteres?\b|\beligib"
            r"|\breserve(?:e|s|es)? a|\bouvert(?:e|s|es)? a|\bsous reserve",
        ),
        (
            r"\bquel(?:le)?s? (?:papiers|pièces|justificatifs)\b"
            r"|\b(?:papiers|pièces|justificatifs)\b[^?]*\b(?:fournir|apporter|amener)\b",
            r"\bpieces?\b|\bjustificati|\bpapiers?\b|\bdossiers? (?:de |d'|a )",
        ),
        (r"\bformulaires?\b", r"\bformulaire|\bdossiers? (?:de |d'|a )"),
        (r"\bcomment\b[^?]*\bsignaler\b", r"\bsignal"),
        (
            r"\b(?:conditions?|plafonds?) de (?:ressources?|revenus?)\b",
            r"\bconditions? de ressources|\brevenus?\b|\bquotient|\bplafond",
        ),
    ]
)
# "quand aura lieu la prochaine réunion ?": a date to come, which a sentence telling of a year
# before its document's does not give (``_dated_before_its_document``).
_DATE_TO_COME_QUESTION = re.compile(
    r"^(?=.*\b(?:quand|quelle date|quelle p[ée]riode|quel mois)\b)"
    r"(?=.*\b(?:prochaine?s?|aura|auront|sera|seront|va-t-(?:il|elle)|vont-(?:ils|elles)"
    r"|cette année)\b)",
    re.IGNORECASE | re.DOTALL,
)
# Particulars a sentence must give, not merely share a word with: a deadline ("jusqu'à quelle date
# ... ?", "quelle est la date limite ... ?"), a date to come ("quand aura lieu la prochaine réunion
# ?", which a meeting held in 2021 does not give), a bus line, a frequency, a surface, a
# consultancy.
_PARTICULARS = tuple(
    (re.compile(asked, re.IGNORECASE | re.DOTALL), re.compile(said, re.IGNORECASE))
    for asked, said in [
        (
            r"\bdate limite\b|\bjusqu'[àa] (?:quelle date|quand)\b|\bavant quelle date\b",
            r"\bdate limite\b|\bjusqu'(?:au|en|a)\b|\bavant le\b|\bau plus tard\b|\bd'ici\b"
            r"|\b(?:19|20)\d\d ?[-–] ?(?:19|20)\d\d\b",
        ),
        (
            _DATE_TO_COME_QUESTION.pattern,
            r"\b(?:sera|seront|aura|auront|prevue?s?|programmee?s?|a venir|d'ici|chaque annee|tous les ans"
            r"|annuel(?:le)?s?|a partir d[eu])\b",
        ),
        (r"\bquelles? lignes?\b", r"\blignes?\b"),
        # "à quelle fréquence ... ?", "combien de fois par an ?", "on en compte combien par mois ?"
        (
            r"\b(?:quelle|à quelle|a quelle) fr[ée]quence\b|\btous les combien\b"
            r"|\bcombien (?:de fois )?par (?:an|année|mois|semaine|jour)\b",
            r"\bchaque\b|\btou(?:s|tes) les\b|\bpar (?:an|annee|mois|semaine|jour)\b|\bfois\b"
            r"|\b(?:annuel|mensuel|hebdomadaire|trimestriel|semestriel|quotidien)(?:le)?s?\b",
        ),
        (
            r"\b(?:surface|superficie)\b",
            r"\bm2\b|m²|\bmetres? carres?\b|\bhectares?\b|\d ?ha\b|\bkm2\b|km²",
        ),
        (r"\bquels? cabinets?\b|\bquel bureau d'études\b", r"\bcabinets?\b|\bbureau d'etudes\b"),
    ]
)
# "quels quartiers ... ?": the answer names them.
_PLACE_QUESTION = re.compile(
    r"\bquel(le)?s? (sont )?(les )?(quartiers?|qpv|communes?)\b",
    re.IGNORECASE,
)
# "quelle association ... ?", "quels arbres ... ?": things of a kind, which the answer names.
_THING_QUESTION = re.compile(
    r"\bquel(?:le)?s? (?:sont (?:les )?)?(associations?|écoles?|clubs?|bailleurs?|structures?|"
    r"entreprises?|commerces?|bâtiments?|arbres?|logiciels?|salles?|collèges?|lycées?|établissements?)\b",
    re.IGNORECASE,
)
_PERSON_NAME = re.compile(r"\b(M\.|Mme|Mlle|Monsieur|Madame)\s+[A-ZÀ-Þ]|\b[A-ZÀ-Þ][a-zà-ÿ]+ [A-ZÀ-Þ]{2,}\b")
# "qui dirige le multi-accueil ?", "qui préside le conseil citoyen ?": a person by name, or a
# sentence saying who heads it ("co-présidé par le Préfet et le Président de Flers Agglo"); "qui
# pilote le contrat ?" may be answered by institutions and is not asked here.
_HEAD_QUESTION = re.compile(r"\bqui (?:dirige|dirigera|préside|présidera|est à la tête d)", re.IGNORECASE)
_HEAD = re.compile(  # read in folded text
    rf"{_PERSON_NAME.pattern}|(?i:\b(?:presid\w*|dirige\w*|directeur|directrice|a la tete d))"
)
# A question asking a time of day, a day, an age, a person (by name, or who heads something), a
# contact, a sum, a procedure or a particular, and what a unit must hold to answer, in its folded
# text ("1er août" is read "1er aout").
_ASKED_AND_SAID = (
    (_TIME_QUESTION, _TIME_OF_DAY),
    (_DAY_QUESTION, _DAY),
    (_AGE_QUESTION, _AGE),
    (_PERSON_QUESTION, _PERSON_NAME),
    (_HEAD_QUESTION, _HEAD),
    (_CONTACT_QUESTION, _CONTACT),
    (_MONEY_QUESTION, _MONEY),
    *_PROCEDURES,
    *_PARTICULARS,
)
_DEFINITION_QUESTION = re.compile(
    r"c'?est quoi|qu'?est[- ]ce que|que veut dire|que signifie|signification|définition|definition|"
    r"ça veut dire|ca veut dire|\bkoi\b",
    re.IGNORECASE,
)
_MEANING_QUESTION = re.compile(r"veut dire|signifie|signification|\bsigle\b|acronyme", re.IGNORECASE)
_DEFINES = re.compile(r"\b(est|sont|désigne|consiste|vise)\b")
# Idioms whose words say nothing of the topic: "paracétamol et ibuprofène en même temps ?" is not
# about the "temps libres" of the centres sociaux.
_IDIOM = re.compile(
    r"\b(?:en m[eê]me temps|de temps en temps|de temps [àa] autre|tout le temps|en ce moment|"
    r"pour le moment|du coup|en fait|en tout cas|tout de suite|par contre|tout [àa] fait|"
    r"en gros|peu importe|n'importe (?:quoi|o[uù]|quand|comment)|de toute fa[cç]on|en vrai)\b",
    re.IGNORECASE,
)
COMMON_NAME_SHARE = 0.2  # a name held by more passages is the setting of the whole contract
# A name held by at most this share of the passages (4 of the 89 shipped) tells what a question
# asking a particular is about.  At 0.2, five answerable questions of the read gold sets naming
# "l'État" (9 passages) were refused; at 0.05, none, and three absent ones more were refused.
SUBJECT_NAME_SHARE = 0.05
LIST_LEAD_SHARE = 0.5  # a lead-in with its list may lead a list question covered this well
SUBJECT_SHARE = 0.5  # an earlier question's words this close to its rarest one are its subject
RERANK_WEIGHT = 0.5  # chosen on the dev split: MRR 0.663 without, 0.717 with
# "c'est bien le 29 septembre ?" asks to confirm a figure, which only a unit saying it can.
_CONFIRMED = re.compile(r"\b(?:c'est|est-ce|c'était) bien\b([^?.!]*)", re.IGNORECASE)
_STATED_FIGURE = re.compile(r"\b\d{2,}\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_YEAR_OR_DATE = re.compile(
    rf"{_YEAR.pattern}|\b\d{{1,2}}(er)? [a-zéû]+ {_YEAR.pattern}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
)


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
        tokens = list(dict.fromkeys(tokenize(_IDIOM.sub(" ", question.replace("’", "'")))))
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
        definition = bool(_DEFINITION_QUESTION.search(question))
        scored: list[Unit] = []
        for unit, tokens, context in in_context(hits):
            coverage = self._coverage(concepts, tokens, context)
            score = coverage + self.policy.rank_bonus / unit.hit.rank
            if definition and coverage >= 0.5 and _DEFINES.search(unit.text[:120]):
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
        answering = self._answering(focus if _asks_a_kind(focus) else question, units)
        enough = [u for u in answering if u.coverage >= self.policy.min_coverage]
        if focus and leans_on_earlier(focus):
            enough = self._of_earlier_subject(question, focus, enough)
        elif not focus and _asks_a_kind(question):
            enough = self._of_named_subject(question, enough)
        if not enough:
            return refusal(question, hits)
        ranked = self._focused(focus, enough)
        lead = ranked[0]
        wants_list = bool(_LIST_QUESTION.search(question))
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

    def _of_named_subject(self, question: str, units: list[Unit]) -> list[Unit]:
        """For a question asking a particular of something it calls by a name few passages hold
        ("Quelles écoles participent aux Cordées de la réussite ?", "Quel bailleur gère le
        secteur des Joyaux ?"), the ``units`` naming it too, in their words, their lead-in or their
        passage's section path: a school named in a sentence on something else does not answer.
        Places are checked, for figures and dates, by ``_naming``; a name many passages hold
        ("l'État", "Flers Agglo") is a party to the whole contract and is not checked, nor is one
        the documents never use (``assistant.scope`` weighs those)."""
        places = set(_places(question))
        subject = [
            self._forms(word)
            for word in names_in(question.replace("’", "'"))
            if word not in places
            and all(
                0 < self.lexical.document_frequency(token) <= SUBJECT_NAME_SHARE * len(self.lexical)
                for token in tokenize(word)
            )
        ]
        if not subject:
            return units
        led = with_lead_ins(units)
        return [
            u for u in units
            if all(forms & _named_in(u, led[u.hit.passage.id, u.start]) for forms in subject)
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
        for asked, said in _ASKED_AND_SAID:
            if asked.search(question):
                units = [u for u in units if said.search(fold(u.text))]
        for moment in _opening_moments(question):
            units = [
                u for u in units
                if _OPENING.search(u.text)
                and (moment.search(u.text) or _TIME_OF_DAY.search(u.text))
            ]
        if _PLACE_QUESTION.search(question):
            units = [u for u in units if self._place_tokens(u.text)]
        for thing in _THING_QUESTION.findall(question):
            units = self._naming_thing(thing, units)
        if _MEANING_QUESTION.search(question):
            units = self._spelling_out(question, units)
        for confirmed in _confirmed(question):
            units = [u for u in units if confirmed <= set(tokenize(u.text))]
        asks_date, asks_figure = _asks_date(question), _asks_figure(question)
        if asks_date or asks_figure:
            units = self._naming(question, units)
        if asks_date:
            units = [u for u in units if _YEAR_OR_DATE.search(u.text)]
            if _DATE_TO_COME_QUESTION.search(question):
                units = [u for u in units if not _dated_before_its_document(u)]
        elif asks_figure:
            measured = _measured_words(question)
            counted = self._counted(question)
            priced = [self._forms(w) for w in _PRICED.findall(question)]
            stated = _stated_numbers(question)
            units = [
                u for u in units
                if _NUMBER.search(u.text)
                and stated <= set(_DIGITS.findall(u.text))
                and all(_measures(word, u) for word in measured)
                and all(count.found_in(u.text) for count in counted)
                and all(forms & _named_in(u) for forms in priced)
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
        word or a quotation soon after the word (``_names_a``: "l'école primaire Les Vallées", not
        "une convention Parquet-bailleurs-Etat"), or, not using the word themselves, follow a
        unit of their block that does (the items under "Des écoles :");
        "quelles structures ... ?" may be answered by kinds ("plateformes mobilité, auto-écoles
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
        by_name = thing[-1:] not in "sx" or fold(thing).lower() in _NAMED_BODIES
        if not by_name:
            return named
        return [u for u in named if _names_a(forms, u.text) or not forms & set(tokenize(u.text))]

    def _place_tokens(self, text: str) -> set[str]:
        """The index tokens of the places ``text`` names, those that many passages hold aside."""
        return {
            token for name in _places(text) for token in tokenize(name)
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

    def _counted(self, question: str) -> list[_Count]:
        """What each "combien de ..." of ``question`` counts: its noun in its own forms and the
        words the synonym table relates it to ("résidents": "habitants"), for an acronym the head
        of its expansion ("QPV": "quartiers"), for a word that does not say who ("combien de
        monde ?") any noun of people or bodies, or another noun of the question ("combien de
        personnes ont rempli le questionnaire ?": "23 questionnaires"); or the words qualifying it
        ("de rénovation urbaine")."""
        counts = []
        for noun, complement in _COUNTED.findall(question):
            tokens = set(tokenize(noun))
            forms = self._forms(noun)
            entry = self.glossary.lookup(noun)
            if entry is not None and entry.is_acronym:
                forms |= set(tokenize(entry.expansion)[:1])
            if tokens <= _HEADCOUNT:  # ...or of what they did: "23 questionnaires" were filled in
                forms |= _PEOPLE | self._things_named(question)
            qualifying = frozenset(tokenize(complement))
            if qualifying & _PLACE_NOUNS:  # "combien d'enfants des quartiers prioritaires ?"
                qualifying = frozenset()
            counts.append(_Count(frozenset(forms), qualifying))
        return counts

    @staticmethod
    def _things_named(question: str) -> set[str]:
        """The index tokens of ``question`` that may name a thing: not a number, a month, a name
        or a place ("23 questionnaires" answers, "17 ... à St Michel" and "deux QPV" do not)."""
        names = {token for name in names_in(question) for token in tokenize(name)}
        left_out = _MONTHS | _PLACE_NOUNS | _TIME_NOUNS | names
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


_GENERIC_FIGURE_WORDS = frozenset({"combien", "nombre", "part", "chiffre"})
# "combien de <noun> [de <complement>]": "combien de projets de rénovation urbaine ?", "le
# nombre d'allocataires du RSA ?"; an adjective before the noun is not what is counted ("combien
# de gros défis ?").
_COUNTED = re.compile(
    r"\b(?:combien|nombre)\s+(?:de|d['’])\s*"
    r"(?:(?:gros|grosses?|grands?|grandes?|petite?s?|principa(?:ux|les?)|vrai(?:e|s|es)?|"
    r"nouve(?:aux|lles?)|autres|diff[ée]rent(?:e|s|es)?)\s+)?"
    r"(\w+)(?:\s+(?:de|du|des|d['’])\s*(\w+(?:\s+\w+)?))?",
    re.IGNORECASE,
)
# Nouns that ask how many people or bodies without saying who ("combien de monde ?"), and the
# nouns that count people or bodies: "50 partenaires" answers "combien d'organismes ?".
_HEADCOUNT = frozenset(tokenize("monde gens personnes participants organismes inscrits présents"))
_PEOPLE = frozenset(
    tokenize(
        "personnes habitants résidents partenaires participants acteurs structures associations "
        "organismes institutions jeunes familles enfants élèves adultes bénévoles professionnels"
    )
)
_MONTHS = frozenset(tokenize(" ".join(MONTHS)))  # "le 12 septembre" counts nothing
# ...nor does a span of time: "l'an dernier" says when, and "6 ans" is an age.
_TIME_NOUNS = frozenset(tokenize("an ans année années mois semaine semaines jour jours heure heures"))
# Where people live counts nobody: "les deux QPV de Flers" does not answer "le QPV de Saint-Sauveur,
# ça fait combien de monde ?".
_PLACE_NOUNS = frozenset(
    tokenize("quartiers qpv zones villes communes territoires secteurs périmètres")
)
# What "c'est combien le bitcoin ?" or "combien coûte l'inscription ?" prices: a figure of
# something else ("1 400 habitants") does not answer it.
_PRICED = re.compile(
    r"\bcombien\s+(?:(?:co[uû]te(?:nt)?|vaut|valent|rapporte|gagne)\s+)?"
    r"(?:(?:le|la|les|un|une|mon|ma|mes)\s+|l['’]\s*)(\w+)",
    re.IGNORECASE,
)


# A run of capitalised words (acronyms aside) and the article before it, if any.
_CAPITALISED = r"[A-ZÀ-Þ](?![A-ZÀ-Þ\d]*\b)[\w-]*"
# ... joined by "de", as in "Contrat Local de Santé", "Conseil Départemental de l'Orne".
_NAME_RUN = re.compile(
    rf"(?:\b((?i:l'|le |la |les |du |des |au |aux )))?"
    rf"({_CAPITALISED}(?:(?: | de | des | du | de la | de l'| d'){_CAPITALISED})*)"
)


# Common nouns that head the name of a body or a programme: "délibération en Conseil
# Communautaire", "le diagnostic du Contrat Local de Santé".
_BODY_HEADS = frozenset(
    "agence analyse assemblee association atelier caisse centre cite comite commission communaute "
    "conseil contrat direction dispositif federation fondation maison ministere mission office plan "
    "point politique prefecture programme projet reseau service".split()
)


NAME_REACH = 4  # how many words after a thing ("l'école") its name may begin
# Things of ``_THING_QUESTION`` asked in the plural that are answered by their names, not kinds.
_NAMED_BODIES = frozenset(
    "associations ecoles clubs bailleurs entreprises colleges lycees".split()
)


def _names_a(forms: set[str], text: str) -> bool:
    """Whether ``text`` names one of the things whose index tokens are ``forms``: a capitalised
    word or a quotation within ``NAME_REACH`` words after one of them ("logements sociaux des QPV"
    names no landlord: an acronym is not a name)."""
    words = text.split()
    for i, word in enumerate(words):
        if forms & set(tokenize(word)):
            after = words[i + 1 : i + 1 + NAME_REACH]
            if any(w[:1] in "«\"" or (w[:1].isupper() and not w.isupper()) for w in after):
                return True
    return False


def _places(question: str) -> list[str]:
    """The names of ``question`` (``assistant.lexical.names_in``) that name a place: not after
    an article, nor headed by a common noun, which name a body ("l'État", "la Région",
    "l'Atelier Santé Ville", "en Conseil Communautaire")."""
    names = set(names_in(question))
    runs = [
        re.split(r"[ ']", match.group(2))
        for match in _NAME_RUN.finditer(question.replace("’", "'"))
        if not match.group(1)
    ]
    return [
        word for run in runs if fold(run[0]).lower() not in _BODY_HEADS for word in run if word in names
    ]


def _asks_a_kind(question: str) -> bool:
    """Whether ``question`` asks for a kind of answer that ``ExtractiveAnswerer._answering``
    looks for: a time of day, a day, an age, a person, a contact, a sum, a procedure, a particular
    (a deadline, a date to come), an opening, a place, a kind of thing, a meaning, a figure to
    confirm, a date or a figure."""
    question = question.replace("’", "'")
    kinds = (
        *(asked for asked, _ in _ASKED_AND_SAID), _PLACE_QUESTION, _THING_QUESTION, _MEANING_QUESTION
    )
    return (
        _asks_date(question)
        or _asks_figure(question)
        or bool(_confirmed(question))
        or bool(_opening_moments(question))
        or any(kind.search(question) for kind in kinds)
    )


def _asks_figure(question: str) -> bool:
    """Whether the question asks for a figure: "combien", "quel est le taux de chômage ?"."""
    return bool(_FIGURE_QUESTION.search(question) and _ASKS_QUANTITY.search(question))


def _confirmed(question: str) -> list[set[str]]:
    """The index tokens of each figure a question asks to confirm, with the words around it: "le
    département 61" in "l'Orne, c'est bien le département 61 ?" (not "GDD 61")."""
    clauses = _CONFIRMED.findall(question)
    return [set(tokenize(clause)) for clause in clauses if _STATED_FIGURE.search(clause)]


def _dated_before_its_document(unit: Unit) -> bool:
    """Whether every year ``unit`` names is before its document's: it tells of the past, and
    cannot give a date to come ("la convention signée le 9 juillet 2020" in a 2024 contract)."""
    years = [int(year) for year in _YEAR.findall(unit.text)]
    written = _YEAR.search(unit.hit.passage.date)
    return bool(years and written and max(years) < int(written.group()))


_DIGITS = re.compile(r"\b\d+\b")


def _stated_numbers(question: str) -> set[str]:
    """The numbers a figure question states as a condition of what it counts, years aside: "25" in
    "combien d'habitants ont moins de 25 ans ?", which the count of all the inhabitants does not
    answer."""
    return {number for number in _DIGITS.findall(question) if not _YEAR.fullmatch(number)}


def _asks_date(question: str) -> bool:
    """Whether the question asks for a date (its "quand" not merely a clause of time)."""
    question = _WHEN_CLAUSE.sub("", question)
    if _OTHER_QUESTION_WORD.match(question):
        question = _WHEN.sub("", question)
    return bool(_DATE_QUESTION.search(question))


def _opening_moments(question: str) -> list[re.Pattern[str]]:
    """For a question on when something opens or closes ("ouvert le lundi ?", "ça ferme tard le
    soir ?"), the moments it names, each as the forms a unit may say it in."""
    question = _WORKING_HOURS.sub("", _WEEKDAY_DATE.sub("", question))  # not a day of opening
    if not _OPENING.search(question):
        return []
    return [said for asked, said in _MOMENTS if asked.search(question)]


_PERCENT_WORDS = frozenset({"pourcentage", "proportion", "taux", "part"})
_PERCENT = re.compile(r"\d\s*%|\bpour ?cent\b")


def _measured_words(question: str) -> list[str]:
    """What a figure question measures: "budget", "taux" (the noun after "combien de" is
    checked by ``_counts``)."""
    return [w for w in _FIGURE_QUESTION.findall(question) if w.lower() not in _GENERIC_FIGURE_WORDS]


def _named_in(unit: Unit, text: str = "") -> set[str]:
    """The index tokens of ``unit``'s passage's section path and of ``text``, by default the
    unit's own."""
    return set(tokenize((text or unit.text) + " " + " ".join(unit.hit.passage.section)))


def _measures(word: str, unit: Unit) -> bool:
    """Whether ``unit`` (with its section path) names what ``word`` measures, in those words
    ("budget", "taux"); a percentage is named by a "%" too."""
    if word.lower() in _PERCENT_WORDS and _PERCENT.search(unit.text):
        return True
    return set(tokenize(word)) <= _named_in(unit)


# A number in digits ("1 400", "20,5") or in words ("trois programmes", "une dizaine", "un double
# enjeu"); "un" and "une" are left out: they are articles far more often than numbers.
_NUMBER = re.compile(
    r"\d+(?:[ \u00a0\u202f]\d{3})*(?:[,.]\d+)?|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|"
    r"onze|douze|treize|quatorze|quinze|seize|vingt|trente|quarante|cinquante|soixante|cent|mille|"
    r"dizaines?|douzaines?|vingtaines?|centaines?|milliers?|doubles?|triples?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Count:
    """What a "combien de ..." counts (see ``ExtractiveAnswerer._counted``)."""

    forms: frozenset[str]  # index tokens of the noun counted
    complement: frozenset[str]  # ...and of the words qualifying it ("rénovation urbaine")

    def found_in(self, text: str) -> bool:
        """Whether a number in ``text`` counts it: "50 partenaires", not "3 jours" nor "le 17
        juin, des personnes"."""
        for number in _NUMBER.finditer(text):
            words = text[number.end():].split()
            if set(tokenize(" ".join(words[:1]))) & _MONTHS:
                continue  # a date
            if self.forms & set(tokenize(" ".join(words[:3]))):
                return True
            if self.complement and self.complement <= set(tokenize(" ".join(words[:4]))):
                return True
        return False


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


def _answers_like(unit: Unit) -> bool:
    """Whether the unit holds, or lies inside, the anchor of a question much like the query."""
    text = unit.text
    return any(anchor in text or text in anchor for anchor in unit.hit.anchors)


def _with(unit: Unit, coverage: float, score: float) -> Unit:
    return Unit(unit.hit, unit.start, unit.end, unit.is_item, unit.block, coverage, score)
