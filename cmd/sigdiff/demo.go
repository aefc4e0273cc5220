package main

import (
	"embed"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sigdiff/sigdiff/internal/clientsig"
	"github.com/sigdiff/sigdiff/internal/diagnose"
	"github.com/sigdiff/sigdiff/internal/s3error"
)

// demoFiles are the bundled example: a real S3 error body published with a
// question about a Fine Uploader chunked upload, and the debug log of a
// signing server that makes one of the classic mistakes of that flow (it
// cuts the canonical request out of Fine Uploader's payload at an offset
// written for a 9-character region; the bucket is in cn-north-1).
//
//go:embed demo/fineuploader-multipart-403.xml demo/signing-server-debug.log
var demoFiles embed.FS

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
	format, err := outputFormat(o.format, o.json)
	if err != nil {
		return err
	}
	st, err := palette(e, o.color)
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
	if err := render(e.stdout, rep, format, st); err != nil {
		return err
	}
	// The demo ran as it should: its diagnosis is not the user's failure.
	return nil
}
