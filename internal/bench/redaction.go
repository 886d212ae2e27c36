package bench

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// RedactionRun is the redactor's throughput on one document size, next to a
// plain encoding/json decode + encode of the same document.
type RedactionRun struct {
	Name         string
	Bytes        int
	RedactNsOp   float64
	PlainNsOp    float64
	RedactAllocs int64
}

// MBps is the redactor's throughput in MB/s (10^6 bytes).
func (r RedactionRun) MBps() float64 { return float64(r.Bytes) / r.RedactNsOp * 1e3 }

// PlainMBps is the plain round trip's throughput.
func (r RedactionRun) PlainMBps() float64 { return float64(r.Bytes) / r.PlainNsOp * 1e3 }

// Ratio is redaction time over plain round-trip time.
func (r RedactionRun) Ratio() float64 { return r.RedactNsOp / r.PlainNsOp }

// Targets from the issue.
const (
	redactMBpsTarget  = 100
	redactRatioTarget = 1.5
)

// MeasureRedaction benchmarks Redactor.JSON on CloudBase-like documents of
// 1 KB, 100 KB and 5 MB.
func MeasureRedaction() []RedactionRun {
	r := redact.New(redact.Options{})
	r.AddSecret("AKIDsecretkey-0123456789abcdefghij", "session-token-zyxwvutsrqponm", "KEY0123456789ABCDEF_sandbox")
	var out []RedactionRun
	for _, s := range []struct {
		name string
		size int
	}{{"1 KB", 1 << 10}, {"100 KB", 100 << 10}, {"5 MB", 5 << 20}} {
		doc := RedactionDoc(s.size)
		red := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r.JSON(doc)
			}
		})
		plain := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				var v any
				if err := json.Unmarshal(doc, &v); err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
		out = append(out, RedactionRun{Name: s.name, Bytes: len(doc), RedactNsOp: float64(red.NsPerOp()),
			PlainNsOp: float64(plain.NsPerOp()), RedactAllocs: red.AllocsPerOp()})
	}
	return out
}

// RedactionDoc builds a GetUserKeyList-like answer of about size bytes: each
// record has an Ext field holding JSON in a string, which itself holds a
// "config" string of JSON (two levels), secrets under secret names at both
// levels, JWT-shaped tokens, URLs and Chinese text.
func RedactionDoc(size int) []byte {
	type record struct {
		KeyID, Name, AuthTypeCode, Description, Ext, CreateTime string
		ApiKey                                                  string `json:",omitempty"`
		Enabled                                                 bool
		Quota                                                   int
	}
	var recs []record
	for n, i := 64, 0; n < size; i++ {
		config, _ := json.Marshal(map[string]any{"client_secret": fmt.Sprintf("cs-%032x", i*7919), "timeout": 30,
			"endpoints": []string{"https://api.example.com/v1", "https://backup.example.com/v1"}})
		ext, _ := json.Marshal(map[string]any{"appId": fmt.Sprintf("wx%016x", i), "appSecret": fmt.Sprintf("as-%024x", i*104729),
			"config": string(config), "note": "第三方登录配置", "scopes": []string{"snsapi_base", "snsapi_userinfo"}})
		rec := record{KeyID: fmt.Sprintf("key-%08d", i), Name: fmt.Sprintf("wechat-login-%d", i), AuthTypeCode: "oauth2",
			Description: "微信开放平台登录 integration " + fmt.Sprint(i), Ext: string(ext), CreateTime: "2024-05-01 12:00:00",
			Enabled: i%2 == 0, Quota: i * 10}
		if i%10 == 0 {
			rec.ApiKey = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrZXktMDAwIn0.c2lnbmF0dXJlLXBhcnQtMDEyMzQ1Njc4OWFiY2RlZg"
		}
		b, _ := json.Marshal(rec)
		n += len(b) + 1
		recs = append(recs, rec)
	}
	doc, _ := json.Marshal(map[string]any{"Response": map[string]any{"Total": len(recs), "Data": recs, "RequestId": "6f1b0c2e-8a4d-4c3e-9f1a-2b7c5d9e0a11"}})
	return doc
}

// RedactionMarkdown renders the runs against the targets.
func RedactionMarkdown(runs []RedactionRun) string {
	var b strings.Builder
	b.WriteString("| document | bytes | redact MB/s | plain decode+encode MB/s | ratio redact/plain | allocs/op | ≥ 100 MB/s | ≤ 1.5× |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range runs {
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.0f | %.2f× | %d | %s | %s |\n", r.Name, r.Bytes, r.MBps(), r.PlainMBps(), r.Ratio(),
			r.RedactAllocs, verdict(r.MBps() >= redactMBpsTarget), verdict(r.Ratio() <= redactRatioTarget))
	}
	return b.String()
}
