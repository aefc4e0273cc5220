package credentials

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/config"
)

// ProfileError is a profile that cannot give keys. It names the file and
// the line of the profile's section, never the content of a line.
type ProfileError struct {
	Profile string
	Path    string // file of the section, home as ~; "" when in none
	Line    int    // line of the [section] header; 0 when unknown
	Msg     string
	Hint    string // one line of advice for the CLI's hint line, or ""
	Err     error  // ErrProfileNotFound, or the loader's error
}

func (e *ProfileError) Error() string {
	where := fmt.Sprintf("profile %q", e.Profile)
	if e.Path != "" {
		where += " in " + e.Path
		if e.Line > 0 {
			where += fmt.Sprintf(" line %d", e.Line)
		}
	}
	return where + ": " + e.Msg
}

func (e *ProfileError) Unwrap() error { return e.Err }

// exportHint is how a user turns SSO, role or process credentials into
// static ones sigdiff can read (AWS CLI v2, "aws configure export-credentials").
func exportHint(profile string) string {
	return fmt.Sprintf("export temporary keys with: eval \"$(aws configure export-credentials --profile %s --format env)\"", profile)
}

// profile reads one profile from the shared files. A profile that is not
// there is an error when it was asked for (explicit), else it adds to
// l.looked and gives empty Credentials.
func (l *loader) profile(name string, explicit bool) (Credentials, error) {
	files := []string{}
	for _, p := range []string{l.credFile, l.cfgFile} {
		if p == "" {
			continue
		}
		if err := readable(p); errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return Credentials{}, &FileError{Path: l.shown(p), Msg: describe(err), Err: err}
		}
		files = append(files, p)
	}
	where := l.where()
	switch {
	case len(files) == 0 && l.credFile == "" && l.cfgFile == "":
		return l.notFound(name, explicit, where)
	case len(files) == 0:
		return l.notFound(name, explicit, where+" (neither file exists)")
	}
	sc, err := l.loadShared(name)
	if errors.Is(err, errLoaderCrashed) {
		return Credentials{}, l.crash()
	}
	path, line := l.section(name)
	perr := func(msg, hint string, cause error) error {
		return &ProfileError{Profile: name, Path: path, Line: line, Msg: msg, Hint: hint, Err: cause}
	}
	var notExist config.SharedConfigProfileNotExistError
	var assume config.SharedConfigAssumeRoleError
	var needARN config.CredentialRequiresARNError
	switch {
	case errors.As(err, &notExist):
		return l.notFound(name, explicit, where)
	case errors.As(err, &assume), errors.As(err, &needARN):
		return Credentials{}, perr("assumes a role, which needs a call to AWS STS; sigdiff stays offline", exportHint(name), err)
	case err != nil && strings.Contains(err.Error(), "partial credentials"):
		// aws-sdk-go-v2 mergeSections: a section with only one of the pair.
		return Credentials{}, perr("has only one of aws_access_key_id and aws_secret_access_key", "", err)
	case err != nil:
		return Credentials{}, perr("the aws config loader rejects it: "+l.scrub(err.Error()), "", err)
	case sc.Credentials.HasKeys():
		src := strings.TrimPrefix(sc.Credentials.Source, "SharedConfigCredentials: ")
		if src == sc.Credentials.Source || src == "" {
			src = where
		}
		return Credentials{
			AccessKeyID:  sc.Credentials.AccessKeyID,
			Secret:       NewSecret(sc.Credentials.SecretAccessKey),
			SessionToken: NewSecret(sc.Credentials.SessionToken),
			Source:       fmt.Sprintf("profile %s in %s", name, l.shown(src)),
		}, nil
	}
	if how := indirect(sc); how != "" {
		return Credentials{}, perr("gets its keys from "+how+", which sigdiff does not run (it stays offline)", exportHint(name), nil)
	}
	if explicit {
		return Credentials{}, perr("has no aws_access_key_id and aws_secret_access_key", "", nil)
	}
	l.looked = append(l.looked, fmt.Sprintf("profile %s in %s (no keys in it)", name, where))
	return Credentials{}, nil
}

// loadShared calls the SDK's loader on the two files, and nothing else:
// LoadSharedConfigProfile only reads files (no STS, SSO or IMDS call, no
// credential_process run). It recovers from a crash of the loader:
// aws-sdk-go-v2 config v1.33.18 panics on a value that is a lone quote
// (ini.unquote slices "\"" as s[1:0]); FuzzLoad found it.
func (l *loader) loadShared(name string) (sc config.SharedConfig, err error) {
	defer func() {
		if recover() != nil {
			err = errLoaderCrashed
		}
	}()
	sc, err = config.LoadSharedConfigProfile(context.Background(), name, func(lo *config.LoadSharedConfigOptions) {
		lo.CredentialsFiles, lo.ConfigFiles = []string{}, []string{}
		if l.credFile != "" {
			lo.CredentialsFiles = []string{l.credFile}
		}
		if l.cfgFile != "" {
			lo.ConfigFiles = []string{l.cfgFile}
		}
	})
	return sc, err
}

var errLoaderCrashed = errors.New("the aws config loader crashed")

// crash names the line that made the loader panic when it can find it.
func (l *loader) crash() error {
	for _, p := range []string{l.credFile, l.cfgFile} {
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 1<<20 {
			continue
		}
		for i, line := range strings.Split(string(b), "\n") {
			k := strings.IndexAny(line, "=:")
			if v := strings.TrimSpace(line[k+1:]); k >= 0 && (v == `"` || v == "'") {
				return &FileError{Path: l.shown(p), Line: i + 1, Msg: "a value that is a lone quote character crashes the aws config loader (aws-sdk-go-v2); complete or remove it"}
			}
		}
	}
	return &FileError{Path: l.where(), Msg: "the aws config loader (aws-sdk-go-v2) crashed reading these files"}
}

func (l *loader) notFound(name string, explicit bool, where string) (Credentials, error) {
	if !explicit {
		l.looked = append(l.looked, fmt.Sprintf("profile %s in %s", name, where))
		return Credentials{}, nil
	}
	hint := ""
	if l.cfgFile != "" {
		if line := findSection(l.cfgFile, name, false); line > 0 {
			hint = fmt.Sprintf("%s line %d has [%s]; in the config file a profile section is written [profile %s]", l.shown(l.cfgFile), line, name, name)
		}
	}
	return Credentials{}, &ProfileError{Profile: name, Msg: "not found in " + where, Hint: hint, Err: ErrProfileNotFound}
}

// scrub puts the loader's message on one line and cuts out anything it
// quotes from the shared files — a value, a whole line — so that no line
// of a credentials file reaches the user, whatever the loader's wording.
func (l *loader) scrub(msg string) string {
	msg = strings.Join(strings.Fields(msg), " ")
	for _, p := range []string{l.credFile, l.cfgFile} {
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 1<<20 {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			_, v, _ := strings.Cut(line, "=")
			for _, t := range []string{strings.TrimSpace(line), strings.TrimSpace(v)} {
				if len(t) >= 4 {
					msg = strings.ReplaceAll(msg, t, "…")
				}
			}
		}
	}
	return msg
}

// where names the shared files looked in.
func (l *loader) where() string {
	var names []string
	for _, p := range []string{l.credFile, l.cfgFile} {
		if p != "" {
			names = append(names, l.shown(p))
		}
	}
	if len(names) == 0 {
		return "the shared files (no home directory to find them in)"
	}
	return strings.Join(names, " and ")
}

// indirect names how a profile without static keys gets them.
func indirect(sc config.SharedConfig) string {
	switch {
	case sc.SSOSessionName != "" || sc.SSOStartURL != "" || sc.SSOAccountID != "":
		return "aws sso"
	case sc.RoleARN != "":
		return "an assumed role (role_arn)"
	case sc.CredentialProcess != "":
		return "credential_process"
	case sc.WebIdentityTokenFile != "":
		return "web_identity_token_file"
	case sc.CredentialSource != "":
		return "credential_source " + sc.CredentialSource
	case sc.LoginSession != "":
		return "a console login session"
	}
	return ""
}

// section finds the file and line of the profile's section, for messages:
// the credentials file's [name], else the config file's [profile name].
func (l *loader) section(name string) (string, int) {
	if l.credFile != "" {
		if line := findSection(l.credFile, name, false); line > 0 {
			return l.shown(l.credFile), line
		}
	}
	if l.cfgFile != "" {
		if line := findSection(l.cfgFile, name, true); line > 0 {
			return l.shown(l.cfgFile), line
		}
	}
	return "", 0
}

// findSection returns the line of [name] (or [profile name] when profile
// is set; [default] counts for "default" in either form) in an INI file,
// or 0. It reads section headers only, the first MiB.
func findSection(path, name string, profile bool) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		t := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(t, "[") {
			continue
		}
		t, _, _ = strings.Cut(t, "#")
		t, _, _ = strings.Cut(t, ";")
		t = strings.TrimSpace(t)
		if !strings.HasSuffix(t, "]") {
			continue
		}
		fields := strings.Fields(t[1 : len(t)-1])
		switch {
		case profile && len(fields) == 2 && fields[0] == "profile" && fields[1] == name,
			len(fields) == 1 && fields[0] == name && (!profile || name == "default"):
			return n
		}
	}
	return 0
}

// readable reports whether path is a file that can be opened for reading.
// aws-sdk-go-v2 skips a shared file it cannot open as if it were absent;
// sigdiff says so instead, since a key silently not read is what it debugs.
func readable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return err
	} else if st.IsDir() {
		return &fs.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	}
	return nil
}
