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
	q.parse(rawQuery, nil, 0)
	order := q.finish(nil)
	return string(q.appendTo(make([]byte, 0, q.size()), order))
}

// param is one query parameter, name and value canonical. Until finish,
// a component that needed re-encoding is a run [off, end) of the arena.
type param struct {
	key, value         string
	ko, ke, vo, ve     int32
	inArenaK, inArenaV bool
}

// queryBuilder collects parameters. The components that need re-encoding
// are written into one arena, sized once and frozen into a string at the
// end, so a query of any size costs two allocations. Queries are capped by
// maxRequestPart, so int32 offsets suffice.
type queryBuilder struct {
	arena []byte
	ps    []param
}

// component canonicalizes one raw name or value: s itself when it is
// canonical already, else a run of the arena.
func (q *queryBuilder) component(s string) (str string, off, end int32, inArena bool) {
	if isRecoded(s, false) {
		return s, 0, 0, false
	}
	o := len(q.arena)
	q.arena = appendRecode(q.arena, s, false, true)
	return "", int32(o), int32(len(q.arena)), true
}

// parse adds the parameters of rawQuery; a, when not nil, leaves out the
// signing fields of a presigned URL (by canonical name), and room is made
// for the arena bytes they will add (authBytes).
func (q *queryBuilder) parse(rawQuery string, a *authFilter, authBytes int) {
	if rawQuery == "" && a == nil {
		return
	}
	extra := 0
	if a != nil {
		extra = authParams
	}
	q.ps = make([]param, 0, strings.Count(rawQuery, "&")+1+extra)
	if n := recodedQueryLen(rawQuery) + authBytes; n > 0 {
		// Sized once, the arena does not grow. (Were it to, offsets stay
		// valid: it is frozen only in finish.)
		q.arena = make([]byte, 0, n)
	}
	for rest := rawQuery; rest != ""; {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		var p param
		p.key, p.ko, p.ke, p.inArenaK = q.component(k)
		if a != nil {
			name := p.key
			if p.inArenaK {
				name = string(q.arena[p.ko:p.ke]) // rare: a needlessly encoded name
			}
			if a.drop(name, v) {
				if p.inArenaK {
					q.arena = q.arena[:p.ko]
				}
				continue
			}
		}
		p.value, p.vo, p.ve, p.inArenaV = q.component(v)
		q.ps = append(q.ps, p)
	}
}

// recodedQueryLen is how many arena bytes parse needs for rawQuery: the
// re-encoded length of each component that is not canonical already.
func recodedQueryLen(rawQuery string) int {
	n := 0
	for rest := rawQuery; rest != ""; {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		k, v, _ := strings.Cut(piece, "=")
		for _, c := range [2]string{k, v} {
			if !isRecoded(c, false) {
				n += recodedLen(c, false, true)
			}
		}
	}
	return n
}

// add adds the parameter key (canonical already: the signing fields' names
// are unreserved characters) whose canonical value is q.arena[off:].
func (q *queryBuilder) add(key string, off int) {
	q.ps = append(q.ps, param{key: key, vo: int32(off), ve: int32(len(q.arena)), inArenaV: true})
}

// authParams is how many signing fields presignQuery adds at most.
const authParams = 6

// finish resolves the arena runs into strings and returns the indices of
// the parameters in canonical order, appended to order (the caller's room,
// usually on its stack).
func (q *queryBuilder) finish(order []int32) []int32 {
	a := frozen(q.arena)
	for i := range q.ps {
		p := &q.ps[i]
		if p.inArenaK {
			p.key = a[p.ko:p.ke]
		}
		if p.inArenaV {
			p.value = a[p.vo:p.ve]
		}
	}
	// Sort indices: moving 48-byte params with pointers costs more.
	if len(q.ps) > cap(order) {
		order = make([]int32, 0, len(q.ps))
	}
	for i := range q.ps {
		order = append(order, int32(i))
	}
	ps := q.ps
	slices.SortFunc(order, func(a, b int32) int {
		if c := strings.Compare(ps[a].key, ps[b].key); c != 0 {
			return c
		}
		return strings.Compare(ps[a].value, ps[b].value)
	})
	return order
}

func (q *queryBuilder) size() int {
	n := 0
	for _, p := range q.ps {
		n += len(p.key) + len(p.value) + 2
	}
	return n
}

func (q *queryBuilder) appendTo(dst []byte, order []int32) []byte {
	for i, j := range order {
		p := &q.ps[j]
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = append(dst, p.key...)
		dst = append(dst, '=')
		dst = append(dst, p.value...)
	}
	return dst
}
