package proxy

import (
	"context"
	"fmt"

	"github.com/sigdiff/sigdiff/internal/request"
	"github.com/sigdiff/sigdiff/internal/search"
)

// v2Search runs internal/search's SigV2 and OSS V1 search over a refused
// request the proxy could not verify: from the string to sign recomputed
// from the request as received, whose signature the key does not give,
// for the variant the client signed instead (a resource written as
// botocore's HmacV1Auth writes it, a Content-Type added in transit, a
// HEAD fetched as GET, …). It queues with the V4 searches.
func (p *Proxy) v2Search(v *verification, req *request.Request) (hit *search.Hit, ran bool, notes []string) {
	if p.cfg.Search == search.Off {
		return nil, false, []string{"mistake search off: not run"}
	}
	if v.result == nil || v.result.StringToSign == "" || v.auth == nil {
		return nil, false, []string{"mistake search not run: no string to sign"}
	}
	if p.searchQueue.Add(1) > maxQueuedSearches {
		p.searchQueue.Add(-1)
		return nil, false, []string{fmt.Sprintf("mistake search not run: %d refusals already wait for one", maxQueuedSearches)}
	}
	p.searching <- struct{}{}
	defer func() { <-p.searching; p.searchQueue.Add(-1) }()
	in := search.V2Input{
		Scheme:       v.result.Scheme,
		StringToSign: v.result.StringToSign,
		Recomputed:   true,
		Credentials:  v.creds,
		Signature:    v.auth.Signature,
		Request:      req,
	}
	res, err := search.RunV2(context.Background(), in, search.Options{Budget: p.cfg.Search})
	if err != nil {
		return nil, false, []string{"mistake search not run: " + err.Error()}
	}
	if res.Hit == nil {
		n := fmt.Sprintf("mistake search: %d variants of the string to sign in %s, none reproduces the signature sent", res.Tried, res.Elapsed.Round(1e6))
		if res.BudgetExhausted {
			n += " (stopped by its time bound)"
		}
		return nil, true, []string{n}
	}
	return res.Hit, true, []string{fmt.Sprintf("mistake search: reproduced after %d variants of the string to sign in %s", res.Tried, res.Elapsed.Round(1e6))}
}
