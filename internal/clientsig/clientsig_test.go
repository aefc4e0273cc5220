package clientsig

import (
	"strings"
	"testing"
)

const cr = "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
const sts = "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"

func TestParse_recognises(t *testing.T) {
	tests := []struct {
		name, in, form, cr, sts, sig string
	}{
		{"bare canonical request", cr + "\n", "canonical-request", cr, "", ""},
		{"bare string to sign", sts + "\n", "string-to-sign", "", sts, ""},
		{"labelled botocore style", "CanonicalRequest:\n" + cr + "\nStringToSign:\n" + sts + "\nSignature:\nabc\n", "labelled", cr, sts, ""},
		{"labelled with signature inline", "Canonical Request:\n" + cr + "\n\nString to sign: \n" + sts + "\nSignature: 0123ab\n", "labelled", cr, sts, "0123ab"},
		{"curl brackets", "* Canonical request (enclosed in []): [" + cr + "]\n", "labelled", cr, "", ""},
		{"fine uploader headers", strings.Join(strings.Split(sts, "\n")[:3], "\n") + "\n" + cr, "fineuploader-headers", cr, sts, ""},
		{"fine uploader json", `{"headers":"` + strings.ReplaceAll(strings.Join(strings.Split(sts, "\n")[:3], "\n")+"\n"+cr, "\n", `\n`) + `"}`, "fineuploader-json", cr, sts, ""},
		{"sigv2 string to sign", "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg", "string-to-sign", "", "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if s.Form != tt.form || string(s.CanonicalRequest) != tt.cr || string(s.StringToSign) != tt.sts || s.Signature != tt.sig {
				t.Errorf("got form %q\ncr %q\nsts %q\nsig %q", s.Form, s.CanonicalRequest, s.StringToSign, s.Signature)
			}
		})
	}
}

func TestParse_keepsCR(t *testing.T) {
	in := strings.ReplaceAll(cr, "\n", "\r\n")
	s, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(s.CanonicalRequest) != in {
		t.Errorf("CR lost: %q", s.CanonicalRequest)
	}
}

func TestParse_rejects(t *testing.T) {
	for _, in := range []string{"", "   \n", "hello", "{}", "<Error></Error>"} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) succeeded", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(cr))
	f.Add([]byte(sts))
	f.Add([]byte("CanonicalRequest:\n" + cr + "\nStringToSign:\n" + sts))
	f.Add([]byte(`{"headers":"AWS4-HMAC-SHA256\n1\n2\nGET\n/"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		s, err := Parse(in)
		if err == nil && s == nil {
			t.Fatal("nil result without error")
		}
	})
}

func TestParse_quotedLogLines(t *testing.T) {
	in := "2018-07-25 10:12:12,346 DEBUG sign.py:52 CanonicalRequest: '\\nPOST\\n/a\\n\\nhost:h\\n\\nhost\\nUNSIGNED-PAYLOAD'\n" +
		"2018-07-25 10:12:12,346 DEBUG sign.py:53 StringToSign: \"AWS4-HMAC-SHA256\\n20180725T101212Z\\ns\\nh\"\n" +
		"INFO signature=b'abc\\x64'\n"
	s, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if string(s.CanonicalRequest) != "\nPOST\n/a\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD" {
		t.Errorf("cr %q", s.CanonicalRequest)
	}
	if string(s.StringToSign) != "AWS4-HMAC-SHA256\n20180725T101212Z\ns\nh" {
		t.Errorf("sts %q", s.StringToSign)
	}
	if s.Signature != "abcd" {
		t.Errorf("sig %q", s.Signature)
	}
}

func TestUnquote_rejects(t *testing.T) {
	for _, in := range []string{`'abc`, `"a"b"`, `'\x4'`, `'\q'`, `'\`, `"\u12"`, `'\U0011ffff'`} {
		if v, ok := unquote(in); ok {
			t.Errorf("unquote(%q) = %q, want failure", in, v)
		}
	}
}
