package recompute

import (
	"slices"
	"strings"
)

// CanonicalQueryString grammar (SigV4, "Create a canonical request"):
//
//	CanonicalQueryString = [ param *( "&" param ) ]
//	param                = UriEncode(name) "=" UriEncode(value)
//
// Each name and value is decoded as it arrived ('+' is a space, as S3 and
// Go's url.ParseQuery read it) and encoded again with UriEncode, so "%7e"
// and "~" agree, and a space is always %20. Parameters are sorted by encoded
// name, then by encoded value (get-vanilla-query-order-key,
// get-vanilla-query-order-value): sorting happens after encoding, byte by
// byte. A name without "=" has the empty value ("?acl" signs "acl=");
// empty pieces between "&"s are skipped, as Go's url.ParseQuery does.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request

// CanonicalQueryString returns the canonical query string of a raw query
// (without the '?', still encoded).
func CanonicalQueryString(rawQuery string) string {
	var q queryBuilder
	q.parse(rawQuery, nil)
	q.finish()
	return string(q.appendTo(make([]byte, 0, q.size())))
}

// param is one query parameter, name and value already canonical.
type param struct{ key, value string }

// span locates a canonical component: either a substring of the raw query
// (when it was already canonical) or a run of queryBuilder.arena.
type span struct {
	s        string
	off, end int
	arena    bool
}

// queryBuilder collects parameters; the components that need re-encoding
// are written into one arena, turned into a string once, so a query of any
// size costs two allocations.
type queryBuilder struct {
	spans [][2]span
	arena []byte
	ps    []param
}

func (q *queryBuilder) component(s string, plusIsSpace bool) span {
	if isRecoded(s, false, plusIsSpace) {
		return span{s: s}
	}
	off := len(q.arena)
	q.arena = appendRecode(q.arena, s, false, plusIsSpace)
	return span{off: off, end: len(q.arena), arena: true}
}

// add adds the parameter key (canonical already: the signing fields' names
// are unreserved characters) whose canonical value is q.arena[off:].
func (q *queryBuilder) add(key string, off int) {
	q.spans = append(q.spans, [2]span{{s: key}, {off: off, end: len(q.arena), arena: true}})
}

// parse adds the parameters of rawQuery; a, when not nil, leaves out the
// signing fields of a presigned URL (by canonical name).
func (q *queryBuilder) parse(rawQuery string, a *authFilter) {
	if q.spans == nil {
		q.spans = make([][2]span, 0, strings.Count(rawQuery, "&")+8)
	}
	for rest := rawQuery; rest != ""; {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		ks := q.component(k, true)
		if a != nil {
			name := ks.s
			if ks.arena {
				name = string(q.arena[ks.off:ks.end]) // rare: a needlessly encoded name
			}
			if a.drop(name, v) {
				if ks.arena {
					q.arena = q.arena[:ks.off]
				}
				continue
			}
		}
		q.spans = append(q.spans, [2]span{ks, q.component(v, true)})
	}
}

// finish resolves the spans into strings and sorts the parameters.
func (q *queryBuilder) finish() {
	a := string(q.arena)
	resolve := func(sp span) string {
		if sp.arena {
			return a[sp.off:sp.end]
		}
		return sp.s
	}
	q.ps = make([]param, len(q.spans))
	for i, kv := range q.spans {
		q.ps[i] = param{resolve(kv[0]), resolve(kv[1])}
	}
	slices.SortFunc(q.ps, func(a, b param) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
}

func (q *queryBuilder) size() int {
	n := 0
	for _, p := range q.ps {
		n += len(p.key) + len(p.value) + 2
	}
	return n
}

func (q *queryBuilder) appendTo(dst []byte) []byte {
	for i, p := range q.ps {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p.key...)
		dst = append(dst, '=')
		dst = append(dst, p.value...)
	}
	return dst
}
