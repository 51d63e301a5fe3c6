"""Units: a passage's sentences and list items, located exactly, with their lead-ins."""

from __future__ import annotations

from assistant.lexical import tokenize
from assistant.records import Hit
from assistant.units import in_context, is_heading, overlaps, units_of, with_lead_ins
from ingest.records import Passage

TEXT = (
    "La santé\n\n"
    "Le comité a fixé ses priorités le 20 décembre 2023. Elles valent à partir de 2024.\n\n"
    "Les acteurs locaux visent à :\n"
    "- Favoriser la pratique d'une activité physique ;\n"
    "- Accompagner les familles vers une alimentation plus saine"
)


def hit(text: str = TEXT, section: tuple[str, ...] = ("Les défis", "La santé")) -> Hit:
    passage = Passage(
        "p", "contrat.txt", "Contrat", "contrat de ville", "local", "2024", section, None, 0,
        len(text), text,
    )
    return Hit(1, passage, 1.0)


def test_units_are_exact_spans_sentences_cut_and_items_without_their_dash():
    units = units_of(hit())
    assert [u.text for u in units] == [
        "La santé",
        "Le comité a fixé ses priorités le 20 décembre 2023.",
        "Elles valent à partir de 2024.",
        "Les acteurs locaux visent à :",
        "Favoriser la pratique d'une activité physique ;",
        "Accompagner les familles vers une alimentation plus saine",
    ]
    assert [u.is_item for u in units] == [False] * 4 + [True] * 2
    assert [u.block for u in units] == [0, 1, 1, 2, 2, 2]
    for unit in units:
        assert TEXT[unit.start : unit.end] == unit.text


def test_a_unit_is_read_with_its_lead_in_and_its_section_path():
    units = units_of(hit())
    led = with_lead_ins(units)
    item = units[4]
    assert led["p", item.start] == "Les acteurs locaux visent à : " + item.text
    assert led["p", units[3].start].strip() == units[3].text  # a block's first unit has none
    contexts = {unit.text: (tokens, context) for unit, tokens, context in in_context([hit()])}
    tokens, context = contexts["Favoriser la pratique d'une activité physique ;"]
    assert set(tokenize("physique")) <= tokens
    assert set(tokenize("acteurs défis")) <= context  # the lead-in's words, the section path's
    _, context = contexts["Le comité a fixé ses priorités le 20 décembre 2023."]
    assert not set(tokenize("acteurs")) & context  # the lead-in of another block


def test_headings_and_overlaps():
    units = units_of(hit())
    assert is_heading(units[0]) and not is_heading(units[1])
    assert overlaps(units[1], [units[1]]) and not overlaps(units[2], [units[1]])
