package s3error

import (
	"regexp"
	"strconv"
	"strings"
)

// XML-less pastes: the same fields printed by an SDK or a debugger.
// "Key: value" and "Key=value" listings, PHP print_r and var_dump (of an
// array or a SimpleXMLElement), Python dict reprs (boto3's e.response,
// oss2's exception), JSON objects, Node's util.inspect of an SDK error, and
// the SDKs' exception texts (sdk.go). Only known keys (fields.go) count, so
// free text does not turn into fields.

// kvKey finds a key and its separator: [Key] => (print_r), ["Key"]=>
// (var_dump), 'Key': / "Key": (dicts, JSON), Key: / Key = / :Key => (inspect,
// listings, logfmt). A key of several words ("Request ID") is allowed. The
// bounded counts keep the automaton small: with * in their place a long run
// of word characters costs six times as much.
var kvKey = regexp.MustCompile(`(?m)(?:^|[\s{(\[,;|])(?:\[\s*("?)([A-Za-z][\w.-]{0,60})"?\s*\]\s*=>|(['"])([A-Za-z][\w.-]{0,60})['"]\s*(?:=>|:|=)|:?([A-Za-z][\w.-]{0,60}(?: [A-Za-z][\w.-]{0,20}){0,3})[ \t]*(=>|:|=))`)

type kvMatch struct {
	start, end int    // the key and separator; the value starts at end
	name       string // canonical field name
	style      string // "print_r", "var_dump", "quoted", "bare"
	sep        string
	lineStart  bool // only blanks (or a bullet) before the key on its line
	exact      bool // the key is spelled exactly as the field name
}

func findKeys(s string) []kvMatch {
	var out []kvMatch
	for _, m := range kvKey.FindAllStringSubmatchIndex(s, 4096) {
		k := kvMatch{start: m[0], end: m[1]}
		var raw string
		switch {
		case m[4] >= 0:
			raw, k.style = s[m[4]:m[5]], "print_r"
			if m[3] > m[2] {
				k.style = "var_dump"
			}
		case m[8] >= 0:
			raw, k.style = s[m[8]:m[9]], "quoted"
		default:
			raw, k.style, k.sep = s[m[10]:m[11]], "bare", s[m[12]:m[13]]
		}
		k.name = knownSuffix(raw)
		if k.name == "" {
			continue
		}
		k.exact = strings.HasSuffix(raw, k.name)
		if c := s[k.start]; strings.IndexByte(" \t\r\n{(,;|", c) >= 0 || (c == '[' && k.style != "print_r" && k.style != "var_dump") {
			k.start++
		}
		line := s[strings.LastIndexByte(s[:k.start], '\n')+1 : k.start]
		k.lineStart = strings.Trim(line, " \t-*•[") == ""
		out = append(out, k)
	}
	return out
}

// knownSuffix returns the field named by the last words of raw ("x Request
// ID" names RequestId), or "".
func knownSuffix(raw string) string {
	words := strings.Fields(raw)
	for i := range words {
		if f := canonicalField(strings.Join(words[i:], " ")); f != "" {
			return f
		}
	}
	return ""
}

// specificFields are the keys that only an error body has; a paste whose
// known keys are all generic (Key=, Bucket=, Region= in a traceback) is not
// read as fields.
var specificFields = map[string]bool{"Code": true, "StringToSign": true, "CanonicalRequest": true, "StringToSignBytes": true,
	"CanonicalRequestBytes": true, "SignatureProvided": true, "AWSAccessKeyId": true, "OSSAccessKeyId": true, "RequestId": true,
	"HostId": true, "EC": true, "RequestTime": true, "ServerTime": true, "MaxAllowedSkewMilliseconds": true,
	"ClientComputedContentSHA256": true, "S3ComputedContentSHA256": true, "HeadersNotSigned": true, "X-Amz-Expires": true}

func hasSpecificField(fs []Field) bool {
	for _, f := range fs {
		if specificFields[f.Name] {
			return true
		}
	}
	return false
}

// multiLine fields may continue on the lines after their key.
var multiLine = map[string]bool{"StringToSign": true, "CanonicalRequest": true, "StringToSignBytes": true,
	"CanonicalRequestBytes": true, "Message": true, "Details": true}

// terminates reports whether a key at the start of a line ends the value
// of a multi-line field above it. A canonical request's own lines look like
// keys ("expires:…", "X-Amz-Expires=…"), so only a key written as a
// listing writes it ends one: followed by a blank, quoted or bracketed.
func (k kvMatch) terminates(s string) bool {
	if !k.lineStart {
		return false
	}
	if k.style != "bare" {
		return true
	}
	if k.sep == "=" {
		return k.exact && k.name != "Expires" && k.name != "X-Amz-Expires"
	}
	return k.end == len(s) || strings.IndexByte(" \t\r\n", s[k.end]) >= 0
}

var inspectValue = regexp.MustCompile(`\w: '`)

var varDumpString = regexp.MustCompile(`^\s*string\((\d{1,9})\)\s*"`)

// extractKV reads the known keys of an XML-less paste, or returns nil.
func extractKV(s string) *Body {
	keys := findKeys(s)
	if len(keys) == 0 {
		return nil
	}
	b := &Body{}
	styles := map[string]int{}
	for i, k := range keys {
		if len(b.Fields) >= maxFields {
			break
		}
		next := len(s)
		if i+1 < len(keys) {
			next = keys[i+1].start
		}
		v, ok := kvValue(s, keys, i, next)
		if !ok {
			continue
		}
		styles[k.style]++
		b.Fields = append(b.Fields, Field{Name: k.name, Text: v})
	}
	if !hasSpecificField(b.Fields) {
		return nil
	}
	b.Layers = append(b.Layers, kvForm(s, styles))
	return b
}

func kvValue(s string, keys []kvMatch, i, next int) (string, bool) {
	k := keys[i]
	rest := s[k.end:]
	if k.style == "var_dump" {
		if m := varDumpString.FindStringSubmatchIndex(rest); m != nil {
			n, _ := strconv.Atoi(rest[m[2]:m[3]])
			from := k.end + m[1]
			return s[from:min(len(s), from+n)], true
		}
	}
	trimmed := strings.TrimLeft(rest, " \t")
	if q := quoteStart(trimmed); q >= 0 {
		at := k.end + len(rest) - len(trimmed) + q
		v, _ := decodeLiteralGroup(s, litStart{at: at, q: s[at]})
		if !strings.Contains(v, "\n") && strings.Contains(v, `\n`) {
			var again strings.Builder
			unescapeLiteral(v, 0, 0, &again)
			v = again.String()
		}
		return v, true
	}
	if k.style == "quoted" && strings.HasPrefix(trimmed, "{") {
		return "", false // a container such as boto3's 'Error': {…}
	}
	end := strings.IndexByte(rest, '\n')
	if end < 0 {
		end = len(rest)
	}
	line := strings.TrimRight(rest[:end], "\r")
	if !k.lineStart || !multiLine[k.name] {
		return inlineValue(line, k.end, next), true
	}
	stop := len(s)
	for _, n := range keys[i+1:] {
		if n.terminates(s) {
			stop = strings.LastIndexByte(s[:n.start], '\n')
			break
		}
	}
	if stop < k.end {
		stop = k.end
	}
	v := s[k.end:stop]
	if j := strings.LastIndex(v, "\n"); j >= 0 && strings.TrimSpace(v[j:]) == ")" { // print_r's closing line
		v = v[:j]
	}
	v = strings.TrimSuffix(strings.TrimPrefix(v, " "), "\r")
	if k.style == "print_r" {
		v = strings.TrimSuffix(v, "\n")
	}
	if strings.TrimSpace(line) == "" { // the value starts on the next line
		v = strings.TrimLeft(v, " \t\r")
		v = strings.TrimPrefix(v, "\n")
	}
	return v, true
}

// quoteStart returns the index of the quote opening a literal at the start
// of s (after an optional b prefix), or -1.
func quoteStart(s string) int {
	if strings.HasPrefix(s, "b'") || strings.HasPrefix(s, `b"`) {
		return 1
	}
	if s != "" && (s[0] == '\'' || s[0] == '"') {
		return 0
	}
	return -1
}

// inlineValue is a one-line value: up to the next key on the line, or a
// ; ) } ] that closes the list it is in.
func inlineValue(line string, from, next int) string {
	if next-from < len(line) && next > from {
		line = line[:next-from]
	}
	if i := strings.IndexAny(line, ";)}]"); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, ",") {
		return ""
	}
	return strings.TrimSpace(strings.TrimSuffix(line, ","))
}

func kvForm(s string, styles map[string]int) string {
	best, n := "", -1
	for _, st := range []string{"var_dump", "print_r", "quoted", "bare"} {
		if styles[st] > n {
			best, n = st, styles[st]
		}
	}
	simple := strings.Contains(s, "SimpleXMLElement")
	switch best {
	case "var_dump", "print_r":
		if simple {
			return "simplexml-" + best
		}
		return best
	case "quoted":
		if strings.Contains(s, "{'") || strings.Contains(s, "': ") {
			return "python-dict"
		}
		return "json-object"
	}
	if strings.Contains(s, "' +\n") || inspectValue.MatchString(s) {
		return "object-inspect"
	}
	return "key-value"
}
