package sandbox

import "net/http"

// emulation is one provider's part of the sandbox, declared next to its
// handlers: the credentials it accepts, its part of the state (seeded when
// absent, checked when loaded from a state file) and its routes. New and
// load iterate over emulations; adding a provider's emulation is its files
// and one line here.
type emulation struct {
	// seed fills the emulation's part of s.state where it is absent.
	seed func(s *Server)
	// missing names the first part a loaded state lacks ("" if none).
	missing func(st *State) string
	// routes adds the emulation's handlers.
	routes func(s *Server, mux *http.ServeMux)
	// credentials are the values a server under --sandbox uses, by the
	// name of the setting they replace.
	credentials func(s *Server) map[string]string
}

// emulations are the providers the sandbox emulates, in routing order.
var emulations = []emulation{cloudbaseEmulation, telnyxEmulation}
