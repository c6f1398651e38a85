"""How well the NLU understands: held-out, blind and cross-validated macro-F1, and the care referral.

Each figure comes from Rasa's own `rasa test nlu` on the trained model (the sets are never trained
on; docs/nlu.md says who wrote them and the rule that keeps them honest):
- tests/nlu/heldout.yml: written by us, beside the training data;
- tests/nlu/blind.yml: written by a helper who saw only docs/product.md and the seeds;
- tests/nlu/care_referral.yml: needs for care and guidance needs near them; a line is referred when
  the prediction is need_care or need_distress (both end in a referral, never in advice);
- 5-fold cross-validation of data/nlu (BENCH_SKIP_CV=1 skips it: it trains five times).

Run alone: `.venv/bin/python -m tests.bench.nlu_sets` (prints JSON; the model must be trained).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.servers import MODEL, ROOT, base_env

RASA = [str(ROOT / ".venv-rasa/bin/python"), "-m", "bot.rasa_server"]  # as the Makefile runs Rasa
SETS = {"heldout": "tests/nlu/heldout.yml", "blind": "tests/nlu/blind.yml"}
CARE_SET = "tests/nlu/care_referral.yml"
REFERRALS = {"need_care", "need_distress"}
SUMMARY_ROWS = {"macro avg", "weighted avg", "micro avg", "accuracy"}
CONFUSIONS_SHOWN = 8


def _rasa_test(args: list[str], out: Path) -> None:
    subprocess.run([*RASA, "test", "nlu", *args, "--out", str(out)], cwd=ROOT, env=base_env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _scores(report: dict) -> dict:
    per_intent = {name: {"f1": row["f1-score"], "support": row["support"]}
                  for name, row in report.items()
                  if isinstance(row, dict) and "f1-score" in row and name not in SUMMARY_ROWS}
    return {"macro_f1": report["macro avg"]["f1-score"], "accuracy": report.get("accuracy"),
            "per_intent": per_intent}


def _predictions(out: Path) -> list[tuple[str, str, str]]:
    """(text, expected, predicted) for every line, from Rasa's successes and errors files."""
    rows = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = out / name
        for entry in json.loads(path.read_text()) if path.exists() else []:
            rows.append((entry["text"], entry["intent"], (entry.get("intent_prediction") or {}).get("name")))
    return rows


def _confusions(rows: list[tuple[str, str, str]]) -> list[dict]:
    counts: dict[tuple[str, str], int] = {}
    for _, expected, predicted in rows:
        if expected != predicted:
            counts[(expected, predicted)] = counts.get((expected, predicted), 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:CONFUSIONS_SHOWN]
    return [{"expected": e, "predicted": p, "count": n} for (e, p), n in ranked]


def evaluate_set(name: str, path: str, workdir: Path, docs: Path | None) -> dict:
    out = workdir / f"nlu_{name}"
    _rasa_test(["--nlu", path, "--model", str(MODEL), "--successes"], out)
    result = _scores(json.loads((out / "intent_report.json").read_text()))
    result["confusions"] = _confusions(_predictions(out))
    if docs is not None:
        shutil.copy(out / "intent_confusion_matrix.png", docs / f"nlu_confusion_{name}.png")
    return result


def care_referral(workdir: Path) -> dict:
    out = workdir / "nlu_care"
    _rasa_test(["--nlu", CARE_SET, "--model", str(MODEL), "--successes"], out)
    rows = _predictions(out)
    care = [row for row in rows if row[1] in REFERRALS]
    guidance = [row for row in rows if row[1] not in REFERRALS]
    referred = [row for row in care if row[2] in REFERRALS]
    false_referrals = [row for row in guidance if row[2] in REFERRALS]
    # Counts only: the lines stay unread, or the set is spent (docs/nlu.md).
    return {"care_lines": len(care), "referred": len(referred), "guidance_lines": len(guidance),
            "false_referrals": len(false_referrals)}


def cross_validation(workdir: Path, folds: int = 5) -> dict:
    out = workdir / "nlu_cv"
    _rasa_test(["--nlu", "data/nlu", "--config", "config.yml", "--cross-validation", "--folds", str(folds)], out)
    result = _scores(json.loads((out / "intent_report.json").read_text()))
    result["confusions"] = _confusions(_predictions(out))
    result["folds"] = folds
    return result


def evaluate(workdir: Path, docs: Path | None = None) -> dict:
    results = {name: evaluate_set(name, path, workdir, docs) for name, path in SETS.items()}
    results["care"] = care_referral(workdir)
    if os.environ.get("BENCH_SKIP_CV") != "1":
        results["cross_validation"] = cross_validation(workdir)
    return results


TITLES = {
    "heldout": "Held-out (`tests/nlu/heldout.yml`, written by us beside the training data)",
    "blind": "Blind (`tests/nlu/blind.yml`, written by a helper who never saw `data/nlu/`)",
    "cross_validation": "5-fold cross-validation of `data/nlu/` (what we tune on)",
}
TARGETS = {"heldout": ">= 0.95", "blind": ">= 0.93, no need below 0.88"}


def markdown(results: dict) -> list[str]:
    lines = ["## NLU: held-out, blind and cross-validated (`tests/bench/nlu_sets.py`)", "",
             "Macro-F1 over intents from `rasa test nlu` on the trained model (cross-validation trains its own). "
             "The blind set is read only as these figures: docs/nlu.md says why.", ""]
    shown = [name for name in TITLES if name in results]
    for name in shown:
        result = results[name]
        target = f" ({TARGETS[name]})" if name in TARGETS else ""
        lines.append(f"- {TITLES[name]}: macro-F1 **{result['macro_f1']:.3f}**{target}, "
                     f"accuracy {result['accuracy']:.3f}")
    if "cross_validation" not in results:
        lines.append("- 5-fold cross-validation: skipped in this run (`BENCH_SKIP_CV=1`)")
    care = results["care"]
    lines += [f"- Care referral (`{CARE_SET}`): {care['referred']}/{care['care_lines']} needs for care referred; "
              f"{care['false_referrals']}/{care['guidance_lines']} guidance needs referred by mistake", ""]
    intents = sorted({intent for name in shown for intent in results[name]["per_intent"]})
    lines += ["| intent | " + " | ".join(name.replace("_", " ") for name in shown) + " |",
              "|---|" + "---|" * len(shown)]
    for intent in intents:
        cells = []
        for name in shown:
            row = results[name]["per_intent"].get(intent)
            cells.append(f"{row['f1']:.2f} ({row['support']:g})" if row else "")
        lines.append(f"| {intent} | " + " | ".join(cells) + " |")
    lines += ["", "F1 per intent, number of lines in brackets.", ""]
    for name in shown:
        confusions = results[name]["confusions"]
        if confusions:
            lines.append(f"Most frequent confusions, {name.replace('_', ' ')}: " + "; ".join(
                f"{c['expected']} -> {c['predicted']} ({c['count']})" for c in confusions) + ".")
    lines += ["", "Confusion matrices: " + ", ".join(
        f"[{name}](nlu_confusion_{name}.png)" for name in SETS), ""]
    return lines


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        json.dump(evaluate(Path(tmp)), sys.stdout, indent=1, ensure_ascii=False)
