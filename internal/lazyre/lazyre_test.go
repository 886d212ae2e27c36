package lazyre

import "testing"

func TestCompilesOnFirstUse(t *testing.T) {
	r := New(`^[a-z]{2,4}(-[0-9]+)?$`)
	if !r.MatchString("ab-12") || r.MatchString("a") {
		t.Fatal("MatchString")
	}
	if got := r.FindStringSubmatch("abc-7"); len(got) != 2 || got[1] != "-7" {
		t.Fatalf("FindStringSubmatch = %q", got)
	}
	if got := New(`[^a-z]+`).ReplaceAllString("a b/c", "-"); got != "a-b-c" {
		t.Fatalf("ReplaceAllString = %q", got)
	}
	if got := New(`b+`).FindString("abbc"); got != "bb" {
		t.Fatalf("FindString = %q", got)
	}
}

func TestInvalidPatternPanicsOnUse(t *testing.T) {
	r := New(`(`) // no panic yet
	defer func() {
		if recover() == nil {
			t.Fatal("an invalid pattern must panic on first use")
		}
	}()
	r.MatchString("x")
}
