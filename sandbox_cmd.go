package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
)

// runSandbox serves only the emulator, so other clients (the official Node
// SDK with TCB_BASE_URL, curl) can use it.
func runSandbox(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("cloudops-mcp sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9000", "listen address (keep it on loopback)")
	secretID := fs.String("secret-id", sandbox.DefaultSecretID, "the SecretId the emulator accepts")
	secretKey := fs.String("secret-key", sandbox.DefaultSecretKey, `the SecretKey it accepts; "generate" makes a random one and prints it`)
	envID := fs.String("env-id", sandbox.DefaultEnvID, "the emulated CloudBase environment id")
	state := fs.String("state", "", "persist state in this file (atomic writes)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: cloudops-mcp sandbox [flags]\n\nRuns the offline emulator of the CloudBase and Telnyx APIs on loopback.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	generated := *secretKey == "generate"
	if generated {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		*secretKey = hex.EncodeToString(b)
	}
	sb, err := sandbox.New(sandbox.Config{Accounts: []sandbox.Account{{SecretID: *secretID, SecretKey: *secretKey, EnvID: *envID}}, StateFile: *state})
	if err != nil {
		fmt.Fprintln(stderr, "cloudops-mcp sandbox:", err)
		return 1
	}
	url, done, err := sb.Listen(ctx, *addr)
	if err != nil {
		fmt.Fprintln(stderr, "cloudops-mcp sandbox:", err)
		return 1
	}
	fmt.Fprintf(stderr, "sandbox listening on %s\n  env id:    %s\n  SecretId:  %s\n", url, *envID, *secretID)
	if generated {
		fmt.Fprintf(stderr, "  SecretKey: %s (generated for this run)\n", *secretKey)
	} else {
		fmt.Fprintln(stderr, "  SecretKey: the one you set, or the documented default (README)")
	}
	fmt.Fprintf(stderr, "  Telnyx:    %s/v2 with the documented sandbox API key\n", url)
	<-done
	return 0
}
