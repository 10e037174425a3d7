# Tansiq: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ROOT      := $(CURDIR)
TOOLS     := $(ROOT)/.tools
TOOLS_BIN := $(TOOLS)/bin
BIN       := $(ROOT)/bin
export PATH := $(TOOLS_BIN):$(TOOLS)/node_modules/.bin:$(PATH)

# Pinned tool versions.
BUF_VERSION                := 1.75.0
PROTOC_GEN_GO_VERSION      := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.6.2
GRPCURL_VERSION            := v1.9.4
GHZ_VERSION                := v0.120.0
GOOGLE_PROTO_FILES_VERSION := 4.2.0

# Go modules of the workspace, and the deployables built into bin/.
MODULES     := platform proto archtest services/incident services/forces services/meeting services/cotbridge gateway deploy/local e2e cli bench
PACKAGES    := $(addsuffix /...,$(addprefix ./,$(MODULES)))
DEPLOYABLES := services/incident:incident services/forces:forces services/meeting:meeting gateway:gateway services/cotbridge:cotbridge deploy/local:tansiq-store deploy/local:tansiq-local cli:tansiq

# Tests write what they produce (the browser test's screenshots) under test-output/.
TEST_OUTPUT   := $(ROOT)/test-output
GO_TEST_FLAGS ?= -race -count=1 -timeout 20m -artifacts -outputdir $(TEST_OUTPUT)

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

.PHONY: tools
tools: clients-tools web-tools $(TOOLS_BIN)/protoc-gen-go $(TOOLS_BIN)/protoc-gen-go-grpc $(TOOLS_BIN)/grpcurl $(TOOLS)/node_modules/.bin/buf ## install the pinned tools into .tools/

$(TOOLS_BIN)/protoc-gen-go:
	GOBIN=$(TOOLS_BIN) go install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
$(TOOLS_BIN)/protoc-gen-go-grpc:
	GOBIN=$(TOOLS_BIN) go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
$(TOOLS_BIN)/grpcurl:
	GOBIN=$(TOOLS_BIN) go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION)
$(TOOLS_BIN)/ghz:
	GOBIN=$(TOOLS_BIN) go install github.com/bojand/ghz/cmd/ghz@$(GHZ_VERSION)
$(TOOLS)/node_modules/.bin/buf:
	mkdir -p $(TOOLS) && npm install --silent --no-audit --no-fund --prefix $(TOOLS) @bufbuild/buf@$(BUF_VERSION)

.PHONY: proto
proto: tools clients-proto ## regenerate the Go code, the clients and the web bundle from proto/ (committed; reproduced byte for byte)
	buf generate
	@# The web bundle embeds the generated TypeScript client: a proto change changes it too.
	$(MAKE) --no-print-directory web

.PHONY: proto-check
proto-check: proto clients-proto-check ## fail if the committed generated code is stale
	@git diff --exit-code -- proto || { echo "generated code is stale: run make proto and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- proto)" || { git status --porcelain -- proto; echo "untracked generated files: run make proto and commit"; exit 1; }

.PHONY: lint
lint: tools breaking clients-lint web-check ## buf lint and breaking, gofmt, go vet, client and web app type checks, web bundle up to date
	buf lint
	@out=$$(gofmt -l $(MODULES) deploy/validate); test -z "$$out" || { echo "gofmt needed:"; echo "$$out"; exit 1; }
	go vet $(PACKAGES)
	cd deploy/validate && GOWORK=off go vet ./...

.PHONY: build
build: ## build every deployable into bin/
	@mkdir -p $(BIN)
	@for d in $(DEPLOYABLES); do mod=$${d%%:*}; cmd=$${d##*:}; \
		ls $$mod/cmd/$$cmd/*.go >/dev/null 2>&1 || { echo "no Go files in $$mod/cmd/$$cmd: cannot build $$cmd" >&2; exit 1; }; \
		echo "build $$cmd"; (cd $$mod && go build -o $(BIN)/$$cmd ./cmd/$$cmd) || exit 1; done

.PHONY: run
run: build tools ## run the whole system on the embedded store (gateway on 127.0.0.1:7000)
	$(BIN)/tansiq-local --bin-dir $(BIN) --data-dir $(ROOT)/.data

.PHONY: test
test: build web-tools ## run every test (unit, store, handler, end-to-end, browser, clients) with the race detector
	@mkdir -p $(TEST_OUTPUT)
	TANSIQ_BIN_DIR=$(BIN) go test $(GO_TEST_FLAGS) $(PACKAGES)
	cd deploy/validate && GOWORK=off go test -count=1 ./...
	$(MAKE) --no-print-directory clients-test

.PHONY: mutate
mutate: ## break each README guarantee on a copy of the tree; fail unless its test catches it
	cd e2e && go run ./mutate

.PHONY: bench
bench: bench-report ## run the benchmarks and write BENCHMARKS.md (not part of make test)

.PHONY: fuzz
fuzz: ## run every fuzz target for a while (FUZZTIME=1m)
	@for t in $$(grep -rl --include='*_test.go' '^func Fuzz' $(MODULES)); do \
		d=$$(dirname $$t); for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$t | cut -d' ' -f2); do \
		echo "fuzz $$d $$f"; go test -run '^$$' -fuzz "^$$f$$" -fuzztime $${FUZZTIME:-1m} ./$$d || exit 1; done; done

.PHONY: tidy
tidy: ## go mod tidy every module (with GOWORK=off, as the replace lines allow)
	@for m in $(MODULES) deploy/validate; do (cd $$m && GOWORK=off GOFLAGS=-mod=mod go mod tidy) || exit 1; done

.PHONY: clean
clean: ## remove built binaries and local data
	rm -rf $(BIN) .data $(TEST_OUTPUT)

include mk/clients.mk
include mk/bench.mk
include mk/web.mk
