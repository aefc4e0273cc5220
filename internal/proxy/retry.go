package proxy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// connTrace follows one round trip: whether the transport sent it on a
// kept-alive connection, and whether any byte of an answer came back.
// GotConn is called again when net/http retries on its own, so reused
// is the last connection's.
type connTrace struct {
	reused, answered atomic.Bool
}

func (c *connTrace) context(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn:              func(i httptrace.GotConnInfo) { c.reused.Store(i.Reused) },
		GotFirstResponseByte: func() { c.answered.Store(true) },
	})
}

// retryable reports whether a round trip that failed is sent once more,
// on a new connection. It is the keep-alive race: the upstream closes a
// connection it has kept idle (MinIO after 30 s, S3 after about 20 s)
// just as the proxy takes it from its pool, and the request, written
// into a dead socket, fails without an answer. net/http's Transport
// retries that only for requests it may replay on its own (GET, HEAD,
// OPTIONS and TRACE without a body, or when nothing was written and the
// body can be had again through GetBody: shouldRetryRequest in
// net/http/transport.go); an upload's body is the client's stream, read
// once. Here a retry happens when
//   - the client is still there, and the failure is not a timeout (an
//     upstream that took the request and stalls would get it twice);
//   - the connection was a kept-alive one: a new one that fails is the
//     upstream's answer, and retrying it could loop;
//   - no byte of an answer came back (a 100 Continue counts: that
//     connection was alive);
//   - every body byte taken from the client is still kept (bodyTap
//     keeps the first replayLimit, which covers what the transport sends
//     before a dead connection fails), so the body can be sent again
//     whole;
//   - and the upstream cannot have acted on the request: its body was not
//     sent to the end (no server acts on a partial body), or the method
//     is idempotent (RFC 9110 §9.2.2: GET, HEAD, OPTIONS, TRACE, PUT,
//     DELETE), so a request that did arrive and is sent again has the
//     effect of one. A POST sent whole (CompleteMultipartUpload,
//     DeleteObjects) is not sent again.
func (p *Proxy) retryable(r *http.Request, err error, ct *connTrace, body *bodyTap) bool {
	if r.Context().Err() != nil || !ct.reused.Load() || ct.answered.Load() {
		return false
	}
	if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	sentWhole := true
	if r.ContentLength != 0 {
		kept, complete := body.replayable()
		if !kept {
			return false
		}
		sentWhole = complete
	}
	return !sentWhole || idempotent(r.Method)
}

// idempotent reports whether a method is idempotent (RFC 9110 §9.2.2).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}
