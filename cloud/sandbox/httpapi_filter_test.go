package sandbox

import "testing"

// FuzzParseFilter: any $filter either compiles or is refused with an error;
// it never panics or recurses without bound, and compiled filters run on any record.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"done eq true", "not (a eq 'x''y' or b lt -1.5e3)", "contains(title,'re') and priority ge 2",
		"((((((", "not not not", "x eq null", "'", "a eq 1)", "contains(", "1 eq 1", "a eq 'unterminated"} {
		f.Add(s)
	}
	types := map[string]string{"a": "string", "b": "number", "done": "boolean", "title": "string", "priority": "number", "x": "string"}
	fieldType := func(n string) (string, bool) { t, ok := types[n]; return t, ok }
	recs := []map[string]any{{}, {"a": "x'y", "b": -1500.0, "done": true, "title": "re", "priority": 2.0}, {"a": 1.0, "done": "yes"}}
	f.Fuzz(func(t *testing.T, src string) {
		pred, err := parseFilter(src, fieldType)
		if err != nil {
			return
		}
		for _, r := range recs {
			pred(r)
		}
	})
}
