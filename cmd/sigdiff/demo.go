package main

import (
	"embed"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigdiff/sigdiff/internal/clientsig"
	"github.com/sigdiff/sigdiff/internal/credentials"
	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/report"
	"github.com/sigdiff/sigdiff/internal/s3error"
)

// demoFiles are the bundled example: a real S3 error body published with a
// question about a Fine Uploader chunked upload, and the debug log of a
// signing server that makes one of the classic mistakes of that flow (it
// cuts the canonical request out of Fine Uploader's payload at an offset
// written for a 9-character region; the bucket is in cn-north-1).
//
// The second act replays the signing with a key: what Fine Uploader sent
// to the signing server (rebuilt from the error body's byte dumps) and the
// server's answer, made with the AWS documentation's example key, which
// stands in for the user's.
//
//go:embed demo/fineuploader-multipart-403.xml demo/signing-server-debug.log demo/fineuploader-payload.json demo/signing-server-answer.txt
var demoFiles embed.FS

// The AWS documentation's published example key pair.
const (
	exampleAccessKeyID = "AKIAIOSFODNN7EXAMPLE"
	exampleSecretKey   = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func newDemoCmd(e *env) *cobra.Command {
	o := &outputOptions{}
	c := &cobra.Command{
		Use:   "demo",
		Short: "run sigdiff on a bundled example (a Fine Uploader upload that S3 refused)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDemo(e, o)
		},
	}
	addOutputFlags(c, o)
	return c
}

func runDemo(e *env, o *outputOptions) error {
	return withMaskedStdout(e, o.redact, func() error { return runDemoInner(e, o) })
}

func runDemoInner(e *env, o *outputOptions) error {
	format, st, err := o.resolve(e)
	if err != nil {
		return err
	}
	bodyData, _ := demoFiles.ReadFile("demo/fineuploader-multipart-403.xml")
	logData, _ := demoFiles.ReadFile("demo/signing-server-debug.log")
	body, err := s3error.Parse(bodyData)
	if err != nil {
		return fmt.Errorf("the bundled example does not parse: %w", err)
	}
	client, err := clientsig.Parse(logData)
	if err != nil {
		return fmt.Errorf("the bundled signing-server log does not parse: %w", err)
	}
	if format == "text" {
		fmt.Fprint(e.stdout, `sigdiff demo: a browser upload with Fine Uploader (S3, SigV4, chunked) failed
with 403 SignatureDoesNotMatch. sigdiff reads the error body S3 returned and
the debug log of the small signing server that signed for the browser.
Same as: sigdiff check --client signing-server-debug.log fineuploader-multipart-403.xml

`)
	}
	rep := diagnose.Diagnose(diagnose.Input{Body: body, Client: client})
	payload, _ := demoFiles.ReadFile("demo/fineuploader-payload.json")
	answer, _ := demoFiles.ReadFile("demo/signing-server-answer.txt")
	creds := credentials.Credentials{AccessKeyID: exampleAccessKeyID, Secret: credentials.NewSecret(exampleSecretKey), Source: "the AWS documentation's example key"}
	fu, err := explainFineUploader(payload, "demo payload", creds, true, strings.TrimSpace(string(answer)), false)
	if err != nil {
		return fmt.Errorf("the bundled Fine Uploader payload: %w", err)
	}
	if format == "json" {
		return report.WriteJSON(e.stdout, struct {
			Check        *diagnose.Report    `json:"check"`
			FineUploader *fineUploaderResult `json:"fineuploader"`
		}{rep, fu})
	}
	if err := render(e.stdout, rep, format, st); err != nil {
		return err
	}
	if format == "text" {
		fmt.Fprint(e.stdout, `
──────────────────────────────────────────────────────────────────────────────
With the key, sigdiff proves it. Fine Uploader POSTed {"headers": …} to the
signing server; the server answered a signature. Replayed with the AWS
documentation's example key (standing in for yours):
Same as: sigdiff explain --fineuploader fineuploader-payload.json --signature `+fu.SignatureAnswered+`

`)
		if err := renderFineUploaderFinding(e.stdout, fu); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "  the correct signature for this payload and key: %s\n", fu.Derivation.Signature)
	}
	// The demo ran as it should: its diagnosis is not the user's failure.
	return nil
}
