package s3error

import (
	"regexp"
	"strings"
)

// extract reads one un-wrapped paste: an XML body if there is one, else
// the XML-less forms, and the SDKs' exception texts for a code and message
// that neither gave. nil means nothing was found.
func extract(p *paste) *Body {
	b := extractXML(p.s)
	if b == nil {
		b = extractKV(p.s)
	}
	if b == nil {
		b = extractTextOnly(p.s)
	}
	var code, msg, op string
	if b == nil || !hasField(b, "Code") || !hasField(b, "Message") {
		code, msg, op = sdkException(p.s)
	}
	if b == nil {
		if code == "" {
			return nil
		}
		b = &Body{Layers: []string{"sdk-exception"}}
	}
	if _, ok := b.Get("Code"); !ok && code != "" {
		b.Fields = append([]Field{{"Code", code}}, b.Fields...)
		if op != "" {
			b.Fields = append(b.Fields, Field{"Operation", op})
		}
	}
	if _, ok := b.Get("Message"); !ok && msg != "" && code != "" {
		b.Fields = append(b.Fields, Field{"Message", msg})
	}
	return b
}

var codeAlternation = strings.Join(knownCodes, "|")

// sdkPatterns are the exception texts of the SDKs, each giving a code, an
// optional operation and an optional message (named groups).
var sdkPatterns = []struct {
	needle string // a substring the pattern needs, to skip it cheaply
	re     *regexp.Regexp
}{
	// boto3/botocore ClientError
	{"An error occurred (", regexp.MustCompile(`An error occurred \((?P<code>[\w.]{1,64})\) when calling the (?P<op>\w{1,64}) operation[^:\n]{0,80}: (?P<msg>[^\n]*)`)},
	// aws-sdk-go-v2 (smithy) "api error Code: message"
	{"api error ", regexp.MustCompile(`api error (?P<code>[\w.]{1,64}): (?P<msg>[^\n]*)`)},
	// AWS SDK for Java v1/v2: "message (Service: Amazon S3; Status Code: 403; Error Code: X; ...)"
	{"(Service: ", regexp.MustCompile(`(?:Exception|Error): (?P<msg>[^(\n]{1,400}?)\s*\(Service: [^;,)\n]{1,64}[;,] Status Code: \d{3}[;,] (?:Error Code: (?P<code>[\w.]{1,64}))?`)},
	// aws-sdk-go v1, JavaScript, oss2: "Code: message"
	{"", regexp.MustCompile(`\b(?P<code>` + codeAlternation + `)(?:Error|Exception)?: (?P<msg>[^\n{]*)`)},
	// a known code anywhere
	{"", regexp.MustCompile(`\b(?P<code>` + codeAlternation + `)\b`)},
}

func sdkException(s string) (code, msg, op string) {
	anyCode := containsCode(s)
	for _, p := range sdkPatterns {
		if (p.needle != "" && !strings.Contains(s, p.needle)) || (p.needle == "" && !anyCode) {
			continue
		}
		re := p.re
		m := re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		for i, name := range re.SubexpNames() {
			switch name {
			case "code":
				code = m[i]
			case "msg":
				msg = strings.TrimSpace(m[i])
			case "op":
				op = m[i]
			}
		}
		if code != "" {
			return code, msg, op
		}
	}
	return "", "", ""
}

// containsCode is a cheap test before the regexps that look for a code.
func containsCode(s string) bool {
	for _, c := range knownCodes {
		if strings.Contains(s, c) {
			return true
		}
	}
	return false
}
