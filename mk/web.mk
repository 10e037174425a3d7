# The web app (gateway/web): its pinned npm packages, its bundle and its checks. Included
# by the main Makefile, whose ROOT and PATH it uses.
#
# The bundle (gateway/web/dist) is committed and embedded in the gateway with go:embed:
# `make lint` runs go vet before anything is built, and the gateway must build, vet and
# test from a fresh clone with Go alone. `make web-check` (part of lint) rebuilds it from
# the lock file and fails if the committed bundle differs, as proto-check does for
# generated code.

WEB := gateway/web

.PHONY: web-tools
web-tools: $(WEB)/node_modules/.package-lock.json ## install the web app's pinned npm packages (npm ci)

# npm ci only when the lock file changed since the last install.
$(WEB)/node_modules/.package-lock.json: $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: web
web: web-tools ## rebuild the web app into gateway/web/dist (committed; embedded in the gateway)
	cd $(WEB) && node build.mjs

.PHONY: web-check
web-check: web ## type-check the web app and fail if the committed bundle is stale
	cd $(WEB) && node_modules/.bin/tsc -p .
	@git diff --exit-code --stat -- $(WEB)/dist || { echo "the web bundle is stale: run make web and commit gateway/web/dist"; exit 1; }
	@test -z "$$(git status --porcelain -- $(WEB)/dist)" || { git status --porcelain -- $(WEB)/dist; echo "untracked web bundle files: run make web and commit"; exit 1; }
