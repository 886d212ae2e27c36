package app

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSDKCredentialFallback(t *testing.T) {
	t.Setenv("TENCENTCLOUD_SECRET_ID", "")
	t.Setenv("TENCENTCLOUD_SECRET_KEY", "")
	home := t.TempDir()
	t.Setenv("HOME", home)
	if _, _, _, ok := sdkCredential(); ok {
		t.Fatal("found credentials in an empty environment")
	}
	if err := os.MkdirAll(filepath.Join(home, ".tencentcloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	ini := "[default]\nsecret_id = AKIDfromprofile\nsecret_key = key-from-profile\n"
	if err := os.WriteFile(filepath.Join(home, ".tencentcloud", "credentials"), []byte(ini), 0o600); err != nil {
		t.Fatal(err)
	}
	if id, key, _, ok := sdkCredential(); !ok || id != "AKIDfromprofile" || key != "key-from-profile" {
		t.Fatalf("profile: %q %v", id, ok)
	}
	t.Setenv("TENCENTCLOUD_SECRET_ID", "AKIDfromenv")
	t.Setenv("TENCENTCLOUD_SECRET_KEY", "key-from-env")
	if id, _, _, ok := sdkCredential(); !ok || id != "AKIDfromenv" {
		t.Fatalf("env provider should win over the profile: %q", id)
	}
}
