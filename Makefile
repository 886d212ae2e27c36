# cloudops-mcp — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/cloudops-mcp
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/cloudops-mcp/cloudops-mcp/internal/version.Version=$(VERSION)

.PHONY: build install run prereqs test vet fmt lint lint-tool snaps docs bench fuzz load check interop

# -v names each package as it compiles: silent on a warm cache, progress on
# the first (cold) build, which takes a couple of minutes.
build:
	$(GO) build -v -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# Install where a shell finds it: $GOBIN if set, else ~/.local/bin
# (override with INSTALL_DIR=...). Or, without a checkout:
#   go install github.com/cloudops-mcp/cloudops-mcp@latest
INSTALL_DIR ?= $(or $(shell $(GO) env GOBIN),$(HOME)/.local/bin)
install:
	@mkdir -p "$(INSTALL_DIR)"
	$(GO) build -v -trimpath -ldflags '$(LDFLAGS)' -o "$(INSTALL_DIR)/cloudops-mcp" .
	@echo "installed $(INSTALL_DIR)/cloudops-mcp" >&2
	@case ":$$PATH:" in *":$(INSTALL_DIR):"*) ;; *) echo "note: $(INSTALL_DIR) is not on PATH; add it: export PATH=\"$(INSTALL_DIR):\$$PATH\"" >&2;; esac

# The server on the offline sandbox, over stdio. Connect an IDE with the
# command printed on stderr, or pipe JSON-RPC into it.
# stdout carries only the protocol: make echoes nothing, the build talks on stderr.
run:
	@test -x $(BIN) || echo "cloudops-mcp: first build: compiling the dependencies takes about two minutes (packages are listed as they compile)..." >&2
	@$(GO) build -v -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) . >&2
	@echo "cloudops-mcp: serving MCP over stdio on the offline sandbox." >&2
	@echo "  IDE config: command \"$(CURDIR)/$(BIN)\", args [\"--sandbox\"]   (Ctrl-C to stop)" >&2
	@exec ./$(BIN) --sandbox

vet:
	$(GO) vet ./...

fmt:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

# Go (the go.mod version), Node.js >= 18 and npm, checked before anything runs.
prereqs:
	@.ci/prereqs $(GO)

# golangci-lint with .golangci.yml. The pinned version is built once into
# the cache (a few minutes on a cold machine) and reused from there.
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/cloudops-mcp/golangci-lint/$(GOLANGCI_LINT_VERSION)/golangci-lint
lint-tool:
	@test -x "$(GOLANGCI_LINT)" || { echo "building golangci-lint $(GOLANGCI_LINT_VERSION) into $(dir $(GOLANGCI_LINT)) (once)" >&2; \
	  GOBIN="$(dir $(GOLANGCI_LINT))" $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION); }

lint: lint-tool
	"$(GOLANGCI_LINT)" run --allow-serial-runners ./... # waits for another run on this machine instead of failing

test: prereqs fmt vet lint
	$(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory interop

# The official MCP TypeScript SDK client drives the built binary over stdio,
# SSE and Streamable HTTP (loopback only). Needs Node >= 18 and npm.
# Then the official CloudBase, Tencent Cloud and Telnyx Node SDKs drive
# `cloudops-mcp sandbox`, every operation (docs/sandbox.md).
# npm ci again whenever package-lock.json is newer than the installed tree.
interop: prereqs build
	@test interop/node_modules/.package-lock.json -nt interop/package-lock.json || npm ci --prefix interop --no-audit --no-fund
	cd interop && CLOUDOPS_MCP_BIN="$(CURDIR)/$(BIN)" node --test --test-concurrency=1 interop.test.mjs cloudbase-sdk.test.mjs tencentcloud-sdk.test.mjs telnyx-sdk.test.mjs secret-page.test.mjs

# Rewrite the schema cache (tools/schemas_gen.go, reflected from the Go
# structs) and the snapshots after an intended schema change.
snaps:
	UPDATE_TOOLSNAPS=true $(GO) test ./tools -run TestSchemaCacheIsCurrent -count=1
	UPDATE_TOOLSNAPS=true $(GO) test ./tools -run TestToolSnapshots -count=1

check: test

# Regenerate the tools and settings tables in README.md.
docs:
	UPDATE_README=true $(GO) test ./tools -run TestReadmeToolsTable -count=1
	UPDATE_README=true $(GO) test . -run TestReadmeSettingsTable -count=1

# Benchmarks (not part of `make test`): Go benchmarks of the hot paths with
# -benchmem (compare two runs with benchstat, see BENCHMARKS.md), then the
# side-by-side comparison with a bare mcp-go server (bench/bare), the
# cold-start, catalogue, redaction and tool-call measurements as Markdown.
BENCH_OUT ?= bin/bench
bench: build
	@mkdir -p $(BENCH_OUT)
	$(GO) build -trimpath -ldflags '-s -w' -o bin/bench-bare ./bench/bare
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./internal/bench ./internal/redact ./cloud/sandbox > $(BENCH_OUT)/gobench.txt || { cat $(BENCH_OUT)/gobench.txt; exit 1; }
	cat $(BENCH_OUT)/gobench.txt
	$(GO) run ./bench -bin $(BIN) -bare bin/bench-bare all > $(BENCH_OUT)/report.md || { cat $(BENCH_OUT)/report.md; exit 1; }
	cat $(BENCH_OUT)/report.md

# Load test (not in CI): 50 sessions x 200 calls over Streamable HTTP to the
# built binary, bounded in time; fails on any protocol error.
load: build
	@mkdir -p $(BENCH_OUT)
	$(GO) run ./bench -bin $(BIN) load > $(BENCH_OUT)/load.md || { cat $(BENCH_OUT)/load.md; exit 1; }
	cat $(BENCH_OUT)/load.md

# Every fuzz target in the repository, FUZZTIME each (not in CI; the seeds
# run in every `go test`). Failing inputs land in testdata/fuzz: commit them.
FUZZTIME ?= 60s
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
	  for fn in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | cut -d' ' -f2); do \
	    echo "== $$fn ($$(dirname $$f), $(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) ./$$(dirname $$f); \
	  done; \
	done
