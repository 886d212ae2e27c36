package redact

import (
	"encoding/json"
	"fmt"
	"testing"
)

// benchDoc builds a CloudBase-like GetUserKeyList response of about size bytes:
// records with an Ext field holding JSON in a string, which holds a "config"
// JSON string in turn (two levels), secrets under secret names at both levels,
// timestamps, URLs, Chinese text, and an ApiKey JWT every 10th record.
func benchDoc(size int) []byte {
	type record struct {
		KeyID         string
		Name          string
		AuthTypeCode  string
		Description   string
		Ext           string
		ApiKey        string `json:",omitempty"`
		CreateTime    string
		UpdateTime    string
		RuntimeConfig map[string]any
	}
	var data []record
	for n, i := 2, 0; n < size; i++ {
		config, _ := json.Marshal(map[string]any{"client_secret": fmt.Sprintf("cs-%032x", i*7919), "timeout": 30,
			"endpoints": []string{"https://api.example.com/v1", "https://backup.example.com/v1"}})
		ext, _ := json.Marshal(map[string]any{
			"config": string(config),
			"fields": []map[string]any{
				{"name": "appId", "type": "text", "label": "App ID", "required": true},
				{"name": "appSecret", "type": "password", "label": "App Secret", "required": true},
			},
			"appId":       fmt.Sprintf("wx%016x", i*7919),
			"appSecret":   fmt.Sprintf("cipher-%032x", i*104729),
			"callbackUrl": fmt.Sprintf("https://example.com/oauth/callback?env=env-%d", i),
			"scopes":      []string{"snsapi_base", "snsapi_userinfo"},
			"note":        "第三方登录配置 12:00 生效",
		})
		rec := record{
			KeyID:         fmt.Sprintf("key-%08d", i),
			Name:          fmt.Sprintf("wechat-login-%d", i),
			AuthTypeCode:  "oauth2",
			Description:   "微信开放平台登录 integration for tenant " + fmt.Sprint(i),
			Ext:           string(ext),
			CreateTime:    "2024-05-01 12:00:00",
			UpdateTime:    "2024-05-02 08:30:15",
			RuntimeConfig: map[string]any{"timeout": 30, "retries": 2, "region": "ap-shanghai"},
		}
		if i%10 == 0 {
			rec.ApiKey = testJWT
		}
		b, _ := json.Marshal(rec)
		n += len(b) + 1
		data = append(data, rec)
	}
	return marshal(map[string]any{"Response": map[string]any{"Total": len(data), "Data": data, "RequestId": "6f1b0c2e-8a4d-4c3e-9f1a-2b7c5d9e0a11"}}, false)
}

var benchSizes = []struct {
	name string
	size int
}{{"1KB", 1 << 10}, {"100KB", 100 << 10}, {"5MB", 5 << 20}}

var benchDocs = map[int][]byte{}

func doc(size int) []byte {
	if benchDocs[size] == nil {
		benchDocs[size] = benchDoc(size)
	}
	return benchDocs[size]
}

func benchJSON(b *testing.B, size int) {
	r := New(Options{})
	r.AddSecret(ownSecretKey, "session-token-"+ownSecretKey, "access-token-0123456789abcdef")
	d := doc(size)
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.JSON(d)
	}
}

func BenchmarkJSON_1KB(b *testing.B)   { benchJSON(b, 1<<10) }
func BenchmarkJSON_100KB(b *testing.B) { benchJSON(b, 100<<10) }
func BenchmarkJSON_5MB(b *testing.B)   { benchJSON(b, 5<<20) }

// BenchmarkPlainRoundTrip is the baseline: encoding/json decode + encode of the same documents.
func BenchmarkPlainRoundTrip(b *testing.B) {
	for _, s := range benchSizes {
		b.Run(s.name, func(b *testing.B) {
			d := doc(s.size)
			b.SetBytes(int64(len(d)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var v any
				if err := json.Unmarshal(d, &v); err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkString_LogLine(b *testing.B) {
	r := New(Options{})
	r.AddSecret(ownSecretKey)
	line := "12:00:00 INF tool=cloudbase_list_user_keys env=env-1 took=12ms status=ok request_id=6f1b0c2e url=https://tcb.tencentcloudapi.com/"
	b.SetBytes(int64(len(line)))
	for i := 0; i < b.N; i++ {
		r.String(line)
	}
}
