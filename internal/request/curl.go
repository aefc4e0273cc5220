package request

import (
	"fmt"
	"strings"
)

// ParseCurl reads a curl command line and returns the request curl sends
// for it. Words are split as bash splits them (see bashLexer), or as cmd.exe
// and the C runtime do for a command written for Windows (see splitCmd).
// Options are read as curl 7.88/8.x reads them (short options may be
// clustered, "-XPUT" carries its argument, long options take an unambiguous
// prefix); every curl option is known, so one without meaning here still
// consumes its argument.
//
// The header fields are those curl writes, in its order (lib/http.c,
// checked against curl 7.88.1 by TestParseCurl_matchesRealCurl): Host,
// Range (-r), User-Agent (-A), Accept: */*, Accept-Encoding (--compressed),
// Referer (-e), Cookie (-b), the -H fields in order, then for a body
// Content-Length and Content-Type: application/x-www-form-urlencoded
// (-d and its kin, unless -H gives one). An -H field replaces curl's own
// field of that name; "-H 'Name:'" only removes it; "-H 'Name;'" sends
// the field empty. curl's default User-Agent ("curl/VERSION") is left out
// and noted: its version is not in the command.
//
// The method is GET, POST with -d/--data*/--json/-F, PUT with -T, HEAD
// with -I; -G moves the data to the query; -X replaces the method's name
// only. The body is known for -d, --data-raw, --data-binary, --data-ascii,
// --data-urlencode and --json with inline data (joined with '&' as curl
// joins them); for -d @FILE, -T FILE and -F the file is named in BodyFile
// and HasBody is false. As curl does, the URL's dot segments are removed
// (unless --path-as-is), its fragment dropped, a default port left out of
// Host, and \[ \] \{ \} are taken as the literal characters of curl's URL
// globbing (which DevTools escapes); a URL that really globs is an error.
func ParseCurl(in []byte) (*Request, error) {
	if len(in) > MaxInput {
		return nil, tooBig(sourceCurl, len(in))
	}
	s := string(in)
	if strings.HasPrefix(s, "\ufeff") {
		s = "   " + s[3:] // keep offsets
	}
	var li lineIndex
	errf := func(off int, format string, args ...any) error {
		if li == nil {
			li = newLineIndex(in)
		}
		line, col := li.pos(off)
		return &ParseError{Source: sourceCurl, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
	}
	var words []word
	var notes []string
	var err error
	if isCmdStyle(s) {
		words, notes, err = splitCmd(s, errf)
	} else {
		words, notes, err = splitBash(s, errf)
	}
	if err != nil {
		return nil, err
	}
	if len(words) == 0 || words[0].text != "curl" && !strings.EqualFold(words[0].text, "curl.exe") {
		off := len(s) - len(strings.TrimLeft(s, " \t\r\n"))
		return nil, errf(off, "expected a command starting with curl")
	}
	c := &curlCmd{errf: errf, start: words[0].off}
	if err := c.args(words[1:]); err != nil {
		return nil, err
	}
	r, err := c.build()
	if err != nil {
		return nil, err
	}
	r.Notes = append(notes, r.Notes...)
	return r, nil
}

// curlHeader is one -H argument: a field to send, or (remove) the name of
// a field curl should not send.
type curlHeader struct {
	name, value string
	remove      bool
}

// curlCmd is what the options asked for.
type curlCmd struct {
	errf       func(off int, format string, args ...any) error
	start      int // offset of "curl", for errors about the whole command
	methodOff  int
	url        string
	urlOff     int
	method     string
	head, get  bool
	data       []string
	hasData    bool
	dataFile   string
	json       bool
	upload     string
	form       []Field
	headers    []curlHeader
	userAgent  *string
	referer    *string
	cookies    []string
	rangeV     string
	compressed bool
	globoff    bool
	pathAsIs   bool
	sigv4      string
	target     string
	urlQuery   []string
	notes      []string
}

func (c *curlCmd) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	for _, m := range c.notes {
		if m == n {
			return
		}
	}
	c.notes = append(c.notes, n)
}

func (c *curlCmd) args(ws []word) error {
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		t := w.text
		next := func(name string) (string, error) {
			if i+1 >= len(ws) {
				return "", c.errf(w.off, "option %s needs an argument", quoteShort(name))
			}
			i++
			return ws[i].text, nil
		}
		switch {
		case t == "--":
			continue
		case strings.HasPrefix(t, "--"):
			o, neg, err := c.long(t[2:], w.off)
			if err != nil {
				return err
			}
			arg := ""
			if o.arg {
				var err error
				if arg, err = next(t); err != nil {
					return err
				}
			}
			if err := c.apply(o, arg, neg, w.off); err != nil {
				return err
			}
		case strings.HasPrefix(t, "-") && len(t) > 1:
			for j := 1; j < len(t); j++ {
				o, ok := lookupShort(t[j])
				if !ok {
					return c.errf(w.off, "unknown curl option %s", quoteShort("-"+t[j:j+1]))
				}
				if !o.arg {
					if err := c.apply(o, "", false, w.off); err != nil {
						return err
					}
					continue
				}
				arg := t[j+1:]
				if arg == "" {
					var err error
					if arg, err = next("-" + t[j:j+1]); err != nil {
						return err
					}
				}
				if err := c.apply(o, arg, false, w.off); err != nil {
					return err
				}
				break
			}
		default:
			if err := c.setURL(t, w.off); err != nil {
				return err
			}
		}
	}
	return nil
}

// long finds a long option, with curl's "--no-" negation of a boolean and
// curl 8.3's "--expand-" prefix (variables, which are not expanded here).
func (c *curlCmd) long(name string, off int) (curlOpt, bool, error) {
	o, ok, amb := lookupLong(name)
	if ok {
		return o, false, nil
	}
	if n, isNo := strings.CutPrefix(name, "no-"); isNo && !amb {
		if o, ok, _ := lookupLong(n); ok && !o.arg {
			return o, true, nil
		}
	}
	if n, isExp := strings.CutPrefix(name, "expand-"); isExp && !amb {
		if o, ok, _ := lookupLong(n); ok {
			c.note("--expand-%s: curl variables ({{name}}) are not expanded; the text is kept as written", o.long)
			return o, false, nil
		}
	}
	if amb {
		return o, false, c.errf(off, "curl option %s is ambiguous (curl refuses it too)", quoteShort("--"+name))
	}
	return o, false, c.errf(off, "unknown curl option %s", quoteShort("--"+name))
}

func (c *curlCmd) setURL(u string, off int) error {
	if c.url != "" {
		return c.errf(off, "the command has more than one url; sigdiff reads one request")
	}
	c.url, c.urlOff = u, off
	return nil
}

// apply records one option.
func (c *curlCmd) apply(o curlOpt, arg string, neg bool, off int) error {
	switch o.long {
	case "url":
		return c.setURL(arg, off)
	case "request":
		c.method, c.methodOff = arg, off
	case "header":
		return c.header(arg, off)
	case "head":
		c.head = !neg
	case "get":
		c.get = !neg
	case "data", "data-ascii", "data-binary", "json":
		c.json = c.json || o.long == "json"
		c.addData(arg, strings.HasPrefix(arg, "@"))
	case "data-raw":
		c.addData(arg, false)
	case "data-urlencode":
		name, content, file := splitURLEncodeArg(arg)
		if file {
			c.addData("@"+content, true)
		} else {
			c.addData(name+curlEscape(content), false)
		}
	case "form", "form-string":
		name, value, _ := strings.Cut(arg, "=")
		c.form = append(c.form, Field{Name: name, Value: value})
	case "upload-file":
		c.upload = arg
	case "user-agent":
		c.userAgent = &arg
	case "referer":
		v := strings.TrimSuffix(arg, ";auto")
		c.referer = &v
	case "cookie":
		if strings.Contains(arg, "=") {
			c.cookies = append(c.cookies, arg)
		} else {
			c.note("-b %s names a cookie file, which is not read; its cookies are not in the request", quoteShort(arg))
		}
	case "range":
		c.rangeV = arg
	case "user", "oauth2-bearer":
		c.note("--%s is not kept: curl makes an authorization field from it (with --aws-sigv4, -u holds the key pair)", o.long)
	case "compressed":
		c.compressed = !neg
	case "globoff":
		c.globoff = !neg
	case "path-as-is":
		c.pathAsIs = !neg
	case "aws-sigv4":
		c.sigv4 = arg
	case "request-target":
		c.target = arg
	case "url-query":
		if raw, ok := strings.CutPrefix(arg, "+"); ok {
			c.urlQuery = append(c.urlQuery, raw)
		} else if name, content, file := splitURLEncodeArg(arg); file {
			c.note("--url-query %s reads a file, which is not read; its content is not in the query", quoteShort(name+"@…"))
		} else {
			c.urlQuery = append(c.urlQuery, name+curlEscape(content))
		}
	case "config":
		return c.errf(off, "-K reads options from a file sigdiff cannot see; paste the whole command")
	case "next":
		return c.errf(off, "--next starts a second request; give one request")
	case "variable":
		c.note("curl --variable is not evaluated")
	}
	return nil
}

func (c *curlCmd) addData(d string, file bool) {
	c.hasData = true
	if file {
		if c.dataFile == "" {
			c.dataFile = strings.TrimPrefix(d, "@")
		}
		return
	}
	c.data = append(c.data, d)
}

// header records -H the way lib/http.c Curl_add_custom_headers reads it:
// "Name: value" is sent; "Name:" with a blank value is not sent but stops
// curl sending its own Name; "Name;" is sent with an empty value; text with
// neither is not sent. A line break inside is sent raw, so it starts
// another field on the wire.
func (c *curlCmd) header(v string, off int) error {
	if strings.HasPrefix(v, "@") {
		return c.errf(off, "-H @FILE reads header fields from a file sigdiff cannot see; give them with -H")
	}
	if len(v) > MaxLine {
		return c.errf(off, "an -H value is longer than %d bytes", MaxLine)
	}
	lines := strings.Split(v, "\n")
	if len(lines) > 1 {
		c.note("an -H value holds a line break; curl sends it raw, so it reads as more than one field")
	}
	for _, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		if len(c.headers) >= MaxHeaders {
			return c.errf(off, "more than %d header fields", MaxHeaders)
		}
		name, value, colon := strings.Cut(l, ":")
		semiName, afterSemi, semi := strings.Cut(l, ";")
		switch {
		case colon && name != "" && strings.Trim(value, blanks) == "":
			c.headers = append(c.headers, curlHeader{name: name, remove: true})
		case colon && name != "":
			c.headers = append(c.headers, curlHeader{name: name, value: strings.TrimLeft(value, " \t")})
		case !colon && semi && semiName != "" && strings.Trim(afterSemi, blanks) == "":
			c.headers = append(c.headers, curlHeader{name: semiName})
		case strings.TrimSpace(l) != "":
			c.note("an -H value has no colon; curl sends nothing for it")
		}
	}
	return nil
}

// blanks are C's isspace, which curl uses for "blank".
const blanks = " \t\r\n\v\f"

// custom reports whether -H names the field (to send or to remove).
func (c *curlCmd) custom(name string) bool {
	for _, h := range c.headers {
		if strings.EqualFold(h.name, name) {
			return true
		}
	}
	return false
}

// splitURLEncodeArg reads --data-urlencode's forms (curl's manual):
// "content", "=content", "name=content", "@file", "name@file". An '='
// anywhere wins over '@', as in tool_getparam.c.
func splitURLEncodeArg(arg string) (name, content string, file bool) {
	if i := strings.IndexByte(arg, '='); i >= 0 {
		if i == 0 {
			return "", arg[1:], false
		}
		return arg[:i+1], arg[i+1:], false
	}
	if i := strings.IndexByte(arg, '@'); i >= 0 {
		return arg[:i], arg[i+1:], true
	}
	return "", arg, false
}

// curlEscape is curl's --data-urlencode encoding: curl_easy_escape keeps
// A–Z a–z 0–9 - . _ ~ and writes every other byte as %XX (upper case),
// then a space becomes '+'.
func curlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
