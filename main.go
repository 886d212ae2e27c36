// Command cloudops-mcp is an MCP server for Tencent CloudBase and Telnyx
// account administration. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/cloudops-mcp/cloudops-mcp/internal/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) > 0 && args[0] == "sandbox" {
		return runSandbox(ctx, args[1:], stderr)
	}
	cfg, err := config.Parse(args, os.Getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "cloudops-mcp:", err)
		return 2
	}
	if cfg.ShowVersion {
		fmt.Fprintln(stdout, "cloudops-mcp", app.Version)
		return 0
	}
	a, err := app.New(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "cloudops-mcp:", err)
		return 1
	}
	defer a.Close()
	// Libraries that log through the standard logger (mcp-go reports panics
	// there) must not bypass redaction or reach stdout.
	log.SetFlags(0)
	log.SetOutput(a.LogWriter())
	if err := a.Serve(ctx, stdin, stdout); err != nil && !errors.Is(err, context.Canceled) {
		a.Log.Error().Err(err).Msg("server stopped")
		return 1
	}
	return 0
}
