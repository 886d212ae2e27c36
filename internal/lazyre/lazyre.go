// Package lazyre is a regular expression compiled on first use. Compiling
// the package-level patterns of every package at init was a fifth of a cold
// start's CPU and 800 KB of its heap, for patterns most runs never use.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp compiles its pattern on first use; an invalid pattern panics then,
// as regexp.MustCompile would at init (the packages' tests exercise them).
type Regexp struct {
	expr string
	re   func() *regexp.Regexp
}

// New returns the pattern uncompiled.
func New(expr string) *Regexp {
	return &Regexp{expr: expr, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

// String is the source pattern.
func (r *Regexp) String() string { return r.expr }

// Regexp is the compiled expression.
func (r *Regexp) Regexp() *regexp.Regexp { return r.re() }

// MatchString reports whether s matches.
func (r *Regexp) MatchString(s string) bool { return r.re().MatchString(s) }

// FindString is regexp.Regexp.FindString.
func (r *Regexp) FindString(s string) string { return r.re().FindString(s) }

// FindStringSubmatch is regexp.Regexp.FindStringSubmatch.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.re().FindStringSubmatch(s) }

// ReplaceAllString is regexp.Regexp.ReplaceAllString.
func (r *Regexp) ReplaceAllString(src, repl string) string { return r.re().ReplaceAllString(src, repl) }
