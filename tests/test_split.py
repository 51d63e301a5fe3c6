"""Splitting: section paths, units never cut, sizes, exact offsets, stable ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.config import SplitSettings
from ingest.records import CleanDocument, Document, DocumentInfo, Page
from ingest.split import embedding_text, passage_id, split_document

INFO = DocumentInfo("doc.txt", "Doc", "contrat de ville", "2024", "local")


def clean_doc(text: str, page_starts=()) -> CleanDocument:
    document = Document(Path("doc.txt"), INFO, (Page(0, text),), "0" * 64)
    return CleanDocument(document, text, tuple(page_starts))


SLIDES = (
    "Les ambitions de la ville de Flers et Flers Agglo : Les défis thématiques\n\n"
    "La santé\n\n"
    "Flers Agglo s'est engagée dans une démarche de formalisation d'un Contrat Local de Santé. "
    "La question de la sédentarité chez les personnes s'inscrit comme une des priorités.\n\n"
    "Promouvoir l'éducation à la santé :\n"
    "- Favoriser la pratique régulière d'une activité physique et sportive adaptée\n"
    "- Accompagner les familles vers une alimentation plus saine et durable\n"
    "- Renforcer l'aide alimentaire auprès des publics les plus vulnérables\n\n"
    "\f\n\n"
    "Une démarche participative : La concertation dans le cadre de\n\n"
    "l'ANRU\n\n"
    "Dans le cadre de la mise en œuvre du projet de rénovation urbaine du quartier Saint-Michel, "
    "dont la convention pluriannuelle avec l'ANRU a été signée le 9 juillet 2020, il est prévu "
    "des aménagements. Une nouvelle phase de concertation publique a été menée en 2021."
)


def test_section_paths_follow_slide_titles_and_subheadings():
    passages = split_document(clean_doc(SLIDES))
    sections = [p.section for p in passages]
    assert (
        "Les ambitions de la ville de Flers et Flers Agglo : Les défis thématiques",
        "La santé",
    ) in sections
    # A title wrapped over two blocks ("... dans le cadre de" / "l'ANRU") is joined.
    assert ("Une démarche participative : La concertation dans le cadre de l'ANRU",) in sections


def test_list_kept_with_its_lead_in():
    passages = split_document(clean_doc(SLIDES))
    holder = [p for p in passages if "Promouvoir l'éducation à la santé :" in p.text]
    assert len(holder) == 1
    assert "- Renforcer l'aide alimentaire" in holder[0].text


def test_passages_never_cross_a_slide_break():
    for passage in split_document(clean_doc(SLIDES)):
        assert "\f" not in passage.text


def test_offsets_are_exact_and_ids_stable():
    doc = clean_doc(SLIDES)
    first, second = split_document(doc), split_document(doc)
    assert [p.id for p in first] == [p.id for p in second]
    for p in first:
        assert doc.text[p.start : p.end] == p.text
        assert p.id == passage_id("doc.txt", p.text)
    assert len({p.id for p in first}) == len(first)


def long_paragraphs(n: int) -> str:
    sentence = "Le contrat de ville mobilise le droit commun de {i} partenaires pour les habitants."
    paragraphs = [" ".join(sentence.format(i=i * 10 + j) for j in range(6)) for i in range(n)]
    return "Titre du document\n\n" + "\n\n".join(paragraphs)


def test_sizes_and_sentences_never_cut():
    settings = SplitSettings(min_chars=300, target_chars=700, max_chars=900)
    passages = split_document(clean_doc(long_paragraphs(12)), settings)
    assert len(passages) > 5
    for p in passages:
        assert len(p.text) <= settings.max_chars
        assert p.text.endswith("."), p.text  # ends at a sentence boundary
        assert p.text[0].isupper()
    lengths = sorted(len(p.text) for p in passages)
    assert lengths[len(lengths) // 2] >= settings.min_chars


def test_a_long_list_is_split_between_items_only():
    items = "\n".join(f"- action numéro {i} en faveur des habitants des quartiers prioritaires" for i in range(40))
    text = "Les leviers\n\nLes leviers pour agir sont les suivants :\n" + items
    passages = split_document(clean_doc(text))
    assert len(passages) > 1
    assert passages[0].text.startswith("Les leviers\n\nLes leviers pour agir sont les suivants :")
    for p in passages:
        body = p.text.removeprefix("Les leviers\n\n")  # the heading opens the first passage
        assert all(line.startswith("- ") or line.endswith(":") for line in body.split("\n"))
        assert len(p.text) <= 900


def test_a_title_or_sub_heading_opens_the_passage_under_it():
    passages = split_document(clean_doc(SLIDES))
    health = next(p for p in passages if p.section[-1:] == ("La santé",))
    # The slide title and the sub-heading are quoted by readers: they are passage text too.
    assert health.text.startswith("Les ambitions de la ville de Flers et Flers Agglo : Les défis thématiques\n\nLa santé\n\n")
    anru = next(p for p in passages if "ANRU" in p.section[0])
    assert anru.text.startswith("Une démarche participative : La concertation dans le cadre de\n\nl'ANRU\n\nDans le cadre")


def test_markdown_headings_give_the_path():
    text = (
        "# Guide\n\n## Le comité de pilotage\n\n"
        + "Le comité de pilotage réunit les signataires. " * 8
        + "\n\n## Les groupes thématiques\n\n"
        + "Les groupes thématiques font vivre les programmes. " * 8
    )
    passages = split_document(clean_doc(text))
    assert [p.section for p in passages] == [
        ("Guide", "Le comité de pilotage"),
        ("Guide", "Les groupes thématiques"),
    ]
    assert passages[0].location == "Guide > Le comité de pilotage"
    assert passages[0].text.startswith("Le comité de pilotage réunit")  # Markdown marks are not text
    assert embedding_text(passages[0]).startswith("Guide > Le comité de pilotage\n")


def test_pdf_pages_are_recorded():
    text = "Premier titre\n\n" + "Texte de la première page. " * 5 + "\n\n\f\n\n" + "Texte de la deuxième page. " * 5
    second_page = text.index("\f") + 3
    passages = split_document(clean_doc(text, [(0, 1), (second_page, 2)]))
    assert [p.page for p in passages] == [1, 2]
    assert passages[1].location == "page 2"


@pytest.mark.parametrize("line", ["Objectifs opérationnels :", "Favoriser la réussite scolaire des jeunes et"])
def test_lead_ins_and_dangling_lines_are_not_headings(line):
    text = f"Titre\n\n{line}\n\n" + "Une phrase qui suit et qui développe le propos du paragraphe. " * 3
    passages = split_document(clean_doc(text))
    assert passages[0].section == ("Titre",)
    assert line in passages[0].text


def test_an_axis_heading_on_a_new_slide_stays_under_the_document_title():
    text = (
        "Engagements Quartiers 2030\n\nAxe cohésion sociale\n\n"
        + "Les services de l'État soutiennent l'éducation et la santé. " * 6
        + "\n\n\f\n\nAxe cadre de vie\n\n"
        + "L'État agit pour un cadre de vie sûr, rénové et de qualité. " * 6
    )
    sections = [p.section for p in split_document(clean_doc(text))]
    assert sections == [
        ("Engagements Quartiers 2030", "Axe cohésion sociale"),
        ("Engagements Quartiers 2030", "Axe cadre de vie"),
    ]
