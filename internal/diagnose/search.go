package diagnose

import (
	"fmt"
	"strings"
)

// Search is what the mistake search (internal/search) found: the known
// client mistakes that reproduce the signature sent, with the exact bytes
// the client signed, or how much it tried.
type Search struct {
	Reproduced       bool       `json:"reproduced"`
	Ops              []SearchOp `json:"operators"`
	CanonicalRequest string     `json:"canonical_request,omitempty"`
	StringToSign     string     `json:"string_to_sign,omitempty"`
	Tried            int64      `json:"candidates_tried"`
	Groups           []string   `json:"families"`
	ElapsedMS        int64      `json:"elapsed_ms"`
	BudgetExhausted  bool       `json:"budget_exhausted"`
	Cancelled        bool       `json:"cancelled"`
}

// SearchOp is one mistake the search applied.
type SearchOp struct {
	ID      string `json:"id"`
	Cause   string `json:"cause"`
	Arg     string `json:"arg,omitempty"`
	Summary string `json:"summary"`
}

// judgeSearch makes a search hit the verdict: the client's own bytes are
// known, so they replace any other view in the diff, and the mistakes'
// causes lead, proved.
func (r *Report) judgeSearch(in Input) bool {
	s := in.Search
	if s == nil || !s.Reproduced || len(s.Ops) == 0 {
		return false
	}
	var what []string
	for _, op := range s.Ops {
		what = append(what, op.Summary)
	}
	r.Verdict = ClientSignedDifferently
	r.Diffs = nil
	r.FirstDivergence = nil
	b := in.Body
	serverCR, serverSTS := b.CanonicalRequest, b.StringToSign
	if len(serverCR) == 0 && in.Recomputed != nil {
		serverCR = []byte(in.Recomputed.CanonicalRequest)
	}
	if len(serverSTS) == 0 && in.Recomputed != nil {
		serverSTS = []byte(in.Recomputed.StringToSign)
	}
	r.compare(serverCR, []byte(s.CanonicalRequest), serverSTS, []byte(s.StringToSign))
	r.Headline = "reproduced the signature sent; the client's mistake: " + strings.Join(what, "; and ")
	if r.FirstDivergence != nil {
		r.Headline += "; what it signed differs from what the server expected here: " + r.FirstDivergence.Label
	}
	r.Facts = append(r.Facts, fmt.Sprintf("the mistake search reproduced SignatureProvided exactly after %d candidates: the bytes below are what the client signed", s.Tried))
	for _, op := range s.Ops {
		r.addCause(op.Cause, Reproduced, op.Summary)
	}
	return true
}

// searchFacts records a search without a hit.
func (r *Report) searchFacts(s *Search) {
	if s == nil || s.Reproduced {
		return
	}
	how := "tried"
	switch {
	case s.Cancelled:
		how = "tried before it was interrupted"
	case s.BudgetExhausted:
		how = "tried before its time ran out (give --search deep to go on)"
	}
	r.Facts = append(r.Facts, fmt.Sprintf("the mistake search reproduced nothing: %d candidates %s, families %s", s.Tried, how, strings.Join(s.Groups, ", ")))
}
