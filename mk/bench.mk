# Benchmarks: included by the Makefile (`include mk/bench.mk`); `make bench` runs bench-report.
# bench-report builds the driver in bench/, which builds and starts the real processes,
# measures them beside a bare gRPC baseline and writes BENCHMARKS.md (plots under
# bench/results/, profiles of missed targets under bench/out/). Not part of `make test`.

ROOT ?= $(CURDIR)
BIN  ?= $(ROOT)/bin

# BENCH_FLAGS passes options to the driver, e.g. BENCH_FLAGS='-runs 3 -duration 1s';
# `$(BIN)/tansiq-bench -h` lists them.
BENCH_FLAGS ?=

.PHONY: bench-report
bench-report: ## run the benchmarks against a bare gRPC baseline and write BENCHMARKS.md
	@mkdir -p $(BIN)
	cd bench && go build -o $(BIN)/tansiq-bench ./cmd/tansiq-bench
	$(BIN)/tansiq-bench -repo $(ROOT) -out $(ROOT)/BENCHMARKS.md $(BENCH_FLAGS)
