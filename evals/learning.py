"""The command line shared by the scripts that learn weights shipped with the assistant
(``evals.fusion``, ``evals.scope``): open the assistant on the configured data, learn, print the
weights and figures, and with ``--write`` save them where the assistant reads them."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.service import Assistant


def learn_main(
    argv: Sequence[str] | None,
    prog: str,
    doc: str,
    target: Path,
    learn: Callable[[Assistant], dict],
) -> int:
    """``learn`` returns ``{"weights": {...}, ...figures}``; the command is added to it."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {target}")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from ingest.config import Settings

    assistant = Assistant.from_settings(Settings.load())
    if not assistant.index.passages:
        print("aucun document indexé : lancez d'abord « quartiers ingest ».", file=sys.stderr)
        return 1
    learned = learn(assistant) | {"command": f"{prog} --write"}
    text = json.dumps(learned, indent=2, ensure_ascii=False)
    print(text)
    if args.write:
        target.write_text(text + "\n", encoding="utf-8")
        print(f"écrit : {target}")
    return 0
