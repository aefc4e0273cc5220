package search

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestBuilder_matchesReference: for every single, the pairs of a third of
// them and of every cut, and one subset in 53 with every single, the bytes the hot loop hashes (from a shared
// prefix state, a partial buffer, a slice) hash like the message built
// whole by model.message, which reporting uses.
func TestBuilder_matchesReference(t *testing.T) {
	req, v := putObject12(t)
	req.RawQuery = "b=1&a=2"
	for _, in := range []Input{
		{CanonicalRequest: v.CanonicalRequest, StringToSign: v.StringToSign, Request: req},
		{CanonicalRequest: "not\na canonical request\n", StringToSign: v.StringToSign},
	} {
		in.Credentials, in.Signature = exampleCreds, strings.Repeat("0", 64)
		e, err := newEngine(&in)
		if err != nil {
			t.Fatal(err)
		}
		e.subsets = e.gen.subsets()
		w := newWorker(e)
		check := func(a, b *msgOp) {
			t.Helper()
			w.message(a, b)
			want := sha256.Sum256([]byte(e.m.message(e.s.head, a, b)))
			if string(w.line) != hex.EncodeToString(want[:]) {
				t.Fatalf("%s + %s: hashed bytes differ from %q", a.op.ID+":"+a.op.Arg, b.op.ID+":"+b.op.Arg, e.m.message(e.s.head, a, b))
			}
		}
		n := 0
		for i, a := range e.pairList {
			check(a, noOp)
			if i%3 != 0 && a.slice < 0 {
				continue // a third of the rows (and every cut's) keeps the suite fast
			}
			w.prepareRow(a)
			for j, b := range e.pairList[i+1:] {
				if combine(a, b) {
					w.pair(a, b) // the row's shared prefix when b comes after a
					want := sha256.Sum256([]byte(e.m.message(e.s.head, a, b)))
					if string(w.line) != hex.EncodeToString(want[:]) {
						t.Fatalf("row %s, %s: hashed bytes differ from %q", a.op.ID, b.op.ID, e.m.message(e.s.head, a, b))
					}
					if j%5 == 0 {
						check(b, a)
					}
					n++
				}
			}
		}
		for i, a := range e.subsets {
			if i%53 != 0 {
				continue
			}
			for _, b := range e.singles {
				if combine(a, b) {
					check(a, b)
					n++
				}
			}
		}
		if n == 0 && e.m.parsed {
			t.Error("no pairs checked")
		}
	}
}
