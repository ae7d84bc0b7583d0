"""Score the rules engine directly, without the HTTP service, with the official scorer's rules.

    python -m segsvc.segmentation.score_local CASES.jsonl [--scorer PATH] [--verbose]

The scorer (``score_segmentation.py`` from the shared tools) is imported from ``--scorer`` (default
``../shared/tools/score_segmentation.py`` relative to the repository root) and its ``score_case`` is fed
this engine's output, so the printed SCORE line means the same as the service's.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from . import segment_command

_REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCORER = _REPO_ROOT.parent / "shared" / "tools" / "score_segmentation.py"


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_segmentation", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load scorer from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_cases(path: Path) -> list[dict]:
    cases = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if line.strip():
                d = json.loads(line)
                cases.append({"id": d.get("id", f"c{n}"), "lang": d["lang"], "command": d["command"],
                              "segments": [(s["content"], set(s["task_types"])) for s in d["segments"]],
                              "deps": d.get("dependencies"), "params": d.get("params", [])})
    return cases


def engine_output(command: str) -> tuple[str, list[dict]]:
    """The engine's answer in the scorer's normalised shape."""
    result = segment_command(command)
    pred = []
    for s in result.segments:
        values = [p.value if isinstance(p.value, str) else json.dumps(p.value, ensure_ascii=False)
                  for p in s.parameters]
        pred.append({"text": s.content, "type": s.task_type, "deps": sorted(s.dependencies), "params": values})
    return result.language, pred


def score_file(cases_path: Path, scorer: ModuleType, verbose: bool = False) -> dict:
    cases = load_cases(cases_path)
    rows = []
    for case in cases:
        lang, pred = engine_output(case["command"])
        r = scorer.score_case(case, lang, pred)
        r["id"] = case["id"]
        rows.append(r)
        ok = r["exact"] and r["types_ok"] == r["n_exp"] and r["dep_ok"] == r["dep_total"] and r["lang_ok"] \
            and r["params_found"] == r["params_total"]
        if verbose and not ok:
            print(case["id"], case["command"], "->", [(p["text"], p["type"], p["deps"]) for p in pred],
                  "| want", [(t, sorted(ty)) for t, ty in case["segments"]], case["deps"], file=sys.stderr)
    total = lambda k: sum(r[k] for r in rows)
    prec = total("tp") / max(1, total("n_pred"))
    rec = total("tp") / max(1, total("n_exp"))
    summary: dict[str, float] = {
        "cases": len(rows), "errors": 0, "f1": round(2 * prec * rec / max(1e-9, prec + rec), 3),
        "exact": round(sum(r["exact"] for r in rows) / max(1, len(rows)), 3),
        "deps": round(total("dep_ok") / max(1, total("dep_total")), 3),
        "types": round(total("types_ok") / max(1, total("tp")), 3),
        "lang": round(sum(r["lang_ok"] for r in rows) / max(1, len(rows)), 3),
        "params": round(total("params_found") / max(1, total("params_total")), 3),
    }
    for lg in ("en", "tr"):
        sub = [r for r, c in zip(rows, cases) if c["lang"] == lg]
        if sub:
            summary[f"exact_{lg}"] = round(sum(r["exact"] for r in sub) / len(sub), 3)
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", type=Path)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--verbose", action="store_true", help="print every case that is not fully right")
    a = ap.parse_args(argv)
    summary = score_file(a.cases, load_scorer(a.scorer), a.verbose)
    print("SCORE " + " ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
