package credentials

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Options says where Load looks. The zero value looks for AWS keys in the
// process environment and the default shared files.
type Options struct {
	Profile       string              // --profile: a profile of the AWS shared files, for any Service
	AccessKey     string              // --access-key
	SecretKey     Secret              // --secret-key (a fallback: the CLI warns that it lands in shell history)
	SecretKeyFile string              // --secret-key-file: the file's first line, its line break removed
	Service       string              // "aws" (or ""), "oss" or "gcs": which environment variables apply
	Getenv        func(string) string // nil → os.Getenv; tests inject their own
}

// ErrNoCredentials is returned, wrapped in a message listing every place
// looked at, when no secret key is found. Commands that can run without a
// key (explain up to the string to sign) test for it with errors.Is.
var ErrNoCredentials = errors.New("no credentials found")

// ErrProfileNotFound is wrapped by the ProfileError for a profile that was
// asked for (--profile, AWS_PROFILE) and is in neither shared file.
var ErrProfileNotFound = errors.New("profile not found")

// envSet is one group of environment variables that holds a key pair. The
// first non-empty name of each list wins, as in aws-sdk-go-v2's
// config.NewEnvConfig (AWS_ACCESS_KEY and AWS_SECRET_KEY are its older
// spellings).
type envSet struct {
	id, secret, token []string
	source            string
}

// envSets per service, in the order tried. OSS: the OSS SDKs' own names
// first (alibabacloud-oss-go-sdk-v2 EnvironmentVariableCredentialsProvider),
// then Alibaba Cloud's general ones (credentials-go). GCS HMAC keys have no
// standard variables; GOOGLE_HMAC_ACCESS_ID and GOOGLE_HMAC_SECRET are
// sigdiff's own names.
var envSets = map[string][]envSet{
	"aws": {{
		id:     []string{"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"},
		secret: []string{"AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"},
		token:  []string{"AWS_SESSION_TOKEN"},
		source: "env AWS_*",
	}},
	"oss": {{
		id:     []string{"OSS_ACCESS_KEY_ID"},
		secret: []string{"OSS_ACCESS_KEY_SECRET"},
		token:  []string{"OSS_SESSION_TOKEN"},
		source: "env OSS_*",
	}, {
		id:     []string{"ALIBABA_CLOUD_ACCESS_KEY_ID"},
		secret: []string{"ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
		token:  []string{"ALIBABA_CLOUD_SECURITY_TOKEN"},
		source: "env ALIBABA_CLOUD_*",
	}},
	"gcs": {{
		id:     []string{"GOOGLE_HMAC_ACCESS_ID"},
		secret: []string{"GOOGLE_HMAC_SECRET"},
		source: "env GOOGLE_HMAC_*",
	}},
}

// Load finds the user's key. Precedence, first found wins:
//
//  1. flags: --secret-key, else --secret-key-file, with --access-key
//     (Source "flags" or "secret key file PATH");
//  2. --profile, from the AWS shared files — an explicit choice beats the
//     environment, as it does for the AWS CLI;
//  3. the environment variables of the service (see envSets);
//  4. for AWS, the profile named by AWS_PROFILE (else AWS_DEFAULT_PROFILE,
//     else "default") in the shared credentials and config files
//     (AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE move them), read by
//     aws-sdk-go-v2's config.LoadSharedConfigProfile: static keys from
//     either file, [profile x] sections in the config file, no network.
//
// A profile that gets its keys some other way (SSO, assume-role,
// credential_process, instance metadata) is an error with a hint, not a
// fallback: those need the network or a program run, and sigdiff does
// neither. --access-key alone names the key id expected: the key found must
// have it; when no secret is found at all the result still carries it,
// with ErrNoCredentials. Errors name files and line numbers, never a line.
func Load(o Options) (Credentials, error) {
	l := &loader{o: o, getenv: o.Getenv}
	if l.getenv == nil {
		l.getenv = os.Getenv
	}
	service := o.Service
	if service == "" {
		service = "aws"
	}
	sets, ok := envSets[service]
	if !ok {
		return Credentials{}, fmt.Errorf("unknown service %q: expected aws, oss or gcs", o.Service)
	}
	l.files()

	switch {
	case !o.SecretKey.Empty():
		return Credentials{AccessKeyID: o.AccessKey, Secret: o.SecretKey, Source: "flags"}, nil
	case o.SecretKeyFile != "":
		s, err := readSecretFile(o.SecretKeyFile, l.shown(o.SecretKeyFile))
		if err != nil {
			return Credentials{}, err
		}
		return Credentials{AccessKeyID: o.AccessKey, Secret: s, Source: "secret key file " + l.shown(o.SecretKeyFile)}, nil
	case o.Profile != "":
		c, err := l.profile(o.Profile, true)
		if err != nil {
			return Credentials{}, err
		}
		return l.match(c)
	}
	l.looked = append(l.looked, "--secret-key", "--secret-key-file")
	for _, set := range sets {
		if c, ok := l.env(set); ok {
			return l.match(c)
		}
	}
	if service == "aws" {
		name, explicit := "default", false
		for _, v := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
			if p := l.getenv(v); p != "" {
				name, explicit = p, true
				break
			}
		}
		c, err := l.profile(name, explicit)
		if err != nil {
			return Credentials{}, err
		}
		if !c.Secret.Empty() {
			return l.match(c)
		}
	}
	return Credentials{AccessKeyID: o.AccessKey}, fmt.Errorf("%w; looked at %s", ErrNoCredentials, strings.Join(l.looked, ", "))
}

type loader struct {
	o                 Options
	getenv            func(string) string
	home              string
	credFile, cfgFile string
	looked            []string
}

// files sets the shared file paths as aws-sdk-go-v2 does: the variables,
// else ~/.aws/credentials and ~/.aws/config.
func (l *loader) files() {
	l.home = l.getenv("HOME")
	if l.home == "" && runtime.GOOS == "windows" {
		l.home = l.getenv("USERPROFILE")
	}
	if l.home == "" && l.o.Getenv == nil {
		l.home, _ = os.UserHomeDir()
	}
	l.credFile, l.cfgFile = l.getenv("AWS_SHARED_CREDENTIALS_FILE"), l.getenv("AWS_CONFIG_FILE")
	if l.home != "" && l.credFile == "" {
		l.credFile = filepath.Join(l.home, ".aws", "credentials")
	}
	if l.home != "" && l.cfgFile == "" {
		l.cfgFile = filepath.Join(l.home, ".aws", "config")
	}
}

// shown writes a path with the home directory as ~.
func (l *loader) shown(p string) string {
	if l.home != "" && strings.HasPrefix(p, l.home+string(filepath.Separator)) {
		return "~" + p[len(l.home):]
	}
	return p
}

func (l *loader) env(set envSet) (Credentials, bool) {
	first := func(names []string) (string, string) {
		for _, n := range names {
			if v := l.getenv(n); v != "" {
				return n, v
			}
		}
		return "", ""
	}
	idName, id := first(set.id)
	secretName, secret := first(set.secret)
	desc := "env " + set.id[0] + " and " + set.secret[0]
	switch {
	case id != "" && secret != "":
		_, token := first(set.token)
		return Credentials{AccessKeyID: id, Secret: NewSecret(secret), SessionToken: NewSecret(token), Source: set.source}, true
	case id != "":
		desc += " (only " + idName + " is set)"
	case secret != "":
		desc += " (only " + secretName + " is set)"
	}
	l.looked = append(l.looked, desc)
	return Credentials{}, false
}

// match checks the key found against --access-key.
func (l *loader) match(c Credentials) (Credentials, error) {
	if l.o.AccessKey != "" && c.AccessKeyID != l.o.AccessKey {
		return Credentials{}, fmt.Errorf("--access-key %s does not match the access key %s from %s", l.o.AccessKey, c.AccessKeyID, c.Source)
	}
	return c, nil
}
