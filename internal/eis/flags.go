package eis

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/probity/probity/internal/fault"
)

// A flag says that an officer's record calls for a supervisor's look: a
// threshold rule was met, or the model ranked the officer among the
// highest. A flag is not a finding about the officer. The supervisor
// reviews it and records what was done:
//
//	open -> reviewed -> intervention (advice, training, monitoring,
//	referral) -> closed
//
// A review may also close a flag with no intervention when none is
// needed; every step carries a note, and every step is audited.

// Flag states.
const (
	FlagOpen         = "open"
	FlagReviewed     = "reviewed"
	FlagIntervention = "intervention"
	FlagClosed       = "closed"
)

// FlagStates lists the states in order.
var FlagStates = []string{FlagOpen, FlagReviewed, FlagIntervention, FlagClosed}

// Interventions a supervisor may choose.
var Interventions = []string{"advice", "training", "monitoring", "referral"}

// Review actions.
const (
	ActReview    = "review"
	ActIntervene = "intervene"
	ActClose     = "close"
)

// ReviewActions lists the actions a review may take.
var ReviewActions = []string{ActReview, ActIntervene, ActClose}

// Flag sources.
const (
	SourceRule  = "rule"
	SourceModel = "model"
)

// Flag is one early-intervention flag on an officer.
type Flag struct {
	ID           string      `json:"id"`
	OfficerID    string      `json:"officer_id"`
	RunID        string      `json:"run_id"`
	RaisedAt     time.Time   `json:"raised_at"`
	Source       string      `json:"source"`              // rule | model
	RuleName     string      `json:"rule_name,omitempty"` // the rule met; "" for the model
	Score        float64     `json:"score"`               // the rule's count, or the model's probability
	Explanation  Explanation `json:"explanation"`
	State        string      `json:"state"`
	Intervention string      `json:"intervention,omitempty"`
	UnitID       string      `json:"unit_id,omitempty"` // the officer's unit when raised: whose supervisors see it
	UpdatedAt    time.Time   `json:"updated_at"`
	Version      int         `json:"version"`
	Notes        []FlagNote  `json:"notes,omitempty"`
}

// FlagNote is a note a reviewer wrote on a flag.
type FlagNote struct {
	ID       string    `json:"id"`
	FlagID   string    `json:"flag_id"`
	AuthorID string    `json:"author_id"`
	At       time.Time `json:"at"`
	Action   string    `json:"action"`
	Text     string    `json:"text"`
}

// Explanation says, in plain words and numbers, why an officer was
// flagged.
type Explanation struct {
	Summary string            `json:"summary"`
	Items   []ExplanationItem `json:"items"`
}

// ExplanationItem is one indicator that drove a flag.
type ExplanationItem struct {
	Indicator string  `json:"indicator"` // the feature or rule
	Words     string  `json:"words"`
	Value     float64 `json:"value"`
	// Weight is the indicator's share of the model's score in log-odds
	// (0 for rules).
	Weight float64 `json:"weight,omitempty"`
}

// Review is what a reviewer asks to do to a flag.
type Review struct {
	Action       string `json:"action"`
	Intervention string `json:"intervention,omitempty"`
	Note         string `json:"note"`
}

// MaxNote caps a review note.
const MaxNote = 10000

// Apply moves the flag on by the review, or says why it cannot. It does
// not touch the flag on error.
func (f *Flag) Apply(r Review) error {
	var fs fault.Fields
	if !slices.Contains(ReviewActions, r.Action) {
		fs.Addf("action", "must be one of %s", strings.Join(ReviewActions, ", "))
	}
	note := strings.TrimSpace(r.Note)
	switch {
	case note == "":
		fs.Add("note", "is required: say what was looked at and decided")
	case utf8.RuneCountInString(note) > MaxNote:
		fs.Addf("note", "must be at most %d characters", MaxNote)
	case !utf8.ValidString(note):
		fs.Add("note", "must be valid UTF-8")
	}
	if r.Action == ActIntervene {
		if !slices.Contains(Interventions, r.Intervention) {
			fs.Addf("intervention", "must be one of %s", strings.Join(Interventions, ", "))
		}
	} else if r.Intervention != "" {
		fs.Add("intervention", "is only for action intervene")
	}
	if err := fs.Err("invalid review"); err != nil {
		return err
	}
	next, ok := flagTransitions[[2]string{f.State, r.Action}]
	if !ok {
		return fault.Errorf(fault.Conflict, "a flag that is %s cannot be given action %s; %s", f.State, r.Action, f.allowedWords())
	}
	f.State = next
	if r.Action == ActIntervene {
		f.Intervention = r.Intervention
	}
	return nil
}

// flagTransitions maps a state and an action to the state it leads to.
var flagTransitions = map[[2]string]string{
	{FlagOpen, ActReview}:            FlagReviewed,
	{FlagReviewed, ActIntervene}:     FlagIntervention,
	{FlagReviewed, ActClose}:         FlagClosed, // reviewed, nothing to do
	{FlagIntervention, ActIntervene}: FlagIntervention,
	{FlagIntervention, ActClose}:     FlagClosed,
}

// NextActions lists the review actions the flag's state allows, in the
// order of ReviewActions; none once it is closed.
func (f *Flag) NextActions() []string {
	var out []string
	for _, a := range ReviewActions {
		if _, ok := flagTransitions[[2]string{f.State, a}]; ok {
			out = append(out, a)
		}
	}
	return out
}

func (f *Flag) allowedWords() string {
	switch f.State {
	case FlagOpen:
		return "review it first"
	case FlagReviewed:
		return "record an intervention or close it"
	case FlagIntervention:
		return "change the intervention or close it"
	}
	return "it is closed"
}

// ruleExplanation explains a rule's flag: the count against the threshold,
// with the officer's indicators beside the peer averages.
func ruleExplanation(r Rule, n int, fr *Frame, m int) Explanation {
	ex := Explanation{Summary: "Threshold rule met: " + r.Name + ". " + upperFirst(r.Explain(n)) + "."}
	ex.Items = append(ex.Items, ExplanationItem{Indicator: "rule", Words: r.Explain(n), Value: float64(n)})
	ex.Items = append(ex.Items, contextItems(fr, m)...)
	return ex
}

// contextItems are the indicators a supervisor sees beside any flag:
// recent allegations against the unit's average, and the last one.
func contextItems(fr *Frame, m int) []ExplanationItem {
	fs := featureSet(fr.DS)
	var out []ExplanationItem
	for _, name := range []string{"allegations_12m", "allegations_5y", "days_since_last"} {
		for _, f := range fs {
			if f.Name == name {
				out = append(out, ExplanationItem{Indicator: name, Words: f.words(fr, m), Value: f.get(fr, m)})
			}
		}
	}
	return out
}

// modelExplanation explains a model flag by the indicators that raised the
// officer's score most above the average officer's.
func modelExplanation(model Model, x []float64, fr *Frame, m int, rank, of int, prob float64, noChance string) Explanation {
	fs := featureSet(fr.DS)
	contrib := make([]float64, len(x))
	model.Contributions(x, contrib)
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case contrib[a] > contrib[b]:
			return -1
		case contrib[a] < contrib[b]:
			return 1
		}
		return 0
	})
	// A chance is shown only where it was recalibrated on a complete year;
	// otherwise the officer's place among those scored is all that can be
	// said honestly.
	how := fmt.Sprintf("in the top %s of officers scored; %s", topShare(rank, of), noChance)
	if prob >= 0 {
		how = fmt.Sprintf("estimated chance of an upheld allegation in the next 12 months: %s", chanceWords(prob))
	}
	ex := Explanation{Summary: fmt.Sprintf("Ranked %d of %d officers by the risk model (%s). What raised the score most:", rank, of, how)}
	var words []string
	for _, j := range order {
		if contrib[j] <= 0 || len(ex.Items) == 4 {
			break
		}
		w := fs[j].words(fr, m)
		if slices.Contains(words, w) {
			continue // two features can read the same (counts and their ratios)
		}
		words = append(words, w)
		ex.Items = append(ex.Items, ExplanationItem{Indicator: fs[j].Name, Words: w, Value: x[j], Weight: contrib[j]})
	}
	if len(words) > 0 {
		ex.Summary += " " + strings.Join(words, "; ") + "."
	}
	return ex
}

// topShare words rank of n as the smallest whole percentage (or tenth
// of one, under 1%) that holds it.
func topShare(rank, n int) string {
	p := 100 * float64(rank) / float64(max(n, 1))
	if p < 1 {
		return strconv.FormatFloat(math.Ceil(p*10)/10, 'f', -1, 64) + "%"
	}
	return strconv.Itoa(int(math.Ceil(p))) + "%"
}

// chanceWords shows a chance without rounding a small one to nothing.
func chanceWords(p float64) string {
	if p < 0.01 {
		return "under 1%"
	}
	return fmt.Sprintf("%.0f%%", 100*p)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// RunConfig sets up a live run: score the officers serving on AsOf.
type RunConfig struct {
	AsOf  time.Time
	TopN  int // how many of the model's highest-ranked officers to flag; 0 for none
	Rules *RuleSet
	Model ModelConfig
	// Gap, TrainYears and PopulationYears are as in EvalConfig: the model
	// learns as it did in evaluation, so that its evaluation describes it.
	Gap, TrainYears, PopulationYears int
}

// Candidate is a flag a run would raise.
type Candidate struct {
	OfficerID   string
	UnitID      string
	Source      string
	RuleName    string
	Score       float64
	Explanation Explanation
}

// RunReport is what a run found.
type RunReport struct {
	AsOf       string      `json:"as_of"`
	Scored     int         `json:"scored"`
	TrainYears []int       `json:"train_years"`
	Model      ModelConfig `json:"model"`
	Note       string      `json:"note,omitempty"`
	Candidates []Candidate `json:"-"`
}

// Run scores the officers serving on the as-of date who had an allegation
// in the PopulationYears before it (the population the model was evaluated
// on): every threshold rule, counted on the findings recorded so far, and
// the model trained on the latest complete years, whose TopN officers are
// flagged. Officers with no recent allegation are not scored: no indicator
// could explain a flag on them.
func Run(ds *Dataset, cfg RunConfig) (*RunReport, error) {
	if !ds.prepared {
		return nil, fmt.Errorf("the dataset is not prepared: call Prepare")
	}
	ec := EvalConfig{Gap: cfg.Gap, TrainYears: cfg.TrainYears, PopulationYears: cfg.PopulationYears, Rules: cfg.Rules, Model: cfg.Model}.withDefaults()
	if err := ec.Rules.Validate(); err != nil {
		return nil, err
	}
	asOf := DayOf(cfg.AsOf)
	active := map[int32]bool{}
	for _, i := range ActiveWithin(ec.PopulationYears)(ds, asOf) {
		active[i] = true
	}
	var members []int32
	for _, i := range Serving(ds, asOf) {
		if active[i] {
			members = append(members, i)
		}
	}
	rep := &RunReport{AsOf: asOf.String(), Scored: len(members), Model: ec.Model}
	// Rules count findings as recorded now.
	live := NewFrame(ds, asOf, members, Options{})
	for _, r := range ec.Rules.Rules {
		for m, oi := range members {
			if n := r.CountFor(ds, int(oi), asOf, 0); n >= r.Threshold {
				o := ds.Officers[oi]
				rep.Candidates = append(rep.Candidates, Candidate{OfficerID: o.ID, UnitID: o.Unit, Source: SourceRule, RuleName: r.Name,
					Score: float64(n), Explanation: ruleExplanation(r, n, live, m)})
			}
		}
	}
	if len(members) == 0 {
		rep.Note = fmt.Sprintf("no serving officer had an allegation in the %d years before %s: nobody was scored", ec.PopulationYears, rep.AsOf)
		return rep, nil
	}
	if cfg.TopN <= 0 {
		return rep, nil
	}
	// The model learns from the latest label years whose outcomes are
	// complete, with features lagged as in evaluation, and scores with the
	// same lag so that it sees what it learned from.
	var parts []*yearData
	rep.TrainYears = trainingYears(ec, LabelYears(ds), cfg.AsOf.UTC().Year())
	for _, l := range rep.TrainYears {
		parts = append(parts, buildYear(ds, l, ec))
	}
	if len(parts) == 0 {
		rep.Note = "no complete year of data to learn from yet: only the threshold rules ran"
		return rep, nil
	}
	model, err := Train(ec.Model, stack(parts, 0))
	if err != nil {
		rep.Note = "the model could not be trained (" + err.Error() + "): only the threshold rules ran"
		return rep, nil
	}
	// The chance is set by the most recent complete year, as in
	// evaluation; without one a flag shows a rank, not a chance.
	model, trusted := recalibrate(model, stack(parts[len(parts)-1:], 0))
	last := rep.TrainYears[len(rep.TrainYears)-1]
	noChance := "the data give no recent complete year to turn this into a chance"
	if !trusted {
		rep.Note = fmt.Sprintf("%d, the latest complete year, has no upheld allegation to set the model's chances by: model flags show a rank, not a chance", rep.TrainYears[len(rep.TrainYears)-1])
	} else if lv := ratesOf(ds, ec, LabelYears(ds), last).level(0, last); !lv.ChanceShown {
		// The level is set on a year two before the one scored: where the
		// rate has moved by more than MaxLevelChange over two years in
		// the force's record, a chance could be off by as much.
		trusted = false
		noChance = "the upheld rate has moved too much from year to year for a chance to be trusted"
		switch {
		case lv.Pairs < 2:
			noChance = "the data hold too few complete years to tell how far a chance could be trusted"
			rep.Note = fmt.Sprintf("model flags show a rank, not a chance: the complete years up to %d are too few to measure how much the upheld rate moves", last)
		case lv.Change == 0:
			rep.Note = fmt.Sprintf("model flags show a rank, not a chance: a complete year up to %d had no upheld allegation, so how much the upheld rate moves cannot be measured", last)
		default:
			rep.Note = fmt.Sprintf("model flags show a rank, not a chance: in the complete years up to %d the upheld rate moved by a factor of up to %.2f over two years, more than the %.1f a chance set two years back can follow",
				last, lv.Change, MaxLevelChange)
		}
	}
	fr := NewFrame(ds, asOf, members, Options{FindingLag: ec.FindingLag})
	x := fr.Matrix()
	scores := make([]float64, len(members))
	for m := range members {
		scores[m] = model.Score(x.Row(m))
		if !finite(scores[m]) {
			rep.Note = fmt.Sprintf("the model scored officer %s as %v, so it cannot be trusted: only the threshold rules ran", ds.Officers[members[m]].ID, scores[m])
			return rep, nil
		}
	}
	order := make([]int, len(members))
	for i := range order {
		order[i] = i
	}
	// Highest first; equal scores in the officers' stable order.
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	for rank, m := range order[:min(cfg.TopN, len(order))] {
		o := ds.Officers[members[m]]
		prob := sigmoid(scores[m])
		shown := prob
		if !trusted {
			shown = -1
		}
		rep.Candidates = append(rep.Candidates, Candidate{OfficerID: o.ID, UnitID: o.Unit, Source: SourceModel, Score: prob,
			Explanation: modelExplanation(model, x.Row(m), fr, m, rank+1, len(members), shown, noChance)})
	}
	return rep, nil
}
