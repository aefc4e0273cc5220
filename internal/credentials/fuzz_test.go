package credentials

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

const fuzzSecret = "FUZZsecretFUZZsecretFUZZsecretFUZZsecret"

// FuzzLoad feeds arbitrary shared credentials and config files, with a
// known secret planted in them, through Load: no panic, one-line errors,
// and the secret only ever in Credentials.Secret.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("[dev]\naws_access_key_id = A\n"), []byte("[profile dev]\nregion = x\n"), "dev")
	f.Add([]byte("[default]\r\naws_access_key_id=A\r\n"), []byte(""), "")
	f.Add([]byte(""), []byte("[profile sso]\nsso_session = s\n[sso-session s]\nsso_region = r\n"), "sso")
	f.Add([]byte("[a]\nsource_profile = b\nrole_arn = r\n[b]\naws_access_key_id = B\n"), []byte(""), "a")
	f.Add([]byte("[x]\n  aws_access_key_id = A\n\tcontinued\n"), []byte("[profile x]\ns3 =\n  addressing_style = path\n"), "x")
	home := f.TempDir() // reused: each fuzz worker runs its inputs one at a time
	f.Fuzz(func(t *testing.T, creds, cfg []byte, profile string) {
		if strings.ContainsAny(profile, "\r\n") {
			return
		}
		creds = append(creds, "\naws_secret_access_key = "+fuzzSecret+"\n"...)
		write(t, filepath.Join(home, ".aws", "credentials"), string(creds))
		write(t, filepath.Join(home, ".aws", "config"), string(cfg))
		c, err := Load(Options{Profile: profile, Getenv: env{"HOME": home}.get})
		if err == nil {
			return
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("error is not one line: %q", msg)
		}
		if strings.Contains(msg, fuzzSecret) || !c.Secret.Empty() {
			t.Fatalf("error %q with secret set %v", msg, !c.Secret.Empty())
		}
	})
}

// FuzzSecretFile: the secret is the first line without its line break.
func FuzzSecretFile(f *testing.F) {
	for _, s := range []string{"k\n", "k\r\n", "", "\n", " k \n", "\ufeffk", "k\nl\n", "k\r\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		s, err := firstLine(content, "k")
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		line, _, _ := bytes.Cut(content, []byte("\n"))
		if want := string(bytes.TrimSuffix(line, []byte("\r"))); s.Reveal() != want || want == "" {
			t.Fatalf("secret %q, want %q", s.Reveal(), want)
		}
	})
}
