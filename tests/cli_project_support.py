"""A clean two-file Coq project for the end-to-end CLI tests (build, audit, graph, report, all):
`Good.v` (two nat lemmas) and `Main.v` (a headline theorem using both), with the repository's
Makefile and allowlist, targets and a paper map that agrees with them. Only the prelude is
used: coqchk re-checks every library a project loads, and Reals would cost minutes."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

GOOD_V = """(** Lemmas of the CLI fixture. *)
Lemma add_0_r_nat : forall n : nat, n + 0 = n.
Proof. induction n as [|n IHn]; simpl; [reflexivity | rewrite IHn; reflexivity]. Qed.

Lemma zero_lt_one : 0 < 1.
Proof. constructor. Qed.
"""

MAIN_V = """(** Headline theorem of the CLI fixture. *)
From Fx Require Import Good.

Theorem headline : (forall n : nat, n + 0 = n) /\\ 0 < 1.
Proof. split; [exact add_0_r_nat | exact zero_lt_one]. Qed.
"""

PAPER_MAP = """[[entry]]
paper = "Lemma 1"
name = "n + 0 = n"
coq = ["Fx.Good.add_0_r_nat"]
status = "proved"

[[entry]]
paper = "Theorem 2"
name = "the headline"
coq = ["Fx.Main.headline"]
status = "proved"
"""


def make_cli_project(dest: Path) -> Path:
    """Lay the project out in ``dest`` (not built) and return it."""
    dest.mkdir(parents=True)
    (dest / "Good.v").write_text(GOOD_V, encoding="utf-8")
    (dest / "Main.v").write_text(MAIN_V, encoding="utf-8")
    (dest / "_CoqProject").write_text("-Q . Fx\nGood.v\nMain.v\n", encoding="utf-8")
    shutil.copy(REPO / "Makefile", dest / "Makefile")
    shutil.copy(REPO / "assumptions.allowlist", dest / "assumptions.allowlist")
    (dest / "audit_targets.txt").write_text("Fx.Main.headline\n", encoding="utf-8")
    (dest / "paper_map.toml").write_text(PAPER_MAP, encoding="utf-8")
    return dest


def cli_graph_opts() -> list[str]:
    """Graph options for this project (its trust record does not exist: none is used)."""
    return ["--main-module", "Fx.Main", "--trust-record", "Fx.Good.NoTrustRecord"]
