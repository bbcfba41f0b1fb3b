"""Python bridge for the FlowAR Coq proofs: build, trust-base audit, lemma graph, report."""

__version__ = "0.1.0"
