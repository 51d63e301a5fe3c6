"""The ``quartiers`` command: a thin shell over the library.  Messages are French.

Exit status: 0 success; 1 some files could not be ingested (the others were); 2 bad usage or
bad input (argparse, empty query), or a Chroma server that does not answer.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from ingest.config import Settings
from ingest.errors import StoreUnavailable


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if getattr(args, "options", None) is not None:  # `eval` and `bench` hand their options on
        args.options = extra
    elif extra:
        parser.error(f"arguments non reconnus : {' '.join(extra)}")
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args, Settings.load())
    except (ValueError, StoreUnavailable) as error:  # the message says what to fix
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quartiers",
        description="Assistant documentaire du contrat de ville 2024-2030 de Flers Agglo.",
    )
    commands = parser.add_subparsers(title="commandes")

    ingest = commands.add_parser(
        "ingest", help="indexer le corpus (ou les fichiers donnés) ; les fichiers inchangés sont sautés"
    )
    ingest.add_argument("paths", nargs="*", type=Path, metavar="CHEMIN", help="fichiers ou dossiers")
    ingest.add_argument("--quiet", action="store_true", help="sans barre de progression")
    ingest.set_defaults(run=_run_ingest)

    search = _question_command(
        commands, "search", "query", "chercher les passages les plus proches d'une question", _run_search
    )
    search.add_argument("-k", type=int, default=5, help="nombre de passages (défaut : 5)")
    _question_command(
        commands, "ask", "question", "poser une question : réponse citée, phrase par phrase", _run_ask
    )

    serve = commands.add_parser("serve", help="ouvrir le chat web (indexe d'abord le corpus si besoin)")
    serve.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1)")
    serve.add_argument("--port", type=int, default=7860, help="port (défaut : 7860)")
    serve.add_argument(
        "--no-ingest",
        action="store_true",
        help="ne pas indexer le corpus au démarrage (répliques derrière un serveur Chroma : "
        "un seul job lance « quartiers ingest »)",
    )
    serve.set_defaults(run=_run_serve)

    feedback = commands.add_parser("feedback", help="exporter les avis 👎 en cas de test candidats (JSONL)")
    feedback.add_argument("output", type=Path, metavar="FICHIER")
    feedback.set_defaults(run=_run_feedback)

    evaluate = commands.add_parser(
        "eval", help="évaluer sur les questions de référence (voir quartiers eval --help)", add_help=False
    )
    evaluate.set_defaults(run=lambda args, _settings: _run_eval(args.options), options=[])

    bench = commands.add_parser(
        "bench",
        help="mesurer vitesse et mémoire, face à la référence LangChain (voir quartiers bench --help)",
        add_help=False,
    )
    bench.set_defaults(run=lambda args, _settings: _run_bench(args.options), options=[])
    return parser


def _question_command(commands, name: str, dest: str, help_text: str, run) -> argparse.ArgumentParser:
    """A command taking one QUESTION, or with ``--json`` and none, one per line of stdin."""
    command = commands.add_parser(name, help=help_text)
    command.add_argument(dest, nargs="?", metavar="QUESTION")
    command.add_argument(
        "--json",
        action="store_true",
        help="sortie JSON ; sans QUESTION, lit une question par ligne sur l'entrée standard",
    )
    command.set_defaults(run=run)
    return command


def _run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.index import load_or_build_lexical
    from ingest.factory import make_embedder, make_store
    from ingest.pipeline import ingest

    store = make_store(settings)
    report = ingest(
        settings,
        store,
        lambda: make_embedder(settings),
        args.paths,
        progress=not args.quiet,
        log=lambda line: print(line, file=sys.stderr),
    )
    load_or_build_lexical(settings, store)  # so that the first search does not wait for it
    print(
        f"Fichiers : {len(report.indexed)} indexés, {len(report.unchanged)} inchangés, "
        f"{len(report.removed)} retirés, {len(report.failed)} en échec\n"
        f"Passages : {report.passages_added} ajoutés, {report.passages_deleted} supprimés, "
        f"{report.passages_total} dans l'index\n"
        f"Durée : {report.seconds:.1f} s"
    )
    if report.failed:
        print(f"{len(report.failed)} fichier(s) non indexé(s), voir ci-dessus.", file=sys.stderr)
        return 1
    return 0


def _run_search(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.retrieve import QueryError
    from assistant.service import Assistant

    queries = _inputs(args.query, args.json)
    if queries is None:
        return 2
    retriever = Assistant.from_settings(settings)
    status = 0
    for query in queries:
        try:
            hits = retriever.search(query, args.k)
        except QueryError as error:
            if args.json:
                _print_json({"query": query, "results": [], "error": str(error)})
            else:
                print(f"Erreur : {error}", file=sys.stderr)
            status = 2
            continue
        if args.json:
            _print_json({"query": query, "results": [hit.to_json() for hit in hits]})
            continue
        if not hits:
            print("Aucun passage indexé : lancez d'abord « quartiers ingest ».")
        for hit in hits:
            p = hit.passage
            print(f"[{hit.rank}] {p.title} — {p.location} (score {hit.score:.3f})")
            print(f"    {p.text[:300].replace(chr(10), ' ')}{'…' if len(p.text) > 300 else ''}\n")
    return status


def _run_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.service import Assistant

    questions = _inputs(args.question, args.json)
    if questions is None:
        return 2
    assistant = Assistant.from_settings(settings)
    for question in questions:
        answer = assistant.ask(question)
        if args.json:
            _print_json(answer.to_json())
            continue
        print(answer.text + "\n")
        for citation in answer.citations:
            p = citation.passage
            print(f"[{citation.n}] {p.title} — {p.location}\n    « {citation.quote} »")
        if answer.refused and answer.further_reading:
            print("Pour aller plus loin :")
            for hit in answer.further_reading:
                print(f"  - {hit.passage.title} — {hit.passage.location}")
    return 0


def _run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.web import serve

    serve(settings, args.host, args.port, ingest_first=not args.no_ingest)
    return 0


def _run_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.feedback import FeedbackStore

    count = FeedbackStore.in_data_dir(settings.data_dir).export_negatives(args.output)
    print(f"{count} avis négatif(s) écrit(s) dans {args.output}")
    return 0


def _run_eval(options: list[str]) -> int:
    from evals.run import main as run_eval

    return run_eval(options)


def _run_bench(options: list[str]) -> int:
    from evals.bench import main as run_bench

    return run_bench(options)


def _inputs(argument: str | None, batch: bool) -> Iterable[str] | None:
    """The one question given, or (``--json`` without one) the lines of standard input."""
    if argument is not None:
        return [argument]
    if batch:
        return _stdin_lines()
    print("Erreur : donnez une QUESTION, ou --json pour lire l'entrée standard.", file=sys.stderr)
    return None


def _stdin_lines() -> Iterable[str]:
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


def _print_json(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
