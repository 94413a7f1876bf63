package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/config"
	"github.com/probity/probity/internal/eis"
	"github.com/probity/probity/internal/store"
)

const eisUsage = `Usage: probity eis COMMAND [flags]

Commands:
  evaluate  measure the threshold rules, a plain ranking and the learned model
            on past years: for each year Y the model learns only from what was
            known before Y, scores the officers with an allegation in the five
            years before Y and is compared with what happened in Y
            [--json] [--from YEAR] [--to YEAR] [--force CODE] [--model logistic|boosted]
            [--rules FILE]
  run       score the officers serving now, raise flags for every threshold rule
            met and for the model's top N, each with its explanation; an officer
            is not flagged again for a reason that already has a flag not yet closed
            [--top N] [--as-of YYYY-MM-DD] [--force CODE] [--rules FILE]

Both read the configured database (--db) and write an audit entry, so they
need PROBITY_AUDIT_KEY(_FILE). See docs/early-intervention.md.
`

// runEIS is "probity eis ...".
func runEIS(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return usageErr("needs a command: evaluate or run (see probity eis help)")
	}
	switch args[0] {
	case "evaluate":
		return runEISEvaluate(ctx, args[1:], stdout, stderr, getenv)
	case "run":
		return runEISRun(ctx, args[1:], stdout, stderr, getenv)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, eisUsage)
		return nil
	}
	return usageErr("unknown eis command %q: use evaluate or run", args[0])
}

// eisFlags are the flags both commands share.
type eisFlags struct {
	cfg   *config.Flags
	force *string
	rules *string
	model *string
}

func registerEIS(fs *flag.FlagSet, getenv func(string) string) eisFlags {
	return eisFlags{
		cfg:   config.Register(fs, getenv),
		force: fs.String("force", "", "only the officers of the force with this code (default: every force)"),
		rules: fs.String("rules", "", "a rules file (JSON, as internal/eis/rules.json); default: the built-in rules"),
		model: fs.String("model", "logistic", "the learner: logistic (the one chosen on the validation years) or boosted"),
	}
}

// setup loads the rules and model choice, opens the database and reads
// the dataset.
func (f eisFlags) setup(ctx context.Context, stderr io.Writer) (*store.DB, *eis.Dataset, *eis.RuleSet, eis.ModelConfig, error) {
	var model eis.ModelConfig
	switch *f.model {
	case "logistic":
		model = eis.DefaultModel
	case "boosted":
		model = eis.DefaultBoosted
	default:
		return nil, nil, nil, model, usageErr("--model: must be logistic or boosted")
	}
	rules := eis.DefaultRules()
	if *f.rules != "" {
		b, err := readLimited(*f.rules, 1<<20)
		if err != nil {
			return nil, nil, nil, model, usageErr("--rules: %v", err)
		}
		if rules, err = eis.ParseRules(b); err != nil {
			return nil, nil, nil, model, usageErr("--rules %s: %v", *f.rules, err)
		}
	}
	c, err := f.cfg.Config()
	if err != nil {
		return nil, nil, nil, model, &exitError{code: 2, err: err}
	}
	signer, err := loadAuditSigner(c)
	if err != nil {
		return nil, nil, nil, model, err
	}
	db, err := openDB(ctx, c.DB, nil, newLogger(stderr, c.LogLevel, c.LogFormat), "--db")
	if err != nil {
		return nil, nil, nil, model, err
	}
	ds, err := db.EISData(ctx)
	if err != nil {
		db.Close()
		return nil, nil, nil, model, err
	}
	if *f.force != "" {
		sub, err := ds.Subset(func(o *eis.Officer) bool { return o.Force == *f.force })
		if err != nil {
			db.Close()
			return nil, nil, nil, model, err
		}
		if len(sub.Officers) == 0 {
			db.Close()
			return nil, nil, nil, model, usageErr("--force: no officers of a force with code %q", *f.force)
		}
		ds = *sub
	}
	if err := useAuditLog(ctx, c, db, signer); err != nil {
		db.Close()
		return nil, nil, nil, model, err
	}
	return db, &ds, rules, model, nil
}

func runEISEvaluate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("eis evaluate", stderr)
	f := registerEIS(fs, getenv)
	asJSON := fs.Bool("json", false, "print the results as JSON")
	from := fs.Int("from", 0, "first year evaluated (default: the first with five years of data before it)")
	to := fs.Int("to", 0, "last year evaluated (default: the last year with data)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*from != 0 && (*from < 1900 || *from > 2200)) || (*to != 0 && (*to < 1900 || *to > 2200)) {
		return usageErr("--from and --to take a year, like 2008")
	}
	start := time.Now()
	db, ds, rules, model, err := f.setup(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	loaded := time.Since(start)
	ev, err := eis.Evaluate(ctx, ds, eis.EvalConfig{From: *from, To: *to, Rules: rules, Model: model})
	if err != nil {
		return err
	}
	took := time.Since(start)
	// The report is kept so that the fairness page can show it; the audit
	// entry records that every officer's history was read to make it.
	report, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	params, _ := json.Marshal(map[string]any{"from": ev.Setup.From, "to": ev.Setup.To, "force": *f.force, "model": model,
		"rules": rules, "officers": len(ds.Officers), "allegations": len(ds.Allegations)})
	run := &store.EISRun{At: time.Now().UTC(), Kind: "evaluation", Model: model.Kind, Params: params, Report: report}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveEISRun(ctx, run); err != nil {
			return err
		}
		return tx.Audit(ctx, &audit.Entry{At: run.At, ActorName: "cli", Action: audit.Consult, RecordType: "eis-evaluation",
			RecordID: run.ID, Outcome: audit.Success, Reason: fmt.Sprintf("evaluated early intervention on %d-%d over %d officers' allegation histories",
				ev.Setup.From, ev.Setup.To, len(ds.Officers))})
	})
	if err != nil {
		return fmt.Errorf("saving the evaluation: %w", err)
	}
	fmt.Fprintf(stderr, "read %d officers and %d allegations in %s; evaluated in %s (total %s)\n",
		len(ds.Officers), len(ds.Allegations), loaded.Round(time.Millisecond), (took - loaded).Round(time.Millisecond), took.Round(time.Millisecond))
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ev)
	}
	printEvaluation(stdout, ev)
	return nil
}

// printEvaluation writes the evaluation as tables: one per label, pooled
// first, then by year, with each rule's figures and the fairness report.
func printEvaluation(w io.Writer, ev *eis.Evaluation) {
	s := ev.Setup
	fmt.Fprintf(w, "Early-intervention evaluation, %d-%d\n", s.From, s.To)
	fmt.Fprintf(w, "Scored each year: %s.\n", s.Population)
	learner := s.Model.Kind
	if s.Model.Objective == "allegations" {
		learner += " fitted to the number of allegations in the year that could carry the outcome, calibrated to the outcome"
	}
	fmt.Fprintf(w, "Model: %s, learning for year Y from label years Y-%d to Y-%d (features as of 1 January; findings counted once %d days old).\n",
		learner, s.Gap+s.TrainYears, s.Gap+1, s.FindingLag)
	fmt.Fprintf(w, "Ranking: %s. Alert budget: the number flagged by %q.\n", s.Ranking, s.BudgetRule)
	for _, l := range s.LeftOut {
		fmt.Fprintf(w, "Left out %d: %s.\n", l.Year, l.Reason)
	}
	for _, m := range s.Warnings {
		fmt.Fprintf(w, "Warning: %s.\n", m)
	}
	for _, m := range s.DataQuality {
		fmt.Fprintf(w, "Data quality: %s\n", m)
	}
	for _, lab := range eis.Labels {
		lr := ev.Labels[lab.Name]
		fmt.Fprintf(w, "\n== %s: %s\n", lab.Name, lab.Words)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "year\tscored\tbase\tbudget\trule P\t| model P@budget\tP@1%\tP@5%\tP@10%\tR@5%\tAUC\t| ranking P@budget\tP@1%\tP@5%\tP@10%\tR@5%\tAUC\t")
		years := []string{"pooled"}
		for y := s.From; y <= s.To; y++ {
			years = append(years, strconv.Itoa(y))
		}
		for _, y := range years {
			res := lr.Pooled
			if y != "pooled" {
				res = lr.Years[y]
			}
			br := res.Rules[s.BudgetRule]
			m, r := res.Model, res.Ranking
			fmt.Fprintf(tw, "%s\t%d\t%.3f\t%d\t%.3f\t| %.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t| %.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t\n",
				y, res.Scored, res.BaseRate, br.Flagged, br.Precision, m.PrecisionAtRuleBudget, m.PAt1, m.PAt5, m.PAt10, m.RecallAt5, m.AUC,
				r.PrecisionAtRuleBudget, r.PAt1, r.PAt5, r.PAt10, r.RecallAt5, r.AUC)
		}
		tw.Flush()
		fmt.Fprintln(w, "Calibration of the model's chances (recalibrated each year to the latest complete training year):")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "year	predicted	actual	predicted/actual	Brier	calibration error	level moved (2 years)	a flag shows	")
		for _, y := range years {
			c, moved, shows := lr.Pooled.Calibration, "", ""
			if y != "pooled" {
				res := lr.Years[y]
				c = res.Calibration
				if lv := res.Level; lv != nil {
					moved, shows = "not measurable", "a rank"
					if lv.Change > 0 {
						moved = fmt.Sprintf("%.2f x", lv.Change)
					}
					if lv.ChanceShown {
						shows = "a chance"
					}
				}
			}
			fmt.Fprintf(tw, "%s	%.4f	%.4f	%.2f	%.4f	%.4f	%s	%s	\n", y, c.MeanPredicted, c.Actual, c.Ratio, c.Brier, c.CalibrationError, moved, shows)
		}
		tw.Flush()
		fmt.Fprintln(w, "Rules, pooled:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		names := make([]string, 0, len(lr.Pooled.Rules))
		for n := range lr.Pooled.Rules {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			rr := lr.Pooled.Rules[n]
			fmt.Fprintf(tw, "  %s\tflagged %d\tprecision %.3f\trecall %.3f\n", n, rr.Flagged, rr.Precision, rr.Recall)
		}
		tw.Flush()
	}
	fmt.Fprintln(w, "\n== fairness (pooled; the budget rule and the model at the same budget)")
	if ev.Fairness.Note != "" {
		fmt.Fprintln(w, ev.Fairness.Note+".")
		return
	}
	fmt.Fprintln(w, eis.EthnicityGroupingWords(ev.Fairness.EthnicityGroups)+".")
	for _, lab := range eis.Labels {
		fmt.Fprintf(w, "%s:\n", lab.Name)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  group\tscored\tbase rate\trule: flag rate\tprecision\trecall\tflag/base\tmodel: flag rate\tprecision\trecall\tflag/base")
		for _, g := range ev.Fairness.Labels[lab.Name] {
			fmt.Fprintf(tw, "  %s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.2f\t%.3f\t%.3f\t%.3f\t%.2f\n", strings.TrimPrefix(g.Attribute+": "+g.Group, "all: "),
				g.Scored, g.BaseRate, g.Rule.FlagRate, g.Rule.Precision, g.Rule.Recall, g.Rule.FlagToBase,
				g.Model.FlagRate, g.Model.Precision, g.Model.Recall, g.Model.FlagToBase)
		}
		tw.Flush()
	}
}

func runEISRun(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := newFlagSet("eis run", stderr)
	f := registerEIS(fs, getenv)
	top := fs.Int("top", 20, "flag the model's N highest-ranked officers (0: rules only)")
	asOfText := fs.String("as-of", "", "score as of this day, YYYY-MM-DD (default: today); to replay past data")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *top < 0 || *top > 10000 {
		return usageErr("--top: must be from 0 to 10000")
	}
	now := time.Now().UTC()
	asOf := now
	if *asOfText != "" {
		t, err := time.Parse(time.DateOnly, *asOfText)
		if err != nil {
			return usageErr("--as-of: must be a date, YYYY-MM-DD")
		}
		if t.After(now) {
			return usageErr("--as-of: must not be in the future")
		}
		asOf = t
	}
	db, ds, rules, model, err := f.setup(ctx, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := eis.Run(ds, eis.RunConfig{AsOf: asOf, TopN: *top, Rules: rules, Model: model})
	if err != nil {
		return err
	}
	params, _ := json.Marshal(map[string]any{"as_of": rep.AsOf, "top": *top, "force": *f.force, "model": model,
		"train_years": rep.TrainYears, "rules": rules, "scored": rep.Scored, "note": rep.Note})
	saved, err := db.SaveFlagRun(ctx, rep, params, "cli", now)
	if err != nil {
		return err
	}
	raised, kept := saved.Raised, saved.Kept
	fmt.Fprintf(stdout, "scored %d officers as of %s; raised %d flags, %d not raised again (a flag for the same reason is still open)\n",
		rep.Scored, rep.AsOf, raised, kept)
	if len(rep.TrainYears) > 0 {
		fmt.Fprintf(stdout, "model: %s, learnt from label years %d-%d\n", model.Kind, rep.TrainYears[0], rep.TrainYears[len(rep.TrainYears)-1])
	}
	if rep.Note != "" {
		fmt.Fprintln(stdout, rep.Note)
	}
	return nil
}
