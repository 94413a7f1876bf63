// Command probity runs Probity: the complaints, misconduct, early
// intervention and oversight system. This file only wires the parts
// together; the work is done in internal/.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Usage: probity COMMAND [flags]

Commands:
  demo      run Probity with a synthetic force and demo logins (SQLite)
  serve     run Probity against the configured database
  migrate   apply database migrations and load reference data
  audit     verify the audit log; print its public key; generate a signing key
  user      add a user, disable one, reset MFA, issue an API token
  keys      generate a data-encryption key or an audit signing key
  import    import complaint records: NYC CCRB, Philadelphia, or any CSV with a mapping
  eis       early intervention: evaluate the rules and the model on past years; raise flags
  gen       generate synthetic data into an empty database: the demo force, or 43 forces over ten years
  backup    write an online, consistent backup of the database to a file
  restore   put a backup in place of a database
  version   print the version

Run "probity COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// exitError carries an exit status: 2 for mistakes in how Probity was
// started (flags, environment, an unreachable database), 1 otherwise.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer, func(string) string) error{
		"demo":    runDemo,
		"serve":   runServe,
		"migrate": runMigrate,
		"keys":    runKeys,
		"user":    runUser,
		"audit":   runAudit,
		"eis":     runEIS,
		"import":  runImport,
		"gen":     runGen,
		"backup":  runBackup,
		"restore": runRestore,
		"version": func(_ context.Context, _ []string, out, _ io.Writer, _ func(string) string) error {
			fmt.Fprintln(out, "probity", version())
			return nil
		},
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "probity: unknown command %q; run \"probity help\" for the list\n", name)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr, getenv)
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "probity %s: %v\n", name, err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
