package s3error

import (
	"fmt"
	"strconv"
	"strings"
)

// reindented is what an XML pretty-printer in an editor makes of a body:
// each element on its own line, and the lines of multi-line text indented
// too, with the closing tag on a line of its own.
func reindented(b base) string {
	var sb strings.Builder
	sb.WriteString(b.decl + "<Error>\n")
	for _, f := range b.fields {
		text := f.Text
		if strings.HasSuffix(f.Name, "Bytes") {
			text = wrapTokens(text, 100)
		}
		lines := strings.Split(xmlEscape(text), "\n")
		if len(lines) == 1 {
			fmt.Fprintf(&sb, "  <%s>%s</%s>\n", f.Name, lines[0], f.Name)
			continue
		}
		for i := 1; i < len(lines); i++ {
			if lines[i] != "" {
				lines[i] = "    " + lines[i]
			}
		}
		fmt.Fprintf(&sb, "  <%s>%s\n  </%s>\n", f.Name, strings.Join(lines, "\n"), f.Name)
	}
	sb.WriteString("</Error>\n")
	return sb.String()
}

// wrapTokens breaks a dump into lines of at most w characters.
func wrapTokens(s string, w int) string {
	var lines []string
	var cur string
	for _, t := range strings.Fields(s) {
		if cur != "" && len(cur)+1+len(t) > w {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += t
	}
	return strings.Join(append(lines, cur), "\n")
}

func keyValue(b base, sep string) string {
	var sb strings.Builder
	for _, f := range b.fields {
		sb.WriteString(f.Name + sep + f.Text + "\n")
	}
	return sb.String()
}

// printR is PHP's print_r of an array or of a SimpleXMLElement.
func printR(b base, simpleXML bool) string {
	var sb strings.Builder
	if simpleXML {
		sb.WriteString("SimpleXMLElement Object\n(\n")
	} else {
		sb.WriteString("Array\n(\n")
	}
	for _, f := range b.fields {
		sb.WriteString("    [" + f.Name + "] => " + f.Text + "\n")
	}
	sb.WriteString(")\n")
	return sb.String()
}

// varDump is PHP's var_dump of a SimpleXMLElement: byte lengths, raw text.
func varDump(b base) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "object(SimpleXMLElement)#2 (%d) {\n", len(b.fields))
	for _, f := range b.fields {
		fmt.Fprintf(&sb, "  [\"%s\"]=>\n  string(%d) \"%s\"\n", f.Name, len(f.Text), f.Text)
	}
	sb.WriteString("}\n")
	return sb.String()
}

// truncatedAt cuts the XML inside the n-th byte of CanonicalRequestBytes,
// after the first hex digit of that byte.
func truncatedAt(xml string, n int) string {
	i := strings.Index(xml, "<CanonicalRequestBytes>")
	return xml[:i+len("<CanonicalRequestBytes>")+3*n+1]
}

func erlangIntList(body string) string {
	var parts []string
	for i := 0; i < len(body); i++ {
		parts = append(parts, strconv.Itoa(int(body[i])))
	}
	return "** exception error: {s3_error,403,<<" + strings.Join(parts, ",") + ">>}\n"
}

const boto3ClientError = `Traceback (most recent call last):
  File "/app/upload.py", line 12, in <module>
    s3.get_object(Bucket="examplebucket", Key="test.txt", Range="bytes=0-9")
  File "/usr/lib/python3/site-packages/botocore/client.py", line 1021, in _make_api_call
    raise error_class(parsed_response, operation_name)
botocore.exceptions.ClientError: An error occurred (SignatureDoesNotMatch) when calling the GetObject operation: The request signature we calculated does not match the signature you provided. Check your key and signing method.
`

const javaV1Exception = `com.amazonaws.services.s3.model.AmazonS3Exception: The request signature we calculated does not match the signature you provided. Check your key and signing method. (Service: Amazon S3; Status Code: 403; Error Code: SignatureDoesNotMatch; Request ID: 4442587FB7D0A2F9; S3 Extended Request ID: RzQYHes10dAU3rrnhyDRRwN4NzuNxn3JrVcjlfK8NEqagFh0DZ0gkT56bMrYNwDTcU2iuZQohaY=), S3 Extended Request ID: RzQYHes10dAU3rrnhyDRRwN4NzuNxn3JrVcjlfK8NEqagFh0DZ0gkT56bMrYNwDTcU2iuZQohaY=
	at com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleErrorResponse(AmazonHttpClient.java:1879)
`

const goV2Error = `2024/05/01 10:00:00 operation error S3: GetObject, https response error StatusCode: 403, RequestID: 4442587FB7D0A2F9, HostID: RzQYHes10dAU3rrnhyDRRwN4NzuNxn3JrVcjlfK8NEqagFh0DZ0gkT56bMrYNwDTcU2iuZQohaY=, api error SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method.
`

// safariText is Safari's view of an XML body: the text nodes run together,
// white space collapsed.
func safariText(b base) string {
	var sb strings.Builder
	for _, f := range b.fields {
		sb.WriteString(strings.Join(strings.Fields(f.Text), " "))
	}
	return sb.String() + "\n"
}
