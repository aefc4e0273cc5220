package s3error

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// readStrings sets the string to sign and canonical request: the decoded
// dump when there is one (the truth), else the text, repaired where its
// damage is certain; and compares text with dump.
func (b *Body) readStrings() {
	b.StringToSign, b.StringToSignText, b.HasStringToSignBytes = b.readPart("StringToSign", "string_to_sign")
	b.CanonicalRequest, b.CanonicalRequestText, b.HasCanonicalRequestBytes = b.readPart("CanonicalRequest", "canonical_request")
	b.Message = collapseSpace(b.Message) // re-indentation and wrapping are not part of it
}

// collapseSpace is strings.Join(strings.Fields(s), " "), without a copy
// when s is already so (as a server writes a message).
func collapseSpace(s string) string {
	prevSpace := true // a space at the start needs collapsing
	for _, r := range s {
		sp := unicode.IsSpace(r)
		if sp && (r != ' ' || prevSpace) {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = sp
	}
	if prevSpace && s != "" {
		return strings.Join(strings.Fields(s), " ") // a space at the end
	}
	return s
}

// takeMissing removes "element name not closed" from Missing and reports
// whether it was there; readPart says more precisely what was cut.
func (b *Body) takeMissing(name string) bool {
	for i, m := range b.Missing {
		if rest, ok := strings.CutPrefix(m, "element "); ok && strings.HasPrefix(rest, name) && rest[len(name):] == " not closed" {
			b.Missing = append(b.Missing[:i:i], b.Missing[i+1:]...)
			return true
		}
	}
	return false
}

func (b *Body) readPart(name, part string) (auth []byte, text string, has bool) {
	rawText, textOK := b.Get(name)
	rawDump, dumpOK := b.Get(name + "Bytes")
	textCut := b.takeMissing(name)
	dumpCut := b.takeMissing(name + "Bytes")
	if textOK {
		t, re := deindent(rawText)
		if re {
			b.addLayer("re-indented")
		}
		text = t
		if textCut {
			b.Missing = append(b.Missing, fmt.Sprintf("%s cut after %d bytes of text", name, len(text)))
		}
	}
	if dumpOK && strings.TrimSpace(rawDump) != "" {
		d := strings.TrimRight(strings.TrimSpace(rawDump), ".… \t\r\n")
		if dumpCut || d != strings.TrimSpace(rawDump) {
			dumpCut = true
			if i := strings.LastIndexAny(d, " \t\r\n"); i >= 0 && len(d)-i-1 == 1 {
				d = d[:i] // a byte cut after its first digit
			}
		}
		bs, err := decodeDumpPartial(d)
		if len(bs) > 0 {
			auth, has = bs, true
		}
		if dumpCut {
			b.Missing = append(b.Missing, fmt.Sprintf("%sBytes cut after %d bytes", name, len(bs)))
		}
		if err != nil {
			// what follows a bad token is not read: compare as if cut there
			b.Notes = append(b.Notes, fmt.Sprintf("%sBytes: %v; the %d bytes before it are used", name, err, len(bs)))
			dumpCut = true
		}
	}
	cut := (has && dumpCut) || (!has && textCut)
	if name == "StringToSign" {
		b.stsCut = cut
	} else {
		b.crCut = cut
	}
	if has {
		if textOK && text != "" {
			b.Damage = append(b.Damage, b.wrapNotes(compareText(part, text, auth, textCut, dumpCut))...)
			if !strings.Contains(text, "\n") && strings.Contains(string(auth), "\n") {
				b.addLayer("whitespace-collapsed")
			}
		}
		return auth, text, has
	}
	if textOK {
		auth = []byte(b.repairText(name, text))
	}
	return auth, text, false
}

// wrapNotes explains a lost line break where console-wrapped lines were
// re-joined: a line exactly as wide as the terminal may have ended there.
func (b *Body) wrapNotes(ds []Damage) []Damage {
	for i, d := range ds {
		if d.Note == "bytes have `\\n` that the text does not" && slices.Contains(b.Layers, "console-wrapped") {
			ds[i].Note = "line break (0a) lost where terminal-wrapped lines were re-joined: the line before it was exactly the terminal's width"
		}
	}
	return ds
}

// deindent undoes an XML pretty-printer that re-indented an element's
// text: every line after the first starts with the same blanks, and the
// last line holds only the indentation of the closing tag. Lines of a
// string to sign or canonical request never start with a blank, so this
// cannot eat real bytes.
func deindent(t string) (string, bool) {
	if strings.Count(t, "\n") < 2 {
		return t, false
	}
	// The usual text is not indented: its second line holds something and
	// starts with no blank, which the loop below would find first. Tell so
	// before splitting it into lines.
	_, rest, _ := strings.Cut(t, "\n")
	if second, _, _ := strings.Cut(rest, "\n"); strings.TrimSpace(second) != "" && second[0] != ' ' && second[0] != '\t' {
		return t, false
	}
	return deindentLines(t)
}

// deindentLines is deindent without its shortcut for the usual text.
func deindentLines(t string) (string, bool) {
	lines := strings.Split(t, "\n")
	if len(lines) < 3 {
		return t, false
	}
	indent, nonBlank := -1, 0
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "" {
			continue
		}
		nonBlank++
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if n == 0 {
			return t, false
		}
		if indent < 0 || n < indent {
			indent = n
		}
	}
	if nonBlank < 2 {
		return t, false
	}
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			lines[i] = ""
		} else {
			lines[i] = lines[i][indent:]
		}
	}
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n"), true
}

// repairText makes the authoritative string from text when there is no
// dump: servers never start or end these strings with blanks, and a
// browser's XML view collapses their line breaks into spaces, which the
// known layouts let us put back.
func (b *Body) repairText(name, text string) string {
	t := strings.Trim(text, " \t\r\n")
	if t != text {
		b.Notes = append(b.Notes, name+": blank lines or spaces around the text removed (the server's string has none)")
	}
	if strings.Contains(t, "\n") || !strings.Contains(t, " ") {
		return t
	}
	var fixed string
	switch name {
	case "StringToSign":
		if fixed = uncollapseV4STS(t); fixed == "" {
			fixed = uncollapseV2STS(t)
		}
	case "CanonicalRequest":
		fixed = uncollapseCR(t)
	}
	if fixed == "" {
		return t
	}
	b.addLayer("whitespace-collapsed")
	b.Notes = append(b.Notes, name+": its line breaks had been collapsed into spaces (a browser's XML view); the lines were rebuilt from its layout, runs of spaces inside values cannot be recovered")
	return fixed
}

func uncollapseV4STS(t string) string {
	f := strings.Split(t, " ")
	if len(f) != 4 || !strings.HasSuffix(f[0], "-SHA256") || !isAmzDate(f[1]) || strings.Count(f[2], "/") < 2 {
		return ""
	}
	return strings.Join(f, "\n")
}

// uncollapseCR rebuilds a canonical request from its collapsed text: the
// method, the path, the query (which holds no ':'), one line per signed
// header found in order, a blank line, SignedHeaders and the payload hash.
func uncollapseCR(t string) string {
	f := strings.Split(t, " ")
	if len(f) < 5 {
		return ""
	}
	signed := f[len(f)-2]
	names := strings.Split(signed, ";")
	mid := " " + strings.Join(f[2:len(f)-2], " ")
	var starts []int
	at := 0
	for _, n := range names {
		i := strings.Index(mid[at:], " "+n+":")
		if n == "" || i < 0 {
			return ""
		}
		starts = append(starts, at+i)
		at += i + len(n) + 2
	}
	lines := []string{f[0], f[1], strings.TrimSpace(mid[:starts[0]])}
	for i, s := range starts {
		end := len(mid)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		lines = append(lines, mid[s+1:end])
	}
	return strings.Join(append(lines, "", signed, f[len(f)-1]), "\n")
}

// uncollapseV2STS rebuilds a SigV2/OSS V1/GCS V2 string to sign: verb,
// Content-MD5 (base64 of 16 bytes), Content-Type, Date or Expires, the
// x-amz-/x-oss-/x-goog- headers, and the resource, which starts with '/'.
func uncollapseV2STS(t string) string {
	f := strings.Split(t, " ")
	if !httpMethods[f[0]] {
		return ""
	}
	lines := []string{f[0], "", "", ""}
	i := 1
	if i < len(f) && len(f[i]) == 24 && strings.HasSuffix(f[i], "==") {
		lines[1] = f[i]
		i++
	}
	if i < len(f) && strings.Contains(f[i], "/") && !strings.HasPrefix(f[i], "/") && !strings.Contains(f[i], ":") {
		ct := f[i]
		for i++; strings.HasSuffix(ct, ";") && i < len(f); i++ {
			ct += " " + f[i]
		}
		lines[2] = ct
	}
	if i < len(f) && isDigits(f[i]) {
		lines[3] = f[i]
		i++
	} else if i+5 < len(f) && len(f[i]) == 4 && strings.HasSuffix(f[i], ",") {
		lines[3] = strings.Join(f[i:i+6], " ")
		i += 6
	}
	for i < len(f) && isSignedV2Header(f[i]) {
		h := f[i]
		for i++; i < len(f) && !isSignedV2Header(f[i]) && !strings.HasPrefix(f[i], "/"); i++ {
			h += " " + f[i]
		}
		lines = append(lines, h)
	}
	if i >= len(f) || !strings.HasPrefix(f[i], "/") {
		return ""
	}
	return strings.Join(append(lines, strings.Join(f[i:], " ")), "\n")
}

var httpMethods = map[string]bool{"GET": true, "PUT": true, "POST": true, "DELETE": true, "HEAD": true, "OPTIONS": true, "PATCH": true}

func isSignedV2Header(s string) bool {
	return (strings.HasPrefix(s, "x-amz-") || strings.HasPrefix(s, "x-oss-") || strings.HasPrefix(s, "x-goog-")) && strings.Contains(s, ":")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isAmzDate reports whether s is an ISO 8601 basic timestamp, 20130524T000000Z.
func isAmzDate(s string) bool {
	return len(s) == 16 && isDigits(s[:8]) && s[8] == 'T' && isDigits(s[9:15]) && s[15] == 'Z'
}
