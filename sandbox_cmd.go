package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/httpserve"
)

// runSandbox serves only the emulator, so other clients (the official Node
// SDK with TCB_BASE_URL, curl) can use it.
func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("cloudops-mcp sandbox", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	addr := fs.String("addr", "127.0.0.1:9000", "listen address")
	public := fs.Bool("public", false, "allow a non-loopback --addr (anyone who can reach it can use the emulator)")
	emulationOptions := sandbox.Flags(fs) // each emulation's own flags
	state := fs.String("state", "", "persist state in this file (atomic writes)")
	help := fs.BoolP("help", "h", false, "print this help")
	if err := fs.Parse(args); err != nil {
		return refuse(stderr, fmt.Errorf("sandbox: %v; see cloudops-mcp sandbox --help", err))
	}
	if *help {
		fmt.Fprint(stdout, "Usage: cloudops-mcp sandbox [flags]\n\nRuns the offline emulator of the CloudBase and Telnyx APIs, by default on loopback.\n\nFlags:\n")
		fmt.Fprint(stdout, fs.FlagUsages())
		return 0
	}
	if fs.NArg() > 0 {
		return refuse(stderr, fmt.Errorf("sandbox: unexpected argument %q; see cloudops-mcp sandbox --help", fs.Arg(0)))
	}
	if !*public && !httpserve.IsLoopbackHost(*addr) {
		return refuse(stderr, fmt.Errorf("sandbox: refusing to listen on %s, which other machines can reach; "+
			"use a loopback address such as 127.0.0.1:9000, or pass --public", *addr))
	}
	opts, notes := emulationOptions()
	sb, err := sandbox.New(sandbox.Config{Options: opts, StateFile: *state})
	if err != nil {
		return refuse(stderr, errors.New("sandbox: "+err.Error()))
	}
	url, done, err := sb.Listen(ctx, *addr)
	if err != nil {
		return refuse(stderr, errors.New("sandbox: "+err.Error()))
	}
	// These are the emulator's own test values (documented in the README),
	// not cloud credentials: printing them is what lets a client connect.
	fmt.Fprintf(stderr, "sandbox listening on %s (offline emulator; no real cloud is called)\n", url)
	// Each emulation's credentials as the variables a server reads, then
	// the endpoint flags that point every provider's clients here.
	var endpoints []string
	for _, c := range sb.ClientSettings() {
		if c.Endpoint {
			endpoints = append(endpoints, "--"+c.Name+" "+url)
			continue
		}
		fmt.Fprintf(stderr, "  %s=%s\n", config.EnvVar(c.Name), c.Value)
	}
	fmt.Fprintf(stderr, "  cloudops-mcp %s\n", strings.Join(endpoints, " "))
	for _, note := range notes {
		fmt.Fprintln(stderr, "  "+note)
	}
	<-done
	return 0
}
