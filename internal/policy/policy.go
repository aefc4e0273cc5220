// Package policy reads the POST policy of a browser form upload (S3's
// "HTTP POST" with a policy document, SigV4 and SigV2), the form fields
// that were sent with it, and checks every condition of the policy against
// those fields the way S3 does, so that "Invalid according to Policy" can
// be pinned to the condition that failed.
//
// Grammar of the policy (S3 API Reference, "POST Policy"):
//
//	policy     = { "expiration": ISO8601-UTC, "conditions": [ condition, … ] }
//	condition  = { "field": "value" }                     exact match
//	           | [ "eq", "$field", "value" ]               exact match
//	           | [ "starts-with", "$field", "prefix" ]     "" matches anything
//	           | [ "content-length-range", min, max ]      file size in bytes
//
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html (SigV2)
package policy

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
)

// Policy is a parsed POST policy document.
type Policy struct {
	JSON   []byte // the document as decoded (what the base64 form encodes)
	Base64 string // the base64 form when the input was base64 (the string to sign), else ""
	Doc    *Doc

	Expiration       string // as written; "" when absent
	ExpirationOffset int    // byte offset of its value in JSON, -1 when absent
	Conditions       []Condition

	// Problems are faults of the document itself that make S3 reject it
	// whatever the form holds (no expiration, no conditions, an unknown
	// top-level key), one lowercase sentence each.
	Problems []Problem
	Notes    []string // departures from strict JSON or base64 that were accepted
}

// Problem is a fault of the policy document, with where it is.
type Problem struct {
	Offset  int // byte offset in JSON, -1 when it concerns the whole document
	Message string
}

// Condition operators as policies spell them. An exact-match object
// ({"acl": "public-read"}) is OpEq with Object set.
const (
	OpEq                 = "eq"
	OpStartsWith         = "starts-with"
	OpContentLengthRange = "content-length-range"
)

// Condition is one condition of the policy. A malformed condition has
// Invalid set; S3 rejects a policy holding one.
type Condition struct {
	Index  int    // position in the conditions array, from 0
	Offset int    // byte offset in JSON
	Source string // the condition as written (for an object with several members: that member)
	Op     string // OpEq, OpStartsWith, OpContentLengthRange, or as written when unknown
	Object bool   // written as {"field": "value"}
	Field  string // the field name without its '$', as written
	Value  string // eq / starts-with value
	Min    int64  // content-length-range bounds
	Max    int64

	Invalid string // why S3 would not accept the condition; "" when well formed
}

// Parse reads a policy given as JSON or as its base64 form (the policy form
// field): input whose first non-blank byte is '{' is JSON, anything else is
// base64 (blanks around it are dropped). Only syntax errors (*SyntaxError)
// and undecodable base64 fail; faults S3 would reject the policy for are
// in Problems and in the conditions' Invalid.
func Parse(input []byte) (*Policy, error) {
	trimmed := bytes.TrimSpace(input)
	if len(trimmed) == 0 {
		return nil, ErrNoPolicy
	}
	p := &Policy{ExpirationOffset: -1}
	if trimmed[0] == '{' || bytes.HasPrefix(trimmed, []byte("\xef\xbb\xbf{")) {
		p.JSON = input
	} else {
		if len(trimmed) > MaxJSON*4/3+4 {
			return nil, ErrTooLarge
		}
		dec, note, err := DecodeBase64(string(trimmed))
		if err != nil {
			return nil, err
		}
		if note != "" {
			p.Notes = append(p.Notes, note)
		}
		p.Base64, p.JSON = string(trimmed), dec
	}
	doc, err := ParseJSON(p.JSON)
	if err != nil {
		return nil, err
	}
	p.Doc = doc
	p.Notes = append(p.Notes, doc.Notes...)
	if doc.Root.Kind != Object {
		return nil, ErrNotObject
	}
	p.readTop(doc.Root)
	return p, nil
}

// DecodeBase64 decodes a base64 policy the way servers are lenient about
// it: standard alphabet first, then without padding, then the URL-safe
// alphabet, and line breaks removed (Python's base64.encodebytes wraps at
// 76 characters). note says which leniency was needed.
func DecodeBase64(s string) (dec []byte, note string, err error) {
	// encoding/base64 skips CR and LF itself.
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		if strings.ContainsAny(s, "\r\n") {
			return b, "the base64 policy is wrapped over several lines; S3 signs it with its line breaks", nil
		}
		return b, "", nil
	}
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, "the base64 policy has no padding", nil
	}
	t := strings.TrimRight(s, "=")
	if b, err := base64.RawURLEncoding.DecodeString(t); err == nil {
		return b, "the policy uses the url-safe base64 alphabet (- and _)", nil
	}
	return nil, "", ErrBase64
}

func (p *Policy) problem(off int, msg string) {
	p.Problems = append(p.Problems, Problem{Offset: off, Message: msg})
}

func (p *Policy) readTop(root *Value) {
	var sawConditions bool
	for _, m := range root.Members {
		switch m.Key {
		case "expiration":
			if m.Value.Kind != String {
				p.problem(m.Value.Offset, "expiration must be a string such as \"2030-01-01T00:00:00.000Z\", not a "+m.Value.Kind.String())
				continue
			}
			p.Expiration, p.ExpirationOffset = m.Value.Str, m.Value.Offset
		case "conditions":
			sawConditions = true
			if m.Value.Kind != Array {
				p.problem(m.Value.Offset, "conditions must be an array, not a "+m.Value.Kind.String())
				continue
			}
			for i, c := range m.Value.Elems {
				p.Conditions = append(p.Conditions, p.readCondition(i, c)...)
			}
		default:
			p.problem(m.Offset, "unknown top-level key "+strconv.Quote(m.Key)+": a policy holds only expiration and conditions")
		}
	}
	if p.ExpirationOffset < 0 && !p.hasProblemAbout("expiration") {
		p.problem(-1, "the policy has no expiration; S3 requires one")
	}
	if !sawConditions {
		p.problem(-1, "the policy has no conditions array; S3 requires one")
	}
}

func (p *Policy) hasProblemAbout(word string) bool {
	for _, pr := range p.Problems {
		if strings.HasPrefix(pr.Message, word) {
			return true
		}
	}
	return false
}

func (p *Policy) source(v *Value) string {
	const max = 200
	s := string(p.JSON[v.Offset:v.End])
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

func (p *Policy) readCondition(i int, v *Value) []Condition {
	switch v.Kind {
	case Object:
		if len(v.Members) == 0 {
			return []Condition{{Index: i, Offset: v.Offset, Source: p.source(v), Invalid: "an empty object is not a condition"}}
		}
		var cs []Condition
		for _, m := range v.Members {
			c := Condition{Index: i, Offset: m.Offset, Op: OpEq, Object: true, Field: m.Key}
			c.Source = p.sourceRange(m.Offset, m.Value.End)
			if len(v.Members) == 1 {
				c.Source = p.source(v)
			}
			if m.Value.Kind != String {
				c.Invalid = "the value of " + strconv.Quote(m.Key) + " must be a string, not a " + m.Value.Kind.String()
			} else {
				c.Value = m.Value.Str
			}
			cs = append(cs, c)
		}
		return cs
	case Array:
		return []Condition{p.readArrayCondition(i, v)}
	}
	return []Condition{{Index: i, Offset: v.Offset, Source: p.source(v), Invalid: "a condition is an object or an array, not a " + v.Kind.String()}}
}

func (p *Policy) sourceRange(from, to int) string {
	return p.source(&Value{Offset: from, End: to})
}

func (p *Policy) readArrayCondition(i int, v *Value) Condition {
	c := Condition{Index: i, Offset: v.Offset, Source: p.source(v)}
	if len(v.Elems) == 0 || v.Elems[0].Kind != String {
		c.Invalid = "an array condition starts with its operator: \"eq\", \"starts-with\" or \"content-length-range\""
		return c
	}
	c.Op = v.Elems[0].Str
	op := strings.ToLower(c.Op)
	switch op {
	case OpEq, OpStartsWith:
		c.Op = op
		if len(v.Elems) != 3 {
			c.Invalid = strconv.Quote(op) + " takes a field and a value: [\"" + op + "\", \"$field\", \"value\"]"
			return c
		}
		name, val := v.Elems[1], v.Elems[2]
		if name.Kind != String {
			c.Invalid = "the field of " + strconv.Quote(op) + " must be a string such as \"$key\""
			return c
		}
		c.Field = strings.TrimPrefix(name.Str, "$")
		if !strings.HasPrefix(name.Str, "$") {
			c.Invalid = "the field name " + strconv.Quote(name.Str) + " must start with $ (\"$" + name.Str + "\")"
		}
		if val.Kind != String {
			c.Invalid = "the value of " + strconv.Quote(op) + " must be a string, not a " + val.Kind.String()
			return c
		}
		c.Value = val.Str
	case OpContentLengthRange:
		c.Op = op
		if len(v.Elems) != 3 {
			c.Invalid = "content-length-range takes two numbers: [\"content-length-range\", min, max]"
			return c
		}
		var ok1, ok2 bool
		c.Min, ok1 = intValue(v.Elems[1])
		c.Max, ok2 = intValue(v.Elems[2])
		switch {
		case !ok1 || !ok2:
			c.Invalid = "content-length-range bounds must be whole numbers of bytes"
		case c.Min < 0 || c.Min > c.Max:
			c.Invalid = "content-length-range needs 0 ≤ min ≤ max"
		}
	default:
		c.Invalid = "S3 knows no condition " + strconv.Quote(c.Op) + ": the operators are eq, starts-with and content-length-range"
	}
	return c
}

// intValue reads a byte count: a JSON integer, or a string holding one
// (some hand-written signers quote the bounds; reading them lets the size
// check still run).
func intValue(v *Value) (int64, bool) {
	if v.Kind != Number && v.Kind != String {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v.Str), 10, 64)
	return n, err == nil
}

// Credential returns the value of the policy's x-amz-credential condition
// (exact match, object or eq form), which names the signing scope.
func (p *Policy) Credential() (string, bool) {
	return p.Exact("x-amz-credential")
}

// Algorithm returns the value of the policy's x-amz-algorithm condition.
func (p *Policy) Algorithm() (string, bool) {
	return p.Exact("x-amz-algorithm")
}

// Exact returns the value a well-formed exact-match condition (object or
// eq form) requires for field, compared case-insensitively.
func (p *Policy) Exact(field string) (string, bool) {
	for _, c := range p.Conditions {
		if c.Op == OpEq && c.Invalid == "" && strings.EqualFold(c.Field, field) {
			return c.Value, true
		}
	}
	return "", false
}
