package sandbox

import (
	"encoding/json"
	"net/http"

	"github.com/spf13/pflag"
)

// emulation is one provider's part of the sandbox, declared next to its
// handlers: the credentials it accepts, its section of the state (its own
// type, seeded when absent, checked when loaded from a state file) and its
// routes. New, load, save and Credentials iterate over emulations; adding a
// provider's emulation is its files and one line here.
type emulation struct {
	// configure applies the emulation's defaults to its options in c and
	// refuses invalid ones.
	configure func(c *Config) error
	// section is the emulation's part of State, under its own key.
	section stateSection
	// seed fills the emulation's section of s.state where it is absent.
	seed func(s *Server)
	// missing names the first part a loaded state lacks ("" if none).
	missing func(st *State) string
	// routes adds the emulation's handlers.
	routes func(s *Server, mux *http.ServeMux)
	// credentials are the values a server under --sandbox uses, by the
	// name of the setting they replace, in the order they are printed.
	credentials func(s *Server) []ClientSetting
	// flags adds the emulation's flags to the sandbox subcommand (nil:
	// none); what it returns gives, once they are parsed, the emulation's
	// option and a line to print after the settings ("" for none).
	flags func(fs *pflag.FlagSet) func() (Option, string)
	// endpoints name the settings that point the provider's clients at a
	// server: under the sandbox, its URL.
	endpoints []string
}

// Flags adds every emulation's flags to the sandbox subcommand's fs; the
// function returned, called after parsing, gives their options and the
// lines to print after the settings.
func Flags(fs *pflag.FlagSet) func() ([]Option, []string) {
	var parsed []func() (Option, string)
	for _, em := range emulations {
		if em.flags != nil {
			parsed = append(parsed, em.flags(fs))
		}
	}
	return func() ([]Option, []string) {
		var opts []Option
		var notes []string
		for _, p := range parsed {
			o, note := p()
			opts = append(opts, o)
			if note != "" {
				notes = append(notes, note)
			}
		}
		return opts, notes
	}
}

// Option configures one emulation; each declares its own next to its
// handlers (WithAccounts, WithTelnyxAPIKey).
type Option func(*Config)

// option is an emulation's typed key into Config's options.
type option[T any] string

// of is the option's value in c (T's zero value when unset).
func (k option[T]) of(c *Config) T {
	v, _ := c.opts[string(k)].(T)
	return v
}

func (k option[T]) set(c *Config, v T) {
	if c.opts == nil {
		c.opts = map[string]any{}
	}
	c.opts[string(k)] = v
}

// ClientSetting is one setting a server (or another client) sets to use
// the sandbox: a credential the emulator accepts, or an endpoint that takes
// the sandbox's URL.
type ClientSetting struct {
	Name     string // the setting's name, e.g. "secret-id", "telnyx-endpoint"
	Value    string // the credential; "" for an endpoint
	Endpoint bool
}

// ClientSettings are every emulation's credentials, then every endpoint, in
// emulation order. Values are the emulator's own test credentials, which a
// caller may print (the sandbox subcommand does) and nothing else may.
func (s *Server) ClientSettings() []ClientSetting {
	var out []ClientSetting
	for _, em := range emulations {
		out = append(out, em.credentials(s)...)
	}
	for _, em := range emulations {
		for _, name := range em.endpoints {
			out = append(out, ClientSetting{Name: name, Endpoint: true})
		}
	}
	return out
}

// emulations are the providers the sandbox emulates, in routing order.
var emulations = []emulation{cloudbaseEmulation, telnyxEmulation}

// State is everything the sandbox persists: each emulation's section under
// the section's key, in the emulation's own type. In a state file it is one
// JSON object with a member per section.
type State struct {
	sections map[string]any
}

// stateSection is how State decodes a section it does not know the type of.
type stateSection interface {
	key() string
	decode(raw json.RawMessage) (any, error)
}

// section is an emulation's typed key into State; its string is the
// section's JSON key in the state file.
type section[T any] string

func (k section[T]) key() string { return string(k) }

func (k section[T]) decode(raw json.RawMessage) (any, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
}

// of is the section in st (T's zero value when absent).
func (k section[T]) of(st *State) T {
	v, _ := st.sections[string(k)].(T)
	return v
}

func (k section[T]) set(st *State, v T) {
	if st.sections == nil {
		st.sections = map[string]any{}
	}
	st.sections[string(k)] = v
}

// MarshalJSON writes each section under its key (sorted, as encoding/json
// writes maps).
func (st State) MarshalJSON() ([]byte, error) { return json.Marshal(st.sections) }

// UnmarshalJSON lets each emulation decode its own section; members no
// emulation owns are ignored, absent ones stay absent (missing reports them).
func (st *State) UnmarshalJSON(raw []byte) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return err
	}
	st.sections = map[string]any{}
	for _, em := range emulations {
		member, ok := members[em.section.key()]
		if !ok {
			continue
		}
		v, err := em.section.decode(member)
		if err != nil {
			return err
		}
		st.sections[em.section.key()] = v
	}
	return nil
}
