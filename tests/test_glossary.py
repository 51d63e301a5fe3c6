"""Glossary: curated entries, look-ups, query expansion, acronyms learnt from the corpus."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from assistant.glossary import DEFAULT_PATH, Entry, Glossary, find_definitions

CORPUS = Path(__file__).parent.parent / "corpus" / "flers-agglo-contrat-de-ville-2024-2030.txt"

REQUIRED_TERMS = """QPV PRE ANRU PRU NPNRU CLS ASV GUSP IAE CIV ANCT REP REP+ FIPDR FIPD DPV PSQ
CAF AVIP PIJ TIG ENT ABS ARS CCAS DDETSPP DSIL DETR FNADT FONJEP CORAH RED CTP GPO PAV DAB CoDir
ZFU CTG MFS""".split() + ["BOP 147", "adultes-relais", "droit commun", "cité éducative",
                          "contrat de ville", "conseil citoyen"]


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load()


def corpus_line(fragment: str) -> str:
    """The line of the real corpus that contains ``fragment`` (fails if the corpus changed)."""
    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if fragment in line]
    assert lines, fragment
    return lines[0]


# --- the shipped glossary --------------------------------------------------------------------


def test_shipped_glossary_covers_the_required_terms(glossary):
    terms = {entry.term for entry in glossary.entries()}
    assert set(REQUIRED_TERMS) <= terms


def test_shipped_entries_are_complete_and_curated():
    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert len({item["term"] for item in raw}) == len(raw), "duplicate terms"
    for item in raw:
        assert set(item) == {"term", "expansion", "definition", "aliases"}, item["term"]
        assert item["expansion"].strip() and isinstance(item["aliases"], list), item["term"]
        definition = item["definition"]
        assert definition[0].isupper() and definition.endswith("."), item["term"]
        assert definition.count(". ") == 0, f"one sentence only: {item['term']}"
    assert not any(entry.from_corpus for entry in Glossary.load().entries())


def test_entries_are_frozen_and_sorted(glossary):
    entry = glossary.lookup("QPV")
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.term = "X"  # type: ignore[misc]
    keys = [e.term.lower() for e in glossary.entries()]
    assert keys.index("abs") < keys.index("anru") < keys.index("qpv")


# --- look-up ---------------------------------------------------------------------------------


def test_lookup_ignores_case_and_accents_and_knows_aliases(glossary):
    assert glossary.lookup("pre").term == "PRE"
    assert glossary.lookup("Programme de reussite educative").term == "PRE"
    assert glossary.lookup("réussite éducative").term == "PRE"
    assert glossary.lookup("codir").term == "CoDir"
    assert glossary.lookup("DDETS").term == "DDETSPP"
    assert glossary.lookup("Réseau d’éducation prioritaire").term == "REP"


def test_lookup_distinguishes_rep_and_rep_plus(glossary):
    assert glossary.lookup("REP").term == "REP"
    assert glossary.lookup("rep+").term == "REP+"


def test_lookup_of_unknown_term(glossary):
    assert glossary.lookup("XYZ") is None
    assert glossary.lookup("") is None


# --- expansion -------------------------------------------------------------------------------


def test_acronym_in_query_gets_its_expansion(glossary):
    expanded = glossary.expand("c'est quoi le PRE ?")
    assert expanded.startswith("c'est quoi le PRE ?")
    assert "programme de réussite éducative" in expanded.lower()


def test_lower_case_acronym_is_expanded_but_not_an_accented_word(glossary):
    assert "réussite éducative" in glossary.expand("le pre").lower()
    assert glossary.expand("un pré fleuri") == "un pré fleuri"


def test_long_form_in_query_gets_its_acronym(glossary):
    assert glossary.expand("la réussite éducative").split()[-1] == "PRE"
    assert "QPV" in glossary.expand("les quartiers prioritaires de Flers").split()
    assert "IAE" in glossary.expand("insertion par I'activité économique").split()


def test_nothing_is_added_twice_or_without_reason(glossary):
    query = "le PRE, programme de réussite éducative"
    assert glossary.expand(query) == query
    assert glossary.expand("horaires de la piscine") == "horaires de la piscine"


def test_rep_plus_is_not_taken_for_rep(glossary):
    expanded = glossary.expand("les écoles en REP+")
    assert "renforcé" in expanded
    assert "Réseau d'éducation prioritaire renforcé" in expanded
    assert expanded.count("Réseau d'éducation prioritaire") == 1


def test_acronym_inside_a_word_is_not_expanded(glossary):
    assert glossary.expand("une entreprise preneuse") == "une entreprise preneuse"


# --- learning from the corpus ----------------------------------------------------------------


@pytest.mark.parametrize(
    "fragment, acronym, long_form",
    [
        ("(ABS)", "ABS", "analyse des besoins sociaux"),
        ("(CIV) du vendredi", "CIV", "Comité interministériel des villes"),
        ("(IAE)", "IAE", "insertion par l'activité économique"),
        ("(ASV)", "ASV", "Atelier Santé Ville"),
        ("(GPO)", "GPO", "groupes de partenariat opérationnel"),
        ("(PSQ)", "PSQ", "police de sécurité au quotidien"),
    ],
)
def test_definitions_are_learnt_from_corpus_lines(fragment, acronym, long_form):
    assert find_definitions(corpus_line(fragment)) == [(acronym, long_form)]


def test_definition_split_over_lines_is_learnt():
    text = CORPUS.read_text(encoding="utf-8")
    found = dict(find_definitions(text))
    assert found["ENT"] == "Espaces numériques de travail"
    assert found["RED"] == "référents égalité-discriminations"


@pytest.mark.parametrize(
    "text",
    [
        "Monnet (REP), d’un coordonnateur REP",  # a school name, not a long form
        "guartiers prioritaires de la ville (QPV)",  # OCR damage: initials do not match
        "interministériel de lutte contre la délinquance et la radicalisation (FIPDR) ;",
        "promu par 'Agence Nationale de Cohésion des évenements festifs et ouverts a tous au "
        "début de\nTerritoires (ANCT).",  # two interleaved columns
        "des dispositifs de soutien a d’insertion professionnelle (AVIP)",
        "services de proximité (DAB, pharmacie, notamment).",
        "la démarche ABS s’est appuyée sur un diagnostic (Abs)",
    ],
)
def test_wrong_matches_are_not_learnt(text):
    assert find_definitions(text) == []


def test_small_words_bear_a_letter_only_when_needed():
    found = find_definitions(
        "la Direction départementale de l'emploi, du travail, des solidarités et de la "
        "protection des populations (DDETSPP) et une crèche À vocation d'insertion "
        "professionnelle (AVIP)"
    )
    assert found == [
        ("DDETSPP", "Direction départementale de l'emploi, du travail, des solidarités et de la "
         "protection des populations"),
        ("AVIP", "À vocation d'insertion professionnelle"),
    ]


def test_learnt_entries_are_flagged_and_searchable():
    qpv = Entry("QPV", "Quartier prioritaire de la politique de la ville", "Un quartier.")
    glossary = Glossary([qpv])
    learnt = glossary.add_corpus_definitions([corpus_line("(ABS)"), corpus_line("(CIV) du")])
    assert [(e.term, e.expansion, e.from_corpus) for e in learnt] == [
        ("ABS", "analyse des besoins sociaux", True),
        ("CIV", "Comité interministériel des villes", True),
    ]
    assert all(entry.definition for entry in learnt)
    assert glossary.lookup("abs").from_corpus
    assert not glossary.lookup("QPV").from_corpus
    assert "ABS" in glossary.expand("l'analyse des besoins sociaux").split()
    assert len(glossary.entries()) == 3


def test_known_acronym_keeps_its_entry_and_gains_the_corpus_wording():
    glossary = Glossary.load()
    before = glossary.lookup("CTP")
    assert glossary.lookup("correspondants territoriaux prévention") is None
    assert glossary.add_corpus_definitions([corpus_line("(CTP)")]) == []
    after = glossary.lookup("correspondants territoriaux prévention")
    assert after is not None and after.term == "CTP"
    assert not after.from_corpus and after.definition == before.definition
    assert after.aliases == (*before.aliases, "correspondants territoriaux prévention")
    assert glossary.add_corpus_definitions([corpus_line("(IAE)")]) == []
    assert glossary.lookup("IAE").aliases == ()  # same wording as the curated expansion
