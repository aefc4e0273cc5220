package credentials

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The AWS documentation's example keys; none grants access to anything.
const (
	akid    = "AKIAIOSFODNN7EXAMPLE"
	secret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	akid2   = "AKIDEXAMPLE"
	secret2 = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	token   = "FQoGZXIvYXdzEXAMPLETOKEN"
)

// env is an injected environment with HOME at a temp dir.
type env map[string]string

func newEnv(t *testing.T) (env, string) {
	home := t.TempDir()
	return env{"HOME": home, "USERPROFILE": home}, home
}

func (e env) get(k string) string { return e[k] }

func write(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// load runs Load and checks that no error message holds a secret or a
// line of a credentials file.
func load(t *testing.T, o Options, files ...string) (Credentials, error) {
	t.Helper()
	c, err := Load(o)
	if err != nil {
		msg := err.Error()
		for _, s := range []string{secret, secret2, token, "aws_secret_access_key =", "aws_secret_access_key="} {
			if strings.Contains(msg, s) {
				t.Errorf("error %q holds %q", msg, s)
			}
		}
		for _, f := range files {
			b, _ := os.ReadFile(f)
			for _, l := range strings.Split(string(b), "\n") {
				if l = strings.TrimSpace(l); len(l) > 12 && strings.Contains(msg, l) {
					t.Errorf("error %q holds the line %q of %s", msg, l, f)
				}
			}
		}
	}
	return c, err
}

func wantCreds(t *testing.T, c Credentials, err error, id, sec, tok, source string) {
	t.Helper()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.AccessKeyID != id || c.Secret.Reveal() != sec || c.SessionToken.Reveal() != tok || c.Source != source {
		t.Errorf("got id %q secret %q token %q source %q\nwant id %q secret %q token %q source %q",
			c.AccessKeyID, c.Secret.Reveal(), c.SessionToken.Reveal(), c.Source, id, sec, tok, source)
	}
}

func TestLoad_precedence(t *testing.T) {
	e, home := newEnv(t)
	write(t, filepath.Join(home, ".aws", "credentials"), "[default]\naws_access_key_id = "+akid2+"\naws_secret_access_key = "+secret2+"\n\n[dev]\naws_access_key_id="+akid+"\naws_secret_access_key="+secret+"\n")
	keyFile := write(t, filepath.Join(home, "key.txt"), secret+"\n")
	e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"], e["AWS_SESSION_TOKEN"] = "AKIDENV", "envsecret", token

	c, err := load(t, Options{AccessKey: akid, SecretKey: NewSecret("flagsecret"), SecretKeyFile: keyFile, Profile: "dev", Getenv: e.get})
	wantCreds(t, c, err, akid, "flagsecret", "", "flags")

	c, err = load(t, Options{AccessKey: akid, SecretKeyFile: keyFile, Profile: "dev", Getenv: e.get})
	wantCreds(t, c, err, akid, secret, "", "secret key file ~/key.txt")

	c, err = load(t, Options{Profile: "dev", Getenv: e.get})
	wantCreds(t, c, err, akid, secret, "", "profile dev in ~/.aws/credentials")

	c, err = load(t, Options{Getenv: e.get})
	wantCreds(t, c, err, "AKIDENV", "envsecret", token, "env AWS_*")

	delete(e, "AWS_SECRET_ACCESS_KEY") // half a pair in the env is skipped, as the SDK skips it
	c, err = load(t, Options{Getenv: e.get})
	wantCreds(t, c, err, akid2, secret2, "", "profile default in ~/.aws/credentials")

	e["AWS_PROFILE"] = "dev"
	c, err = load(t, Options{Getenv: e.get})
	wantCreds(t, c, err, akid, secret, "", "profile dev in ~/.aws/credentials")
}

func TestLoad_envNames(t *testing.T) {
	for _, c := range []struct {
		service   string
		vars      env
		id, token string
		source    string
	}{
		{"aws", env{"AWS_ACCESS_KEY": "A1", "AWS_SECRET_KEY": "s"}, "A1", "", "env AWS_*"},
		{"", env{"AWS_ACCESS_KEY_ID": "A2", "AWS_ACCESS_KEY": "X", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t"}, "A2", "t", "env AWS_*"},
		{"oss", env{"OSS_ACCESS_KEY_ID": "O1", "OSS_ACCESS_KEY_SECRET": "s", "OSS_SESSION_TOKEN": "t", "ALIBABA_CLOUD_ACCESS_KEY_ID": "X", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "x"}, "O1", "t", "env OSS_*"},
		{"oss", env{"ALIBABA_CLOUD_ACCESS_KEY_ID": "L1", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s", "ALIBABA_CLOUD_SECURITY_TOKEN": "t", "AWS_ACCESS_KEY_ID": "X", "AWS_SECRET_ACCESS_KEY": "x"}, "L1", "t", "env ALIBABA_CLOUD_*"},
		{"gcs", env{"GOOGLE_HMAC_ACCESS_ID": "GOOG1", "GOOGLE_HMAC_SECRET": "s"}, "GOOG1", "", "env GOOGLE_HMAC_*"},
	} {
		got, err := Load(Options{Service: c.service, Getenv: c.vars.get})
		if err != nil || got.AccessKeyID != c.id || got.Secret.Reveal() != "s" || got.SessionToken.Reveal() != c.token || got.Source != c.source {
			t.Errorf("%s %v: got %+v, %v", c.service, c.vars, got, err)
		}
	}
	// AWS variables do not serve OSS.
	if _, err := Load(Options{Service: "oss", Getenv: env{"AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "s"}.get}); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("oss with only AWS variables: %v", err)
	}
	if _, err := Load(Options{Service: "azure", Getenv: env{}.get}); err == nil || !strings.Contains(err.Error(), `unknown service "azure"`) {
		t.Errorf("unknown service: %v", err)
	}
}

func TestLoad_profileInConfigOnly(t *testing.T) {
	e, home := newEnv(t)
	cfg := write(t, filepath.Join(home, ".aws", "config"), "[default]\nregion = us-east-1\n\n# work account\n[profile work]\nregion = eu-west-1\naws_access_key_id = "+akid+"\naws_secret_access_key = "+secret+"\naws_session_token = "+token+"\n")
	c, err := load(t, Options{Profile: "work", Getenv: e.get}, cfg)
	wantCreds(t, c, err, akid, secret, token, "profile work in ~/.aws/config")

	// [default] with no keys: nothing found, and the message says where it looked.
	_, err = load(t, Options{Getenv: e.get}, cfg)
	if !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "profile default in ~/.aws/credentials and ~/.aws/config (no keys in it)") {
		t.Errorf("default without keys: %v", err)
	}
}

func TestLoad_filesFromEnvAndCRLF(t *testing.T) {
	e, home := newEnv(t)
	dir := t.TempDir()
	e["AWS_SHARED_CREDENTIALS_FILE"] = write(t, filepath.Join(dir, "creds"), "[ci]\r\naws_access_key_id = "+akid+"\r\naws_secret_access_key = "+secret+"\r\n")
	e["AWS_CONFIG_FILE"] = filepath.Join(dir, "missing-config")
	write(t, filepath.Join(home, ".aws", "credentials"), "[ci]\naws_access_key_id = WRONG\naws_secret_access_key = wrong\n")
	c, err := load(t, Options{Profile: "ci", Getenv: e.get})
	wantCreds(t, c, err, akid, secret, "", "profile ci in "+filepath.Join(dir, "creds"))
}

func TestLoad_secretKeyFile(t *testing.T) {
	e, home := newEnv(t)
	for _, c := range []struct{ content, want string }{
		{secret + "\n", secret},
		{secret, secret},
		{secret + "\r\n", secret},
		{secret + " \n", secret + " "},                // a stray blank is kept: it is the diagnosis
		{"\ufeff" + secret + "\n", "\ufeff" + secret}, // so is a BOM
		{secret + "\nsecond line\n", secret},
	} {
		f := write(t, filepath.Join(home, "k"), c.content)
		got, err := load(t, Options{SecretKeyFile: f, Getenv: e.get})
		if err != nil || got.Secret.Reveal() != c.want {
			t.Errorf("file %q: secret %q, %v; want %q", c.content, got.Secret.Reveal(), err, c.want)
		}
	}
	for _, c := range []struct{ content, want string }{
		{"", "~/k: line 1: is empty"},
		{"\n" + secret + "\n", "~/k: line 1: is empty"},
		{strings.Repeat("x", maxSecretFile+1), "~/k: line 1: is longer than 65536 bytes"},
	} {
		f := write(t, filepath.Join(home, "k"), c.content)
		_, err := load(t, Options{SecretKeyFile: f, Getenv: e.get}, f)
		var fe *FileError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("file of %d bytes: %v, want %s…", len(c.content), err, c.want)
		}
	}
	_, err := load(t, Options{SecretKeyFile: filepath.Join(home, "nope"), Getenv: e.get})
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != "~/nope: does not exist" {
		t.Errorf("missing file: %v", err)
	}
	_, err = load(t, Options{SecretKeyFile: home, Getenv: e.get})
	if err == nil || !strings.Contains(err.Error(), "cannot be read") {
		t.Errorf("directory as key file: %v", err)
	}
}

func TestLoad_missingProfile(t *testing.T) {
	e, home := newEnv(t)
	cfg := write(t, filepath.Join(home, ".aws", "config"), "[default]\nregion = us-east-1\n[staging]\naws_access_key_id = "+akid+"\naws_secret_access_key = "+secret+"\n")
	_, err := load(t, Options{Profile: "prod", Getenv: e.get}, cfg)
	var pe *ProfileError
	if !errors.Is(err, ErrProfileNotFound) || !errors.As(err, &pe) || err.Error() != `profile "prod": not found in ~/.aws/credentials and ~/.aws/config` {
		t.Errorf("missing profile: %v", err)
	}
	// A config section without the "profile " prefix is ignored by the SDK; the hint says why.
	_, err = load(t, Options{Profile: "staging", Getenv: e.get}, cfg)
	if !errors.As(err, &pe) || pe.Hint != "~/.aws/config line 3 has [staging]; in the config file a profile section is written [profile staging]" {
		t.Errorf("unprefixed config section: %v (hint %q)", err, pe.Hint)
	}
	// AWS_PROFILE asks as explicitly as --profile.
	e["AWS_PROFILE"] = "prod"
	if _, err := load(t, Options{Getenv: e.get}, cfg); !errors.Is(err, ErrProfileNotFound) {
		t.Errorf("AWS_PROFILE=prod missing: %v", err)
	}
}

func TestLoad_profilesThatNeedTheNetwork(t *testing.T) {
	e, home := newEnv(t)
	marker := filepath.Join(t.TempDir(), "ran")
	cfg := write(t, filepath.Join(home, ".aws", "config"), strings.Join([]string{
		"[profile sso]", "sso_session = corp", "sso_account_id = 111122223333", "sso_role_name = Dev",
		"[sso-session corp]", "sso_start_url = https://corp.awsapps.com/start", "sso_region = us-east-1",
		"[profile role]", "role_arn = arn:aws:iam::111122223333:role/Dev", "source_profile = base",
		"[profile base]", "aws_access_key_id = " + akid, "aws_secret_access_key = " + secret,
		"[profile proc]", "credential_process = sh -c 'touch " + marker + "'",
		"[profile imds]", "credential_source = Ec2InstanceMetadata", "role_arn = arn:aws:iam::111122223333:role/Ec2",
		"[profile half]", "aws_access_key_id = " + akid,
		"[profile empty]", "region = us-west-2",
		"[profile odd]", "defaults_mode = sesame-" + secret2,
	}, "\n")+"\n")
	for _, c := range []struct{ profile, want, hint string }{
		{"sso", `profile "sso" in ~/.aws/config line 1: gets its keys from aws sso`, "export-credentials --profile sso"},
		{"role", `profile "role" in ~/.aws/config line 8: gets its keys from an assumed role`, "export-credentials --profile role"},
		{"proc", `profile "proc" in ~/.aws/config line 14: gets its keys from credential_process`, "export-credentials"},
		{"imds", `profile "imds" in ~/.aws/config line 16: gets its keys from an assumed role`, "export-credentials"},
		{"half", `profile "half" in ~/.aws/config line 19: has only one of aws_access_key_id and aws_secret_access_key`, ""},
		{"empty", `profile "empty" in ~/.aws/config line 21: has no aws_access_key_id and aws_secret_access_key`, ""},
		{"odd", `profile "odd" in ~/.aws/config line 23: the aws config loader rejects it: `, ""},
	} {
		_, err := load(t, Options{Profile: c.profile, Getenv: e.get}, cfg)
		var pe *ProfileError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), c.want) || !strings.Contains(pe.Hint, c.hint) {
			t.Errorf("profile %s: %v (hint %q)\nwant %s…", c.profile, err, pe.Hint, c.want)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("credential_process was run; sigdiff must never run it")
	}
	c, err := load(t, Options{Profile: "base", Getenv: e.get}, cfg)
	wantCreds(t, c, err, akid, secret, "", "profile base in ~/.aws/config")
}

func TestLoad_noCredentials(t *testing.T) {
	e, _ := newEnv(t)
	c, err := load(t, Options{Getenv: e.get})
	want := "no credentials found; looked at --secret-key, --secret-key-file, env AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, profile default in ~/.aws/credentials and ~/.aws/config (neither file exists)"
	if !errors.Is(err, ErrNoCredentials) || err.Error() != want || !c.Secret.Empty() {
		t.Errorf("no credentials:\nhave %v\nwant %s", err, want)
	}
	// --access-key alone survives, for commands that work without a secret.
	e["OSS_ACCESS_KEY_ID"] = "LTAI"
	c, err = load(t, Options{AccessKey: akid, Service: "oss", Getenv: e.get})
	if !errors.Is(err, ErrNoCredentials) || c.AccessKeyID != akid || !strings.Contains(err.Error(), "env OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (only OSS_ACCESS_KEY_ID is set)") {
		t.Errorf("access key only: %+v, %v", c, err)
	}
	// No home and no variables: still a clear sentence.
	_, err = load(t, Options{Getenv: env{}.get})
	if !errors.Is(err, ErrNoCredentials) || !strings.HasSuffix(err.Error(), "profile default in the shared files (no home directory to find them in)") {
		t.Errorf("no home: %v", err)
	}
}

func TestLoad_accessKeyMismatch(t *testing.T) {
	e, _ := newEnv(t)
	e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"] = akid2, secret2
	_, err := load(t, Options{AccessKey: akid, Getenv: e.get})
	if err == nil || err.Error() != "--access-key "+akid+" does not match the access key "+akid2+" from env AWS_*" {
		t.Errorf("mismatch: %v", err)
	}
	c, err := load(t, Options{AccessKey: akid2, Getenv: e.get})
	wantCreds(t, c, err, akid2, secret2, "", "env AWS_*")
}

func TestLoad_unreadableSharedFile(t *testing.T) {
	e, home := newEnv(t)
	if err := os.MkdirAll(filepath.Join(home, ".aws", "credentials"), 0o700); err != nil { // a directory where the file should be
		t.Fatal(err)
	}
	_, err := load(t, Options{Getenv: e.get})
	var fe *FileError
	if !errors.As(err, &fe) || err.Error() != "~/.aws/credentials: cannot be read: is a directory" {
		t.Errorf("unreadable credentials file: %v", err)
	}
	if runtime.GOOS != "windows" && os.Geteuid() != 0 {
		p := write(t, filepath.Join(home, "locked"), "[default]\n")
		os.Chmod(p, 0)
		e["AWS_SHARED_CREDENTIALS_FILE"] = p
		if _, err := load(t, Options{Getenv: e.get}); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("unreadable credentials file: %v", err)
		}
	}
}

// TestLoad_loaderCrash: aws-sdk-go-v2's INI reader panics on a lone quote;
// Load turns that into an error naming the line.
func TestLoad_loaderCrash(t *testing.T) {
	e, home := newEnv(t)
	creds := write(t, filepath.Join(home, ".aws", "credentials"), "[default]\naws_access_key_id = "+akid+"\naws_secret_access_key = "+secret+"\nregion = \"\n")
	_, err := load(t, Options{Getenv: e.get}, creds)
	var fe *FileError
	if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "~/.aws/credentials: line 4: a value that is a lone quote character crashes the aws config loader") {
		t.Errorf("lone quote: %v", err)
	}
}
