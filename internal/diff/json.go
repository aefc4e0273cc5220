package diff

import (
	"encoding/hex"
	"encoding/json"
	"unicode/utf8"
)

// The JSON form of a Result, stable for scripts and documented in the
// README:
//
//	{"part": "canonical_request", "kind": "canonical-request-v4", "equal": false,
//	 "units": [{"label": "method", "op": "changed",
//	            "server": {"offset": 0, "len": 4, "text": "GET\n"},
//	            "client": {"offset": 0, "len": 4, "text": "PUT\n"},
//	            "edits": [{"op": "changed", "server": {…}, "client": {…}}, …]}, …],
//	 "first_divergence": {"part": …, "offset": 0, "client_offset": 0, "line": 1,
//	                      "column": 1, "server": "4745", "client": "5055",
//	                      "label": "line 1: method: server has `GET`, client has `PUT`"}}
//
// "text" holds the exact bytes as a JSON string; when they are not valid
// UTF-8 (JSON cannot carry them: encoders substitute U+FFFD) "hex" holds
// them too. "edits" is present on changed units only; "first_divergence"
// is null when the sides are equal. Offsets are bytes, 0-based.

type jsonSpan struct {
	Offset int    `json:"offset"`
	Len    int    `json:"len"`
	Text   string `json:"text"`
	Hex    string `json:"hex,omitempty"`
}

type jsonEdit struct {
	Op     Op       `json:"op"`
	Server jsonSpan `json:"server"`
	Client jsonSpan `json:"client"`
}

type jsonUnit struct {
	Label  string     `json:"label"`
	Op     Op         `json:"op"`
	Server jsonSpan   `json:"server"`
	Client jsonSpan   `json:"client"`
	Edits  []jsonEdit `json:"edits,omitempty"`
}

type jsonDivergence struct {
	Part         string `json:"part"`
	Offset       int    `json:"offset"`
	ClientOffset int    `json:"client_offset"`
	Line         int    `json:"line"`
	Column       int    `json:"column"`
	Server       string `json:"server"`
	Client       string `json:"client"`
	Label        string `json:"label"`
}

type jsonResult struct {
	Part            string          `json:"part"`
	Kind            Kind            `json:"kind"`
	Equal           bool            `json:"equal"`
	Units           []jsonUnit      `json:"units"`
	FirstDivergence *jsonDivergence `json:"first_divergence"`
}

func spanJSON(all []byte, s Span) jsonSpan {
	b := all[s.Offset:s.End()]
	js := jsonSpan{Offset: s.Offset, Len: s.Len, Text: string(b)}
	if !utf8.Valid(b) {
		js.Hex = hex.EncodeToString(b)
	}
	return js
}

// MarshalJSON encodes r in the stable form above.
func (r *Result) MarshalJSON() ([]byte, error) {
	jr := jsonResult{Part: r.Part, Kind: r.Kind, Equal: r.Equal(), Units: []jsonUnit{}}
	for _, u := range r.Units {
		ju := jsonUnit{Label: u.Label, Op: u.Op, Server: spanJSON(r.Server, u.Server), Client: spanJSON(r.Client, u.Client)}
		for _, e := range u.Edits {
			ju.Edits = append(ju.Edits, jsonEdit{Op: e.Op, Server: spanJSON(r.Server, e.Server), Client: spanJSON(r.Client, e.Client)})
		}
		jr.Units = append(jr.Units, ju)
	}
	if d := r.First; d != nil {
		jr.FirstDivergence = &jsonDivergence{d.Part, d.Offset, d.ClientOffset, d.Line, d.Column, d.Server, d.Client, d.Label}
	}
	return json.Marshal(jr)
}
