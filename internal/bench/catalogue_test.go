package bench_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/bench"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// catalogueBudget bounds tools/list with every toolset enabled, as a client
// on protocol 2025-06-18 or later receives it. It is a ceiling against
// growth, set just above today's 61,068 bytes; issue 18's goal is 40 KB (see
// BENCHMARKS.md "Catalogue size" for what reaching it would cost an agent).
// Lower it whenever the catalogue shrinks.
const catalogueBudget = 60 << 10

func TestCatalogueBudget(t *testing.T) {
	cfg, err := config.Parse([]string{"--sandbox"}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	c, err := bench.MeasureCatalogue(a)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tools/list: %d bytes for %d tools (%d without output schemas; %d to a 2025-03-26 client)", c.TotalBytes, c.Tools, c.NoOutput, c.LegacyBytes)
	p := c.Parts
	parts := p.Names + p.Titles + p.Descriptions + p.Annotations + p.Input + p.Output
	t.Logf("by part: input %d (%d descriptions), output %d, descriptions %d, annotations %d, titles %d, names %d",
		p.Input, p.InputDescriptions, p.Output, p.Descriptions, p.Annotations, p.Titles, p.Names)
	if gap := c.TotalBytes - parts; gap < 0 || gap > 200 { // the envelope, braces and commas
		t.Errorf("the parts add up to %d bytes of %d: the breakdown misses something", parts, c.TotalBytes)
	}
	if c.TotalBytes > catalogueBudget {
		t.Fatalf("tools/list is %d bytes, over the %d-byte budget: shorten descriptions or share schema parts before adding", c.TotalBytes, catalogueBudget)
	}
}
