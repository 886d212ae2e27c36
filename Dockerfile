# cloudops-mcp in a container: a static binary on distroless, as a non-root user.
#   docker build -t cloudops-mcp --build-arg VERSION=$(git describe --tags --always) .
#   docker run -i --rm cloudops-mcp --sandbox                       # stdio (the default)
#   docker run --rm -p 8080:8080 -e CLOUDOPS_MCP_HTTP_TOKEN cloudops-mcp \
#     --transport http --addr 0.0.0.0:8080                          # Streamable HTTP, token required
ARG GO_VERSION=1.26

FROM golang:${GO_VERSION} AS build
WORKDIR /src
# Dependencies first, so a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/cloudops-mcp/cloudops-mcp/internal/version.Version=${VERSION}" \
      -o /out/cloudops-mcp .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cloudops-mcp /usr/local/bin/cloudops-mcp
USER nonroot:nonroot
# No CMD: stdio unless flags (or CLOUDOPS_MCP_* variables) say otherwise.
ENTRYPOINT ["/usr/local/bin/cloudops-mcp"]
