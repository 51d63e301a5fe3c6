"""What a question asks for, and what a sentence must say to give it.

The extractive answer (``assistant.answer``) quotes a sentence only if it can answer: a question
asking a date ("depuis quand ... ?") needs a date, one asking a figure ("combien de ... ?") a
number counting what is asked, one asking a time of day, a day, an age, a person, a contact, a sum,
a procedure, a deadline, a place or a kind of thing ("quelle association ... ?") needs that.  Here
are the French patterns telling which of those a question asks (``asks_a_kind``, ``asks_date``,
``asks_figure`` and the ``*_QUESTION`` patterns) and what a sentence must hold to give it
(``ASKED_AND_SAID``, ``Count``, ``measures``...).  They read the question and the sentence alone;
the answerer adds what needs the corpus (which names are rare, the synonym table, the glossary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.lexical import MONTHS, fold, names_in, tokenize
from assistant.units import Unit

LIST_QUESTION = re.compile(
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
TIME_OF_DAY = re.compile(r"\b\d{1,2} ?h ?(\d\d)?\b|\b\d{1,2} heures\b", re.IGNORECASE)
# "La boulangerie est ouverte le lundi ?", "le centre ouvre le soir ?" ask when a place opens:
# only a unit saying that something opens or closes at that moment can answer.
OPENING = re.compile(
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
_DAY = re.compile(  # read in folded text, as every pattern of ASKED_AND_SAID
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
# before its document's does not give (``dated_before_its_document``).
DATE_TO_COME_QUESTION = re.compile(
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
            DATE_TO_COME_QUESTION.pattern,
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
PLACE_QUESTION = re.compile(
    r"\bquel(le)?s? (sont )?(les )?(quartiers?|qpv|communes?)\b",
    re.IGNORECASE,
)
# "quelle association ... ?", "quels arbres ... ?": things of a kind, which the answer names.
THING_QUESTION = re.compile(
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
ASKED_AND_SAID = (
    (_TIME_QUESTION, TIME_OF_DAY),
    (_DAY_QUESTION, _DAY),
    (_AGE_QUESTION, _AGE),
    (_PERSON_QUESTION, _PERSON_NAME),
    (_HEAD_QUESTION, _HEAD),
    (_CONTACT_QUESTION, _CONTACT),
    (_MONEY_QUESTION, _MONEY),
    *_PROCEDURES,
    *_PARTICULARS,
)
DEFINITION_QUESTION = re.compile(
    r"c'?est quoi|qu'?est[- ]ce que|que veut dire|que signifie|signification|définition|definition|"
    r"ça veut dire|ca veut dire|\bkoi\b",
    re.IGNORECASE,
)
MEANING_QUESTION = re.compile(r"veut dire|signifie|signification|\bsigle\b|acronyme", re.IGNORECASE)
DEFINES = re.compile(r"\b(est|sont|désigne|consiste|vise)\b")
# Idioms whose words say nothing of the topic: "paracétamol et ibuprofène en même temps ?" is not
# about the "temps libres" of the centres sociaux.
IDIOM = re.compile(
    r"\b(?:en m[eê]me temps|de temps en temps|de temps [àa] autre|tout le temps|en ce moment|"
    r"pour le moment|du coup|en fait|en tout cas|tout de suite|par contre|tout [àa] fait|"
    r"en gros|peu importe|n'importe (?:quoi|o[uù]|quand|comment)|de toute fa[cç]on|en vrai)\b",
    re.IGNORECASE,
)
# "c'est bien le 29 septembre ?" asks to confirm a figure, which only a unit saying it can.
_CONFIRMED = re.compile(r"\b(?:c'est|est-ce|c'était) bien\b([^?.!]*)", re.IGNORECASE)
_STATED_FIGURE = re.compile(r"\b\d{2,}\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
YEAR_OR_DATE = re.compile(
    rf"{_YEAR.pattern}|\b\d{{1,2}}(er)? [a-zéû]+ {_YEAR.pattern}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
)


_GENERIC_FIGURE_WORDS = frozenset({"combien", "nombre", "part", "chiffre"})
# "combien de <noun> [de <complement>]": "combien de projets de rénovation urbaine ?", "le
# nombre d'allocataires du RSA ?"; an adjective before the noun is not what is counted ("combien
# de gros défis ?").
COUNTED = re.compile(
    r"\b(?:combien|nombre)\s+(?:de|d['’])\s*"
    r"(?:(?:gros|grosses?|grands?|grandes?|petite?s?|principa(?:ux|les?)|vrai(?:e|s|es)?|"
    r"nouve(?:aux|lles?)|autres|diff[ée]rent(?:e|s|es)?)\s+)?"
    r"(\w+)(?:\s+(?:de|du|des|d['’])\s*(\w+(?:\s+\w+)?))?",
    re.IGNORECASE,
)
# Nouns that ask how many people or bodies without saying who ("combien de monde ?"), and the
# nouns that count people or bodies: "50 partenaires" answers "combien d'organismes ?".
HEADCOUNT = frozenset(tokenize("monde gens personnes participants organismes inscrits présents"))
PEOPLE = frozenset(
    tokenize(
        "personnes habitants résidents partenaires participants acteurs structures associations "
        "organismes institutions jeunes familles enfants élèves adultes bénévoles professionnels"
    )
)
MONTH_TOKENS = frozenset(tokenize(" ".join(MONTHS)))  # "le 12 septembre" counts nothing
# ...nor does a span of time: "l'an dernier" says when, and "6 ans" is an age.
TIME_NOUNS = frozenset(tokenize("an ans année années mois semaine semaines jour jours heure heures"))
# Where people live counts nobody: "les deux QPV de Flers" does not answer "le QPV de Saint-Sauveur,
# ça fait combien de monde ?".
PLACE_NOUNS = frozenset(
    tokenize("quartiers qpv zones villes communes territoires secteurs périmètres")
)
# What "c'est combien le bitcoin ?" or "combien coûte l'inscription ?" prices: a figure of
# something else ("1 400 habitants") does not answer it.
PRICED = re.compile(
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
# Things of ``THING_QUESTION`` asked in the plural that are answered by their names, not kinds.
NAMED_BODIES = frozenset(
    "associations ecoles clubs bailleurs entreprises colleges lycees".split()
)


def names_a(forms: set[str], text: str) -> bool:
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


def places(question: str) -> list[str]:
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


def asks_a_kind(question: str) -> bool:
    """Whether ``question`` asks for a kind of answer that the answerer looks for
    (``assistant.answer.ExtractiveAnswerer._answering``): a time of day, a day, an age, a person,
    a contact, a sum, a procedure, a particular (a deadline, a date to come), an opening, a place, a
    kind of thing, a meaning, a figure to confirm, a date or a figure."""
    question = question.replace("’", "'")
    kinds = (
        *(asked for asked, _ in ASKED_AND_SAID), PLACE_QUESTION, THING_QUESTION, MEANING_QUESTION
    )
    return (
        asks_date(question)
        or asks_figure(question)
        or bool(confirmed(question))
        or bool(opening_moments(question))
        or any(kind.search(question) for kind in kinds)
    )


def asks_figure(question: str) -> bool:
    """Whether the question asks for a figure: "combien", "quel est le taux de chômage ?"."""
    return bool(_FIGURE_QUESTION.search(question) and _ASKS_QUANTITY.search(question))


def confirmed(question: str) -> list[set[str]]:
    """The index tokens of each figure a question asks to confirm, with the words around it: "le
    département 61" in "l'Orne, c'est bien le département 61 ?" (not "GDD 61")."""
    clauses = _CONFIRMED.findall(question)
    return [set(tokenize(clause)) for clause in clauses if _STATED_FIGURE.search(clause)]


def dated_before_its_document(unit: Unit) -> bool:
    """Whether every year ``unit`` names is before its document's: it tells of the past, and
    cannot give a date to come ("la convention signée le 9 juillet 2020" in a 2024 contract)."""
    years = [int(year) for year in _YEAR.findall(unit.text)]
    written = _YEAR.search(unit.hit.passage.date)
    return bool(years and written and max(years) < int(written.group()))


DIGITS = re.compile(r"\b\d+\b")


def stated_numbers(question: str) -> set[str]:
    """The numbers a figure question states as a condition of what it counts, years aside: "25" in
    "combien d'habitants ont moins de 25 ans ?", which the count of all the inhabitants does not
    answer."""
    return {number for number in DIGITS.findall(question) if not _YEAR.fullmatch(number)}


def asks_date(question: str) -> bool:
    """Whether the question asks for a date (its "quand" not merely a clause of time)."""
    question = _WHEN_CLAUSE.sub("", question)
    if _OTHER_QUESTION_WORD.match(question):
        question = _WHEN.sub("", question)
    return bool(_DATE_QUESTION.search(question))


def opening_moments(question: str) -> list[re.Pattern[str]]:
    """For a question on when something opens or closes ("ouvert le lundi ?", "ça ferme tard le
    soir ?"), the moments it names, each as the forms a unit may say it in."""
    question = _WORKING_HOURS.sub("", _WEEKDAY_DATE.sub("", question))  # not a day of opening
    if not OPENING.search(question):
        return []
    return [said for asked, said in _MOMENTS if asked.search(question)]


_PERCENT_WORDS = frozenset({"pourcentage", "proportion", "taux", "part"})
_PERCENT = re.compile(r"\d\s*%|\bpour ?cent\b")


def measured_words(question: str) -> list[str]:
    """What a figure question measures: "budget", "taux" (the noun after "combien de" is
    checked by ``assistant.answer.ExtractiveAnswerer._counted``)."""
    return [w for w in _FIGURE_QUESTION.findall(question) if w.lower() not in _GENERIC_FIGURE_WORDS]


def named_in(unit: Unit, text: str = "") -> set[str]:
    """The index tokens of ``unit``'s passage's section path and of ``text``, by default the
    unit's own."""
    return set(tokenize((text or unit.text) + " " + " ".join(unit.hit.passage.section)))


def measures(word: str, unit: Unit) -> bool:
    """Whether ``unit`` (with its section path) names what ``word`` measures, in those words
    ("budget", "taux"); a percentage is named by a "%" too."""
    if word.lower() in _PERCENT_WORDS and _PERCENT.search(unit.text):
        return True
    return set(tokenize(word)) <= named_in(unit)


# A number in digits ("1 400", "20,5") or in words ("trois programmes", "une dizaine", "un double
# enjeu"); "un" and "une" are left out: they are articles far more often than numbers.
NUMBER = re.compile(
    r"\d+(?:[ \u00a0\u202f]\d{3})*(?:[,.]\d+)?|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|"
    r"onze|douze|treize|quatorze|quinze|seize|vingt|trente|quarante|cinquante|soixante|cent|mille|"
    r"dizaines?|douzaines?|vingtaines?|centaines?|milliers?|doubles?|triples?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Count:
    """What a "combien de ..." counts (see ``assistant.answer.ExtractiveAnswerer._counted``)."""

    forms: frozenset[str]  # index tokens of the noun counted
    complement: frozenset[str]  # ...and of the words qualifying it ("rénovation urbaine")

    def found_in(self, text: str) -> bool:
        """Whether a number in ``text`` counts it: "50 partenaires", not "3 jours" nor "le 17
        juin, des personnes"."""
        for number in NUMBER.finditer(text):
            words = text[number.end():].split()
            if set(tokenize(" ".join(words[:1]))) & MONTH_TOKENS:
                continue  # a date
            if self.forms & set(tokenize(" ".join(words[:3]))):
                return True
            if self.complement and self.complement <= set(tokenize(" ".join(words[:4]))):
                return True
        return False
