package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The parts of a HAR entry read here. Sizes and the status are raw JSON so
// that an exporter writing null, a float or a string there does not lose the
// entry.
type (
	rawEntry struct {
		StartedDateTime string          `json:"startedDateTime"`
		Request         rawRequest      `json:"request"`
		Response        rawResponse     `json:"response"`
		ResourceType    string          `json:"_resourceType"` // Chromium
		Initiator       json.RawMessage `json:"_initiator"`    // Chromium
		FetchType       string          `json:"_fetchType"`    // Safari (CFNetwork)
	}
	rawRequest struct {
		Method      string          `json:"method"`
		URL         string          `json:"url"`
		HTTPVersion string          `json:"httpVersion"`
		Headers     []nameValue     `json:"headers"`
		Cookies     []nameValue     `json:"cookies"`
		PostData    *rawPostData    `json:"postData"`
		HeadersSize json.RawMessage `json:"headersSize"`
		BodySize    json.RawMessage `json:"bodySize"`
	}
	rawPostData struct {
		MimeType string     `json:"mimeType"`
		Text     *string    `json:"text"`
		Params   []rawParam `json:"params"`
	}
	rawParam struct {
		Name        string  `json:"name"`
		Value       *string `json:"value"`
		FileName    *string `json:"fileName"`
		ContentType string  `json:"contentType"`
	}
	rawResponse struct {
		Status      json.RawMessage `json:"status"`
		StatusText  string          `json:"statusText"`
		HTTPVersion string          `json:"httpVersion"`
		Headers     []nameValue     `json:"headers"`
		Content     rawContent      `json:"content"`
	}
	rawContent struct {
		Size     json.RawMessage `json:"size"`
		MimeType string          `json:"mimeType"`
		Text     *string         `json:"text"`
		Encoding string          `json:"encoding"`
	}
	nameValue struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
)

// Parse reads a whole HAR held in memory. Errors are *ParseError with the
// line and byte where decoding stopped, or ErrNotHAR.
func Parse(in []byte) (*HAR, error) {
	h, err := Read(bytes.NewReader(in))
	var pe *ParseError
	if errors.As(err, &pe) && pe.Offset >= 0 && pe.Offset <= int64(len(in)) {
		pe.Line = bytes.Count(in[:pe.Offset], []byte("\n")) + 1
	}
	return h, err
}

// Read reads a HAR from r and keeps its entries. Only the bodies of error
// responses (status 400 and above, up to MaxErrorBody) are kept: they are
// what sigdiff diagnoses, and success bodies are most of a capture's size.
func Read(r io.Reader) (*HAR, error) {
	var entries []*Entry
	h, err := Scan(r, func(e *Entry) error {
		if e.Response.HasBody && (e.Response.Status < 400 || len(e.Response.Body) > MaxErrorBody) {
			e.Response.Body, e.Response.HasBody, e.Response.Dropped = nil, false, true
		}
		entries = append(entries, e)
		return nil
	})
	if h != nil {
		h.Entries = entries
	}
	return h, err
}

// Scan reads a HAR from r, one entry at a time, and calls fn with each in
// file order; nothing is kept after fn returns, so memory stays that of one
// entry however long the capture. An error from fn stops the scan and is
// returned as is. The HAR returned holds the log's metadata and notes, no
// entries.
func Scan(r io.Reader, fn func(*Entry) error) (*HAR, error) {
	s := &scanner{in: &limitedReader{r: r, n: MaxInput}, h: &HAR{}}
	s.dec = json.NewDecoder(s.in)
	err := s.document(fn)
	if err != nil {
		return s.h, err
	}
	s.h.Browser = s.browser()
	if s.h.Browser == "safari" {
		s.h.Notes = append(s.h.Notes, "safari exports header fields as a map: duplicate fields are merged and the order is not the order sent")
	}
	return s.h, nil
}

var errTooLarge = fmt.Errorf("input is more than %d bytes (1 GiB), the most a har may be", MaxInput)

// limitedReader fails, rather than ending quietly, after n bytes: a HAR cut
// at the cap would otherwise report a syntax error at the cut.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

type scanner struct {
	in    *limitedReader
	dec   *json.Decoder
	h     *HAR
	entry int // 1-based entry being read, 0 outside log.entries

	chromium, safari bool // exporter-specific fields seen in entries
}

func (s *scanner) browser() string {
	switch c := strings.ToLower(s.h.Creator); {
	case strings.Contains(c, "webkit"), strings.Contains(c, "safari"):
		return "safari"
	case strings.Contains(c, "firefox"):
		return "firefox"
	case c == "webinspector", strings.Contains(c, "chrom"), strings.Contains(c, "edge"):
		return "chrome"
	case s.safari:
		return "safari"
	case s.chromium:
		return "chrome"
	}
	return ""
}

func (s *scanner) fail(err error, msg string) error {
	if errors.Is(err, errTooLarge) {
		msg = errTooLarge.Error()
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		msg = "not json: " + se.Error()
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "the json ends early (a cut or unfinished export)"
	}
	return &ParseError{Offset: s.dec.InputOffset(), Entry: s.entry, Msg: msg, Err: err}
}

// document reads {"log": {…}} and skips every other member.
func (s *scanner) document(fn func(*Entry) error) error {
	if err := s.delim('{', "a har is a json object"); err != nil {
		return err
	}
	sawEntries := false
	for s.dec.More() {
		key, err := s.key()
		if err != nil {
			return err
		}
		if key != "log" {
			if err := s.skip(); err != nil {
				return s.fail(err, "bad value of "+key)
			}
			continue
		}
		if sawEntries, err = s.log(fn); err != nil {
			return err
		}
	}
	if _, err := s.dec.Token(); err != nil {
		return s.fail(err, "the top-level object is not closed")
	}
	if !sawEntries {
		return ErrNotHAR
	}
	return nil
}

// log reads the log object: version, creator and entries, in any order.
func (s *scanner) log(fn func(*Entry) error) (bool, error) {
	if err := s.delim('{', "log is not an object"); err != nil {
		return false, err
	}
	sawEntries := false
	for s.dec.More() {
		key, err := s.key()
		if err != nil {
			return false, err
		}
		switch key {
		case "version":
			var v json.RawMessage
			if err := s.dec.Decode(&v); err != nil {
				return false, s.fail(err, "bad log.version")
			}
			_ = json.Unmarshal(v, &s.h.Version)
		case "creator":
			var c struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			}
			if err := s.dec.Decode(&c); err != nil && !isTypeError(err) {
				return false, s.fail(err, "bad log.creator")
			}
			s.h.Creator, s.h.CreatorVersion = c.Name, c.Version
		case "entries":
			if err := s.entries(fn); err != nil {
				return false, err
			}
			sawEntries = true
		default:
			if err := s.skip(); err != nil {
				return false, s.fail(err, "bad value of log."+key)
			}
		}
	}
	if _, err := s.dec.Token(); err != nil {
		return false, s.fail(err, "log is not closed")
	}
	return sawEntries, nil
}

func (s *scanner) entries(fn func(*Entry) error) error {
	if err := s.delim('[', "log.entries is not an array"); err != nil {
		return err
	}
	for s.dec.More() {
		s.entry++
		if s.entry > MaxEntries {
			return &ParseError{Offset: s.dec.InputOffset(), Entry: s.entry, Msg: fmt.Sprintf("more than %d entries, the most a har may hold", MaxEntries)}
		}
		var re rawEntry
		err := s.dec.Decode(&re)
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			// Decode has read the whole entry and filled what it could.
			s.h.Notes = append(s.h.Notes, fmt.Sprintf("entry %d: %s holds a json %s; the entry is read without it", s.entry, te.Field, te.Value))
		case err != nil:
			return s.fail(err, "bad entry")
		}
		if re.ResourceType != "" || len(re.Initiator) > 0 {
			s.chromium = true
		}
		if re.FetchType != "" {
			s.safari = true
		}
		if err := fn(buildEntry(&re, s.entry, s.browser())); err != nil {
			return err
		}
	}
	s.entry = 0
	if _, err := s.dec.Token(); err != nil {
		return s.fail(err, "log.entries is not closed")
	}
	return nil
}

func (s *scanner) delim(d json.Delim, msg string) error {
	t, err := s.dec.Token()
	if err != nil {
		return s.fail(err, msg)
	}
	if t != d {
		return &ParseError{Offset: s.dec.InputOffset(), Entry: s.entry, Msg: msg}
	}
	return nil
}

func (s *scanner) key() (string, error) {
	t, err := s.dec.Token()
	if err != nil {
		return "", s.fail(err, "bad object key")
	}
	k, ok := t.(string)
	if !ok {
		return "", &ParseError{Offset: s.dec.InputOffset(), Entry: s.entry, Msg: "bad object key"}
	}
	return k, nil
}

// skip reads past one value token by token, so that skipping a large
// member (log.pages, a browser's private fields) holds no copy of it.
func (s *scanner) skip() error {
	depth := 0
	for {
		t, err := s.dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

func isTypeError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

// number reads a raw JSON number as an int; -1 when it is absent, null or
// not a number.
func number(raw json.RawMessage) int {
	var f float64
	if n, ok := plainInt(raw); ok {
		f = float64(n) // what json.Unmarshal makes of it, without its decoder: sizes and statuses are read four times an entry
	} else if len(raw) == 0 || json.Unmarshal(raw, &f) != nil {
		return -1
	}
	if f < -1 || f > 1<<53 {
		return -1
	}
	return int(f)
}

// plainInt reads a JSON integer (RFC 8259 §6: "-"? and "0" or digits not
// starting with 0) of at most 15 digits, which a float64 holds exactly.
func plainInt(raw []byte) (int, bool) {
	digits := raw
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 15 || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if len(digits) < len(raw) {
		n = -n
	}
	return n, true
}
