package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"strings"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/config"
)

const auditUsage = `Usage: probity audit COMMAND [flags]

Commands:
  verify        check the audit log's hash chain, checkpoints and head; exit 1
                naming the first bad entry if anything was altered or removed
  public-key    print the public half of PROBITY_AUDIT_KEY(_FILE), for auditors
  generate-key  print a new audit signing key (for PROBITY_AUDIT_KEY)

verify needs the public key: from --public-key (so an auditor can check the
log without holding the signing key), or derived from PROBITY_AUDIT_KEY or
PROBITY_AUDIT_KEY_FILE on the server itself.
`

// runAudit is "probity audit ...".
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return usageErr("needs a command: verify, public-key or generate-key (see probity audit help)")
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, args[1:], stdout, stderr, getenv)
	case "public-key":
		if len(args) > 1 {
			return usageErr("usage: probity audit public-key")
		}
		s, err := audit.LoadSigningKey(getenv("PROBITY_AUDIT_KEY"), getenv("PROBITY_AUDIT_KEY_FILE"))
		if err != nil {
			return usageErr("%v", err)
		}
		fmt.Fprintln(stdout, audit.EncodePublicKey(s.Public()))
		return nil
	case "generate-key":
		if len(args) > 1 {
			return usageErr("usage: probity audit generate-key")
		}
		fmt.Fprintln(stdout, audit.GenerateSigningKey())
		return nil
	case "-h", "--help", "help":
		fmt.Fprint(stdout, auditUsage)
		return nil
	}
	return usageErr("unknown audit command %q: use verify, public-key or generate-key", args[0])
}

func runAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("audit verify", stderr)
	f := config.Register(fs, getenv)
	var pubs []ed25519.PublicKey
	fs.Func("public-key", "an audit public key, base64, from 'probity audit public-key'; repeat or separate with commas to\n"+
		"also trust retired keys (default: derived from PROBITY_AUDIT_KEY or PROBITY_AUDIT_KEY_FILE)", func(v string) error {
		for part := range strings.SplitSeq(v, ",") {
			pub, err := audit.ParsePublicKey(part)
			if err != nil {
				return err
			}
			pubs = append(pubs, pub)
		}
		return nil
	})
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	if c.AuditKey != "" || c.AuditKeyFile != "" {
		s, err := audit.LoadSigningKey(c.AuditKey, c.AuditKeyFile)
		if err != nil {
			return usageErr("%v", err)
		}
		pubs = append(pubs, s.Public())
	}
	if len(pubs) == 0 {
		return usageErr("needs the audit public key: pass --public-key (see probity audit public-key) or set PROBITY_AUDIT_KEY or PROBITY_AUDIT_KEY_FILE")
	}
	log := newLogger(stderr, c.LogLevel)
	db, err := openDB(ctx, c.DB, nil, log, "--db")
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := db.VerifyAudit(ctx, audit.NewVerifier(pubs...))
	if err != nil {
		return err
	}
	if !r.OK {
		fmt.Fprintf(stdout, "audit log FAILED verification: %d entries and %d checkpoints were sound before the first problem\n",
			r.Entries, r.Checkpoints)
		return &exitError{code: 1, err: fmt.Errorf("first bad entry %d: %s", r.FirstBad, r.Problem)}
	}
	fmt.Fprintf(stdout, "audit log verified: %d entries, %d checkpoints\n", r.Entries, r.Checkpoints)
	if r.Entries > 0 {
		// Printed so that it can be kept outside the database: a later run
		// that finds fewer entries, or another hash at this entry, shows a
		// rollback that the log alone cannot.
		fmt.Fprintf(stdout, "last entry %d has hash %s\n", r.Entries, r.LastHash)
	}
	return nil
}
