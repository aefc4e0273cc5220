package recompute

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sigdiff/sigdiff/internal/credentials"
)

func TestHMACPrefixed_matchesCryptoHMAC(t *testing.T) {
	var key [32]byte
	for i := range key {
		key[i] = byte(i*7 + 3)
	}
	for _, n := range []int{0, 1, 55, 56, 63, 64, 65, 119, 120, 200, 4096} {
		msg := strings.Repeat("x", n)
		buf := append(make([]byte, 64), msg...)
		got := hmacPrefixed(&key, buf)
		m := hmac.New(sha256.New, key[:])
		m.Write([]byte(msg))
		if want := m.Sum(nil); hex.EncodeToString(got[:]) != hex.EncodeToString(want) {
			t.Errorf("len %d: got %x, want %x", n, got, want)
		}
		if string(buf[64:]) != msg {
			t.Errorf("len %d: message bytes were changed", n)
		}
		if Signature(key, msg) != hex.EncodeToString(got[:]) {
			t.Errorf("len %d: Signature disagrees", n)
		}
	}
}

func TestKeyCache_reusesAndSeparates(t *testing.T) {
	c := NewKeyCache(4)
	a, b := credentials.NewSecret("secret-a"), credentials.NewSecret("secret-b")
	ka := c.Keys(AWS4, a, "20150830", "us-east-1", "s3")
	if c.Len() != 1 {
		t.Fatalf("Len = %d", c.Len())
	}
	if again := c.Keys(AWS4, a, "20150830", "us-east-1", "s3"); again != ka || c.Len() != 1 {
		t.Error("second lookup derived again or differs")
	}
	if kb := c.Keys(AWS4, b, "20150830", "us-east-1", "s3"); kb == ka {
		t.Error("another secret returned the first secret's keys")
	}
	if ka != DeriveKeys(AWS4, a, "20150830", "us-east-1", "s3") {
		t.Error("cached keys differ from DeriveKeys")
	}
	for i := range 10 {
		c.Keys(AWS4, a, fmt.Sprintf("201508%02d", i+1), "us-east-1", "s3")
	}
	if c.Len() > 4 {
		t.Errorf("cache grew to %d entries, cap 4", c.Len())
	}
}

func TestKeyCache_concurrentUse(t *testing.T) {
	c := NewKeyCache(8)
	secret := credentials.NewSecret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	want := DeriveKeys(AWS4, secret, "20150830", "us-east-1", "service")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if k := c.Keys(AWS4, secret, "20150830", "us-east-1", "service"); k != want {
					t.Errorf("goroutine %d: wrong keys", g)
					return
				}
				c.Keys(AWS4, secret, fmt.Sprintf("2015%04d", i%20), "us-east-1", "service")
			}
		}()
	}
	wg.Wait()
}

func TestKeyCache_neverPrintsTheSecret(t *testing.T) {
	const s = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	c := NewKeyCache(2)
	c.Keys(AWS4, credentials.NewSecret(s), "20150830", "us-east-1", "s3")
	for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c.m), fmt.Sprintf("%#v", c)} {
		if strings.Contains(out, s) {
			t.Fatalf("formatting the cache shows the secret: %s", out)
		}
	}
}

func TestKeyCache_lastEntryIsExact(t *testing.T) {
	c := NewKeyCache(4)
	a := credentials.NewSecret(strings.Repeat("k", 40))
	// The same bytes in another string, then a different secret of the
	// same length: neither may be mistaken for the last one.
	b := credentials.NewSecret(strings.Repeat("k", 39) + "k")
	d := credentials.NewSecret(strings.Repeat("k", 39) + "j")
	ka := c.Keys(AWS4, a, "20150830", "us-east-1", "s3")
	if c.Keys(AWS4, b, "20150830", "us-east-1", "s3") != ka {
		t.Error("an equal secret got other keys")
	}
	if c.Keys(AWS4, d, "20150830", "us-east-1", "s3") == ka {
		t.Error("a different secret got the last secret's keys")
	}
	if c.Keys(AWS4, a, "20150831", "us-east-1", "s3") == ka || c.Keys(AWS4, a, "20150830", "us-east-1", "iam") == ka {
		t.Error("another scope got the last scope's keys")
	}
}
