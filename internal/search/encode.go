package search

import "strings"

// Percent-encoding variants the URI and query operators produce. SigV4's
// UriEncode keeps A-Z a-z 0-9 - . _ ~ and writes every other byte as %XX
// with upper-case hex; the clients' mistakes are departures from it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request

const upperHex = "0123456789ABCDEF"

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeIf decodes each valid %XX escape whose byte keep reports true and
// leaves every other byte, invalid escapes included, as it is.
func decodeIf(s string, keep func(byte) bool) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if c := hi<<4 | lo; ok1 && ok2 && keep(c) {
				b = append(b, c)
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

func decodeAll(s string) string { return decodeIf(s, func(byte) bool { return true }) }

// decodeSet decodes the escapes of the bytes in set.
func decodeSet(s, set string) string {
	return decodeIf(s, func(c byte) bool { return strings.IndexByte(set, c) >= 0 })
}

// lowerHexEscapes writes the hex digits of each %XX escape in lower case,
// as Python's and some JavaScript encoders do.
func lowerHexEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] != '%' {
			continue
		}
		for j := i + 1; j <= i+2; j++ {
			if 'A' <= b[j] && b[j] <= 'F' {
				b[j] += 'a' - 'A'
			}
		}
	}
	return string(b)
}

// encodeEscapes encodes each '%' once more: what a client that encodes an
// already encoded path or value signs ("%20" → "%2520").
func encodeEscapes(s string) string { return strings.ReplaceAll(s, "%", "%25") }

// trimSpaceBytes is Python's str.strip() with no argument on ASCII text:
// it removes space, \t, \n, \v, \f and \r from both ends.
func trimSpaceBytes(b []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || ('\t' <= c && c <= '\r') }
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// titleCase writes a header name as Go's and most HTTP stacks' canonical
// MIME form: each letter after a '-' (and the first) upper case.
func titleCase(name string) string {
	b := []byte(name)
	up := true
	for i, c := range b {
		switch {
		case up && 'a' <= c && c <= 'z':
			b[i] = c - ('a' - 'A')
		case !up && 'A' <= c && c <= 'Z':
			b[i] = c + ('a' - 'A')
		}
		up = c == '-'
	}
	return string(b)
}
