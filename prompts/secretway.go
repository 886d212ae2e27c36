package prompts

import (
	"context"
	"encoding/json"

	"github.com/mark3labs/mcp-go/server"
)

// secretWay is how a prompt tells the agent to pass a secret in this
// session: {"ask":true} only where the client can open the server's page
// (it declared URL-mode elicitation: per request on 2026-07-28, where the
// page travels in the call's state; in its session before), otherwise a
// file the user writes in the server's secrets folder.
type secretWay struct{ page bool }

func secretWayOf(ctx context.Context) secretWay {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		caps := info.ClientCapabilities
		return secretWay{page: caps != nil && caps.Elicitation != nil && caps.Elicitation.URL != nil}
	}
	sess := server.ClientSessionFromContext(ctx)
	if _, ok := sess.(server.SessionWithElicitation); !ok || sess == nil {
		return secretWay{}
	}
	ci, ok := sess.(server.SessionWithClientInfo)
	if !ok {
		return secretWay{}
	}
	caps := ci.GetClientCapabilities()
	return secretWay{page: caps.Elicitation != nil && caps.Elicitation.URL != nil}
}

// ref is the reference to put where the secret goes.
func (w secretWay) ref(file string) map[string]any {
	if w.page {
		return map[string]any{"ask": true}
	}
	return map[string]any{"file": file}
}

// refText is ref as JSON, for prose.
func (w secretWay) refText(file string) string {
	b, _ := json.Marshal(w.ref(file))
	return string(b)
}

// how says what the reference does.
func (w secretWay) how(file string) string {
	if w.page {
		return "the server asks the user for it on a one-time page; it never enters this conversation"
	}
	return "first the user writes the secret to the file " + file + " in the server's secrets folder (mode 600; the server's instructions name the folder, " +
		"and the tool's error names the exact path if the file is missing); it never enters this conversation"
}

// rules is the shared paragraph on handling a secret the user supplies.
func (w secretWay) rules() string {
	way := `pass {"ask":true} instead of the value: the server asks the user on a one-time page their client opens, and the value never passes through here. ` +
		"If the tool answers that it cannot ask, relay what it says (the file to create or the variable to set) and call again with that reference. "
	if !w.page {
		way = `pass a reference instead of the value: {"file":"NAME"}, a file the user writes in the server's secrets folder (mode 600), ` +
			`or {"env":"VAR"}, a variable the operator allow-listed; {"ask":true} does not work with this client (it cannot open the server's page). ` +
			"If the tool answers that the file is missing, relay the path and command it names and call again once the user says it is done. "
	}
	return "Secrets: never ask the user to paste a secret into this conversation. Where a tool takes one, " + way +
		"Never repeat, summarize, paraphrase or log a secret value; tool results show secrets as [redacted…], which is expected."
}
