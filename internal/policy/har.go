package policy

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// harLog is the part of a HAR 1.2 file (http://www.softwareishard.com/blog/har-12-spec/)
// read here. Browsers fill postData differently: Chrome gives the
// multipart body in text (and, for url-encoded bodies, params); Firefox
// gives params with fileName for the file and no file content.
type harLog struct {
	Log struct {
		Entries []struct {
			Request struct {
				Method   string       `json:"method"`
				URL      string       `json:"url"`
				Headers  []harHeader  `json:"headers"`
				PostData *harPostData `json:"postData"`
			} `json:"request"`
		} `json:"entries"`
	} `json:"log"`
}

type harHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	Params   []struct {
		Name        string  `json:"name"`
		Value       string  `json:"value"`
		FileName    *string `json:"fileName"`
		ContentType string  `json:"contentType"`
	} `json:"params"`
}

// ParseHAR reads the form fields of one request of a HAR capture: entry
// index when index ≥ 0, else the first POST entry whose body holds a
// policy field (the browser upload). The HAR is at most MaxInput bytes;
// it is decoded whole, so memory is about twice its size.
func ParseHAR(data []byte, index int) (*Form, error) {
	const src = "har"
	if len(data) > MaxInput {
		return nil, ErrTooLarge
	}
	var h harLog
	if err := json.Unmarshal(data, &h); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, formErr(src, data, int(se.Offset), "not json: "+se.Error())
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, formErr(src, data, int(te.Offset), "not a har: "+te.Field+" holds a "+te.Value)
		}
		return nil, formErr(src, data, -1, "not a har: "+err.Error())
	}
	entries := h.Log.Entries
	if index >= 0 {
		if index >= len(entries) {
			return nil, ErrHAREntry
		}
		return harForm(entries[index].Request.Method, entries[index].Request.URL, headerValue(entries[index].Request.Headers), entries[index].Request.PostData, index)
	}
	for i, e := range entries {
		if !strings.EqualFold(e.Request.Method, "POST") || e.Request.PostData == nil {
			continue
		}
		f, err := harForm(e.Request.Method, e.Request.URL, headerValue(e.Request.Headers), e.Request.PostData, i)
		if err != nil {
			continue
		}
		if _, ok := f.Get("policy"); ok {
			return f, nil
		}
	}
	return nil, ErrNoPOST
}

func headerValue(hs []harHeader) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, "content-type") {
			return h.Value
		}
	}
	return ""
}

func harForm(method, url, ctype string, pd *harPostData, index int) (*Form, error) {
	src := "har entry " + strconv.Itoa(index)
	if pd == nil {
		if strings.ContainsFunc(method, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
			method = strconv.Quote(method) // a message stays one line
		}
		return nil, formErr(src, nil, -1, method+" request without a body")
	}
	if pd.MimeType != "" {
		ctype = pd.MimeType
	}
	var f *Form
	switch {
	case len(pd.Params) > 0:
		f = &Form{ContentType: ctype}
		for _, p := range pd.Params {
			if len(f.Fields) >= MaxFields {
				return nil, formErr(src, nil, -1, "more than 1000 form fields")
			}
			fl := Field{Name: p.Name, Value: p.Value, Offset: -1, Size: -1}
			if p.FileName != nil {
				fl = Field{Name: p.Name, Offset: -1, File: true, FileName: *p.FileName, ContentType: p.ContentType, Size: -1}
			}
			f.Fields = append(f.Fields, fl)
		}
	case strings.Contains(strings.ToLower(ctype), "application/x-www-form-urlencoded"):
		var err error
		if f, err = urlEncodedForm(pd.Text); err != nil {
			return nil, err
		}
		f.ContentType = ctype
		f.Notes = append(f.Notes, "the body is url-encoded, not multipart/form-data: S3 accepts POST uploads only as multipart/form-data")
	case !strings.Contains(strings.ToLower(ctype), "multipart/") && !strings.HasPrefix(strings.TrimSpace(pd.Text), "--"):
		return nil, formErr(src, nil, -1, "the body is "+strconv.Quote(ctype)+", not a form (multipart/form-data)")
	default:
		var err error
		if f, err = ParseMultipart([]byte(pd.Text), ctype); err != nil {
			var fe *FormError
			if errors.As(err, &fe) {
				fe.Source = src + " body"
			}
			return nil, err
		}
	}
	// Offsets would count in the decoded postData text, not in the HAR.
	for i := range f.Fields {
		f.Fields[i].Offset = -1
	}
	f.Source, f.URL, f.Entry = src, url, index
	return f, nil
}

func urlEncodedForm(text string) (*Form, error) {
	f := &Form{}
	for _, piece := range strings.Split(text, "&") {
		if piece == "" {
			continue
		}
		if len(f.Fields) >= MaxFields {
			return nil, formErr("har", nil, -1, "more than 1000 form fields")
		}
		k, v, _ := strings.Cut(piece, "=")
		f.Fields = append(f.Fields, Field{Name: unescapeForm(k), Value: unescapeForm(v), Offset: -1, Size: -1})
	}
	return f, nil
}

func unescapeForm(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(n))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
