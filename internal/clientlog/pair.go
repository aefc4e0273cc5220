package clientlog

import (
	"github.com/sigdiff/sigdiff/internal/request"
)

// part is one piece of an exchange that a log record can supply.
type part uint16

const (
	partCR part = 1 << iota
	partSTS
	partSig
	partReq
	partStatus
	partRespHeader
	partRespBody
	partErrText

	signingParts  = partCR | partSTS | partSig
	responseParts = partStatus | partRespHeader | partRespBody | partErrText
)

// event is what one record (or block) of a log says about an exchange.
type event struct {
	line  int  // 1-based line where the record starts
	begin bool // a signing starts here (botocore's "Calculating signature using v4 auth."): a new exchange
	weak  bool // a fallback (s3cmd's ErrorXML lines, aws-sdk-java's "Sending Request:"): fills only what is missing
	key   string

	cr, sts []byte
	sig     string
	req     *request.Request
	status  int
	header  []request.Field
	body    []byte
	errText string
	notes   []string
}

func (ev *event) parts() part {
	var p part
	if ev.cr != nil {
		p |= partCR
	}
	if ev.sts != nil {
		p |= partSTS
	}
	if ev.sig != "" {
		p |= partSig
	}
	if ev.req != nil {
		p |= partReq
	}
	if ev.status != 0 {
		p |= partStatus
	}
	if ev.header != nil {
		p |= partRespHeader
	}
	if ev.body != nil {
		p |= partRespBody
	}
	if ev.errText != "" {
		p |= partErrText
	}
	return p
}

// pairer groups events into exchanges. Clients log one request at a time:
// the signing (canonical request, string to sign, signature), then the
// request, then the response, then the next request's signing. So an
// event joins the open exchange unless that exchange already has what the
// event brings, or the event signs or sends while the exchange already has
// its response; then it opens the next. Keyed events (rclone's request
// pointers, which tell interleaved transfers apart) join the exchange of
// their key.
type pairer struct {
	ex     [][]Exchange // in chunks of exchangeChunk (see open)
	n      int          // exchanges opened
	has    []part
	weak   []part
	cur    int
	byKey  map[string]int
	capped bool
	notes  []string // notes of events outside any exchange
}

func newPairer() *pairer { return &pairer{cur: -1, byKey: map[string]int{}} }

// exchangeChunk is how many exchanges are allocated at once, past the
// first chunk. append grows a large slice by a quarter at a time, which
// for a log of thousands of requests allocates its exchanges five times
// over; in chunks they are allocated once, and once more when joined.
const exchangeChunk = 256

// at is exchange i.
func (p *pairer) at(i int) *Exchange { return &p.ex[i/exchangeChunk][i%exchangeChunk] }

func (p *pairer) open(line int) bool {
	if p.n >= MaxExchanges {
		p.capped = true
		return false
	}
	if len(p.ex) == 0 || len(p.ex[len(p.ex)-1]) == exchangeChunk {
		c := []Exchange(nil) // the first chunk grows as needed: most logs hold a few exchanges
		if len(p.ex) > 0 {
			c = make([]Exchange, 0, exchangeChunk)
		}
		p.ex = append(p.ex, c)
	}
	last := &p.ex[len(p.ex)-1]
	*last = append(*last, Exchange{Line: line})
	p.has = append(p.has, 0)
	p.weak = append(p.weak, 0)
	p.cur = p.n
	p.n++
	return true
}

// exchanges returns the exchanges in one slice.
func (p *pairer) exchanges() []Exchange {
	if len(p.ex) <= 1 {
		if len(p.ex) == 0 {
			return nil
		}
		return p.ex[0]
	}
	out := make([]Exchange, 0, p.n)
	for _, c := range p.ex {
		out = append(out, c...)
	}
	return out
}

func (p *pairer) add(ev event) {
	parts := ev.parts()
	if ev.begin && p.cur >= 0 && p.has[p.cur] != 0 {
		p.cur = -1
	}
	if parts == 0 && ev.begin && len(ev.notes) > 0 && p.open(ev.line) {
		p.at(p.cur).Notes = append(p.at(p.cur).Notes, ev.notes...) // a signing the log cut short
		return
	}
	if parts == 0 {
		if i, ok := p.byKey[ev.key]; ok && ev.key != "" {
			p.at(i).Notes = append(p.at(i).Notes, ev.notes...)
		} else if p.cur >= 0 {
			p.at(p.cur).Notes = append(p.at(p.cur).Notes, ev.notes...)
		} else {
			p.notes = append(p.notes, ev.notes...)
		}
		return
	}
	target := p.cur
	switch {
	case ev.key != "":
		i, ok := p.byKey[ev.key]
		if !ok || (p.has[i]&^p.weak[i])&parts != 0 {
			if !p.open(ev.line) {
				return
			}
			i = p.cur
			p.byKey[ev.key] = i
		}
		target = i
	case ev.weak:
		// A fallback fills what the open exchange lacks; a fallback
		// request or signing that the exchange already has, or that
		// comes after its response, belongs to the next one.
		if target < 0 || (parts&(signingParts|partReq) != 0 && (p.has[target]&responseParts != 0 || p.has[target]&parts == parts)) {
			if !p.open(ev.line) {
				return
			}
		}
		target = p.cur
		if parts &^= p.has[target]; parts == 0 {
			return // the exchange has it all: the fallback and its notes are not needed
		}
	default:
		if target < 0 || p.conflicts(target, parts) {
			if !p.open(ev.line) {
				return
			}
			target = p.cur
		}
	}
	p.set(target, &ev, parts)
}

// conflicts reports whether parts belong to the exchange after i: i
// already has them (not as a fallback), or they sign or send a request
// while i already has its response.
func (p *pairer) conflicts(i int, parts part) bool {
	strong := p.has[i] &^ p.weak[i]
	return strong&parts != 0 || (parts&(signingParts|partReq) != 0 && strong&responseParts != 0)
}

func (p *pairer) set(i int, ev *event, parts part) {
	x := p.at(i)
	if parts&partCR != 0 {
		x.CanonicalRequest = ev.cr
	}
	if parts&partSTS != 0 {
		x.StringToSign = ev.sts
	}
	if parts&partSig != 0 {
		x.Signature = ev.sig
	}
	if parts&partReq != 0 {
		x.Request = ev.req
	}
	if parts&partStatus != 0 {
		x.Status = ev.status
	}
	if parts&partRespHeader != 0 {
		x.ResponseHeader = ev.header
	}
	if parts&partRespBody != 0 {
		x.ResponseBody, x.HasResponseBody = ev.body, true
	}
	if parts&partErrText != 0 {
		x.ErrorText = ev.errText
	}
	x.Notes = append(x.Notes, ev.notes...)
	p.has[i] |= parts
	if ev.weak {
		p.weak[i] |= parts
	} else {
		p.weak[i] &^= parts
	}
}
