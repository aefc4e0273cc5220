package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/s3error"
	"github.com/sigdiff/sigdiff/internal/search"
)

// runSearch looks for the known client mistake that reproduces the
// signature sent. It runs within the budget, draws a progress line on a
// terminal when it takes longer than half a second, and stops on Ctrl-C
// with what it found so far.
func runSearch(e *env, budget search.Budget, body *s3error.Body, in *diagnose.Input, creds credentials.Credentials, req *request.Request) {
	if budget == search.Off {
		return
	}
	sig := body.SignatureProvided
	if sig == "" {
		sig = in.SentSignature
	}
	run := v4Search(body, in, creds, strings.TrimSpace(sig), req)
	if scheme := searchScheme(body, in); search.IsV2(scheme) {
		run = v2Search(scheme, body, in, creds, strings.TrimSpace(sig), req)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	drew := false
	opts := search.Options{Budget: budget}
	if e.stderrIsTTY {
		opts.Progress = func(p search.Progress) {
			if time.Since(start) < 500*time.Millisecond {
				return
			}
			drew = true
			fmt.Fprintf(e.stderr, "\rsearching client mistakes (%s): %d of ~%d candidates, %.1fs  ", p.Tier, p.Tried, p.Planned, p.Elapsed.Seconds())
		}
	}
	res, err := run(ctx, opts)
	if drew {
		fmt.Fprint(e.stderr, "\r\033[K")
	}
	if err != nil {
		in.Recomputed = withNote(in.Recomputed, "the mistake search could not start: "+err.Error())
		return
	}
	s := &diagnose.Search{Tried: res.Tried, Groups: res.Groups, ElapsedMS: res.Elapsed.Milliseconds(), BudgetExhausted: res.BudgetExhausted, Cancelled: res.Cancelled}
	if s.Groups == nil {
		s.Groups = []string{}
	}
	s.Ops = []diagnose.SearchOp{}
	if h := res.Hit; h != nil {
		s.Reproduced = true
		s.CanonicalRequest, s.StringToSign = h.CanonicalRequest, h.StringToSign
		for _, op := range h.Ops {
			s.Ops = append(s.Ops, diagnose.SearchOp{ID: op.ID, Cause: op.Cause, Arg: op.Arg, Summary: op.Summary})
		}
	}
	in.Search = s
}

type searchFunc func(context.Context, search.Options) (*search.Result, error)

// v4Search searches from the server's canonical request, or, when the
// server gave none, from the request recomputed.
func v4Search(body *s3error.Body, in *diagnose.Input, creds credentials.Credentials, sig string, req *request.Request) searchFunc {
	si := search.Input{
		CanonicalRequest: string(body.CanonicalRequest),
		StringToSign:     string(body.StringToSign),
		Credentials:      creds,
		Signature:        sig,
		Request:          req,
	}
	if si.CanonicalRequest == "" && in.Recomputed != nil {
		// Servers that say nothing: search around the request recomputed.
		si.CanonicalRequest, si.Recomputed = in.Recomputed.CanonicalRequest, true
		if si.StringToSign == "" {
			si.StringToSign = in.Recomputed.StringToSign
		}
	}
	return func(ctx context.Context, opts search.Options) (*search.Result, error) {
		return search.Run(ctx, si, opts)
	}
}

// v2Search searches a SigV2 or OSS V1 string to sign: the server's, or
// the request's recomputed when the server gave none (MinIO, Ceph).
func v2Search(scheme string, body *s3error.Body, in *diagnose.Input, creds credentials.Credentials, sig string, req *request.Request) searchFunc {
	si := search.V2Input{Scheme: scheme, StringToSign: string(body.StringToSign), Credentials: creds, Signature: sig, Request: req}
	if si.StringToSign == "" && in.Recomputed != nil {
		si.StringToSign, si.Recomputed = in.Recomputed.StringToSign, true
	}
	return func(ctx context.Context, opts search.Options) (*search.Result, error) {
		return search.RunV2(ctx, si, opts)
	}
}

// searchScheme is the scheme the search works in: the one the request
// was signed with when sigdiff recomputed it, else the body's.
func searchScheme(body *s3error.Body, in *diagnose.Input) string {
	if rc := in.Recomputed; rc != nil && rc.Scheme != "" {
		return rc.Scheme
	}
	return body.Scheme
}

func withNote(rc *diagnose.Recomputed, note string) *diagnose.Recomputed {
	if rc == nil {
		rc = &diagnose.Recomputed{}
	}
	rc.Notes = append(rc.Notes, note)
	return rc
}
