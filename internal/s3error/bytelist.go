package s3error

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	erlangBinary = regexp.MustCompile(`<<\s*\d{1,3}(?:\s*,\s*\d{1,3}){15,}\s*>>`)
	intArray     = regexp.MustCompile(`\[\s*-?\d{1,3}(?:\s*,\s*-?\d{1,3}){15,}\s*\]`)
	nodeBuffer   = regexp.MustCompile(`<Buffer((?: [0-9a-f]{2}){8,})( \.\.\. \d+ more bytes)?>`)
)

// unwrapByteList decodes a body printed as byte values: an Erlang/Elixir
// binary (<<60,63,…>>), a Java/Rust/JavaScript array ([60, 63, …], Java's
// bytes signed), a Node Buffer (<Buffer 3c 3f …>).
func unwrapByteList(p *paste) bool {
	if loc := nodeBuffer.FindStringSubmatchIndex(p.s); loc != nil {
		b, err := DecodeDump(p.s[loc[2]:loc[3]])
		if err == nil && hasBodyMarker(string(b)) {
			if loc[4] >= 0 {
				p.notes = append(p.notes, "Node printed only the first "+strconv.Itoa(len(b))+" bytes of the body (the rest is \""+strings.TrimSpace(p.s[loc[4]:loc[5]])+"\")")
			}
			p.apply("byte-list", string(b))
			return true
		}
	}
	for _, re := range []*regexp.Regexp{erlangBinary, intArray} {
		for _, loc := range re.FindAllStringIndex(p.s, 4) {
			b, ok := intList(p.s[loc[0]:loc[1]])
			if ok && hasBodyMarker(string(b)) {
				p.apply("byte-list", string(b))
				return true
			}
		}
	}
	return false
}

func intList(s string) ([]byte, bool) {
	s = strings.Trim(s, "<>[] \t\r\n")
	var out []byte
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < -128 || v > 255 {
			return nil, false
		}
		out = append(out, byte(v))
	}
	return out, true
}

func hasBodyMarker(s string) bool {
	return strings.Contains(s, "<Error") || strings.Contains(s, "<Code>") || strings.Contains(s, "<?xml")
}
