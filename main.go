// Command cloudops-mcp is an MCP server for Tencent CloudBase and Telnyx
// account administration. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/version"
)

func main() {
	holdGCForStartup(startupGCWindow)
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) > 0 {
		switch args[0] {
		case "sandbox":
			return runSandbox(ctx, args[1:], stdout, stderr)
		case "help":
			if len(args) > 1 && args[1] == "sandbox" {
				return runSandbox(ctx, []string{"--help"}, stdout, stderr)
			}
			config.WriteUsage(stdout)
			return 0
		}
	}
	cfg, err := config.Parse(args, os.Getenv, stdout)
	if errors.Is(err, config.ErrHelp) {
		return 0
	}
	if err != nil {
		return refuse(stderr, err)
	}
	if cfg.ShowVersion {
		fmt.Fprintln(stdout, "cloudops-mcp", version.String())
		return 0
	}
	a, err := app.New(ctx, cfg, stderr)
	if err != nil {
		return refuse(stderr, err)
	}
	defer a.Close()
	// Libraries that log through the standard logger (mcp-go reports panics
	// there) must not bypass redaction or reach stdout.
	log.SetFlags(0)
	log.SetOutput(a.LogWriter())
	if cfg.Transport == "stdio" {
		err = a.Serve(ctx, stdin, stdout)
	} else {
		// Binding is the last start-up check (address in use, no token on a
		// public address): a refusal there is reported like a config error.
		hs, lerr := a.ListenHTTP()
		if lerr != nil {
			return refuse(stderr, lerr)
		}
		err = hs.Serve(ctx)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		a.Log.Error().Err(err).Msg("server stopped")
		return 1
	}
	return 0
}

// refuse reports a configuration error or start-up refusal in the one format
// every such failure uses, and returns its exit code.
func refuse(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "cloudops-mcp:", err)
	return config.ExitUsage
}
