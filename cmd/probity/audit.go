package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/config"
)

const auditUsage = `Usage: probity audit COMMAND [flags]

Commands:
  verify        check the audit log's hash chain, checkpoints and head; exit 1
                naming the first bad entry if anything was altered or removed.
                --witness FILE also checks the log against heads kept outside
                the database, and fails if it was rolled back past one
  head          print the log's signed head, for a witness to keep outside the
                database (an auditor's file, a ticket, an email)
  public-key    print the public half of PROBITY_AUDIT_KEY(_FILE), for auditors
  generate-key  print a new audit signing key (for PROBITY_AUDIT_KEY)

verify and head need the public key: from --public-key (so an auditor can check
the log without holding the signing key), or derived from PROBITY_AUDIT_KEY or
PROBITY_AUDIT_KEY_FILE on the server itself, with any retired keys listed in
PROBITY_AUDIT_PREVIOUS_KEYS or PROBITY_AUDIT_PREVIOUS_KEYS_FILE.
`

// maxWitnessFile bounds what is read of a witness file: a head takes about
// 300 bytes, so this holds years of daily witnesses.
const maxWitnessFile = 4 << 20

// runAudit is "probity audit ...".
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return usageErr("needs a command: verify, head, public-key or generate-key (see probity audit help)")
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, args[1:], stdout, stderr, getenv)
	case "head":
		return runAuditHead(ctx, args[1:], stdout, stderr, getenv)
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
	return usageErr("unknown audit command %q: use verify, head, public-key or generate-key", args[0])
}

// publicKeysFlag declares --public-key, repeatable and comma-separated.
func publicKeysFlag(fs *flag.FlagSet, pubs *[]ed25519.PublicKey) {
	fs.Func("public-key", "an audit public key, base64, from 'probity audit public-key'; repeat or separate with commas to\n"+
		"also trust retired keys (default: derived from PROBITY_AUDIT_KEY or PROBITY_AUDIT_KEY_FILE, with\n"+
		"PROBITY_AUDIT_PREVIOUS_KEYS)", func(v string) error {
		for part := range strings.SplitSeq(v, ",") {
			pub, err := audit.ParsePublicKey(part)
			if err != nil {
				return err
			}
			*pubs = append(*pubs, pub)
		}
		return nil
	})
}

// trustedKeys are the keys given on the command line or, failing those,
// the server's own: its signing key's public half and its retired keys.
func trustedKeys(c config.Config, given []ed25519.PublicKey) (audit.Verifier, error) {
	pubs := given
	if c.AuditKey != "" || c.AuditKeyFile != "" {
		s, err := audit.LoadSigningKey(c.AuditKey, c.AuditKeyFile)
		if err != nil {
			return audit.Verifier{}, usageErr("%v", err)
		}
		pubs = append(pubs, s.Public())
	}
	previous, err := audit.LoadPreviousKeys(c.AuditPreviousKeys, c.AuditPreviousKeysFile)
	if err != nil {
		return audit.Verifier{}, usageErr("%v", err)
	}
	if len(pubs) == 0 {
		return audit.Verifier{}, usageErr("needs the audit public key: pass --public-key (see probity audit public-key) or set PROBITY_AUDIT_KEY or PROBITY_AUDIT_KEY_FILE")
	}
	return audit.NewVerifier(append(pubs, previous...)...), nil
}

func runAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("audit verify", stderr)
	f := config.Register(fs, getenv)
	var pubs []ed25519.PublicKey
	publicKeysFlag(fs, &pubs)
	witnessFile := fs.String("witness", "", "a file of heads printed earlier by 'probity audit head' and kept outside the database;\n"+
		"the log must reach and agree with every one")
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	keys, err := trustedKeys(c, pubs)
	if err != nil {
		return err
	}
	var witnesses []audit.Head
	if *witnessFile != "" {
		if witnesses, err = readWitnesses(*witnessFile); err != nil {
			return usageErr("--witness: %v", err)
		}
	}
	log := newLogger(stderr, c.LogLevel, c.LogFormat)
	db, err := openDB(ctx, c.DB, nil, log, "--db")
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := db.VerifyAudit(ctx, keys, witnesses...)
	if err != nil {
		return err
	}
	if !r.OK {
		fmt.Fprintf(stdout, "audit log FAILED verification: %d entries and %d checkpoints were sound before the first problem\n",
			r.Entries, r.Checkpoints)
		if r.FirstBad == 0 {
			return &exitError{code: 1, err: errors.New(r.Problem)}
		}
		return &exitError{code: 1, err: fmt.Errorf("first bad entry %d: %s", r.FirstBad, r.Problem)}
	}
	fmt.Fprintf(stdout, "audit log verified: %d entries, %d checkpoints\n", r.Entries, r.Checkpoints)
	if r.Entries > 0 {
		// Printed so that it can be kept outside the database; the signed
		// form, which says when, is what probity audit head prints.
		fmt.Fprintf(stdout, "last entry %d has hash %s\n", r.Entries, r.LastHash)
		if r.Head.At.IsZero() {
			fmt.Fprintf(stdout, "head signed by key %s (before heads carried their time)\n", r.Head.KeyID)
		} else {
			fmt.Fprintf(stdout, "head signed at %s by key %s\n", audit.FormatTime(r.Head.At), r.Head.KeyID)
		}
	}
	if len(r.Keys) > 1 {
		fmt.Fprintf(stdout, "signed under %d keys in turn: %s (%d handovers)\n", len(r.Keys), strings.Join(r.Keys, ", "), r.Handovers)
	}
	if len(witnesses) > 0 {
		fmt.Fprintf(stdout, "agrees with %d witnessed heads\n", r.Witnessed)
	} else {
		fmt.Fprintln(stdout, "no witness given: a rollback of the whole log to an earlier copy would not show (see --witness)")
	}
	// Anonymous speak-up entries join the chain a day late (so that nothing
	// dates a report more finely than its day); until then verification
	// cannot vouch for them, so say how many wait.
	pending, oldest, err := db.PendingSpeakUpAudit(ctx)
	if err != nil {
		return err
	}
	if pending > 0 {
		fmt.Fprintf(stdout, "%d anonymous speak-up entries wait for their day's batch, the oldest from %s; they join the chain once their day is over\n",
			pending, oldest.Format(time.DateOnly))
		if time.Since(oldest) > 2*24*time.Hour {
			fmt.Fprintln(stdout, "the daily batch has not run for over a day: 'probity serve' runs it every 10 minutes")
		}
	}
	return nil
}

func readWitnesses(path string) ([]audit.Head, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxWitnessFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > maxWitnessFile {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, maxWitnessFile>>20)
	}
	heads, err := audit.ParseHeads(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return heads, nil
}

// runAuditHead prints the head for a witness. Its signature is checked
// first, so that nobody keeps a copy that would later fail on its own
// account; the chain it ends is for verify to check.
func runAuditHead(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("audit head", stderr)
	f := config.Register(fs, getenv)
	var pubs []ed25519.PublicKey
	publicKeysFlag(fs, &pubs)
	c, err := configFrom(fs, f, args)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("usage: probity audit head [--db DB] [--public-key KEY]")
	}
	keys, err := trustedKeys(c, pubs)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, c.DB, nil, newLogger(stderr, c.LogLevel, c.LogFormat), "--db")
	if err != nil {
		return err
	}
	defer db.Close()
	h, err := db.AuditHead(ctx)
	if err != nil {
		return err
	}
	if h.Seq == 0 && len(h.Signature) == 0 {
		return &exitError{code: 1, err: errors.New("the audit log is empty: there is no head to witness yet")}
	}
	if err := keys.VerifyHead(h); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("the audit head at entry %d fails verification: %v (run probity audit verify)", h.Seq, err)}
	}
	fmt.Fprint(stdout, audit.FormatHead(h))
	return nil
}
