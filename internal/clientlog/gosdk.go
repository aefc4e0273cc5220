package clientlog

import (
	"regexp"
	"strings"

	"github.com/sigdiff/sigdiff/internal/request"
)

// The banners of the Go SDKs' signing log (aws-sdk-go-v2
// aws/signer/v4/v4.go logSignInfoMsg, and the same text in aws-sdk-go v1's
// signer): the canonical request, the string to sign and, for a presigned
// URL, the URL, each between banner lines, closed by a line of 53 dashes.
const (
	bannerCR     = "---[ CANONICAL STRING  ]-----------------------------"
	bannerSTS    = "---[ STRING TO SIGN ]--------------------------------"
	bannerURL    = "---[ SIGNED URL ]------------------------------------"
	bannerReqV1  = "---[ REQUEST POST-SIGN ]-----------------------------"
	bannerRespV1 = "---[ RESPONSE ]--------------------------------------"
	bannerEnd    = "-----------------------------------------------------"
)

// sdkV2Record is a record of aws-sdk-go-v2's standard logger
// (logging.NewStandardLogger: "SDK " + log.LstdFlags, then the
// classification) that starts a request or response dump (smithy-go
// transport/http RequestResponseLogger: "Request\n%v", "Response\n%v").
var sdkV2Record = regexp.MustCompile(`(?m)^SDK \d{4}/\d\d/\d\d \d\d:\d\d:\d\d (?:DEBUG|WARN) (?:Request|Response)\r?$`)

// readGoSDK reads aws-sdk-go-v2 and aws-sdk-go v1 logs.
func readGoSDK(d *doc, emit func(event)) {
	for i := 0; i < len(d.lines); i++ {
		line := d.clean(i)
		n := i + 1
		switch {
		case line == bannerCR || strings.HasSuffix(line, " "+bannerCR):
			ev, next := signingBlock(d, i)
			emit(ev)
			i = next - 1
		case line == bannerReqV1 || line == bannerRespV1:
			j := d.until(i+1, bannerEnd, bannerCR, bannerReqV1, bannerRespV1)
			if line == bannerReqV1 {
				emit(requestEventAt(d, n, i, j))
			} else {
				emit(responseEvent(n, d.between(i, j)))
			}
			if j < len(d.lines) && d.clean(j) != bannerEnd {
				j-- // a new block begins: this one was cut
			}
			i = j
		case isDumpLabel(line, "Request"), isDumpLabel(line, "Response"):
			end := d.recordEnd(i, d.startTest(line))
			if strings.HasSuffix(line, "Request") {
				emit(requestEventAt(d, n, i, end))
			} else {
				emit(responseEvent(n, d.between(i, end)))
			}
			i = end - 1
		}
	}
}

// isDumpLabel reports whether line is aws-sdk-go-v2's "…DEBUG Request"
// (or Response) record head, whatever logger printed it.
func isDumpLabel(line, word string) bool {
	return line == word || strings.HasSuffix(line, " DEBUG "+word) || strings.HasSuffix(line, "DEBUG: "+word)
}

// until returns the first line from i on that equals one of want, or the
// number of lines. Callers list the banners that open a block among want,
// so that a block the log cut short ends where the next one begins.
func (d *doc) until(i int, want ...string) int {
	for ; i < len(d.lines); i++ {
		l := d.clean(i)
		for _, w := range want {
			if l == w {
				return i
			}
		}
	}
	return len(d.lines)
}

// signingBlock reads the canonical request and string to sign after the
// banner at line i, and the signed URL of a presigned request.
func signingBlock(d *doc, i int) (event, int) {
	ev := event{line: i + 1, begin: true}
	stsAt := d.until(i+1, bannerSTS, bannerEnd, bannerCR)
	ev.cr = []byte(d.between(i, stsAt))
	if stsAt >= len(d.lines) || d.clean(stsAt) != bannerSTS {
		ev.notes = append(ev.notes, "the signing block ends before its string to sign")
		if stsAt < len(d.lines) && d.clean(stsAt) == bannerEnd {
			stsAt++
		}
		return ev, stsAt
	}
	end := d.until(stsAt+1, bannerURL, bannerEnd, bannerCR)
	ev.sts = []byte(d.between(stsAt, end))
	if end < len(d.lines) && d.clean(end) == bannerURL {
		urlEnd := d.until(end+1, bannerEnd, bannerCR)
		if r, err := request.ParseURL(d.between(end, urlEnd)); err == nil {
			r.Notes = append(r.Notes, "a presigned url the sdk signed; the log does not show it sent")
			ev.req = r
		}
		end = urlEnd
	}
	if end < len(d.lines) && d.clean(end) == bannerEnd {
		end++
	}
	return ev, end
}

// between is the text of the lines strictly between lines a and b.
func (d *doc) between(a, b int) string {
	if a+1 >= b {
		return ""
	}
	return d.slice(d.start(a+1), b)
}

// requestEvent parses an httputil.DumpRequestOut dump. A dump's last line
// ends in CRLF; the log record's end took the LF, which is put back.
func requestEvent(line int, dump string) event {
	if strings.HasSuffix(dump, "\r") {
		dump += "\n"
	}
	return requestEventBytes(line, []byte(dump))
}

// requestEventAt is requestEvent for the dump on lines a+1 through b-1 of
// the log, read from the log's bytes: the LF after a last line ending in
// CR is the one the log holds there.
func requestEventAt(d *doc, line, a, b int) event {
	if a+1 >= b {
		return requestEvent(line, "")
	}
	from, to := d.start(a+1), d.end(b-1)
	if strings.HasSuffix(d.s[from:to], "\r") {
		if to == len(d.s) {
			return requestEvent(line, d.s[from:to]) // the log ends on the CR: the LF is put back in a copy
		}
		to++ // the LF the record's end took
	}
	return requestEventBytes(line, d.bytes(from, to))
}

func requestEventBytes(line int, dump []byte) event {
	ev := event{line: line}
	r, err := request.ParseHTTP(dump)
	if err != nil {
		ev.notes = append(ev.notes, "the request dump does not parse: "+err.Error())
		return ev
	}
	ev.req = r
	return ev
}

// responseEvent parses an httputil.DumpResponse dump.
func responseEvent(line int, dump string) event {
	ev := event{line: line}
	if strings.HasSuffix(dump, "\r") {
		dump += "\n"
	}
	st, hdr, body, hasBody, ok := parseResponseDump(dump)
	if !ok {
		ev.notes = append(ev.notes, "the response dump has no status line")
		return ev
	}
	ev.status, ev.header = st, hdr
	if hasBody {
		ev.body = body
	}
	return ev
}
