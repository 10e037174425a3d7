# Generated clients in other languages (clients/) and the API's breaking-change guard.
# Included by the main Makefile, whose ROOT, BIN and PATH (with .tools/) it uses.

CLIENTS_TS  := clients/typescript
CLIENTS_GEN := $(CLIENTS_TS)/gen clients/python/gen
# What the Python client and its generation need, from Debian, for /usr/bin/python3.
CLIENTS_APT := python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc

# The API as last published: the baseline of `make breaking`, refreshed by `make api-image`.
API_IMAGE := proto/api-image.binpb
# An image has no module boundaries, so buf.yaml's per-module breaking rules cannot apply to
# it: they are restated here. WIRE_JSON as in buf.yaml, plus no RPC or service deleted
# (WIRE_JSON only guards what is on the wire, and clients call the methods), with the
# vendored google/ protos ignored as buf.yaml ignores them.
BREAKING_CONFIG := {"version":"v2","breaking":{"use":["WIRE_JSON","RPC_NO_DELETE","PACKAGE_SERVICE_NO_DELETE"],"ignore":["google"]}}

.PHONY: clients-tools
clients-tools: $(CLIENTS_TS)/node_modules/.package-lock.json ## install the client generators and runtimes (npm ci; Debian's grpcio, protobuf, protoc if missing)
	@missing=$$(for p in $(CLIENTS_APT); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; \
		else echo "missing Debian packages: $$missing (apt-get install them as root)"; exit 1; fi; \
		echo "apt-get install" $$missing; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

# npm ci only when the lock file changed since the last install.
$(CLIENTS_TS)/node_modules/.package-lock.json: $(CLIENTS_TS)/package.json $(CLIENTS_TS)/package-lock.json
	cd $(CLIENTS_TS) && npm ci --no-audit --no-fund
	@touch $@

.PHONY: clients-proto
clients-proto: tools clients-tools ## regenerate the TypeScript and Python clients (committed; reproduced byte for byte)
	buf generate --template clients/buf.gen.yaml

.PHONY: clients-proto-check
clients-proto-check: clients-proto ## fail if the committed client code is stale
	@git diff --exit-code -- $(CLIENTS_GEN) || { echo "generated client code is stale: run make clients-proto and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- $(CLIENTS_GEN))" || { git status --porcelain -- $(CLIENTS_GEN); echo "untracked generated client files: run make clients-proto and commit"; exit 1; }

.PHONY: clients-lint
clients-lint: clients-tools ## type-check the TypeScript example against the generated declarations
	cd $(CLIENTS_TS) && node_modules/.bin/tsc -p .

.PHONY: clients-test
clients-test: build clients-tools ## run the TypeScript and Python examples against a system started with tansiq-local
	clients/run-examples.sh $(BIN)

.PHONY: breaking
breaking: tools ## fail if the API breaks what was published (proto/api-image.binpb); BREAKING_AGAINST=<buf input> to compare with another
ifeq ($(BREAKING_AGAINST),)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && buf build -o "$$tmp/api.binpb" && \
		buf breaking "$$tmp/api.binpb" --against $(API_IMAGE) --config '$(BREAKING_CONFIG)' && \
		echo "buf breaking: no breaking change against $(API_IMAGE)"
else
	buf breaking --against '$(BREAKING_AGAINST)'
endif

.PHONY: api-image
api-image: tools ## record the API as published, the baseline of make breaking: run when an API change lands (ALLOW_BREAKING=1 for a deliberate break)
	@if [ -f $(API_IMAGE) ] && [ "$(ALLOW_BREAKING)" != 1 ]; then $(MAKE) --no-print-directory breaking BREAKING_AGAINST=; fi
	buf build --exclude-source-info -o $(API_IMAGE)
