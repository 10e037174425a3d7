# Benchmarks: included by the Makefile (`include mk/bench.mk`); `make bench` runs bench-report.
# bench-report builds the driver in bench/, which builds and starts the real processes,
# measures them beside a bare gRPC baseline and writes BENCHMARKS.md (plots under
# bench/results/, profiles of missed targets under bench/out/). Not part of `make test`.

ROOT ?= $(CURDIR)
BIN  ?= $(ROOT)/bin

# BENCH_FLAGS passes options to the driver, e.g. BENCH_FLAGS='-runs 3 -duration 1s';
# `$(BIN)/tansiq-bench -h` lists them. BENCH=quick is a run of minutes: the scale section
# at 1,000 and 10,000 incidents only, fewer and shorter runs (its report says so).
# BENCH=quick is passed apart from BENCH_FLAGS, so that both can be given on one command line.
BENCH_FLAGS ?=
BENCH       ?=
ifeq ($(BENCH),quick)
BENCH_QUICK := -quick
else ifneq ($(BENCH),)
$(error BENCH must be empty or quick, not "$(BENCH)")
endif

.PHONY: bench-report
bench-report: ## run the benchmarks against a bare gRPC baseline and write BENCHMARKS.md
	@mkdir -p $(BIN)
	cd bench && go build -o $(BIN)/tansiq-bench ./cmd/tansiq-bench
	$(BIN)/tansiq-bench -repo $(ROOT) -out $(ROOT)/BENCHMARKS.md $(BENCH_QUICK) $(BENCH_FLAGS)
