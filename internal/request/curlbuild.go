package request

import (
	"path"
	"strconv"
	"strings"
)

// curlAcceptEncoding is what --compressed sends with curl 7.88 and 8.x
// built with zlib, brotli and zstd (Debian's and Homebrew's builds); a curl
// built with fewer libraries sends fewer names.
const curlAcceptEncoding = "deflate, gzip, br, zstd"

// expect100Threshold is the body size from which curl asks "Expect:
// 100-continue" before a POST (lib/http.c EXPECT_100_THRESHOLD).
const expect100Threshold = 1 << 20

func (c *curlCmd) build() (*Request, error) {
	if c.url == "" {
		return nil, c.errf(c.start, "the command has no url")
	}
	r := &Request{Source: "curl", HasBody: true}
	if err := c.setURLParts(r); err != nil {
		return nil, err
	}
	if err := c.setMethod(r); err != nil {
		return nil, err
	}
	c.setBody(r)
	r.Header = c.fields(r)
	if c.sigv4 != "" {
		r.AWSSigV4 = c.sigv4
		c.note("curl --aws-sigv4 signs when it runs: its authorization and x-amz-date fields are not in the command")
	}
	r.Notes = append(r.Notes, c.notes...)
	return r, nil
}

func (c *curlCmd) setURLParts(r *Request) error {
	raw := c.url
	if !c.globoff {
		var msg string
		if raw, msg = unglob(raw); msg != "" {
			return c.errf(c.urlOff, "%s", msg)
		}
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] <= ' ' || raw[i] == 0x7f {
			return c.errf(c.urlOff, "the url has a blank or control character (%q); curl refuses it unencoded", raw[i])
		}
	}
	u, msg := splitURL(raw)
	if msg != "" {
		return c.errf(c.urlOff, "%s", msg)
	}
	r.Scheme = strings.ToLower(u.scheme)
	if r.Scheme == "" {
		r.Scheme = "http"
		c.note("the url has no scheme; curl uses http")
	}
	if r.Scheme != "http" && r.Scheme != "https" {
		return c.errf(c.urlOff, "the url's scheme is %s; sigdiff reads http and https requests", quoteShort(u.scheme))
	}
	if u.hasUserinfo {
		c.note("user information in the url is not kept: curl sends it as basic authorization")
	}
	r.Host, _ = dropDefaultPort(r.Scheme, u.host)
	r.RawPath, r.RawQuery = u.path, u.query
	if r.RawPath == "" {
		r.RawPath = "/"
	}
	if !c.pathAsIs {
		if p := removeDotSegments(r.RawPath); p != r.RawPath {
			c.note("curl removes dot segments: the path %s is sent as %s (--path-as-is keeps them)", quoteShort(r.RawPath), quoteShort(p))
			r.RawPath = p
		}
	}
	if c.upload != "" && strings.HasSuffix(r.RawPath, "/") && c.upload != "-" && c.upload != "." {
		// curl's manual for -T: a URL ending in a slash gets the file's name.
		r.RawPath += path.Base(strings.ReplaceAll(c.upload, `\`, "/"))
	}
	extra := c.urlQuery
	if c.get && len(c.data) > 0 {
		extra = append([]string{strings.Join(c.data, "&")}, extra...)
	}
	for _, q := range extra {
		if r.RawQuery != "" {
			r.RawQuery += "&"
		}
		r.RawQuery += q
	}
	if c.get && c.dataFile != "" {
		c.note("-G puts the content of %s in the query; the file is not read, so the query lacks it", quoteShort(c.dataFile))
	}
	if c.target != "" {
		r.RawPath, r.RawQuery, _ = strings.Cut(c.target, "?")
		if r.RawPath == "" {
			r.RawPath = "/" // a target of only a query, as for the URL's path
		}
		c.note("--request-target replaces the target sent: %s", quoteShort(c.target))
	}
	return nil
}

// unglob turns curl's escaped glob characters (\[ \] \{ \}) into the
// characters themselves — DevTools' Copy as cURL escapes them so — and
// refuses a URL that globs, since that is several requests. The brackets of
// an IPv6 host are not a glob.
func unglob(s string) (string, string) {
	var b strings.Builder
	hostAt := 0
	if i := strings.Index(s, "://"); i >= 0 {
		hostAt = i + 3
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("[]{}", s[i+1]) >= 0:
			b.WriteByte(s[i+1])
			i++
		case c == '[' && i == hostAt:
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return "", "ipv6 address in the host has no closing ]"
			}
			b.WriteString(s[i : i+j+1])
			i += j
		case c == '[' || c == '{':
			return "", "the url uses curl's globbing ([…] or {…}), which makes several requests; escape them as \\[ \\{ or add -g"
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

func (c *curlCmd) setMethod(r *Request) error {
	bodies := 0
	for _, b := range []bool{c.hasData && !c.get, c.upload != "", len(c.form) > 0} {
		if b {
			bodies++
		}
	}
	switch {
	case c.head && bodies > 0:
		return c.errf(c.start, "-I asks for HEAD but the command also sends a body (curl refuses this)")
	case bodies > 1:
		return c.errf(c.start, "the command gives more than one body (-d, -T, -F); curl refuses this")
	case c.head:
		r.Method = "HEAD"
	case c.upload != "":
		r.Method = "PUT"
	case bodies > 0:
		r.Method = "POST"
	default:
		r.Method = "GET"
	}
	if c.method != "" {
		if !isToken(c.method) {
			return c.errf(c.methodOff, "-X %s is not an http method", quoteShort(c.method))
		}
		r.Method = c.method
	}
	return nil
}

func (c *curlCmd) setBody(r *Request) {
	switch {
	case c.upload != "":
		r.HasBody, r.BodyFile = false, c.upload
		c.note("the body is the file %s, which is not read; give it with --body", quoteShort(c.upload))
		c.note("curl also sends content-length (the file's size) and, before curl 8, expect: 100-continue")
	case len(c.form) > 0:
		r.HasBody, r.Form = false, c.form
		c.note("-F sends a multipart body with a random boundary; it is not built here")
	case c.hasData && !c.get && c.dataFile != "":
		r.HasBody, r.BodyFile = false, c.dataFile
		c.note("the body is read from %s, which is not read here; give it with --body", quoteShort(c.dataFile))
	case c.hasData && !c.get:
		r.Body = []byte(strings.Join(c.data, "&"))
	}
}

// fields lists the header fields in the order curl writes them.
func (c *curlCmd) fields(r *Request) []Field {
	var h []Field
	add := func(name, value string) { h = append(h, Field{Name: name, Value: value}) }
	if !c.custom("Host") {
		add("Host", r.Host)
	} else {
		for _, x := range c.headers {
			if strings.EqualFold(x.name, "Host") && !x.remove {
				add("Host", x.value)
				r.Host = strings.TrimSpace(x.value)
				break
			}
		}
	}
	if c.rangeV != "" && !c.custom("Range") {
		add("Range", "bytes="+c.rangeV)
	}
	switch {
	case c.custom("User-Agent"):
	case c.userAgent == nil:
		c.note("curl also sends user-agent: curl/VERSION; its version is not in the command, so the field is left out")
	case *c.userAgent != "":
		add("User-Agent", *c.userAgent)
	}
	if !c.custom("Accept") && !c.json {
		add("Accept", "*/*")
	}
	if c.compressed && !c.custom("Accept-Encoding") {
		add("Accept-Encoding", curlAcceptEncoding)
		c.note("--compressed sends accept-encoding: %s (as curl 7.88 and 8.x built with brotli and zstd do)", curlAcceptEncoding)
	}
	if c.referer != nil && *c.referer != "" && !c.custom("Referer") {
		add("Referer", *c.referer)
	}
	if len(c.cookies) > 0 && !c.custom("Cookie") {
		add("Cookie", strings.Join(c.cookies, "; "))
	}
	for _, x := range c.headers {
		if !x.remove && !strings.EqualFold(x.name, "Host") {
			add(x.name, x.value)
		}
		if strings.EqualFold(x.name, "authority") {
			// DevTools before 2023 copied HTTP/2's :authority as a field.
			c.note("the authority field is DevTools' copy of http/2's :authority; curl sends it as a field, the browser did not")
		}
	}
	if c.json {
		// --json adds these after the -H fields unless -H gives them.
		if !c.custom("Content-Type") {
			add("Content-Type", "application/json")
		}
		if !c.custom("Accept") {
			add("Accept", "application/json")
		}
	}
	if c.hasData && !c.get {
		if !c.custom("Content-Length") {
			if r.HasBody {
				add("Content-Length", strconv.Itoa(len(r.Body)))
			} else {
				c.note("curl also sends content-length (the file's size), left out here")
			}
		}
		if !c.json && !c.custom("Content-Type") {
			add("Content-Type", "application/x-www-form-urlencoded")
			c.note("curl sends content-type: application/x-www-form-urlencoded with -d and its kin unless -H gives one")
		}
		if len(r.Body) > expect100Threshold && !c.custom("Expect") {
			add("Expect", "100-continue")
		}
	}
	return h
}
