"""A synthetic corpus of any size, derived from the shipped contract, for the scale benchmark.

``python -m evals.synth --n 100 --out DIR [--seed 0] [--pdf-share 0.33]`` writes N contracts of
invented towns into DIR, with a ``manifest.json``.  Each contract is the shipped Flers Agglo
contract (raw OCR text, so the cleaner does its real work) with:

- its names replaced: Flers -> a town, Saint-Michel, Saint-Sauveur and Pont-Féron -> three
  neighbourhoods, Orne -> a département (every OCR spelling: "St Michel", "Pont\\nFéron"...);
- its slides (the sections ``ingest.split`` starts from: the cleaner opens one at a line led by
  one space or after three blank lines) shuffled, a few dropped and a few repeated;
- the paragraphs inside each slide shuffled, and the counts in the text (not the years) changed,
  so that passages differ from one contract to the next.

Deterministic: the same seed gives byte-identical files.  About one file in three is a real PDF
written by fpdf2 (one page per slide, a Unicode font from matplotlib); the others are ``.txt``
with slides separated by form feeds.  The shipped contract gives 89 passages; a synthetic one
gives about as many.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ingest.clean import _normalise, _slide_starts  # the cleaner's own slide rule

CREATION_DATE = datetime(2024, 1, 1, tzinfo=timezone.utc)
SOURCE = Path(__file__).resolve().parent.parent / "corpus" / "flers-agglo-contrat-de-ville-2024-2030.txt"

# Invented or real French communes and neighbourhoods (accents on purpose: the PDFs must carry them).
TOWNS = (
    "Valmont-sur-Orge", "Saint-Aubin-les-Forges", "Chantelouve", "Bréval", "Montreuil-Bellay",
    "Lormes", "Vierzon", "Sablé-sur-Sarthe", "Châteaudun", "Romorantin", "Issoudun", "Fougères",
    "Lisieux", "Argentan", "Vire", "Alençon", "Dreux", "Évreux", "Vernon", "Saint-Lô", "Bayeux",
    "Coutances", "Granville", "Mayenne", "Laval", "Châtellerault", "Montluçon", "Nevers",
    "Auxerre", "Épernay", "Soissons", "Creil", "Montargis", "Pithiviers", "Gien", "Blois",
    "Vendôme", "Saumur", "Cholet", "Les Herbiers", "Bressuire", "Parthenay", "Thouars", "Niort",
    "Rochefort", "Cognac", "Périgueux", "Bergerac", "Villeneuve-sur-Lot", "Agen", "Montauban",
    "Castres", "Millau", "Rodez", "Aurillac", "Le Puy-en-Velay", "Annonay", "Vienne", "Bourgoin",
    "Oyonnax", "Belley", "Pontarlier", "Lons-le-Saunier", "Dole", "Gray", "Vesoul", "Lure",
    "Épinal", "Saint-Dié", "Lunéville", "Toul", "Bar-le-Duc", "Verdun", "Sedan", "Charleville",
    "Hirson", "Maubeuge", "Denain", "Lens", "Liévin", "Béthune", "Calais", "Boulogne-sur-Mer",
)
QUARTIERS = (
    "Les Tilleuls", "La Croix-Rouge", "Le Chêne-Vert", "Les Hauts-de-Bellevue", "La Ferronnerie",
    "Le Clos-Fleuri", "Les Glycines", "La Source", "Le Bois-l'Abbé", "Les Aubépines",
    "La Madeleine", "Le Val-Joli", "Les Marronniers", "La Roseraie", "Le Moulin-Neuf",
    "Les Peupliers", "La Gare", "Le Plateau", "Les Sablons", "La Pépinière", "Le Mont-Vert",
    "Les Châtaigniers", "La Prairie", "Le Pré-Saint-Jean", "Les Bruyères", "La Forêt",
    "Le Champ-de-Foire", "Les Hautes-Noës", "La Côte-Saint-André", "Le Verger", "Les Courtilles",
    "La Grande-Île", "Le Petit-Bois", "Les Coteaux", "La Fontaine-aux-Loups", "Le Parc",
    "Les Provinces", "L'Étang", "La Butte", "Les Cèdres", "Le Mail", "Les Épinettes",
)
DEPARTEMENTS = (
    "Sarthe", "Mayenne", "Eure", "Calvados", "Manche", "Loiret", "Cher", "Indre", "Vienne",
    "Allier", "Nièvre", "Yonne", "Aube", "Marne", "Aisne", "Oise", "Somme", "Vosges", "Meuse",
    "Ardennes", "Jura", "Doubs", "Ain", "Isère", "Drôme", "Ardèche", "Lot", "Tarn", "Aveyron",
)

# (pattern, role): every spelling of the shipped names, OCR line breaks included.
_NAMES = (
    (re.compile(r"\b(?:Saint|St)[\s-]+Michel\b"), "a"),
    (re.compile(r"\b(?:Saint|St)[\s-]+Sauveur\b"), "b"),
    (re.compile(r"\bPont[\s-]+F[ée]ron\b"), "c"),
    (re.compile(r"\bMichel\b"), "a"),  # the second half of a name cut by the column layout
    (re.compile(r"\bSauveur\b"), "b"),
    (re.compile(r"\bF[ée]ron\b"), "c"),
    (re.compile(r"\bFlers\b"), "town"),
    (re.compile(r"\bOrne\b"), "dept"),
)
ORIGINAL_NAMES = ("Flers", "Michel", "Sauveur", "Féron", "Orne")
_MONTHS = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre"
# A count: not part of a word, a date, a decimal or a reference; not a day before its month.
_COUNT = re.compile(rf"(?<![\w/.,-])\d{{1,4}}(?: \d{{3}})?(?![\w/.,-])(?! (?:{_MONTHS}))")
_YEAR = re.compile(r"(?:19|20)\d\d")
_BLOCKS = re.compile(r"\n[ \t]*\n+")


@dataclass(frozen=True)
class Contract:
    """One synthetic contract: where it is, whose it is, and its slides (raw OCR-like text)."""

    filename: str
    town: str
    quartiers: tuple[str, str, str]
    departement: str
    slides: tuple[str, ...]

    @property
    def is_pdf(self) -> bool:
        return self.filename.endswith(".pdf")

    @property
    def title(self) -> str:
        return f"Contrat de ville Engagements Quartiers 2030 de {self.town} (2024-2030)"


def source_slides(text: str | None = None) -> list[str]:
    """The raw text of each slide of the shipped contract, as the cleaner delimits them."""
    lines = _normalise(SOURCE.read_text(encoding="utf-8") if text is None else text).split("\n")
    breaks, _ = _slide_starts(lines)
    cuts = [0, *sorted(breaks), len(lines)]
    slides = ["\n".join(lines[a:b]).strip("\n") for a, b in zip(cuts, cuts[1:])]
    return [s.lstrip(" ") for s in slides if s.strip()]


def _slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def substitute(text: str, names: dict[str, str]) -> str:
    """Replace the shipped names by ``names`` (roles: town, a, b, c, dept)."""
    for pattern, role in _NAMES:
        text = pattern.sub(names[role], text)
    return text


def _vary_counts(text: str, rng: random.Random) -> str:
    """Change the counts of a slide (never a year): "2 700 habitants" -> "2 950 habitants"."""

    def vary(match: re.Match[str]) -> str:
        raw = match.group()
        if _YEAR.fullmatch(raw):
            return raw
        value = int(raw.replace(" ", ""))
        new = max(1, round(value * rng.uniform(0.6, 1.4)))
        return f"{new:,}".replace(",", " ") if " " in raw else str(new)

    return _COUNT.sub(vary, text)


def _shuffle_blocks(slide: str, rng: random.Random) -> str:
    """Shuffle the paragraphs of a slide, keeping its first block (the title) first."""
    blocks = [b for b in _BLOCKS.split(slide) if b.strip()]
    head, body = blocks[:1], blocks[1:]
    rng.shuffle(body)
    return "\n\n".join(head + body)


def make_contract(index: int, slides: Sequence[str], seed: int = 0, pdf_share: float = 1 / 3) -> Contract:
    """The ``index``-th contract of the corpus of ``seed`` (independent of N)."""
    rng = random.Random(f"quartiers-synth-{seed}-{index}")
    town = TOWNS[index % len(TOWNS)]
    if index >= len(TOWNS):
        town = f"{town}-{rng.choice(('le-Haut', 'le-Bas', 'la-Neuve', 'sur-Loire', 'en-Bocage'))}"
    quartiers = tuple(rng.sample(QUARTIERS, 3))
    departement = rng.choice(DEPARTEMENTS)
    names = {"town": town, "a": quartiers[0], "b": quartiers[1], "c": quartiers[2], "dept": departement}
    chosen = list(slides)
    for _ in range(rng.randint(0, 2)):
        chosen.pop(rng.randrange(len(chosen)))
    chosen += rng.sample(list(slides), rng.randint(0, 2))
    rng.shuffle(chosen)
    made = tuple(_vary_counts(substitute(_shuffle_blocks(s, rng), names), rng) for s in chosen)
    ext = "pdf" if rng.random() < pdf_share else "txt"
    filename = f"{index:05d}-contrat-de-ville-{_slug(town)}-2024-2030.{ext}"
    return Contract(filename, town, quartiers, departement, made)


def pdf_bytes(slides: Sequence[str]) -> bytes:
    """A real PDF (fpdf2, DejaVuSans from matplotlib), one page per slide (more if it is long)."""
    import matplotlib

    try:
        from fpdf import FPDF
    except ImportError as exc:  # pragma: no cover - fpdf2 is in the "bench" and "test" extras
        raise RuntimeError("les PDF synthétiques demandent fpdf2 : pip install -e '.[bench]'") from exc

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = FPDF()
    pdf.set_creation_date(CREATION_DATE)  # the default is now: files would differ between runs
    pdf.add_font("DejaVu", fname=str(font))
    pdf.set_font("DejaVu", size=10)
    for slide in slides:
        pdf.add_page()
        pdf.multi_cell(0, 5, slide)
    return bytes(pdf.output())


def txt_text(slides: Sequence[str]) -> str:
    """Slides separated by form feeds: the cleaner makes each a hard section boundary."""
    return "\n\f\n".join(slides) + "\n"


def write_corpus(out: Path, n: int, seed: int = 0, pdf_share: float = 1 / 3) -> list[Contract]:
    """Write ``n`` contracts and their manifest into ``out``; returns what was written."""
    out.mkdir(parents=True, exist_ok=True)
    slides = source_slides()
    contracts = [make_contract(i, slides, seed, pdf_share) for i in range(n)]
    manifest = {}
    for contract in contracts:
        path = out / contract.filename
        if contract.is_pdf:
            path.write_bytes(pdf_bytes(contract.slides))
        else:
            path.write_text(txt_text(contract.slides), encoding="utf-8")
        manifest[contract.filename] = {
            "title": contract.title,
            "kind": "contrat de ville",
            "date": "2024",
            "authority": "local",
        }
    (out / "manifest.json").write_text(
        json.dumps({"files": manifest}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return contracts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.synth", description="Corpus synthétique de N contrats de ville."
    )
    parser.add_argument("--n", type=int, required=True, help="nombre de contrats")
    parser.add_argument("--out", type=Path, required=True, help="dossier de sortie")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pdf-share", type=float, default=1 / 3, help="part de PDF (défaut : 1/3)")
    args = parser.parse_args(argv)
    contracts = write_corpus(args.out, args.n, args.seed, args.pdf_share)
    pdfs = sum(c.is_pdf for c in contracts)
    print(f"{len(contracts)} contrats écrits dans {args.out} ({pdfs} PDF, {len(contracts) - pdfs} TXT)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
