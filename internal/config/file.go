package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v4"
)

// readFile loads a flat config file (keys are the flag names) by its
// extension: .toml, .yaml/.yml or .json. Unknown keys are errors, so a typo
// in a deployment file does not silently leave a default in place.
func readFile(path string) (map[string]string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".toml", ".yaml", ".yml", ".json":
	default:
		return nil, errorf("--config %s: want a .toml, .yaml, .yml or .json file", path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, errorf("--config: %v", err)
	}
	var m map[string]any
	switch ext {
	case ".toml":
		_, err = toml.NewDecoder(bytes.NewReader(raw)).Decode(&m)
	case ".yaml", ".yml":
		err = yaml.Unmarshal(raw, &m)
	case ".json":
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		err = d.Decode(&m)
	}
	if err != nil {
		return nil, errorf("--config %s: %v", path, err)
	}
	out := make(map[string]string, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := lookup(k)
		if s == nil || k == "config" {
			if near := closestSetting(k); near != "" {
				return nil, errorf("%s: unknown setting %q (did you mean %s?); see --help", path, k, near)
			}
			return nil, errorf("%s: unknown setting %q (keys are the flag names); see --help", path, k)
		}
		v, ok := scalar(m[k])
		if !ok {
			return nil, errorf("%s: %s: want a string, number, boolean or (for lists) an array of strings", path, k)
		}
		out[k] = v
	}
	return out, nil
}

// scalar turns a decoded value into the text a flag would take.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case json.Number:
		return x.String(), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), true
	}
	return fmt.Sprint(v), false
}

func lookup(name string) *Setting {
	for _, s := range All() {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// closestSetting suggests the key a typo most likely meant (edit distance <= 2).
func closestSetting(k string) string {
	best, bestD := "", 3
	for _, s := range All() {
		if d := distance(k, s.Name); d < bestD && s.Name != "config" {
			best, bestD = s.Name, d
		}
	}
	return best
}
