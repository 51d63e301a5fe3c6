"""Extractive answers: cited sentences quoted word for word, lists, figures, refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answer import REFUSAL, AnswerPolicy, ExtractiveAnswerer
from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex
from assistant.records import Hit
from ingest.records import Passage


def passage(pid: str, text: str, section: tuple[str, ...] = ()) -> Passage:
    return Passage(pid, "contrat.txt", "Contrat", "contrat de ville", "local", "2024", section, None, 0, len(text), text)


PASSAGES = [
    passage(
        "asv",
        "Le 20 décembre 2023, le comité de pilotage de l'Atelier Santé Ville a fixé comme priorités "
        "à partir de 2024 : La nutrition et la lutte contre la sédentarité.\n\n"
        "Les acteurs locaux ont ainsi mis en avant des objectifs prioritaires visant à contribuer à :\n"
        "- Favoriser la pratique régulière d'une activité physique en promouvant les mobilités douces\n"
        "- Accompagner les familles vers une alimentation plus saine et faite maison",
        ("La santé",),
    ),
    passage(
        "pre",
        "Le Programme de Réussite Educative est positionné comme le socle de cette politique dans "
        "l'accompagnement individualisé et personnalisé des jeunes rencontrant des difficultés.",
    ),
    passage(
        "anru",
        "Dans le cadre du projet de rénovation urbaine du quartier Saint-Michel, la convention "
        "pluriannuelle avec l'ANRU a été signée le 9 juillet 2020. Une nouvelle phase de concertation "
        "publique a été menée par Flers Agglo.",
    ),
    passage(
        "axes",
        "Les ambitions de la ville sont structurées autour d'axes transversaux :\n"
        "- La participation citoyenne\n- Le soutien à la parentalité et aux familles\n"
        "- L'égalité femmes/hommes\n- La lutte contre les discriminations",
    ),
]


@pytest.fixture(scope="module")
def answerer() -> ExtractiveAnswerer:
    return ExtractiveAnswerer(LexicalIndex.build(PASSAGES), Glossary.load(), AnswerPolicy(min_coverage=0.3))


def hits(*ids: str) -> list[Hit]:
    by_id = {p.id: p for p in PASSAGES}
    return [Hit(rank, by_id[pid], 1.0 / rank) for rank, pid in enumerate(ids, start=1)]


def assert_grounded(answer):
    assert answer.sentences and not answer.refused
    numbers = {c.n for c in answer.citations}
    for sentence in answer.sentences:
        assert sentence.citations and set(sentence.citations) <= numbers
    for citation in answer.citations:
        assert citation.quote and citation.quote in citation.passage.text
    for sentence in answer.sentences:
        quote = next(c.quote for c in answer.citations if c.n == sentence.citations[0])
        assert sentence.text.rstrip(".") in " ".join(quote.split())


def test_list_question_gives_the_items_of_the_list(answerer):
    answer = answerer.answer("quels sont les axes transversaux ?", hits("axes", "asv"))
    assert_grounded(answer)
    bullets = [s.text for s in answer.sentences if s.bullet]
    assert "La participation citoyenne" in bullets and len(bullets) >= 3
    assert answer.text.splitlines()[1].startswith("- ")
    assert answer.text.splitlines()[0].endswith("[1]")


def test_a_heading_s_list_ends_where_the_next_heading_begins(answerer):
    # Two lists of one slide, each under its heading (as ingest/clean.py puts back its columns).
    text = (
        "Des axes transversaux\n\n- La participation citoyenne\n- Le soutien à la parentalité\n"
        "- L'égalité femmes/hommes\n\nLes défis des QPV\n\n- La réussite éducative\n- La santé\n"
        "- L'accès à tous aux services"
    )
    slide = passage("slide", text, ("Des axes transversaux",))
    answer = answerer.answer("quels sont les axes transversaux ?", [Hit(1, slide, 1.0)])
    assert_grounded(answer)
    assert answer.sentences[0].text.startswith("Des axes transversaux")
    bullets = [s.text for s in answer.sentences if s.bullet]
    assert bullets == ["La participation citoyenne", "Le soutien à la parentalité", "L'égalité femmes/hommes"]


def test_a_followup_s_own_words_choose_the_lead(answerer):
    text = (
        "Des axes transversaux\n\n- La participation citoyenne\n- L'égalité femmes/hommes\n\n"
        "Les défis des QPV\n\n- La réussite éducative\n- La santé"
    )
    slide = [Hit(1, passage("slide", text, ("Des axes transversaux",)), 1.0)]
    resolved = "Et les axes transversaux ? (quels sont les défis des QPV ?)"  # followup.resolve
    unfocused = answerer.answer(resolved, slide)
    assert unfocused.sentences[0].text.startswith("Les défis des QPV")  # the earlier question's words
    answer = answerer.answer(resolved, slide, focus="Et les axes transversaux ?")
    assert_grounded(answer)
    assert answer.sentences[0].text.startswith("Des axes transversaux")
    assert [s.text for s in answer.sentences if s.bullet] == ["La participation citoyenne", "L'égalité femmes/hommes"]
    # Words no unit holds change nothing.
    assert answerer.answer(resolved, slide, focus="Et les pommes ?").text == unfocused.text


def test_a_followup_asks_its_own_kind_of_answer(answerer):
    text = (
        "Le séminaire partenarial a eu lieu le 25/09/2023. "
        "Près de 50 partenaires ont participé au séminaire."
    )
    seminar = [Hit(1, passage("seminaire", text, ("Une démarche participative",)), 1.0)]
    resolved = "Et combien de partenaires ? (Quand a eu lieu le séminaire ?)"  # followup.resolve
    assert "25/09/2023" in answerer.answer(resolved, seminar).sentences[0].text  # the earlier "Quand"
    answer = answerer.answer(resolved, seminar, focus="Et combien de partenaires ?")
    assert_grounded(answer)
    assert "50 partenaires" in answer.sentences[0].text
    # A follow-up that asks no kind of its own keeps the earlier question's: "Et au séminaire ?"
    # after "Quand ... ?" still asks a date.
    same_kind = "Et au séminaire ? (Quand a eu lieu le séminaire ?)"
    kept = answerer.answer(same_kind, seminar, focus="Et au séminaire ?")
    assert "25/09/2023" in kept.sentences[0].text


def test_a_followup_on_a_pronoun_is_answered_only_about_the_earlier_subject(answerer):
    pre = passage("pre", "Le Programme de Réussite Educative accompagne les enfants de 2 à 16 ans.")
    funds = passage("fonds", "Le financement des actions associatives relève des crédits spécifiques.")
    found = [Hit(1, pre, 1.0), Hit(2, funds, 0.8)]
    resolved = "qui finance ça ? (c'est quoi le PRE ?)"  # followup.resolve
    # Read without its focus, the completed question takes the sentence on financing in general;
    # as the follow-up it is, it asks who finances the PRE, which that sentence does not say.
    assert not answerer.answer(resolved, found).refused
    assert answerer.answer(resolved, found, focus="qui finance ça ?").refused
    funded = passage("pre-fonds", "Le PRE est financé par l'État au titre de la politique de la ville.")
    answer = answerer.answer(resolved, [*found, Hit(3, funded, 0.5)], focus="qui finance ça ?")
    assert_grounded(answer)
    assert answer.sentences[0].text.startswith("Le PRE est financé")


def test_a_followup_on_a_pronoun_leads_with_the_sentence_naming_the_subject(answerer):
    workshops = passage(
        "ateliers", "Des ateliers parents/enfants ouverts aux moins de 6 ans.", ("Programme de Réussite Educative",)
    )
    opening = passage("ouverture", "Ouverture du PRE aux enfants de moins de 6 ans.")
    found = [Hit(1, workshops, 1.0), Hit(2, opening, 0.8)]
    resolved = "il est ouvert aux moins de 6 ans ? (c'est quoi le PRE ?)"  # followup.resolve
    assert answerer.answer(resolved, found).sentences[0].text.startswith("Des ateliers")  # the best ranked
    answer = answerer.answer(resolved, found, focus="il est ouvert aux moins de 6 ans ?")
    assert_grounded(answer)
    assert answer.sentences[0].text.startswith("Ouverture du PRE")


def test_figure_question_needs_the_figure_of_what_is_asked(answerer):
    text = "Le zonage du quartier a été étendu. Aujourd'hui le périmètre couvre près de 1 400 habitants."
    p = passage("zonage", text, ("La nouvelle géographie prioritaire",))
    answer = answerer.answer("combien d'habitants dans le quartier ?", [Hit(1, p, 1.0)])
    assert_grounded(answer)
    assert "1 400 habitants" in answer.sentences[0].text


def test_date_question_takes_the_sentence_with_the_date(answerer):
    answer = answerer.answer("quand la convention ANRU a-t-elle été signée ?", hits("asv", "anru"))
    assert_grounded(answer)
    assert "9 juillet 2020" in answer.sentences[0].text


def test_a_clause_of_time_does_not_make_a_date_question(answerer):
    garde = passage("garde", "Problématique des coûts de frais de garde des enfants pour les parents.")
    question = "Faire garder mon petit quand je finis tard coûte cher, les frais de garde sont pris en compte ?"
    answer = answerer.answer(question, [Hit(1, garde, 1.0)])
    assert_grounded(answer)
    assert "frais de garde" in answer.sentences[0].text
    # Asked for, a date is still needed.
    assert answerer.answer("c'est quand que les frais de garde sont pris en compte ?", [Hit(1, garde, 1.0)]).refused


def test_after_another_question_word_when_opens_a_clause_of_time(answerer):
    soir = passage("soir", "Les ouvertures des maisons d'activités en soirée attirent surtout des garçons.")
    question = "Pourquoi on voit presque pas de filles quand la maison d'activités ouvre le soir ?"
    assert_grounded(answerer.answer(question, [Hit(1, soir, 1.0)]))
    # At the end of the question, it still asks a date.
    assert answerer.answer("les maisons d'activités ouvrent le soir depuis quand ?", [Hit(1, soir, 1.0)]).refused
    assert answerer.answer("Pourquoi les maisons d'activités, ça ouvre quand ?", [Hit(1, soir, 1.0)]).refused


def test_a_figure_of_a_place_is_not_the_figure_of_another_place():
    zonage = passage(
        "zonage",
        "Le zonage du quartier Saint-Sauveur a été étendu. Le nouveau périmètre couvre près de 1 400 habitants.",
    )
    orne = passage("orne", "Les quartiers prioritaires de l'Orne sont à Flers, Alençon et Argentan.")
    flers = passage("flers", "Flers Agglo anime le contrat de ville de Flers.")
    index = LexicalIndex.build([*PASSAGES, zonage, orne, flers])
    answerer = ExtractiveAnswerer(index, Glossary.load(), AnswerPolicy(min_coverage=0.1))
    found = [Hit(1, zonage, 1.0), Hit(2, orne, 0.5)]
    assert answerer.answer("combien d'habitants dans le quartier prioritaire d'Argentan ?", found).refused
    answer = answerer.answer("combien d'habitants dans le quartier Saint-Sauveur ?", found)
    assert_grounded(answer)
    assert "1 400 habitants" in answer.sentences[0].text
    # A sentence naming no place may answer for a wider one; one naming another place may not.
    metropole = passage(
        "metropole",
        "La métropole compte désormais 1 362 quartiers prioritaires.\n\n"
        "A Flers, le zonage du quartier Saint-Sauveur a été étendu. Cette zone couvre 2 700 habitants.",
    )
    answer = answerer.answer("combien de quartiers prioritaires en France ?", [Hit(1, metropole, 1.0)])
    assert "1 362" in answer.sentences[0].text
    assert answerer.answer("combien d'habitants à Argentan ?", [Hit(1, metropole, 1.0)]).refused
    # A name most passages hold is the contract's setting, and a body ("l'État") is not a place.
    for question in ("combien d'habitants dans le quartier de Flers ?", "combien d'habitants selon l'État ?"):
        assert "1 400 habitants" in answerer.answer(question, found).sentences[0].text


def test_a_body_named_by_a_common_noun_is_not_another_place():
    synthese = passage(
        "synthese",
        "La synthèse de la concertation a été restituée le 25 novembre 2021 "
        "et votée en Conseil Communautaire.",
    )
    argentan = passage(
        "argentan", "La synthèse de la concertation a été restituée à Argentan le 3 mai 2022."
    )
    index = LexicalIndex.build([*PASSAGES, synthese, argentan])
    answerer = ExtractiveAnswerer(index, Glossary.load(), AnswerPolicy(min_coverage=0.1))
    question = "quand la synthèse de la concertation de Saint-Michel a été restituée ?"
    answer = answerer.answer(question, [Hit(1, synthese, 1.0)])
    assert_grounded(answer)
    assert "25 novembre 2021" in answer.sentences[0].text
    assert answerer.answer(question, [Hit(1, argentan, 1.0)]).refused
    # Names joined by "de" after a body's head, and a capitalised article, name no place either.
    cls = passage("cls", "Le Contrat Local de Santé a été signé le 12 mars 2021.")
    question = "quand le contrat local de santé de Saint-Michel a été signé ?"
    answer = answerer.answer(question, [Hit(1, cls, 1.0)])
    assert "12 mars 2021" in answer.sentences[0].text


def test_which_neighbourhoods_is_answered_by_a_sentence_naming_them():
    qpv = passage(
        "qpv",
        "Le quartier est prioritaire au titre de la politique de la ville.\n\n"
        "Les deux quartiers prioritaires de Flers (Bellevue et Pont-Féron) concentrent la "
        "précarité.",
    )
    index = LexicalIndex.build([*PASSAGES, qpv])
    answerer = ExtractiveAnswerer(index, Glossary.load(), AnswerPolicy(min_coverage=0.1))
    answer = answerer.answer("quels sont les quartiers prioritaires ?", [Hit(1, qpv, 1.0)])
    assert_grounded(answer)
    assert "Bellevue et Pont-Féron" in answer.sentences[0].text


def test_an_acronym_in_the_passage_covers_its_expansion_in_the_question(answerer):
    iae = passage("iae", "Tendre vers 20 % des salariés de l'IAE domiciliés en QPV.")
    question = "et les salariés de l'insertion par l'activité économique ?"
    assert answerer.coverage(question, [Hit(1, iae, 1.0)], synonyms=False) == 1.0
    # Most of the expansion must be asked: "l'activité" alone is not the IAE.
    assert answerer.coverage("et les salariés en activité ?", [Hit(1, iae, 1.0)], synonyms=False) < 1.0


def test_paraphrase_through_synonyms(answerer):
    answer = answerer.answer("comment aider les familles à mieux manger ?", hits("asv", "pre"))
    assert_grounded(answer)
    assert any("alimentation plus saine" in s.text for s in answer.sentences)


def test_acronym_matched_by_its_expansion(answerer):
    answer = answerer.answer("c'est quoi le PRE ?", hits("pre", "axes"))
    assert_grounded(answer)
    assert "Programme de Réussite Educative" in answer.sentences[0].text


def test_a_figure_question_without_a_figure_is_refused(answerer):
    answer = answerer.answer("quel est le budget de l'atelier santé ville ?", hits("asv", "pre"))
    assert answer.refused and answer.text == REFUSAL
    assert not answer.citations and [h.passage.id for h in answer.further_reading] == ["asv", "pre"]


PERMANENCES = passage(
    "permanences",
    "Mise en place de permanences des Maisons France Services dans les QPV. La déléguée du préfet "
    "anime le comité technique avec la direction du développement social local.",
)


@pytest.mark.parametrize(
    "question",
    [
        "quels sont les horaires des permanences France Services ?",
        "à quelle heure ouvrent les permanences France Services ?",
        "c koi les horaires des permanences France Services ce soir",
        "horaires permanences france services mardi",
        "comment s'appelle la déléguée du préfet ?",
        "qui est la déléguée du préfet ?",
        "les permanences France Services, c'est pour les gens de quel âge ?",
        "les permanences France Services, c'est quel jour ?",
        "quel est le numéro de téléphone des permanences France Services ?",
        "les permanences France Services, on peut les appeler à quel numéro ?",
        "quelle est l'adresse mail des permanences France Services ?",
        "combien d'euros pour les permanences France Services ?",
        "quelle enveloppe pour les permanences France Services ?",
        "comment s'appelle le nouveau coordinateur des permanences France Services ?",
        "c qui l'animatrice des permanences France Services, elle s'appelle comment ?",
        "comment s'inscrire aux permanences France Services ?",
        "quels papiers faut-il fournir aux permanences France Services ?",
        "qui dirige les permanences France Services ?",
        "qui est la personne chargée des permanences France Services ?",
        "les permanences France Services, comment les contacter ?",
        "les permanences France Services, elles sont dans quelle rue ?",
        "comment on fait pour rejoindre les permanences France Services ?",
        "quelles conditions faut-il remplir pour aller aux permanences France Services ?",
        "faut-il habiter dans un QPV pour aller aux permanences France Services ?",
        "y a-t-il un plafond de revenus pour les permanences France Services ?",
        "quelle ligne de bus dessert les permanences France Services ?",
        "quel cabinet a évalué les permanences France Services ?",
        "quelle association anime les permanences France Services ?",
        "quel numéro appeler pour les permanences France Services ?",
        "vous avez le numéro des permanences France Services ?",
        "c ki l'animatrice des permanences France Services ?",
        "quel médecin assure les permanences France Services ?",
        "comment devenir bénévole aux permanences France Services ?",
        "comment un habitant peut-il demander une permanence France Services ?",
        "les permanences France Services, il faut s'adresser à qui ?",
        "les permanences France Services ont lieu à quelle fréquence ?",
        "quelle est la surface des permanences France Services ?",
    ],
)
def test_a_question_asking_a_kind_of_answer_no_sentence_holds_is_refused(answerer, question):
    assert answerer.answer(question, [Hit(1, PERMANENCES, 1.0)]).refused


def test_a_weekday_named_in_passing_does_not_answer_which_day(answerer):
    text = "Les permanences France Services ne couvrent pas le travail en horaires décalés, dimanche et jours fériés."
    question = "les permanences France Services, c'est quel jour ?"
    assert answerer.answer(question, [Hit(1, passage("x", text), 1.0)]).refused


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        (
            "quels sont les horaires des permanences France Services ?",
            "Les permanences France Services sont ouvertes le mardi de 9 h à 12 h.",
            "9 h à 12 h",
        ),
        (
            "comment s'appelle la déléguée du préfet ?",
            "La déléguée du préfet, Mme Martin, anime le comité technique.",
            "Mme Martin",
        ),
        (
            "les permanences France Services, c'est pour les gens de quel âge ?",
            "Les permanences France Services accueillent les jeunes de 16 à 25 ans.",
            "16 à 25 ans",
        ),
        (
            "les permanences France Services, c'est quel jour ?",
            "Les permanences France Services sont ouvertes le mardi de 9 h à 12 h.",
            "le mardi",
        ),
        (
            "la réunion publique sur les permanences France Services, c'était quel jour ?",
            "La réunion publique sur les permanences France Services s'est tenue le 25 novembre 2021.",
            "25 novembre 2021",
        ),
        (
            "quel est le numéro de téléphone des permanences France Services ?",
            "Les permanences France Services répondent au 02 33 64 00 00 du lundi au vendredi.",
            "02 33 64 00 00",
        ),
        (
            "quelle est l'adresse mail des permanences France Services ?",
            "Les permanences France Services répondent aussi par courriel : accueil@flers-agglo.fr.",
            "accueil@flers-agglo.fr",
        ),
        (
            "combien d'euros pour les permanences France Services ?",
            "Les permanences France Services reçoivent 40 000 euros par an de l'Etat.",
            "40 000 euros",
        ),
        (
            "comment s'appelle la nouvelle coordinatrice des permanences France Services ?",
            "La nouvelle coordinatrice des permanences France Services, Mme Durand, a pris ses fonctions.",
            "Mme Durand",
        ),
        (
            "comment s'inscrire aux permanences France Services ?",
            "L'inscription aux permanences France Services se fait au centre social.",
            "inscription",
        ),
        (
            "qui préside le comité des permanences France Services ?",
            "Le comité des permanences France Services est présidé par le sous-préfet.",
            "présidé par le sous-préfet",
        ),
        (
            "les permanences France Services, comment les contacter ?",
            "Les permanences France Services répondent au 02 33 64 00 00 du lundi au vendredi.",
            "02 33 64 00 00",
        ),
        (
            "combien coûtent les permanences France Services ?",
            "Les permanences France Services coûtent 12 000 € par an à Flers Agglo.",
            "12 000 €",
        ),
        (
            "quelles conditions faut-il remplir pour aller aux permanences France Services ?",
            "Les permanences France Services sont ouvertes à tous les habitants des QPV.",
            "ouvertes à tous",
        ),
        (
            "faut-il habiter dans un QPV pour aller aux permanences France Services ?",
            "Les permanences France Services sont réservées aux habitants des QPV.",
            "réservées aux habitants",
        ),
        (
            "quelle ligne de bus dessert les permanences France Services ?",
            "La ligne 2 dessert les permanences France Services.",
            "ligne 2",
        ),
        (
            "quelle association anime les permanences France Services ?",
            "L'association Trait d'Union anime les permanences France Services.",
            "Trait d'Union",
        ),
        (
            "quel numéro appeler pour les permanences France Services ?",
            "Les permanences France Services répondent au 02 33 64 00 00.",
            "02 33 64 00 00",
        ),
        (
            "comment devenir bénévole aux permanences France Services ?",
            "Les bénévoles des permanences France Services s'inscrivent auprès du centre social.",
            "auprès du centre social",
        ),
        (
            "les permanences France Services ont lieu à quelle fréquence ?",
            "Les permanences France Services ont lieu chaque mardi matin.",
            "chaque mardi",
        ),
        (
            "quelle est la surface des permanences France Services ?",
            "Les permanences France Services occupent 120 m2 au centre social.",
            "120 m2",
        ),
    ],
)
def test_a_question_asking_a_kind_of_answer_takes_the_sentence_that_holds_it(answerer, question, text, expected):
    answer = answerer.answer(question, [Hit(1, PERMANENCES, 1.0), Hit(2, passage("x", text), 0.5)])
    assert_grounded(answer)
    assert expected in answer.sentences[0].text


@pytest.mark.parametrize(
    "question",
    [
        "le fonds des permanences France Services est doté de combien par an ?",
        "quelle proportion des habitants vient aux permanences France Services ?",
        "combien coûtent les permanences France Services ?",
    ],
)
def test_a_sum_or_a_share_is_not_answered_by_a_count(answerer, question):
    text = "Les permanences France Services ont reçu 300 personnes en 2023."
    assert answerer.answer(question, [Hit(1, passage("count", text), 1.0)]).refused


ALL_AGES = "Les permanences France Services ont reçu 300 personnes en 2023."
BY_AGE = "Les permanences France Services ont reçu 300 personnes en 2023, dont 120 jeunes de 16 à 25 ans."


@pytest.mark.parametrize(
    ("question", "text", "refused"),
    [
        ("combien de personnes de moins de 25 ans viennent aux permanences France Services ?", ALL_AGES, True),
        ("combien de personnes de moins de 25 ans viennent aux permanences France Services ?", BY_AGE, False),
        ("combien de jeunes de 16 à 25 ans viennent aux permanences France Services ?", BY_AGE, False),
        ("combien de personnes ont reçu les permanences France Services en 2023 ?", ALL_AGES, False),  # a year
    ],
)
def test_a_number_a_figure_question_states_is_in_the_sentence_answering_it(answerer, question, text, refused):
    assert answerer.answer(question, [Hit(1, passage("count", text), 1.0)]).refused is refused


MEETING = "La réunion publique sur les permanences France Services s'est tenue le 25 novembre 2021."


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("quand aura lieu la prochaine réunion publique sur les permanences France Services ?", MEETING),
        ("quelle est la date limite pour la réunion publique sur les permanences France Services ?", MEETING),
        (
            "comment s'inscrire à la réunion publique sur les permanences France Services ?",
            "La réunion publique sur les permanences France Services s'inscrit dans le cadre du contrat de ville.",
        ),
    ],
)
def test_a_date_to_come_a_deadline_or_a_sign_up_is_not_answered_by_a_sentence_merely_sharing_a_word(
    answerer, question, text
):
    assert answerer.answer(question, [Hit(1, passage("m", text), 1.0)]).refused


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        (
            "quand aura lieu la prochaine réunion publique sur les permanences France Services ?",
            "La prochaine réunion publique sur les permanences France Services aura lieu le 12 mars 2025.",
            "12 mars 2025",
        ),
        (
            "quelle est la date limite pour la réunion publique sur les permanences France Services ?",
            "Les inscriptions à la réunion publique sur les permanences France Services sont ouvertes "
            "jusqu'au 1er mars 2025.",
            "jusqu'au 1er mars 2025",
        ),
    ],
)
def test_a_date_to_come_or_a_deadline_is_answered_by_the_sentence_giving_it(answerer, question, text, expected):
    answer = answerer.answer(question, [Hit(1, passage("m", MEETING), 1.0), Hit(2, passage("x", text), 0.5)])
    assert_grounded(answer)
    assert expected in answer.sentences[0].text


@pytest.mark.parametrize(
    ("year", "date", "refused"),
    [
        ("2020", "2024", True),  # before the document: the past
        ("2025", "2024", False),
        ("2020", "", False),  # a document of no known date: not checked
    ],
)
def test_a_date_to_come_is_not_given_by_a_year_before_the_document(answerer, year, date, refused):
    text = (
        f"Dans le cadre de la convention des permanences France Services signée le 9 juillet {year}, "
        "il est prévu des marches exploratoires."
    )
    question = "à quelle date auront lieu les prochaines marches exploratoires des permanences France Services ?"
    dated = replace(passage("m", text), date=date)
    assert answerer.answer(question, [Hit(1, dated, 1.0)]).refused is refused


def test_a_number_that_is_not_a_phone_number_may_be_asked(answerer):
    text = "Le décret n° 2023-1314 du 28 décembre 2023 fixe la liste des quartiers prioritaires."
    question = "quel est le numéro du décret qui fixe la liste des quartiers prioritaires ?"
    answer = answerer.answer(question, [Hit(1, passage("d", text), 1.0)])
    assert_grounded(answer)
    assert "2023-1314" in answer.sentences[0].text


def test_a_sentence_merely_mentioning_hours_answers_a_question_that_does_not_ask_for_them(answerer):
    text = "La garde d'enfants reste difficile, avec une offre inadaptée aux horaires atypiques."
    answer = answerer.answer(
        "je travaille en horaires décalés, qui peut garder mon enfant ?", [Hit(1, passage("garde", text), 1.0)]
    )
    assert_grounded(answer)


@pytest.mark.parametrize(
    ("question", "opened"),
    [
        ("la maison d'activités de Saint-Michel est ouverte le lundi ?", False),
        ("la maison d'activités de Saint-Michel ouvre le week-end ?", False),
        ("la maison d'activités de Saint-Michel ferme tard le soir ?", True),
        ("la maison d'activités de Saint-Michel, c'est ouvert le samedi ?", True),
    ],
)
def test_an_opening_is_said_only_by_a_sentence_on_an_opening_at_that_moment(answerer, question, opened):
    text = (
        "La maison d'activités de Saint-Michel accueille les habitants le lundi pour des ateliers. "
        "Ses ouvertures en soirée et le samedi restent rares."
    )
    answer = answerer.answer(question, [Hit(1, passage("m", text), 1.0)])
    assert answer.refused != opened
    if opened:
        assert_grounded(answer)
        assert "ouvertures" in answer.sentences[0].text


def test_a_question_on_timetables_that_asks_none_is_answered(answerer):
    text = "L'offre de transport ne répond pas aux horaires décalés des habitants."
    answer = answerer.answer(
        "les horaires décalés des habitants, le transport en tient compte ?", [Hit(1, passage("t", text), 1.0)]
    )
    assert_grounded(answer)


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("les bus collent pas aux horaires de boulot de nuit ou du week-end, le texte en parle ?", True),
        ("les bus roulent la nuit ou le week-end avec des horaires adaptés ?", False),
    ],
)
def test_hours_of_work_are_not_an_opening(answerer, question, answered):
    text = "La mobilité reste difficile pour le travail en horaires décalés, dimanche et jours fériés."
    answer = answerer.answer(question, [Hit(1, passage("t", text), 1.0)])
    assert answer.refused != answered
    if answered:
        assert_grounded(answer)


@pytest.mark.parametrize(("year", "confirmed"), [("2030", True), ("2032", False)])
def test_a_figure_to_confirm_is_confirmed_only_by_a_sentence_holding_it(answerer, year, confirmed):
    text = "Le contrat de ville couvre les années 2024 à 2030 dans les quartiers prioritaires."
    answer = answerer.answer(
        f"le contrat de ville, c'est bien jusqu'en {year} ?", [Hit(1, passage("c", text), 1.0)]
    )
    assert answer.refused != confirmed
    if confirmed:
        assert_grounded(answer)
    # The figure alone is not what was asked: "GDD 61" does not say the département is the 61.
    found = [Hit(1, passage("g", "Une cellule du GDD 61 contrôle les clubs sportifs."), 1.0)]
    assert answerer.answer("l'Orne, c'est bien le département 61 ?", found).refused


def test_the_words_of_an_idiom_name_no_topic(answerer):
    text = "Mise en place d'activités de loisirs pendant les temps libres par les centres sociaux."
    found = [Hit(1, passage("loisirs", text), 1.0)]
    assert answerer.answer("deux cachets en même temps ?", found).refused  # not the temps libres
    assert_grounded(answerer.answer("les temps libres des jeunes, les centres sociaux s'en occupent ?", found))


def test_somewhere_asks_no_share(answerer):
    text = "Le manque de jeux pour les enfants à Saint-Michel est relevé par les habitants."
    answer = answerer.answer(
        "pas de jeux pour les enfants à Saint-Michel, c'est noté quelque part ?", [Hit(1, passage("j", text), 1.0)]
    )
    assert_grounded(answer)
    text = "La part des jeunes parmi les habitants est élevée."
    assert answerer.answer("quelle part des habitants sont des jeunes ?", [Hit(1, passage("p", text), 1.0)]).refused


def test_a_figure_word_in_a_yes_or_no_question_asks_no_figure(answerer):
    found = [Hit(1, passage("t", "Les tarifs des activités sont adaptés aux revenus des familles."), 1.0)]
    assert_grounded(answerer.answer("les tarifs des activités dépendent des revenus des familles ?", found))
    assert answerer.answer("quel est le tarif des activités pour les familles ?", found).refused


def test_a_price_is_the_price_of_what_is_asked(answerer):
    text = "Aujourd'hui le périmètre couvre 1 400 habitants ; l'inscription coûte 5 euros."
    found = [Hit(1, passage("p", text), 1.0)]
    assert answerer.answer("c'est combien le bitcoin aujourd'hui ?", found).refused
    answer = answerer.answer("combien coûte l'inscription aujourd'hui ?", found)
    assert_grounded(answer)
    assert "5 euros" in answer.sentences[0].text


def test_a_median_income_question_needs_that_figure(answerer):
    text = "Le revenu des habitants de Saint-Michel est plus faible que dans le reste de la ville."
    assert answerer.answer("quel est le revenu médian des habitants ?", [Hit(1, passage("r", text), 1.0)]).refused


def test_a_count_needs_a_number_of_the_thing_counted(answerer):
    text = "Accueil des élèves exclus du collège de plus de 3 jours. Le collège Jean Monnet accueille des élèves."
    p = passage("college", text)
    assert answerer.answer("combien d'élèves compte le collège Jean Monnet ?", [Hit(1, p, 1.0)]).refused
    counted = passage("college2", "Le collège Jean Monnet accueille 420 élèves cette année.")
    answer = answerer.answer("combien d'élèves compte le collège Jean Monnet ?", [Hit(1, p, 1.0), Hit(2, counted, 0.5)])
    assert_grounded(answer)
    assert "420 élèves" in answer.sentences[0].text


def test_a_wish_is_not_a_request_nor_a_chair_back_a_file(answerer):
    wishes = passage(
        "wishes",
        "Des demandes de parents pour remettre en place un accompagnement à la scolarité. "
        "Les parents regrettent le manque de bancs (avec dossiers) près de l'accompagnement à la scolarité.",
    )
    for question in (
        "comment un parent peut-il demander un accompagnement à la scolarité ?",
        "quel formulaire remplir pour l'accompagnement à la scolarité ?",
    ):
        assert answerer.answer(question, [Hit(1, wishes, 1.0)]).refused, question
    how = passage("how", "La demande d'accompagnement à la scolarité se fait auprès du centre social.")
    answer = answerer.answer(
        "comment un parent peut-il demander un accompagnement à la scolarité ?",
        [Hit(1, wishes, 1.0), Hit(2, how, 0.5)],
    )
    assert_grounded(answer)
    assert "auprès du centre social" in answer.sentences[0].text


@pytest.mark.parametrize(
    ("question", "weak", "counted", "expected"),
    [
        (
            "combien d'enfants des quartiers prioritaires vont à l'école des sports ?",
            "L'école des sports est ouverte dans les deux quartiers prioritaires.",
            "L'école des sports accueille 80 enfants des quartiers prioritaires.",
            "80 enfants",
        ),
        (
            "nombre d'allocataires du RSA à Saint-Sauveur ?",
            "Les deux QPV de Flers concentrent les allocataires du RSA.",
            "Saint-Sauveur compte 320 allocataires du RSA.",
            "320 allocataires",
        ),
        (
            "combien de personnes ont suivi les ateliers l'an dernier ?",
            "Mise en place d'ateliers parents/enfants moins de 6 ans.",
            "Les ateliers ont accueilli 45 personnes l'an dernier.",
            "45 personnes",
        ),
    ],
)
def test_a_count_is_of_its_noun_not_of_the_quarters_it_names_nor_of_years(answerer, question, weak, counted, expected):
    """"des quartiers prioritaires" says whose children are counted, "le nombre de" asks a count,
    "l'an dernier" says when: none is what is counted."""
    assert answerer.answer(question, [Hit(1, passage("weak", weak), 1.0)]).refused
    answer = answerer.answer(question, [Hit(1, passage("weak", weak), 1.0), Hit(2, passage("counted", counted), 0.5)])
    assert_grounded(answer)
    assert expected in answer.sentences[0].text


def test_a_common_word_related_to_a_thing_does_not_name_it():
    cadre = passage("cadre", "Les habitants subissent des inégalités sociales. Améliorer le cadre de vie des logements.")
    others = [passage(f"social{k}", f"Le lien social du quartier {k} se renforce.") for k in range(4)]
    answerer = ExtractiveAnswerer(LexicalIndex.build([cadre, *others]), Glossary.load(), AnswerPolicy(min_coverage=0.3))
    question = "quel bailleur social gère les logements du quartier ?"
    assert "social" in answerer._forms("bailleur")  # the synonym table relates it: "bailleur social"
    assert answerer.answer(question, [Hit(1, cadre, 1.0)]).refused


def test_one_thing_or_bodies_asked_must_be_named_but_structures_may_be_kinds(answerer):
    convention = passage("convention", "Signature d'une convention Parquet-bailleurs-Etat sur les expulsions.")
    question = "quel bailleur signe la convention sur les expulsions ?"
    assert answerer.answer(question, [Hit(1, convention, 1.0)]).refused
    acronym = passage("acronym", "Le bailleur social des QPV signe la convention sur les expulsions.")
    assert answerer.answer(question, [Hit(1, acronym, 1.0)]).refused
    named = passage("bailleur", "Le bailleur Orne Habitat signe la convention sur les expulsions.")
    answer = answerer.answer(question, [Hit(1, convention, 1.0), Hit(2, named, 0.5)])
    assert_grounded(answer)
    assert "Orne Habitat" in answer.sentences[0].text
    kinds = passage("permis", "L'État soutient les structures d'aide au permis : plateformes mobilité, auto-écoles sociales.")
    answer = answerer.answer("quelles structures l'État soutient-il pour le permis ?", [Hit(1, kinds, 1.0)])
    assert_grounded(answer)
    assert "auto-écoles sociales" in answer.sentences[0].text


def test_a_particular_of_a_rarely_named_thing_is_answered_only_of_that_thing():
    """"Quelles écoles ... aux Cordées de la réussite ?" is not answered by a school named in a
    sentence on something else; a unit under a lead-in naming the Cordées is; "l'État", which
    many passages name, is a party to the whole contract and need not be repeated."""
    other = passage("other", "L'école Les Vallées accueille des classes de CP dédoublées.")
    led = passage("led", "Aux Cordées de la réussite :\n- l'école Jules Ferry\n- l'école Bernier")
    iae = passage("iae", "Tendre vers 20 % des salariés de l'IAE domiciliés en QPV.")
    state = [passage(f"etat{k}", f"L'État accompagne le quartier {k}.") for k in range(20)]
    lexical = LexicalIndex.build([other, led, iae, *state])
    answerer = ExtractiveAnswerer(lexical, Glossary.load(), AnswerPolicy(min_coverage=0.1))
    question = "Quelles écoles participent aux Cordées de la réussite ?"
    assert answerer.answer(question, [Hit(1, other, 1.0)]).refused
    # ...and the refusal offers first to read where the documents speak of the Cordées.
    cordees = passage("cordees", "Déployer les Cordées de la réussite.")
    refused = answerer.answer(question, [Hit(1, other, 1.0), Hit(2, cordees, 0.5)])
    assert refused.refused
    assert [h.passage.id for h in refused.further_reading] == ["cordees", "other"]
    answer = answerer.answer(question, [Hit(1, other, 1.0), Hit(2, led, 0.5)])
    assert_grounded(answer)
    assert answer.citations[0].passage.id == "led"
    question = "Quelle part des salariés de l'IAE l'État veut-il en QPV ?"
    answer = answerer.answer(question, [Hit(1, iae, 1.0)])
    assert_grounded(answer)
    assert "20 %" in answer.text


def test_weak_evidence_is_refused(answerer):
    assert answerer.answer("qui a gagné la coupe de football ?", hits("axes", "pre")).refused


def test_citations_numbered_in_order_of_first_use(answerer):
    answer = answerer.answer("priorités santé nutrition sédentarité et ANRU signée 2020", hits("anru", "asv"))
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert_grounded(answer)


def test_rerank_prefers_the_passage_with_the_answer(answerer):
    by_id = {p.id: p for p in PASSAGES}
    fused = [Hit(r, by_id[pid], 1.0 / (10 + r)) for r, pid in enumerate(["pre", "axes", "asv"], 1)]
    reranked = answerer.rerank("comment aider les familles à mieux manger ?", fused)
    assert reranked[0].passage.id == "asv" and [h.rank for h in reranked] == [1, 2, 3]


def test_rerank_counts_only_units_that_can_answer(answerer):
    # The map legend covers the question's words better, but only the other passage has a date.
    legend = passage("legend", "La nouvelle carte des quartiers prioritaires s'applique aux quartiers prioritaires.")
    dated = passage("dated", "La nouvelle carte est entrée en vigueur le 1er janvier 2024.")
    fused = [Hit(1, legend, 0.1), Hit(2, dated, 0.09)]
    question = "depuis quand la nouvelle carte des quartiers prioritaires s'applique ?"
    assert [h.passage.id for h in answerer.rerank(question, fused)] == ["dated", "legend"]
    # Without the date, the legend's coverage wins.
    undated = passage("undated", "La nouvelle carte est entrée en vigueur.")
    fused = [Hit(1, legend, 0.1), Hit(2, undated, 0.09)]
    assert answerer.rerank(question, fused)[0].passage.id == "legend"


def test_a_count_may_be_written_in_words_or_name_a_related_noun(answerer):
    words = passage("orne", "Mener à bien les trois programmes de rénovation urbaine de l'Orne ;")
    answer = answerer.answer("combien de programmes de rénovation urbaine dans l'Orne ?", [Hit(1, words, 1.0)])
    assert_grounded(answer)
    assert "trois programmes" in answer.text
    people = passage("perimetre", "Le nouveau périmètre couvre près de 1 400 habitants.")
    answer = answerer.answer("combien de personnes dans le nouveau périmètre ?", [Hit(1, people, 1.0)])
    assert_grounded(answer)
    assert "1 400 habitants" in answer.text


@pytest.mark.parametrize(
    ("question", "text", "lead"),
    [
        ("combien de monde au séminaire ?", "Le séminaire a duré 3 jours. 50 partenaires sont venus au séminaire.",
         "50 partenaires"),
        ("combien d'organismes au séminaire ?", "50 partenaires sont venus au séminaire.", "50 partenaires"),
        ("combien de monde au séminaire ?", "Le séminaire a duré 3 jours.", None),
        ("combien de projets de rénovation urbaine dans l'Orne ?",
         "Mener à bien les trois programmes de rénovation urbaine de l'Orne ;", "trois programmes"),
        ("combien de projets culturels dans l'Orne ?",
         "Mener à bien les trois programmes de rénovation urbaine de l'Orne ;", None),
        # what the people did is counted, a date is not
        ("combien de personnes ont rempli le questionnaire ?",
         "L'enquête a eu lieu le 17 juin. 23 questionnaires ont été complétés.", "23 questionnaires"),
        ("combien de personnes ont rempli le questionnaire ?",
         "Le 17 juin, des personnes ont rempli le questionnaire.", None),
        ("combien de QPV en France ?", "En France, la métropole compte 1 362 quartiers prioritaires.",
         "1 362 quartiers"),
        ("le contrat, il est découpé en combien de morceaux ?", "Un contrat de ville structuré en 3 parties",
         "3 parties"),
        # where people live counts nobody
        ("le QPV de Saint-Sauveur, ça fait combien de monde ?",
         "Les deux QPV de Flers, dont Saint-Sauveur, concentrent la précarité. Cette zone couvre 2 700 habitants.",
         "2 700 habitants"),
        # an adjective is not what is counted, a double is two, the synonym table's QPV are quarters
        ("la démarche a identifié combien de gros défis ?", "La démarche a permis d'identifier 4 défis majeurs.",
         "4 défis"),
        ("combien d'enjeux la gouvernance doit-elle tenir ?", "Une gouvernance sous le sceau d'un double enjeu.",
         "double enjeu"),
        ("les marches exploratoires, dans combien de quartiers ?", "Marches exploratoires dans les deux QPV.",
         "deux QPV"),
    ],
)
def test_a_count_asked_in_other_words_is_answered_by_the_number_of_what_is_meant(answerer, question, text, lead):
    answer = answerer.answer(question, [Hit(1, passage("p", text), 1.0)])
    if lead is None:
        assert answer.refused
    else:
        assert_grounded(answer)
        assert lead in answer.sentences[0].text


def test_a_list_question_is_answered_by_a_list_rather_than_a_heading_over_prose(answerer):
    heading = "Les 4 axes transversaux"
    prose = passage("prose", f"{heading}\n\nL'objectif est d'accompagner les centres sociaux.", (heading,))
    listed = passage(
        "list",
        "Des axes transversaux\n\n- La participation citoyenne\n- Le soutien à la parentalité\n"
        "- L'égalité femmes/hommes\n- La lutte contre les discriminations",
        ("Des axes transversaux",),
    )
    answer = answerer.answer("quels sont les 4 axes transversaux ?", [Hit(1, prose, 1.0), Hit(2, listed, 0.9)])
    assert_grounded(answer)
    assert answer.sentences[0].text.startswith("Des axes transversaux")
    assert "La lutte contre les discriminations" in answer.text
    # A list of something else, covering the question less than half as well, does not lead.
    other = passage("other", "Des axes de circulation\n\n- La rue Saint-Jean\n- La rue de Paris", ("Voirie",))
    answer = answerer.answer("quels sont les 4 axes transversaux ?", [Hit(1, prose, 1.0), Hit(2, other, 0.9)])
    assert answer.sentences[0].text == heading


def test_a_percentage_is_given_by_a_percent_sign(answerer):
    iae = passage("iae", "Tendre vers 20 % des salariés de l'IAE domiciliés en QPV.")
    answer = answerer.answer("quel pourcentage des salariés de l'IAE habitent en QPV ?", [Hit(1, iae, 1.0)])
    assert_grounded(answer)
    assert "20 %" in answer.text


def test_a_meaning_question_needs_the_acronym_spelled_out():
    answerer = ExtractiveAnswerer(LexicalIndex.build(PASSAGES), Glossary.load())  # default policy
    listed = passage("bilans", "Bilans des dispositifs de la politique de la ville (PRE, GUSP, adultes-relais).")
    assert answerer.answer("que veut dire le sigle GUSP ?", [Hit(1, listed, 1.0)]).refused
    spelled = passage("gusp", "La gestion urbaine et sociale de proximité (GUSP) améliore le cadre de vie.")
    answer = answerer.answer("que veut dire le sigle GUSP ?", [Hit(1, listed, 1.0), Hit(2, spelled, 0.5)])
    assert_grounded(answer)
    assert answer.citations[0].passage.id == "gusp"


def test_coverage_of_the_question_own_words_leaves_synonyms_out(answerer):
    # "manger" reaches "alimentation" through the synonym table only
    assert answerer.coverage("comment manger ?", hits("asv")) == 1.0
    assert answerer.coverage("comment manger ?", hits("asv"), synonyms=False) == 0.0
    assert answerer.coverage("la nutrition et la sédentarité", hits("asv"), synonyms=False) == 1.0


def test_the_rank_chooses_the_lead_only_among_units_that_cover_the_question():
    question = "parlez-moi de la convention pluriannuelle avec l'ANRU"
    # The first passage says nothing of it: however strong the rank bonus, it cannot lead.
    strong_rank = ExtractiveAnswerer(LexicalIndex.build(PASSAGES), Glossary.load(), AnswerPolicy(rank_bonus=5.0))
    answer = strong_rank.answer(question, hits("pre", "anru"))
    assert_grounded(answer)
    assert answer.sentences[0].text.startswith("Dans le cadre du projet de rénovation urbaine")
    # Among units that cover the question, the better-ranked passage leads.
    question = "quelles priorités pour la santé et les familles ?"
    first = strong_rank.answer(question, hits("axes", "asv")).citations[0].passage.id
    again = strong_rank.answer(question, hits("asv", "axes")).citations[0].passage.id
    assert (first, again) == ("axes", "asv")
