package diff

import (
	"bytes"
	"strconv"
)

// segment is one line of one side, with what it means. Lines end at LF; a
// CR before the LF stays in the line's content so that a CR LF against LF
// difference is a byte difference inside paired lines.
type segment struct {
	key   string // segments of the two sides pair when their keys are equal
	label string // Unit.Label
	// loose segments (lines without a role) left unpaired by the alignment
	// may still pair with a loose segment of the other side in the same gap.
	loose bool
	span  Span // the line including its LF
}

// lineSpans splits b into lines, each including its LF; a last line without
// LF is a line too. Empty input has no lines.
func lineSpans(b []byte) []Span {
	var ls []Span
	for off := 0; off < len(b); {
		n := bytes.IndexByte(b[off:], '\n') + 1
		if n == 0 {
			n = len(b) - off
		}
		ls = append(ls, Span{off, n})
		off += n
	}
	return ls
}

// content returns the line without its LF (a CR stays).
func content(b []byte, s Span) []byte {
	l := b[s.Offset:s.End()]
	return bytes.TrimSuffix(l, []byte{'\n'})
}

// bare returns the line without LF and without a CR before it: what the line
// says, for recognising roles.
func bare(b []byte, s Span) []byte {
	return bytes.TrimSuffix(content(b, s), []byte{'\r'})
}

func lineLabel(i int) string { return "line " + strconv.Itoa(i+1) }

// segmentLines splits b into lines and gives each its alignment key and label.
func segmentLines(kind Kind, b []byte) []segment {
	ls := lineSpans(b)
	ss := make([]segment, len(ls))
	for i, s := range ls {
		ss[i] = looseLine(b, s, i)
	}
	switch kind {
	case CanonicalRequestV4:
		roleCanonicalRequest(b, ss)
	case StringToSignV4:
		roleLines(ss, 0, "algorithm", "request date", "scope", "canonical request hash")
	case StringToSignV2:
		roleStringToSignV2(b, ss)
	}
	return ss
}

// looseLine is a line without a role: keyed by its content without LF, so
// that a line lacking only its final LF still pairs with its counterpart.
func looseLine(b []byte, s Span, i int) segment {
	return segment{key: "\x00" + string(content(b, s)), label: lineLabel(i), loose: true, span: s}
}

// roleLines gives lines from..from+len(names) the named roles; the key is
// the role, so the lines pair by position whatever they hold.
func roleLines(ss []segment, from int, names ...string) {
	for i, n := range names {
		if from+i >= len(ss) {
			return
		}
		ss[from+i].key, ss[from+i].label, ss[from+i].loose = "\x01"+n, n, false
	}
}

// headerLine keys a "name:value" line by its lower-cased name, so headers
// align by name: the same name with another value is a Changed unit, a name
// on one side only is shown whole. Canonical headers are lower case
// already; folding lets a client's "Content-Type" pair with the server's
// "content-type" and show the case as a byte difference.
func headerLine(b []byte, s *segment) {
	c := content(b, s.span)
	i := bytes.IndexByte(c, ':')
	if i <= 0 {
		return // not a header: stays a loose line
	}
	name := asciiLower(c[:i])
	s.key, s.label, s.loose = "\x02"+name, "header "+visibleString(name), false
}

// asciiLower folds A–Z only: header names are ASCII tokens (RFC 9110,
// section 5.1), and folding other bytes could make two different names
// equal (bytes.ToLower turns every invalid byte into U+FFFD).
func asciiLower(b []byte) string {
	l := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		l[i] = c
	}
	return string(l)
}

// roleCanonicalRequest implements the canonical request's grammar:
//
//	CanonicalRequest = HTTPMethod LF CanonicalURI LF CanonicalQueryString LF
//	                   *(CanonicalHeader LF) LF SignedHeaders LF HashedPayload
//
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html;
// GCS V4 and OSS V4 share it, OSS V4's "additional headers" taking the place
// of SignedHeaders and possibly empty). The blank line ends the headers;
// when a client left it out, the last two lines are still taken as signed
// headers and payload hash so that they pair with the server's.
//
// A signer that hashed a slice of its input (Fine Uploader's `headers[69:]`
// leaves a stray line in front) still has the grammar a few lines in: the
// roles start at the method line that precedes the first path line, so the
// stray lines show as extra lines instead of shifting every role.
func roleCanonicalRequest(b []byte, ss []segment) {
	start := 0
	for i := 1; i < len(ss) && i <= 4; i++ {
		if l := bare(b, ss[i].span); len(l) > 0 && l[0] == '/' && isMethodToken(bare(b, ss[i-1].span)) {
			start = i - 1
			break
		}
	}
	roleLines(ss, start, "method", "uri", "query")
	blank := -1
	for i := start + 3; i < len(ss); i++ {
		if len(bare(b, ss[i].span)) == 0 {
			blank = i
			break
		}
	}
	hdrEnd := blank
	if blank < 0 {
		hdrEnd = max(len(ss)-2, start+3)
	}
	for i := start + 3; i < hdrEnd && i < len(ss); i++ {
		headerLine(b, &ss[i])
	}
	if blank >= 0 {
		roleLines(ss, blank, "blank line", "signed headers", "payload hash")
	} else if len(ss) >= 5 {
		roleLines(ss, hdrEnd, "signed headers", "payload hash")
	}
}

// roleStringToSignV2 implements the SigV2 (and OSS V1) grammar:
//
//	StringToSign = HTTP-Verb LF Content-MD5 LF Content-Type LF Date LF
//	               CanonicalizedAmzHeaders CanonicalizedResource
//
// where each canonicalized header ends with LF and the resource is the last
// line (https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html;
// OSS V1 uses the same layout with x-oss-* headers, as in the OSS SDKs'
// signer tests collected in ../shared/vectors/oss).
func roleStringToSignV2(b []byte, ss []segment) {
	roleLines(ss, 0, "method", "content-md5", "content-type", "date")
	if len(ss) < 5 {
		return
	}
	for i := 4; i < len(ss)-1; i++ {
		headerLine(b, &ss[i])
	}
	roleLines(ss, len(ss)-1, "resource")
}

// Detect guesses what b holds from its shape: a first line naming a V4
// algorithm (AWS4-…, OSS4-…, GOOG4-…) is a V4 string to sign; an HTTP method
// followed by a path, a blank line after the headers and a payload hash
// that is not a path is a canonical request; an HTTP method with at least
// five lines ending in a resource path is a V2 string to sign. Anything
// else is Generic.
func Detect(b []byte) Kind {
	ls := lineSpans(b)
	if len(ls) == 0 {
		return Generic
	}
	first := bare(b, ls[0])
	for _, p := range []string{"AWS4-", "OSS4-", "GOOG4-"} {
		if bytes.HasPrefix(first, []byte(p)) && len(ls) >= 3 {
			return StringToSignV4
		}
	}
	if !isMethod(first) || len(ls) < 5 {
		return Generic
	}
	last := bare(b, ls[len(ls)-1])
	if bytes.HasPrefix(bare(b, ls[1]), []byte("/")) && !bytes.HasPrefix(last, []byte("/")) {
		for i := 3; i+2 < len(ls); i++ {
			if len(bare(b, ls[i])) == 0 {
				return CanonicalRequestV4
			}
		}
	}
	if bytes.HasPrefix(last, []byte("/")) {
		return StringToSignV2
	}
	return Generic
}

// isMethod reports whether l looks like an HTTP method as signers write it:
// 1 to 16 upper-case letters.
func isMethod(l []byte) bool {
	if len(l) == 0 || len(l) > 16 {
		return false
	}
	for _, c := range l {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// isMethodToken reports whether line looks like an HTTP method: 1 to 16
// ASCII letters.
func isMethodToken(line []byte) bool {
	if len(line) == 0 || len(line) > 16 {
		return false
	}
	for _, c := range line {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
