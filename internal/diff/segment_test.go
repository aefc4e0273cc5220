package diff

import "testing"

// TestCompare_strayLeadingLine: a canonical request hashed from a slice of
// its signer's input starts with a stray line; the roles must still pair
// method with method, so only the stray line differs.
func TestCompare_strayLeadingLine(t *testing.T) {
	server := []byte("POST\n/a.mp4\nuploads=\nhost:h\n\nhost\nUNSIGNED-PAYLOAD")
	client := append([]byte("\n"), server...)
	r := Compare("canonical_request", CanonicalRequestV4, server, client)
	var changed []Unit
	for _, u := range r.Units {
		if u.Op != Equal {
			changed = append(changed, u)
		}
	}
	if len(changed) != 1 || changed[0].Op != ClientOnly || changed[0].Label != "line 1" {
		t.Fatalf("changed units %+v, want only the client's stray line 1", changed)
	}
	for _, u := range r.Units {
		if u.Label == "method" && u.Op != Equal {
			t.Errorf("method unit %+v", u)
		}
	}
}
