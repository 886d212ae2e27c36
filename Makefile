# cloudops-mcp — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/cloudops-mcp
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/cloudops-mcp/cloudops-mcp/internal/app.Version=$(VERSION)

.PHONY: build run test vet fmt snaps docs bench fuzz load check interop

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# The server on the offline sandbox, over stdio. Connect an IDE with the
# command printed on stderr, or pipe JSON-RPC into it.
run: build
	@echo "cloudops-mcp: serving MCP over stdio on the offline sandbox." >&2
	@echo "  IDE config: command \"$(CURDIR)/$(BIN)\", args [\"--sandbox\"]   (Ctrl-C to stop)" >&2
	./$(BIN) --sandbox

vet:
	$(GO) vet ./...

fmt:
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

test: fmt vet
	$(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory interop

# The official MCP TypeScript SDK client drives the built binary over stdio,
# SSE and Streamable HTTP (loopback only). Needs Node >= 18 and npm.
interop: build
	@test -d interop/node_modules || npm ci --prefix interop --no-audit --no-fund
	cd interop && CLOUDOPS_MCP_BIN="$(CURDIR)/$(BIN)" node --test --test-concurrency=1 interop.test.mjs

# Rewrite the tool schema snapshots after an intended schema change.
snaps:
	UPDATE_TOOLSNAPS=true $(GO) test ./tools -run TestToolSnapshots -count=1

check: test

# Regenerate the tools table in README.md.
docs:
	UPDATE_README=true $(GO) test ./tools -run TestReadmeToolsTable -count=1
