package policy

import (
	"bytes"
	"net/url"
	"strings"
)

// isRequestLine reports whether b starts with an HTTP/1 request line.
func isRequestLine(b []byte) bool {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	parts := bytes.Fields(line)
	if len(parts) != 3 || !bytes.HasPrefix(parts[2], []byte("HTTP/")) {
		return false
	}
	for _, c := range parts[0] {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// ParseRawRequest reads a whole HTTP/1 request as saved by a proxy (Burp,
// mitmproxy, Fiddler): the Content-Type header gives the boundary and the
// Host header and target the URL; the body after the blank line is the
// multipart form.
func ParseRawRequest(data []byte) (*Form, error) {
	const src = "raw http request"
	if len(data) > MaxInput {
		return nil, ErrTooLarge
	}
	start := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	lineEnd := bytes.IndexByte(data[start:], '\n')
	if lineEnd < 0 {
		return nil, formErr(src, data, start, "the request line is not followed by headers")
	}
	reqLine := bytes.Fields(data[start : start+lineEnd])
	if len(reqLine) < 2 {
		return nil, formErr(src, data, start, "expected a request line such as POST / HTTP/1.1")
	}
	target := string(reqLine[1])
	var host, ctype string
	off := start + lineEnd + 1
	for {
		if off >= len(data) {
			return nil, formErr(src, data, off, "the headers are not ended by a blank line")
		}
		e := bytes.IndexByte(data[off:], '\n')
		if e < 0 {
			e = len(data) - off
		}
		line := strings.TrimSuffix(string(data[off:off+e]), "\r")
		at := off
		off += e + 1
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, formErr(src, data, at, "expected a header line name: value, got "+quoteShort(line))
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "host":
			host = strings.TrimSpace(value)
		case "content-type":
			ctype = strings.TrimSpace(value)
		}
	}
	body := data[min(off, len(data)):]
	f, err := ParseMultipart(body, ctype)
	if err != nil {
		if fe, ok := err.(*FormError); ok && fe.Offset >= 0 {
			return nil, formErr(src, data, fe.Offset+off, fe.Reason)
		}
		return nil, err
	}
	for i := range f.Fields {
		f.Fields[i].Offset += off
	}
	f.Source = src
	switch {
	case strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://"):
		f.URL = target
	case host != "":
		f.URL = "https://" + host + target
	}
	return f, nil
}

// BucketFromURL returns the bucket an S3 POST URL addresses: the host's
// leading labels for virtual-hosted style (bucket.s3.region.amazonaws.com,
// bucket.s3-region…, bucket.s3.amazonaws.com.cn), the first path segment
// for path style (s3.region.amazonaws.com/bucket/). Other hosts (custom
// domains, S3-compatible stores) give "": the caller must be told the
// bucket.
func BucketFromURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if !strings.HasSuffix(host, ".amazonaws.com") && !strings.HasSuffix(host, ".amazonaws.com.cn") {
		return ""
	}
	if strings.HasPrefix(host, "s3.") || strings.HasPrefix(host, "s3-") {
		seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
		return seg
	}
	for _, sep := range []string{".s3.", ".s3-"} {
		if i := strings.Index(host, sep); i > 0 {
			return host[:i]
		}
	}
	return ""
}
