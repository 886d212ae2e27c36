package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/internal/audit"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretfile"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// safety is the state of the operator's guards: which tools exist, the audit
// log, and the key that binds a user's confirmation to the exact call.
type safety struct {
	tools map[string]tools.Tool
	// withheld are the selected tools --read-only left out: prompts that
	// need them stay listed and say so.
	withheld map[string]bool
	audit    *audit.Log
	// stateKeys seal confirmation state: the first seals, every one opens
	// (statekey.go); used remembers the nonces answered (confirm_state.go).
	stateKeys [][]byte
	used      *usedNonces
}

// selectTools applies --toolsets, --tools and --read-only, and opens the
// audit log: every safety flag is checked here, so a bad one stops start-up
// with a message that lists the valid choices.
func (a *App) selectTools(all []tools.Tool) ([]tools.Tool, error) {
	cfg := a.Config
	sets := map[string]bool{}
	for _, s := range cfg.Toolsets {
		if s != "all" && !slices.Contains(tools.ToolsetNames, s) {
			return nil, fmt.Errorf("--toolsets: unknown toolset %q; valid: all, %s", s, strings.Join(tools.ToolsetNames, ", "))
		}
		sets[s] = true
	}
	named := map[string]bool{}
	for _, n := range cfg.Tools {
		if !slices.ContainsFunc(all, func(t tools.Tool) bool { return t.Spec.Name == n }) {
			return nil, fmt.Errorf("--tools: unknown tool %q; valid: %s", n, strings.Join(toolNames(all), ", "))
		}
		named[n] = true
	}
	// --tools alone (toolsets left at "all") is an allow-list of exactly those
	// tools; next to named toolsets it adds single tools to them.
	onlyNamed := len(named) > 0 && (len(sets) == 0 || sets["all"])
	var out []tools.Tool
	withheld := map[string]bool{}
	for _, t := range all {
		in := named[t.Spec.Name] || (!onlyNamed && (sets["all"] || sets[t.Spec.Toolset]))
		if !in {
			continue
		}
		if cfg.ReadOnly && t.Mutating(true) {
			if named[t.Spec.Name] {
				a.Log.Warn().Str("tool", t.Spec.Name).Msg("--tools names a tool that changes things; --read-only leaves it out")
			}
			withheld[t.Spec.Name] = true
			continue
		}
		out = append(out, t)
	}
	keys, err := a.stateKeys()
	if err != nil {
		return nil, err
	}
	if stateKeyFile.Get(cfg) != "" {
		// Replicas share the file, so they show one fingerprint per secret.
		redact.SetFingerprintKey(keys[0])
	}
	s := &safety{tools: map[string]tools.Tool{}, withheld: withheld, stateKeys: keys, used: newUsedNonces()}
	if err := a.buildReplicaLink(keys, s.used); err != nil {
		return nil, err
	}
	for _, t := range out {
		s.tools[t.Spec.Name] = t
	}
	if cfg.AuditLog != "" {
		if err := a.openAudit(s); err != nil {
			return nil, err
		}
	}
	a.safety = s
	return out, nil
}

func toolNames(ts []tools.Tool) []string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Spec.Name
	}
	return names
}

// secretsDir is --secrets-dir, else <user config dir>/cloudops-mcp/secrets.
func secretsDir(cfgDir string) *secretfile.Dir {
	if cfgDir == "" {
		cfgDir = secretfile.DefaultPath()
	}
	return secretfile.New(cfgDir)
}

// safetyOptions adds the guard middleware (read-only second check, dry run,
// confirmation, audit log, client warnings) and the capabilities it uses.
func (a *App) safetyOptions() []server.ServerOption {
	opts := []server.ServerOption{server.WithToolHandlerMiddleware(a.guard)} // OAuth scopes: listed (unserved.go) and guard
	if !a.Config.ReadOnly {                                                  // confirmations, and secret pages ({"ask":true})
		opts = append(opts, server.WithElicitation())
	}
	return opts
}

// confirmAdvice is the instructions' line on confirmation; noConfirmAdvice
// replaces it for a session whose client cannot be asked.
const (
	confirmAdvice = "Destructive changes ask the user to confirm when the client supports elicitation; a result with declined:true (declinedChange says what was not done) means nothing changed: do not retry it. " +
		"Where the client cannot be asked (no elicitation), destructive tools run unasked: get the user's explicit yes in chat first; such results say \"not confirmed by the user\". "
	noConfirmAdvice = "Your client cannot be asked to confirm (no elicitation): destructive tools (annotated destructiveHint) run unasked, so get the user's explicit yes in chat before calling one; their results say \"not confirmed by the user\". "
)

// instructions tell the model its limits before its first call.
func (a *App) instructions() string {
	cfg := a.Config
	mode := "live clouds"
	if cfg.Sandbox {
		mode = "offline sandbox"
	}
	var managed []string
	for _, p := range Providers {
		if p.Describe != nil {
			if d := p.Describe(a.Deps.Clients); d != "" {
				managed = append(managed, d)
			}
		}
	}
	var b strings.Builder
	if len(managed) == 0 {
		fmt.Fprintf(&b, "cloudops-mcp runs on the %s. ", mode)
	} else {
		fmt.Fprintf(&b, "cloudops-mcp manages %s on the %s. ", strings.Join(managed, " and "), mode)
	}
	counts := map[string]int{}
	for _, t := range a.Tools {
		counts[t.Spec.Toolset]++
	}
	var sets []string
	for _, s := range tools.ToolsetNames {
		if counts[s] > 0 {
			sets = append(sets, fmt.Sprintf("%s (%d)", s, counts[s]))
		}
	}
	switch {
	case len(sets) == 0:
		b.WriteString("No tools are enabled. ")
	case a.dynamic != nil:
		fmt.Fprintf(&b, "Tools come by toolset: %s. Your tool list starts with %s, %s and %s; enable the toolset a task needs and its tools join your list (getting a prompt, or calling a tool by name, enables its toolset too). ",
			strings.Join(sets, ", "), toolListToolsets, toolGetToolset, toolEnable)
	default:
		fmt.Fprintf(&b, "Enabled toolsets: %s. ", strings.Join(sets, ", "))
	}
	for _, ts := range a.Toolsets {
		if counts[ts.Name] > 0 {
			b.WriteString(ts.Notes)
		}
	}
	if off := a.unservedToolsets(counts); len(off) > 0 {
		fmt.Fprintf(&b, "Not served here: %s (only the operator adds them, with --toolsets; a call of one of their tools says how). ", strings.Join(off, ", "))
	}
	switch {
	case cfg.ReadOnly:
		b.WriteString("READ-ONLY: no tool can change anything; if the user asks for a change, say the server runs with --read-only. ")
	case cfg.DryRun:
		b.WriteString("DRY RUN: changes are not sent; mutating tools return {\"dryRun\":true,\"request\":...}, the exact request that would be sent. ")
	case cfg.ConfirmDestructive:
		if cfg.Stateless {
			b.WriteString("Destructive changes ask the user to confirm; a client that cannot be asked (no elicitation) is refused them. A result with declined:true (declinedChange says what was not done) means nothing changed: do not retry it. ")
		} else {
			b.WriteString(confirmAdvice)
		}
	}
	b.WriteString("Secrets (client secrets, API keys, tokens) are redacted as [redacted: fp <8 hex>], a keyed fingerprint that stays the same while the value does and changes when it is rotated ([redacted: set, masked by the cloud] where the cloud hides the value itself); never ask the user to paste them into chat. ")
	if !cfg.ReadOnly {
		b.WriteString(a.secretRefInstructions(askUnknown))
		b.WriteString("To hand a new secret to the user, pass deliverTo (a file name): the server writes it to its secrets folder and returns only the path. ")
	}
	b.WriteString("Changes report the before/after state; one that would change nothing sends nothing and says so (changed false), and a missing target is a not-found error listing what exists, without a question. ")
	b.WriteString("A change whose outcome is unknown names the read tool to check with.")
	return b.String()
}
