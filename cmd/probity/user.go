package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/store"
)

const userUsage = `Usage:
  probity user add --username NAME --roles ROLE[,ROLE] [--units CODE[,CODE]] [--officer COLLAR] [--name "Display Name"] [--password-stdin] [--oidc-subject 'ISSUER|SUB']
  probity user disable NAME
  probity user reset-mfa NAME
  probity user token NAME --name LABEL --roles ROLE[,ROLE] [--expires 90d]

Roles: handler, investigator, authority, psd-head, supervisor, guardian, oversight, auditor, admin.
Every change is written to the audit log as done by "cli:" and the operating-system user.`

// userEnv is what every user subcommand opens: the database (with its data
// key, for MFA secrets) and the audit log.
type userEnv struct {
	db    *store.DB
	actor string
}

func openUserEnv(ctx context.Context, fs *flag.FlagSet, f *config.Flags, args []string, stderr io.Writer) (*userEnv, []string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, err
		}
		return nil, nil, &exitError{code: 2, err: err}
	}
	c, err := f.Config()
	if err != nil {
		return nil, nil, &exitError{code: 2, err: err}
	}
	db, err := openAudited(ctx, c, newLogger(stderr, c.LogLevel, c.LogFormat), true)
	if err != nil {
		return nil, nil, err
	}
	actor := "cli"
	if u, err := user.Current(); err == nil {
		actor = "cli:" + u.Username
	}
	return &userEnv{db: db, actor: actor}, fs.Args(), nil
}

func (e *userEnv) entry(action audit.Action, userID, reason string) *audit.Entry {
	return &audit.Entry{At: time.Now().UTC(), ActorName: e.actor, Action: action, RecordType: "user", RecordID: userID,
		Outcome: audit.Success, Reason: reason}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseRoles(s string) ([]access.Role, error) {
	var roles []access.Role
	for _, p := range splitList(s) {
		r := access.Role(p)
		if !r.Valid() {
			return nil, usageErr("--roles: %q is not a role", p)
		}
		roles = append(roles, r)
	}
	if len(roles) == 0 {
		return nil, usageErr("--roles: at least one role is required")
	}
	return roles, nil
}

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	return runUserWithInput(ctx, args, os.Stdin, stdout, stderr, getenv)
}

func runUserWithInput(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return usageErr("%s", userUsage)
	}
	sub := args[0]
	fs := newFlagSet("user "+sub, stderr)
	f := config.Register(fs, getenv)
	switch sub {
	case "add":
		username := fs.String("username", "", "sign-in name (lower case)")
		display := fs.String("name", "", "display name")
		rolesFlag := fs.String("roles", "", "comma-separated roles")
		unitsFlag := fs.String("units", "", "comma-separated unit codes the user works in")
		officer := fs.String("officer", "", "collar number, when the user is also an officer (for conflict-of-interest checks)")
		fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
		oidcSubject := fs.String("oidc-subject", "", "link single sign-on: the issuer URL, '|', and the user's subject (sub) at that issuer")
		env, _, err := openUserEnv(ctx, fs, f, args[1:], stderr)
		if err != nil {
			return err
		}
		defer env.db.Close()
		return userAdd(ctx, env, *username, *display, *rolesFlag, *unitsFlag, *officer, *oidcSubject, *fromStdin, stdin, stdout)
	case "disable", "reset-mfa":
		env, rest, err := openUserEnv(ctx, fs, f, args[1:], stderr)
		if err != nil {
			return err
		}
		defer env.db.Close()
		if len(rest) != 1 {
			return usageErr("usage: probity user %s NAME", sub)
		}
		return userChange(ctx, env, sub, rest[0], stdout)
	case "token":
		label := fs.String("name", "", "what the token is for, e.g. \"case export job\"")
		rolesFlag := fs.String("roles", "", "roles the token acts with (a subset of the user's)")
		expires := fs.String("expires", "90d", "lifetime, e.g. 30d or 720h; 0 for none")
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			return usageErr("usage: probity user token NAME --name LABEL --roles ROLE[,ROLE]")
		}
		env, _, err := openUserEnv(ctx, fs, f, args[2:], stderr)
		if err != nil {
			return err
		}
		defer env.db.Close()
		return userToken(ctx, env, args[1], *label, *rolesFlag, *expires, stdout)
	}
	return usageErr("unknown user command %q\n%s", sub, userUsage)
}

func userAdd(ctx context.Context, env *userEnv, username, display, rolesFlag, unitsFlag, collar, oidcSubject string, fromStdin bool, stdin io.Reader, stdout io.Writer) error {
	roles, err := parseRoles(rolesFlag)
	if err != nil {
		return err
	}
	if err := checkOIDCSubject(oidcSubject); err != nil {
		return err
	}
	u := access.User{Username: username, DisplayName: display, Roles: roles}
	if u.DisplayName == "" {
		u.DisplayName = username
	}
	if err := u.Validate(); err != nil {
		return usageErr("%v", err)
	}
	forces, err := env.db.Forces(ctx)
	if err != nil {
		return err
	}
	for _, code := range splitList(unitsFlag) {
		found := false
		for _, force := range forces {
			units, err := env.db.Units(ctx, force.ID)
			if err != nil {
				return err
			}
			for _, unit := range units {
				if unit.Code == code {
					u.UnitIDs, found = append(u.UnitIDs, unit.ID), true
				}
			}
		}
		if !found {
			return usageErr("--units: no unit with code %q", code)
		}
	}
	if collar != "" {
		for _, force := range forces {
			if o, err := env.db.OfficerByCollar(ctx, force.ID, collar); err == nil {
				u.OfficerID = o.ID
			}
		}
		if u.OfficerID == "" {
			return usageErr("--officer: no officer with collar number %q", collar)
		}
	}
	password, generated := "", false
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = access.GeneratePassword(), true
	}
	if err := access.CheckPassword(password, username); err != nil {
		return usageErr("password: %v", err)
	}
	hash, err := access.HashPassword(password)
	if err != nil {
		return err
	}
	now := time.Now()
	err = env.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &u, hash, now); err != nil {
			return err
		}
		reason := "account created with roles " + rolesFlag
		if oidcSubject != "" {
			if err := tx.LinkOIDC(ctx, u.ID, oidcSubject); err != nil {
				return err
			}
			reason += "; single sign-on linked to " + oidcSubject
		}
		e := env.entry(audit.RoleChange, u.ID, reason)
		return tx.Audit(ctx, e)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s)\n", u.Username, u.ID)
	if generated {
		fmt.Fprintf(stdout, "password (shown once; the user must set up MFA at first sign-in): %s\n", password)
	}
	return nil
}

// checkOIDCSubject accepts "" (no single sign-on) or ISSUER|SUB with an
// absolute issuer URL, the form the callback looks accounts up by.
func checkOIDCSubject(s string) error {
	if s == "" {
		return nil
	}
	issuer, sub, ok := strings.Cut(s, "|")
	u, err := url.Parse(issuer)
	if !ok || err != nil || !u.IsAbs() || u.Host == "" || strings.TrimSpace(sub) == "" {
		return usageErr("--oidc-subject: %q is not ISSUER|SUB, e.g. 'https://login.example.org|248289761001'", s)
	}
	return nil
}

func userChange(ctx context.Context, env *userEnv, sub, username string, stdout io.Writer) error {
	u, _, err := env.db.UserByUsername(ctx, username)
	if err != nil {
		return usageErr("no user %q", username)
	}
	err = env.db.InTx(ctx, func(tx *store.Tx) error {
		if sub == "disable" {
			if err := tx.SetDisabled(ctx, u.ID, true, time.Now()); err != nil {
				return err
			}
			return tx.Audit(ctx, env.entry(audit.AccountDisabled, u.ID, "disabled; sessions ended"))
		}
		if err := tx.SetTOTP(ctx, u.ID, "", false, 0); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, env.entry(audit.MFAReset, u.ID, "MFA reset; the user enrols again at next sign-in"))
	})
	if err != nil {
		return err
	}
	if sub == "disable" {
		fmt.Fprintf(stdout, "disabled %s and ended their sessions\n", username)
	} else {
		fmt.Fprintf(stdout, "reset MFA of %s; they will enrol again at next sign-in\n", username)
	}
	return nil
}

func userToken(ctx context.Context, env *userEnv, username, label, rolesFlag, expires string, stdout io.Writer) error {
	u, _, err := env.db.UserByUsername(ctx, username)
	if err != nil {
		return usageErr("no user %q", username)
	}
	if strings.TrimSpace(label) == "" {
		return usageErr("--name: say what the token is for")
	}
	roles, err := parseRoles(rolesFlag)
	if err != nil {
		return err
	}
	for _, r := range roles {
		if !u.Has(r) {
			return usageErr("--roles: %s does not hold the role %s", username, r)
		}
	}
	now := time.Now()
	t := store.APIToken{UserID: u.ID, Name: label, Roles: roles, CreatedAt: now}
	if expires != "0" {
		d, err := parseLifetime(expires)
		if err != nil {
			return usageErr("--expires: %v", err)
		}
		exp := now.Add(d)
		t.ExpiresAt = &exp
	}
	token, hash := access.NewToken("prt_")
	err = env.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAPIToken(ctx, &t, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, env.entry(audit.TokenIssued, u.ID, "token "+t.ID+" ("+label+") with roles "+rolesFlag))
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token for %s (shown once; store it as a secret):\n%s\n", username, token)
	return nil
}

// parseLifetime reads "90d" or a Go duration such as "720h".
func parseLifetime(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err != nil || n <= 0 || n > 3650 {
			return 0, fmt.Errorf("%q is not a number of days from 1 to 3650", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a lifetime such as 90d or 720h", s)
	}
	return d, nil
}
