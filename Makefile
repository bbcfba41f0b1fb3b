# Wrapper around coq_makefile (the role lakefile.lean plays in a Lean project).
#   make            build every file listed in _CoqProject (-j$(JOBS), default 2)
#   make audit      build, then the trust-base audit (python3 -m py_bridge audit)
#   make coqchk     build, then re-check all compiled modules with coqchk -silent -o
#   make graph      build, then the lemma graph (python3 -m py_bridge graph)
#   make report     build, then the HTML report (python3 -m py_bridge report)
#   make clean      remove build products (and build/coqdoc) and the generated Makefile.coq*
#   make TIMED=1    per-file compile times (coq_makefile's own switch)
# Makefile.coq is regenerated whenever _CoqProject changes.

JOBS ?= 2
PYTHON ?= python3
COQMAKEFILE ?= $(COQBIN)coq_makefile
# Add -j$(JOBS) only when the caller did not choose a job count (make -jN keeps its jobserver).
SUBJOBS = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(JOBS))

.DEFAULT_GOAL := all

all: Makefile.coq
	+$(MAKE) $(SUBJOBS) -f Makefile.coq all
.PHONY: all

Makefile.coq: _CoqProject
	$(COQMAKEFILE) -f _CoqProject -o Makefile.coq

coqchk: all
	+$(MAKE) -f Makefile.coq validate
.PHONY: coqchk

audit: all
	$(PYTHON) -m py_bridge audit
.PHONY: audit

graph: all
	$(PYTHON) -m py_bridge graph
.PHONY: graph

report: all
	$(PYTHON) -m py_bridge report
.PHONY: report

clean:
	if [ -f Makefile.coq ]; then $(MAKE) -f Makefile.coq cleanall; fi
	rm -f Makefile.coq Makefile.coq.conf .Makefile.coq.d
	rm -rf build/coqdoc
.PHONY: clean

# Any other target (a single FlowARProofs/X.vo, html, validate, ...) goes to Makefile.coq.
# The empty rules stop make from trying to remake these files through the catch-all.
Makefile Makefile.coq.local _CoqProject: ;
%: Makefile.coq force
	+$(MAKE) $(SUBJOBS) -f Makefile.coq $@
force: ;
.PHONY: force
