"""Cleaning: OCR repairs on real lines of the seed, block conventions, whole-seed properties."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from ingest.clean import CLEANER_VERSION, PAGE_SEPARATOR, clean_document, clean_text
from ingest.records import Document, DocumentInfo, Page

SEED = Path(__file__).parent.parent / "corpus" / "flers-agglo-contrat-de-ville-2024-2030.txt"


@pytest.fixture(scope="module")
def raw_seed() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def clean_seed(raw_seed: str) -> str:
    return clean_text(raw_seed)


def case(id: str, raw: str, expected: str):
    return pytest.param(raw, expected, id=id)


# Every raw string below is copied from the seed (a line, part of a line or a few lines put
# together), except where a comment says otherwise.
APOSTROPHES = [
    case(
        "I'",
        "Il sera recherché la mobilisation des moyens de droit commun de I'ensemble des "
        "partenaires.",
        "Il sera recherché la mobilisation des moyens de droit commun de l'ensemble des "
        "partenaires.",
    ),
    case(
        "|a",
        "Objectif stratégique : Favoriser |a réussite scolaire et éducative",
        "Objectif stratégique : Favoriser la réussite scolaire et éducative",
    ),
    case(
        "F'",
        "— Mobiliser tous les acteurs institutionnels de F'orientation.",
        "- Mobiliser tous les acteurs institutionnels de l'orientation.",
    ),
    case(
        "['",
        "— Dédoublement des classes de grande section, CP et CE1 dans ['éducation prioritaire "
        "et classes en effectif",
        "- Dédoublement des classes de grande section, CP et CE1 dans l'éducation prioritaire "
        "et classes en effectif",
    ),
    case(
        "Foffre",
        "diversifier Foffre de logement, favoriser les mobilités.",
        "diversifier l'offre de logement, favoriser les mobilités.",
    ),
    case(
        "Iinformation",
        "— Accompagner les démarches d'aller vers les habitants des QPV permettant la diffusion "
        "de Iinformation",
        "- Accompagner les démarches d'aller vers les habitants des QPV permettant la diffusion "
        "de l'information",
    ),
    case(
        "lost-l",
        "convention pluriannuelle avec 'ANRU a été signée le 9 juillet 2020, il est prévu des "
        "aménagements ayant pour",
        "convention pluriannuelle avec l'ANRU a été signée le 9 juillet 2020, il est prévu des "
        "aménagements ayant pour",
    ),
    case(
        "doubled",
        "déroulée le 25 novembre 2021 et a fait I'objet d’'une délibération en Conseil "
        "Communautaire du 8 février 2022",
        "déroulée le 25 novembre 2021 et a fait l'objet d'une délibération en Conseil "
        "Communautaire du 8 février 2022",
    ),
    case(
        "I'’",
        "les estimations de I'’Agence Nationale",
        "les estimations de l'Agence Nationale",
    ),
    case(
        "I'«",
        "— Développer I'« aller-vers » les familles ;",
        "- Développer l'« aller-vers » les familles ;",
    ),
    case(
        "lost-apostrophe+glyph",
        "- Des formations des animateurs a lactivit¢ physique",
        "- Des formations des animateurs a l'activité physique",
    ),
]

BULLETS = [
    case(
        "v'",
        "v' Recentré sur les enjeux locaux les plus prégnants,",
        "- Recentré sur les enjeux locaux les plus prégnants,",
    ),
    case(
        "v’",
        "v’ Articulés avec les autres stratégies de politiques publiques présentes dans les "
        "territoires.",
        "- Articulés avec les autres stratégies de politiques publiques présentes dans les "
        "territoires.",
    ),
    case(
        'v"',
        'v" Une augmentation des situations d’incivilités sur I\'espace',
        "- Une augmentation des situations d'incivilités sur l'espace",
    ),
    case(
        "v",
        "v Identifiés en lien étroit avec les habitants des quartiers,",
        "- Identifiés en lien étroit avec les habitants des quartiers,",
    ),
    case(
        "»",
        "» Organisation de séjours avec et pour les jeunes",
        "- Organisation de séjours avec et pour les jeunes",
    ),
    case(
        "»-two-spaces",
        "»  Une participation citoyenne renforcée afin de garantir une politique de la ville "
        "qui corresponde aux",
        "- Une participation citoyenne renforcée afin de garantir une politique de la ville qui "
        "corresponde aux",
    ),
    case(
        "*",
        "* Financement du coach QPV",
        "- Financement du coach QPV",
    ),
    case(
        "*glued",
        "*S’approprier les espaces publics",
        "- S'approprier les espaces publics",
    ),
    case(
        "**",
        "**Enquéte quartier Saint Michel : 1 juillet 2023 juin",
        "- Enquête quartier Saint Michel : 1 juillet 2023 juin",
    ),
    # The seed has no "•": the "*" line above with the glyph a PDF export would give.
    case(
        "•",
        "• Financement du coach QPV",
        "- Financement du coach QPV",
    ),
    case(
        "e",
        "e Soutenir la mutation du monde associatif ;",
        "- Soutenir la mutation du monde associatif ;",
    ),
    case(
        "e-two-spaces",
        "e  Augmenter la diversité de I'habitat.",
        "- Augmenter la diversité de l'habitat.",
    ),
    case(
        "o",
        "o Renforcer 'ouverture du quartier et la mobilité des habitants.",
        "- Renforcer l'ouverture du quartier et la mobilité des habitants.",
    ),
    case(
        "+",
        "+ Combattre les préjugés réciproques",
        "- Combattre les préjugés réciproques",
    ),
    case(
        "«",
        "« Accompagner les jeunes dans leurs parcours",
        "- Accompagner les jeunes dans leurs parcours",
    ),
    case(
        ".",
        ". Comité interministériel des villes (CIV) du vendredi 27 octobre 2023",
        "- Comité interministériel des villes (CIV) du vendredi 27 octobre 2023",
    ),
    case(
        "-",
        "- sentiment de sécurité en journée",
        "- sentiment de sécurité en journée",
    ),
    case(
        "—",
        "— Promouvoir les dispositifs hors-les-murs ;",
        "- Promouvoir les dispositifs hors-les-murs ;",
    ),
    case(
        "%",
        "% 6 thématiques prioritaires correspondant aux défis dans les QPV.",
        "- 6 thématiques prioritaires correspondant aux défis dans les QPV.",
    ),
    case(
        "s",
        "s 4 axes transversaux sont ressortis pouvant étre les socles du futur contrat de ville",
        "- 4 axes transversaux sont ressortis pouvant être les socles du futur contrat de ville",
    ),
    case(
        "quote-is-not-a-bullet",
        "(type\n"
        "« comité d’usagers »)",
        "(type « comité d'usagers »)",
    ),
]

JOINING = [
    case(
        "items-wrapped-and-grouped",
        ". Décret n°® 2023-1314 du 28 décembre 2023 modifiant la liste des quartiers "
        "prioritaires de la politique\n"
        "de la ville dans les départements métropolitains\n"
        "\n"
        ". Instruction relative a la gouvernance des contrats de ville Engagements Quartiers "
        "2030 du 4 janvier\n"
        "2024",
        "- Décret n° 2023-1314 du 28 décembre 2023 modifiant la liste des quartiers "
        "prioritaires de la politique de la ville dans les départements métropolitains\n"
        "- Instruction relative à la gouvernance des contrats de ville Engagements Quartiers "
        "2030 du 4 janvier 2024",
    ),
    case(
        "lead-in-kept",
        "Le contenu des contrats de ville devra étre :\n"
        "\n"
        "v' Recentré sur les enjeux locaux les plus prégnants,\n"
        "\n"
        "v Identifiés en lien étroit avec les habitants des quartiers,",
        "Le contenu des contrats de ville devra être :\n"
        "- Recentré sur les enjeux locaux les plus prégnants,\n"
        "- Identifiés en lien étroit avec les habitants des quartiers,",
    ),
    case(
        "item-continued-after-blank",
        "v La perception du quartier par les habitants apparait\n"
        "\n"
        "globalement tres positive, notamment en ce qui concerne",
        "- La perception du quartier par les habitants apparaît globalement très positive, "
        "notamment en ce qui concerne",
    ),
    case(
        "sentence-continued-after-blank",
        "Les habitants des QPV sont souvent les plus touchées par des problémes\n"
        "\n"
        "environnementaux a travers des inégalités sociales. Améliorer le cadre de vie",
        "Les habitants des QPV sont souvent les plus touchées par des problèmes "
        "environnementaux à travers des inégalités sociales. Améliorer le cadre de vie",
    ),
    case(
        "paragraph-wrap",
        "Une nouvelle phase de concertation publique a été menée par Flers Agglo au cours de "
        "I'année 2021 a\n"
        "travers diverses modalités",
        "Une nouvelle phase de concertation publique a été menée par Flers Agglo au cours de "
        "l'année 2021 à travers diverses modalités",
    ),
    case(
        "heading-not-joined",
        "Santé\n"
        "Objectif stratégique : Favoriser I'accés aux soins et a la prévention en santé des "
        "habitants des QPV\n"
        "Objectifs opérationnels :\n"
        "\n"
        "— Mobiliser les outils spécifiques de prévention",
        "Santé\n"
        "\n"
        "Objectif stratégique : Favoriser l'accès aux soins et à la prévention en santé des "
        "habitants des QPV\n"
        "\n"
        "Objectifs opérationnels :\n"
        "- Mobiliser les outils spécifiques de prévention",
    ),
    case(
        "list-then-paragraph",
        "- la circulation d'automobiles sur les cheminements piétons et\n"
        "les pelouses\n"
        "\n"
        "- les tas de feuilles non collectés obstruant certains\n"
        "cheminements piétons\n"
        "\n"
        "Points négatifs :",
        "- la circulation d'automobiles sur les cheminements piétons et les pelouses\n"
        "- les tas de feuilles non collectés obstruant certains cheminements piétons\n"
        "\n"
        "Points négatifs :",
    ),
    case(
        "hyphen-compound",
        "les familles pour lever les freins en matiére de parcours\n"
        "scolaires et d’insertion professionnelle (rejet, auto-\n"
        "censure, freins",
        "les familles pour lever les freins en matière de parcours scolaires et d'insertion "
        "professionnelle (rejet, auto-censure, freins",
    ),
    case(
        "hyphen-two-words",
        "les référents égalité-\n"
        "discriminations (RED)",
        "les référents égalité-discriminations (RED)",
    ),
    # The seed has no word broken at a line end: a made-up one.
    case(
        "hyphen-broken-word",
        "le développement écono-\n"
        "mique local",
        "le développement économique local",
    ),
]

WORDS = [
    case(
        "e-grave",
        "- Une attention particuliere nécessaire sur la question des cheminements",
        "- Une attention particulière nécessaire sur la question des cheminements",
    ),
    case(
        "é-grave",
        "- Des problématiques récurrentes en matiére de déchets et encombrants",
        "- Des problématiques récurrentes en matière de déchets et encombrants",
    ),
    case(
        "systéme",
        "compréhension du systéme scolaire",
        "compréhension du système scolaire",
    ),
    case(
        "repéres-not-repérés",
        "v Des problématiques d’hygiene, de repéres culturels, de",
        "- Des problématiques d'hygiène, de repères culturels, de",
    ),
    case(
        "g-q",
        "- Quelgues espaces publics cristallisent des phénomeénes de regroupements de jeunes "
        "qui contribuent a un",
        "- Quelques espaces publics cristallisent des phénomènes de regroupements de jeunes qui "
        "contribuent à un",
    ),
    case(
        "numérigue",
        "— Promouvoir les actions favorisant I'inclusion numérigue.",
        "- Promouvoir les actions favorisant l'inclusion numérique.",
    ),
    case(
        "politigue",
        "Educative est positionné comme le socle de cette politigue dans",
        "Educative est positionné comme le socle de cette politique dans",
    ),
    case(
        "œ",
        "Des enseignements tirés de la mise en ceuvre du précédent Contrat de Ville",
        "Des enseignements tirés de la mise en œuvre du précédent Contrat de Ville",
    ),
    case(
        "û-paren",
        ". Circulaire du 31 ao(t 2023 relative a I'élaboration des contrats de ville 2024-2030",
        "- Circulaire du 31 août 2023 relative à l'élaboration des contrats de ville 2024-2030",
    ),
    case(
        "colts",
        "- Problématique des colts de frais de garde",
        "- Problématique des coûts de frais de garde",
    ),
    case(
        "sdr",
        "En garantissant un environnement sdr et paisible",
        "En garantissant un environnement sûr et paisible",
    ),
    case(
        "siir",
        "L'état et ses opérateurs agissent pour un cadre de vie siir, rénové",
        "L'état et ses opérateurs agissent pour un cadre de vie sûr, rénové",
    ),
    case(
        "Gge",
        "— Déployer les emplois francs quel que soit I'Gge et le niveau de formation ;",
        "- Déployer les emplois francs quel que soit l'âge et le niveau de formation ;",
    ),
    case(
        "lo",
        "— Former les acteurs de terrain aux valeurs de lo République et a la laicité ;",
        "- Former les acteurs de terrain aux valeurs de la République et à la laïcité ;",
    ),
    case(
        "foire",
        "— Agir concrétement pour foire progresser I'égalité femmes-hommes dans les quartiers",
        "- Agir concrètement pour faire progresser l'égalité femmes-hommes dans les quartiers",
    ),
    case(
        "o-a",
        "— Suivre les indicateurs « actions onti-rodéos » et « contréles routiers » pour "
        "répondre aux attentes exprimées\n"
        "par les hobitants ;",
        "- Suivre les indicateurs « actions anti-rodéos » et « contrôles routiers » pour "
        "répondre aux attentes exprimées par les habitants ;",
    ),
    case(
        "Lasécurité",
        "v’ Lasécurité :",
        "- La sécurité :",
    ),
    case(
        "Laréussite",
        "v’ Laréussite éducative et scolaire",
        "- La réussite éducative et scolaire",
    ),
    case(
        "Latranquillité",
        "v Latranquillité et la sécurité publique",
        "- La tranquillité et la sécurité publique",
    ),
    case(
        "Lemploi",
        "Lemploi, I'insertion professionnelle",
        "L'emploi, l'insertion professionnelle",
    ),
    case(
        "@",
        "— Accompagner les structures contribuant @ 'accueil des enfants et des jeunes hors du "
        "temps scolaire ;",
        "- Accompagner les structures contribuant à l'accueil des enfants et des jeunes hors du "
        "temps scolaire ;",
    ),
    case(
        "&",
        "— Participer & des expérimentations territoriales",
        "- Participer à des expérimentations territoriales",
    ),
    case(
        "d",
        "— Renforcer l'intervention du délégué d la cohésion police-population",
        "- Renforcer l'intervention du délégué à la cohésion police-population",
    ),
    case(
        "a-verb-and-preposition",
        "Le 20 décembre 2023, le comité de pilotage de |'Atelier Santé Ville a fixé comme "
        "priorités a partir de 2024 :",
        "Le 20 décembre 2023, le comité de pilotage de l'Atelier Santé Ville a fixé comme "
        "priorités à partir de 2024 :",
    ),
    case(
        "1er",
        "vigueur le ler janvier 2024. Le décret",
        "vigueur le 1er janvier 2024. Le décret",
    ),
    case(
        "doubled-vowel",
        "- Des liens avec I'épicerie sociale, des achats groupeés,",
        "- Des liens avec l'épicerie sociale, des achats groupés,",
    ),
]

NOISE_AND_BREAKS = [
    case(
        "logo-lines-and-blank-run-break",
        "v' Accompagner les familles vers une alimentation plus saine et faite maison\n"
        "Agglo\n"
        "\n"
        "\n"
        "\n"
        "Une démarche participative : La concertation dans le cadre de\n"
        "\n"
        "de I’évaluation des centres sociaux",
        "- Accompagner les familles vers une alimentation plus saine et faite maison\n"
        "\n"
        "\x0c\n"
        "\n"
        "Une démarche participative : La concertation dans le cadre de\n"
        "\n"
        "de l'évaluation des centres sociaux",
    ),
    case(
        "more-logos",
        "Hers™\n"
        "\n"
        "Hers,\n"
        "\n"
        "Hl\n"
        "\n"
        "DN\n"
        "\n"
        "Ters™\n"
        "\n"
        "tlex\n"
        "\n"
        ">\n"
        ">\n"
        "\n"
        "Comité de pilotage",
        "Comité de pilotage",
    ),
    case(
        "logo-prefix",
        "I‘L%Agg'o - Coordination & travers le CLS et 'ASV",
        "- Coordination à travers le CLS et l'ASV",
    ),
    case(
        "slide-break",
        "Il sera recherché la mobilisation des moyens de droit commun de I'ensemble des "
        "partenaires.\n"
        " Les fils a tirer de |'évaluation\n"
        "Demain, un contrat de ville ..",
        "Il sera recherché la mobilisation des moyens de droit commun de l'ensemble des "
        "partenaires.\n"
        "\n"
        "\x0c\n"
        "\n"
        "Les fils à tirer de l'évaluation\n"
        "\n"
        "Demain, un contrat de ville ..",
    ),
    case(
        "space-led-item-not-a-slide",
        "Développer de nouvelles modalités de concertation et\n"
        "de coopération\n"
        "\n"
        " Atrticuler les dispositifs et les actions entre eux\n"
        "* Mieux identifier les freins, problématiques et les\n"
        "potentiels",
        "Développer de nouvelles modalités de concertation et de coopération\n"
        "\n"
        "- Atrticuler les dispositifs et les actions entre eux\n"
        "- Mieux identifier les freins, problématiques et les potentiels",
    ),
    case(
        "space-led-item-inside-a-list",
        "- Favoriser la pratique réguliére d’'une activité physique et\n"
        "sportive adaptée et a la nutrition\n"
        " Encourager la pratique sportive en direction du public\n"
        "féminin et notamment des adolescentes\n"
        "« Accompagner les familles vers une alimentation plus",
        "- Favoriser la pratique régulière d'une activité physique et sportive adaptée et a la "
        "nutrition\n"
        "- Encourager la pratique sportive en direction du public féminin et notamment des "
        "adolescentes\n"
        "- Accompagner les familles vers une alimentation plus",
    ),
    # Form feeds as a PDF-to-text export writes them (made-up placement).
    case(
        "real-form-feed",
        "Un cadre de référence\x0cLa circulaire du 31 aout 2023",
        "Un cadre de référence\n"
        "\n"
        "\x0c\n"
        "\n"
        "La circulaire du 31 août 2023",
    ),
    case(
        "breaks-trimmed",
        "\x0c\n"
        "Les ambitions de la ville de Flers et Flers Agglo\n"
        "\x0c\n"
        "\x0c\n",
        "Les ambitions de la ville de Flers et Flers Agglo",
    ),
]

UNCHANGED = [
    case(
        "decree",
        "Décret n°® 2023-1314 du 28 décembre 2023",
        "Décret n° 2023-1314 du 28 décembre 2023",
    ),
    case(
        "date",
        "déroulée le 25 novembre 2021",
        "déroulée le 25 novembre 2021",
    ),
    case(
        "1 362",
        "La métropole compte désormais 1 362\n"
        "guartiers prioritaires.",
        "La métropole compte désormais 1 362 quartiers prioritaires.",
    ),
    case(
        "names",
        "gue les deux QPV de Flers (Saint Michel et Saint Sauveur-Pont Féron) concentrent de "
        "fait une grande",
        "que les deux QPV de Flers (Saint Michel et Saint Sauveur-Pont Féron) concentrent de "
        "fait une grande",
    ),
    case(
        "20 %",
        "— Tendre vers 20 % des salariés de I'lAE domiciliés en QPV",
        "- Tendre vers 20 % des salariés de l'IAE domiciliés en QPV",
    ),
    case(
        "LAigle",
        "— Mener @ bien les trois programmes de rénovation urbaine de I'Orne (Flers, Argentan "
        "et LAigle) ;",
        "- Mener à bien les trois programmes de rénovation urbaine de l'Orne (Flers, Argentan "
        "et LAigle) ;",
    ),
    case(
        "Morin-La Fontaine",
        "directrice a I'école Morin-La Fontaine, a permis de renforcer",
        "directrice a l'école Morin-La Fontaine, a permis de renforcer",
    ),
    case(
        "Lamy",
        "conclusions du CIV du 27 octobre dernier s’inscrivent dans la continuité de la loi Lamy",
        "conclusions du CIV du 27 octobre dernier s'inscrivent dans la continuité de la loi Lamy",
    ),
    case(
        "REP",
        "Monnet (REP), d’un coordonnateur REP",
        "Monnet (REP), d'un coordonnateur REP",
    ),
    case(
        "PRE",
        "Ouverture du PRE aux enfants de moins de 6",
        "Ouverture du PRE aux enfants de moins de 6",
    ),
    case(
        "Alengon",
        "— Mettre en ceuvre le « plan crack » & Alengon;",
        "- Mettre en œuvre le « plan crack » & Alengon;",
    ),
    case(
        "digit-token",
        "éloignés de de 3¢me et de stages qualifiants.",
        "éloignés de de 3¢me et de stages qualifiants.",
    ),
    case(
        "verb-a-kept",
        "du quartier des Fleurs a quelques centaines",
        "du quartier des Fleurs a quelques centaines",
    ),
    case(
        "correct-line",
        "Les habitants semblent cependant encore demandeurs",
        "Les habitants semblent cependant encore demandeurs",
    ),
]


ALL_CASES = APOSTROPHES + BULLETS + JOINING + WORDS + NOISE_AND_BREAKS + UNCHANGED


@pytest.mark.parametrize("raw, expected", ALL_CASES)
def test_seed_lines(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


# The slide of the seed that the OCR read across its two columns, row by row, as in the seed.
TWO_COLUMNS = """Demain, un contrat de ville structuré en 3 parties

Des axes transversaux Les défis des QPV
v La participation citoyenne v' Laréussite éducative et scolaire
v' Le soutien a la parentalité et v Lasanté
aux familles v' L'acceés a tous aux services
v’ L'égalité femmes/hommes v L’emploi, 'insertion professionnelle et le
v' La Lutte contre les développement économique
discriminations. v Le cadre de vie et la transition écologique
v' Latranquillité et la sécurité publique

GOUVERNANCE : PILOTAGE, MISE EN OEUVRE ET SUIVI"""


def test_a_listed_two_column_block_is_put_back_one_column_after_the_other() -> None:
    assert clean_text(TWO_COLUMNS) == """Demain, un contrat de ville structuré en 3 parties

Des axes transversaux

- La participation citoyenne
- Le soutien à la parentalité et aux familles
- L'égalité femmes/hommes
- La Lutte contre les discriminations.

Les défis des QPV

- La réussite éducative et scolaire
- La santé
- L'accès à tous aux services
- L'emploi, l'insertion professionnelle et le développement économique
- Le cadre de vie et la transition écologique
- La tranquillité et la sécurité publique

GOUVERNANCE : PILOTAGE, MISE EN OEUVRE ET SUIVI"""


def test_a_two_column_block_not_listed_keeps_its_rows() -> None:
    # One row changed: the block is no longer the one the data file lists, and nothing in the
    # text tells where its rows split.  Its second column's bullets still start new items.
    changed = TWO_COLUMNS.replace("v Lasanté", "v La santé publique")
    cleaned = clean_text(changed)
    assert "- La participation citoyenne - La réussite éducative et scolaire" in cleaned
    assert "La Lutte contre les développement économique discriminations." in cleaned
    # Nor is a block whose first row is the end of a longer line: rows are whole lines.
    rows = TWO_COLUMNS[TWO_COLUMNS.index("Des axes") :]
    assert "- La participation citoyenne - La réussite" in clean_text(f"Voir : {rows}")
    assert "- La participation citoyenne\n- Le soutien" in clean_text(rows)


def test_the_seed_s_axes_and_challenges_are_two_lists(clean_seed: str) -> None:
    assert "Des axes transversaux\n\n- La participation citoyenne\n- Le soutien" in clean_seed
    assert "Les défis des QPV\n\n- La réussite éducative et scolaire\n- La santé\n" in clean_seed


def test_a_listed_block_right_under_a_line_stands_apart_from_it() -> None:
    # The OCR lost the blank line between the slide's first line and the table: the block is
    # still found, and its left column does not run on from the line above.
    glued = TWO_COLUMNS.replace("3 parties\n\nDes axes", "3 parties\nDes axes")
    assert glued != TWO_COLUMNS
    assert clean_text(glued) == clean_text(TWO_COLUMNS)


def test_the_seed_s_challenge_slides_read_column_after_column(clean_seed: str) -> None:
    # The living environment slide: the objectives, then the levers, each item whole.
    assert "- Rendre les espaces publics adaptés aux usages\n- Développer l'usage du vélo\n" in clean_seed
    assert (
        "- Intégration de la pratique du vélo dans « l'école du sport » ou les programmes des centres"
        " sociaux\n- Création d'une vélo-école" in clean_seed
    )
    # The health slide, under a paragraph it was glued to; its second objective is a row led by a
    # space (an item that lost its bullet), which stays an item of the left column.
    assert "des habitants des quartiers.\n\nPromouvoir l'éducation a la santé\n\n- Favoriser" in clean_seed
    assert (
        "- Encourager la pratique sportive en direction du public féminin et notamment des"
        " adolescentes\n" in clean_seed
    )
    assert (
        "- Mise en place d'ateliers/d'animations de prévention et d'éducation a la santé dans les centres"
        " sociaux et au Point Informations Jeunesse\n" in clean_seed
    )
    # The employment slide: the crèche's label is whole again, with the acronym it spells out.
    assert (
        "- Labellisation du multiaccueils Pont-Féron « Brin de Malice » comme crèche a vocation"
        " d'insertion professionnelle (AVIP)\n" in clean_seed
    )
    # Two columns of prose: the summer events are told apart from the Territoire d'engagement.
    assert "un stand était installé, visible et identifié" in clean_seed
    assert "d'identifier 4 enjeux majeurs :\n- Susciter et soutenir l'engagement citoyen ;\n" in clean_seed


def test_cleaner_version_is_a_string() -> None:
    assert isinstance(CLEANER_VERSION, str) and CLEANER_VERSION


# -- whole seed ---------------------------------------------------------------------------------


def test_numbers_are_kept(raw_seed: str, clean_seed: str) -> None:
    before, after = Counter(re.findall(r"\d+", raw_seed)), Counter(re.findall(r"\d+", clean_seed))
    lost = {number: count for number, count in before.items() if after[number] < count}
    assert not lost


def test_no_leftover_bullet_glyph(clean_seed: str) -> None:
    glyph = re.compile(r"(v['’\"]|[»*•—+]|[voes] [A-ZÉ])")
    bad = [line for line in clean_seed.split("\n") if glyph.match(line)]
    assert not bad


def test_no_capital_i_apostrophe(clean_seed: str) -> None:
    assert not re.search(r"(?<![^\W\d_])[I|]'[a-zéèêàâîôûç]", clean_seed)


def test_layout_conventions(clean_seed: str) -> None:
    assert "  " not in clean_seed
    assert "\n\n\n" not in clean_seed
    assert not re.search(r"[ \t]+$", clean_seed, re.M)
    assert clean_seed == clean_seed.strip()
    assert not re.search(r"^- .*\n\n- ", clean_seed, re.M), "list items on consecutive lines"
    breaks = [m.start() for m in re.finditer("\f", clean_seed)]
    assert len(breaks) == 26  # the 27 slides of the seed
    assert all(clean_seed[i - 2 : i + 3] == "\n\n\f\n\n" for i in breaks)


def test_idempotent(clean_seed: str) -> None:
    assert clean_text(clean_seed) == clean_seed


def test_fast(raw_seed: str) -> None:
    clean_text(raw_seed)  # the dictionary is loaded once per process
    start = time.perf_counter()
    clean_text(raw_seed + "\n\nFin.")  # a new text, so whole-text caching cannot help
    assert time.perf_counter() - start < 1.0


# -- documents ----------------------------------------------------------------------------------

INFO = DocumentInfo("doc", "Doc", "contrat de ville", "2024", "local")


def test_clean_document_pdf_pages() -> None:
    pass_plus = "Le Pass+ de Flers Agglo permet de\nbénéficier"
    pages = (Page(1, "v' Lasanté\nHers™"), Page(2, "\n"), Page(3, pass_plus))
    clean = clean_document(Document(Path("doc.pdf"), INFO, pages, "0" * 64))
    assert clean.text == "- La santé" + PAGE_SEPARATOR + pass_plus.replace("\n", " ")
    second = len("- La santé" + PAGE_SEPARATOR)
    assert clean.page_starts == ((0, 1), (second, 3))
    assert clean.page_at(second) == 3 and clean.page_at(second - 1) == 1


def test_clean_document_text_file(raw_seed: str, clean_seed: str) -> None:
    clean = clean_document(Document(Path("seed.txt"), INFO, (Page(0, raw_seed),), "0" * 64))
    assert clean.text == clean_seed
    assert clean.page_starts == ()
