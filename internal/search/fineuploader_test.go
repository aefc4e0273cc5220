package search

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigdiff/sigdiff/internal/recompute"
	"github.com/sigdiff/sigdiff/internal/testenv"
)

// TestFineUploaderDemo runs the search on the Fine Uploader demo: the real
// multipart-init payload behind ../shared/examples/fineuploader-multipart-403.xml
// (cn-north-1, so the canonical request starts at byte 70 of the signer's
// input) and the answer of a signing server that cut it at byte 69, signed
// with the example key (testdata/fineuploader/README.md). The search
// reproduces the signature: the client hashed a newline plus the canonical
// request, which is both a leading newline and the cut at 69; the cut is
// among the alternatives.
func TestFineUploaderDemo(t *testing.T) {
	dir := filepath.Join(testenv.RepoRoot(t), "testdata", "fineuploader")
	raw, err := os.ReadFile(filepath.Join(dir, "multipart-init.json"))
	if err != nil {
		t.Skipf("fine uploader fixture: %v", err)
	}
	sig, err := os.ReadFile(filepath.Join(dir, "multipart-init.offset-69.signature"))
	if err != nil {
		t.Skipf("fine uploader fixture: %v", err)
	}
	var p struct{ Headers string }
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	ls := strings.SplitN(p.Headers, "\n", 4)
	head := strings.Join(ls[:3], "\n") + "\n"
	cr := ls[3]
	if len(head) != 70 {
		t.Fatalf("prefix is %d bytes", len(head))
	}
	res, err := Run(context.Background(), Input{CanonicalRequest: cr, StringToSign: head + recompute.HashHex(cr), Credentials: exampleCreds,
		Signature: strings.TrimSpace(string(sig))}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Hit == nil {
		t.Fatalf("no hit after %d candidates", res.Tried)
	}
	if got := opString(res.Hit.Ops); got != "cr-extra-leading-newline" {
		t.Errorf("hit %s", got)
	}
	if got := opString(res.Hit.Alternatives); !strings.Contains(" "+got+" ", " cr-sliced:69 ") {
		t.Errorf("alternatives %q lack cr-sliced:69", got)
	}
	if res.Hit.CanonicalRequest != "\n"+cr || res.Hit.StringToSign != head+recompute.HashHex("\n"+cr) {
		t.Errorf("hit %+v", res.Hit)
	}
	if !strings.HasPrefix(recompute.HashHex("\n"+cr), "66c93b93") {
		t.Errorf("the hashed bytes are not those of the demo's debug log")
	}
}
