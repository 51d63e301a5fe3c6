"""French lexical index: tokeniser, BM25 ranking, persistence, filters, empty cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.lexical import IndexFormatError, LexicalIndex, tokenize
from ingest.records import Passage


def passage(pid: str, text: str) -> Passage:
    return Passage(pid, "doc.txt", "Doc", "contrat", "local", "2024", ("s",), None, 0, 0, text)


TEXTS = {
    "sante": "Flers Agglo s'engage dans un Contrat Local de Santé pour lutter contre la "
    "sédentarité et favoriser la pratique d'une activité physique chez les jeunes.",
    "emploi": "Cibler les dispositifs d'emploi sur les habitants des QPV : parcours "
    "emploi-compétences, apprentissage, insertion par I'activité économique (IAE).",
    "anru": "La convention pluriannuelle avec l'ANRU a été signée en 2020 pour la rénovation "
    "urbaine du quartier Saint-Michel : démolitions et réhabilitations de logements.",
    "pre": "Le Programme de Réussite Éducative (PRE) accompagne les enfants fragiles et leurs "
    "familles.",
    "securite": "Renforcer la vidéoprotection et la tranquillité publique avec la police "
    "municipale et la gendarmerie nationale.",
    "gouvernance": "Le comité de pilotage réunit l'État, la Région, le Département, la CAF et "
    "les bailleurs sociaux deux fois par an.",
    "culture": "Les médiathèques et l'école de musique proposent des ateliers culturels "
    "gratuits.",
    "mobilite": "Développer les transports en commun et les pistes cyclables entre les "
    "quartiers prioritaires et le centre-ville.",
    "numerique": "Former les parents à l'usage des espaces numériques de travail des collèges.",
    "commerce": "Maintenir les commerces de proximité, la pharmacie et le distributeur de "
    "billets.",
}


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    passages = (passage(pid, text) for pid, text in TEXTS.items())
    return LexicalIndex.build(passages, fingerprint="fp-1")


# --- tokeniser -------------------------------------------------------------------------------


def test_accents_and_case_are_folded():
    assert tokenize("Sécurité ÉCOLE Œuvre") == tokenize("securite ecole oeuvre")
    assert tokenize("sécurité") == ["securit"]


def test_elided_articles_are_dropped_including_ocr_forms():
    expected = tokenize("activité")
    assert expected == ["activit"]
    for form in ["l'activité", "l’activité", "I'activité", "|'activité", "L'ACTIVITÉ"]:
        assert tokenize(form) == expected, form
    assert tokenize("d'emploi qu'il s'inscrit") == tokenize("emploi inscrit")


def test_plural_and_singular_share_a_stem():
    assert tokenize("quartiers") == tokenize("quartier") == ["quarti"]
    assert tokenize("emplois") == tokenize("emploi")
    assert tokenize("lieux") == tokenize("lieu")
    assert tokenize("sociaux") == tokenize("sociale")
    # Snowball keeps a final s after o or u: "des vélos" must find "le vélo".
    assert tokenize("vélos") == tokenize("vélo") == ["velo"]
    assert tokenize("infos prévus") == tokenize("info prévue")
    assert tokenize("bus") == ["bus"]  # too short to be a plural


def test_a_verb_s_third_person_plural_shares_the_singular_s_stem():
    # Snowball leaves "renferment" whole: "les jeunes se renferment" did not find "se renferme".
    assert tokenize("renferment supportent traînent") == tokenize("renferme supporte traîne")
    assert tokenize("les commerces ferment") == tokenize("le commerce ferme")
    assert tokenize("ils appuient, elles viennent") == tokenize("il appuie, qu'elle vienne")
    # Nouns and adjectives in -ent keep their stem, and "vient" is a singular.
    assert tokenize("parents moment urgent") == ["parent", "moment", "urgent"]
    assert tokenize("président") == ["president"]
    assert tokenize("vient soutient") == ["vient", "soutient"]


def test_stop_words_are_dropped():
    assert tokenize("le la les de des du et à pour dans avec") == []
    assert tokenize("quelles sont les actions ?") == tokenize("actions")
    # A question word the documents never write would weigh most in a question's coverage.
    assert tokenize("combien de participants ?") == tokenize("participants")


def test_numbers_and_acronyms_are_kept():
    assert tokenize("contrat de ville 2024-2030") == ["contrat", "vill", "2024", "2030"]
    assert "qpv" in tokenize("les QPV de Flers")
    assert tokenize("le PRE") == ["pre"]


def test_upper_case_stop_word_alone_is_an_acronym_but_not_in_a_heading():
    assert tokenize("le DE et le SI") == ["de", "si"]
    assert tokenize("LE CONTRAT DE VILLE") == ["contrat", "vill"]


def test_a_numeric_date_is_found_by_its_month_name():
    assert {"septembr", "2023"} <= set(tokenize("le séminaire du 25/09/2023"))
    assert "septembr" in tokenize("en septembre 2023")
    assert tokenize("en 31/13/2023") == ["31", "13", "2023"]  # not a date: no month added


def test_saint_written_short_is_saint():
    assert tokenize("St Sauveur") == tokenize("Saint-Sauveur") == ["saint", "sauveur"]
    assert tokenize("Ste-Anne") == tokenize("sainte Anne") == ["saint", "anne"]


def test_pres_does_not_collide_with_pre():
    assert tokenize("près de l'école") == tokenize("école")


# --- ranking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("quelles actions pour la santé des jeunes ?", "sante"),
        ("activités physiques des jeunes", "sante"),
        ("insertion professionnelle par l'activité économique", "emploi"),
        ("rénovation du quartier et logements démolis", "anru"),
        ("réussite éducative des enfants", "pre"),
        ("c'est quoi le PRE ?", "pre"),
        ("vidéo-protection et tranquillité", "securite"),
        ("qui pilote le contrat ? comité de pilotage", "gouvernance"),
        ("espace numérique de travail au collège", "numerique"),
        ("commerce de proximité", "commerce"),
    ],
)
def test_paraphrased_query_finds_the_right_passage_first(index, query, expected):
    hits = index.search(query, k=3)
    assert hits, query
    assert hits[0][0] == expected, hits


def test_scores_are_positive_and_sorted(index):
    hits = index.search("quartiers prioritaires jeunes santé emploi", k=10)
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)
    assert len({pid for pid, _ in hits}) == len(hits)


def test_only_matching_passages_are_returned(index):
    hits = index.search("médiathèques", k=10)
    assert [pid for pid, _ in hits] == ["culture"]


def test_k_limits_the_number_of_hits(index):
    assert len(index.search("les quartiers, les jeunes et les habitants", k=1)) == 1
    assert index.search("santé", k=0) == []


def test_allowed_ids_filter(index):
    query = "activité des jeunes et emploi"
    unfiltered = [pid for pid, _ in index.search(query, k=10)]
    assert {"sante", "emploi"} <= set(unfiltered)
    filtered = index.search(query, k=10, allowed_ids={"emploi", "culture", "unknown-id"})
    assert [pid for pid, _ in filtered] == ["emploi"]
    assert index.search(query, k=10, allowed_ids=set()) == []


# --- persistence -----------------------------------------------------------------------------


def test_save_load_round_trip(index, tmp_path: Path):
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert loaded.fingerprint == "fp-1"
    assert loaded.ids == index.ids
    for query in ["santé des jeunes", "rénovation urbaine ANRU", "le PRE", "emploi"]:
        assert loaded.search(query, k=5) == index.search(query, k=5)
    assert loaded.search("emploi", 5, allowed_ids={"emploi"}) == index.search(
        "emploi", 5, allowed_ids={"emploi"}
    )


def test_save_replaces_a_previous_index(index, tmp_path: Path):
    target = tmp_path / "lexical"
    LexicalIndex.build([passage("x", "un texte sur la culture")], fingerprint="old").save(target)
    index.save(target)
    loaded = LexicalIndex.load(target)
    assert loaded.fingerprint == "fp-1"
    assert "x" not in loaded.ids
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob("*.old"))


def test_load_refuses_missing_or_foreign_index(index, tmp_path: Path):
    with pytest.raises(IndexFormatError):
        LexicalIndex.load(tmp_path / "nothing-here")
    index.save(tmp_path / "lexical")
    meta_path = tmp_path / "lexical" / "lexical.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "format": 999}))
    with pytest.raises(IndexFormatError):
        LexicalIndex.load(tmp_path / "lexical")


# --- empty cases -----------------------------------------------------------------------------


def test_empty_index(tmp_path: Path):
    empty = LexicalIndex.build([], fingerprint="none")
    assert len(empty) == 0
    assert empty.search("santé", k=5) == []
    empty.save(tmp_path / "empty")
    loaded = LexicalIndex.load(tmp_path / "empty")
    assert loaded.fingerprint == "none"
    assert loaded.search("santé", k=5) == []


def test_passages_without_any_token():
    only_stop_words = LexicalIndex.build([passage("a", "le la les"), passage("b", "")])
    assert len(only_stop_words) == 2
    assert only_stop_words.search("le", k=5) == []


def test_queries_without_known_token(index):
    assert index.search("", k=5) == []
    assert index.search("le la les de ?", k=5) == []
    assert index.search("zzzxq inconnu", k=5) == []


# --- section paths and bridged words ---------------------------------------------------------


def test_the_section_path_is_searched_with_the_text():
    under = Passage("list", "doc.txt", "Doc", "contrat", "local", "2024",
                    ("Les défis thématiques", "Favoriser la réussite scolaire"), None, 0, 0,
                    "- Accompagner les parents dans le suivi des devoirs")
    other = passage("other", "Accompagner les parents dans leurs démarches administratives.")
    index = LexicalIndex.build([under, other])
    assert index.search("quels défis pour la réussite scolaire ?")[0][0] == "list"


def test_an_unknown_word_is_bridged_to_corpus_words_sharing_its_beginning(index):
    assert "policiers" not in TEXTS["securite"]
    assert index.bridge(tokenize("policiers")[0]) == tokenize("police")
    assert index.search("des policiers")[0][0] == "securite"


@pytest.mark.parametrize("word", ["police", "2020", "argentin", "Argentan", "commercial"])
def test_known_numbers_and_too_different_words_are_not_bridged(word):
    # known; a number; stem "argentin" is 8 letters, 6 shared with "argent"; so is "Argentan";
    # "commercial" shares 7 of 10 letters with "commerc"
    index = LexicalIndex.build([passage("a", "de l'argent pour le commerce et la police 2021")])
    assert index.bridge(tokenize(word)[0]) == []


def test_related_words_are_scored_with_the_query(index):
    assert index.search("vélo") == []
    assert index.search("vélo", related=tokenize("pistes cyclables"))[0][0] == "mobilite"


def test_a_related_word_weighs_less_than_the_question_s_own():
    # Two passages alike but for the word: the one holding the question's own word comes first.
    index = LexicalIndex.build([passage("own", "Soutenir l'emploi des jeunes."),
                                passage("synonym", "Soutenir l'insertion des jeunes.")])
    found = dict(index.search("emploi", related=tokenize("insertion")))
    assert found["own"] > found["synonym"] > 0


def test_names_are_capitalised_words_inside_a_sentence_not_acronyms():
    from assistant.lexical import names_in

    text = "Mon fils a un BTS. Il vit à Saint-Michel et regarde l'Eurovision."
    assert names_in(text) == ["Saint-Michel", "Eurovision"]
    assert names_in("Eurovision : qui a gagné ?") == []


def test_a_compound_name_opening_a_sentence_is_a_name():
    from assistant.lexical import names_in

    assert names_in("Saint-Sauveur-le-Vicomte, c'est où ?") == ["Saint-Sauveur-le-Vicomte"]
    assert names_in("Peut-être. Pont-Féron aussi ?") == ["Pont-Féron"]
    assert names_in("Grand-mère vit là.") == []
