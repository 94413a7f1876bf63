package audit

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
)

// Report is the outcome of Verify.
type Report struct {
	OK          bool
	Entries     int64 // entries found sound before the first problem (all of them when OK)
	Checkpoints int   // checkpoints whose signature and hash were confirmed
	// FirstBad is the sequence number of the first entry that is missing,
	// altered, or can no longer be vouched for; 0 when OK. Where the
	// evidence cannot say which entry of a stretch was touched (a stretch
	// rewritten with fresh hashes), it is the first entry after the last
	// confirmed checkpoint.
	FirstBad int64
	Problem  string // in plain words, naming the entry or checkpoint
	// LastHash is the hash of the last entry when OK. Kept somewhere the
	// database's administrators cannot write, it lets a later check tell
	// whether the log has been rolled back past this point.
	LastHash string
}

// Verify checks a log: entries in sequence order, its checkpoints and its
// stored head, against the trusted public keys. It stops at the first
// problem. Entries are read through an iterator so that a log of millions
// of entries is checked in constant memory.
//
// What it detects, for someone who can write to the database but does not
// hold the signing key:
//   - any change to any field of an entry (its hash no longer matches, or,
//     when the hash was recomputed too, the next entry's link breaks, or
//     the next checkpoint or the signed head no longer matches);
//   - a deleted entry, first, middle or last (a gap in the sequence; the
//     last one through the head, which records how long the log is);
//   - entries reordered, or renumbered to close a gap (the hash covers the
//     sequence number and the previous entry's hash);
//   - a truncated tail: the head says more entries exist than remain, or
//     a checkpoint points beyond the end; rewriting the head to match
//     needs the signing key;
//   - forged, altered or moved checkpoints (their signatures cover the
//     sequence number, hash and time).
//
// What it cannot detect:
//   - anything done by someone holding the signing key, who can rewrite
//     and re-sign the whole log;
//   - a rollback to an earlier state that the attacker copied at the time,
//     entries, checkpoints and head together (restoring an old backup is
//     exactly this, and so is indistinguishable from it); nor the removal
//     of the entire log. Both need a copy of recent checkpoints kept
//     outside the database (printed by `probity audit verify`, shipped to
//     a log collector) to compare against;
//   - an event that was never logged: the log vouches only for what the
//     application wrote to it.
func Verify(entries iter.Seq2[Entry, error], checkpoints []Checkpoint, head Head, keys Verifier) Report {
	var r Report
	fail := func(firstBad int64, format string, args ...any) Report {
		r.OK, r.FirstBad, r.Problem = false, firstBad, fmt.Sprintf(format, args...)
		return r
	}
	if keys.Len() == 0 {
		return fail(0, "no public key to check signatures with")
	}
	cps := slices.Clone(checkpoints)
	slices.SortStableFunc(cps, func(a, b Checkpoint) int { return cmp.Compare(a.Seq, b.Seq) })
	for i, c := range cps {
		if c.Seq < 1 {
			return fail(1, "checkpoint at %d: not a valid entry number", c.Seq)
		}
		if i > 0 && cps[i-1].Seq == c.Seq {
			return fail(c.Seq, "checkpoint at %d recorded twice", c.Seq)
		}
	}

	expect, prev := int64(1), Genesis
	var confirmed int64 // the last entry a verified checkpoint vouches for
	next := 0           // index into cps of the next checkpoint to reach
	for e, err := range entries {
		if err != nil {
			var me *MalformedError
			if !errors.As(err, &me) {
				return fail(expect, "cannot read the log at entry %d: %v", expect, err)
			}
		}
		switch {
		case e.Seq > expect:
			return fail(expect, "entry %d: sequence gap, expected %d got %d (entry deleted?)", expect, expect, e.Seq)
		case e.Seq < expect:
			return fail(expect, "entry %d: out of order, expected %d got %d (entries reordered or duplicated)", expect, expect, e.Seq)
		}
		if err != nil {
			return fail(e.Seq, "%v", err)
		}
		if e.ComputeHash() != e.Hash {
			return fail(e.Seq, "entry %d: hash does not match its content", e.Seq)
		}
		if e.PrevHash != prev {
			// The pair is inconsistent: either this entry's link was changed
			// or its predecessor was rewritten with a fresh hash. Blame the
			// predecessor unless a checkpoint vouches for it.
			firstBad := e.Seq
			if e.Seq > 1 && confirmed < e.Seq-1 {
				firstBad = e.Seq - 1
			}
			return fail(firstBad, "entry %d: previous-hash link broken (reordered or altered)", e.Seq)
		}
		for next < len(cps) && cps[next].Seq == e.Seq {
			c := cps[next]
			if err := keys.VerifyCheckpoint(c); err != nil {
				return fail(confirmed+1, "checkpoint at %d: %v", c.Seq, err)
			}
			if c.Hash != e.Hash {
				return fail(confirmed+1, "checkpoint at %d: entry %d does not match the signed hash (entries %d to %d rewritten)",
					c.Seq, e.Seq, confirmed+1, e.Seq)
			}
			confirmed = e.Seq
			r.Checkpoints++
			next++
		}
		prev = e.Hash
		expect++
		r.Entries++
	}
	last := expect - 1
	if next < len(cps) {
		return fail(last+1, "checkpoint at %d is beyond the last entry %d (log truncated)", cps[next].Seq, last)
	}

	if head.Seq == 0 && len(head.Signature) == 0 && (head.Hash == "" || head.Hash == Genesis) {
		// Never written to, or the head was removed.
		if last > 0 {
			return fail(confirmed+1, "chain head is missing but the log has %d entries (head deleted or reset?)", last)
		}
		r.OK, r.LastHash = true, prev
		return r
	}
	if err := keys.VerifyHead(head); err != nil {
		return fail(confirmed+1, "chain head: %v; cannot confirm entries after %s (log truncated or rewritten?)",
			err, afterWhat(confirmed))
	}
	switch {
	case head.Seq > last:
		return fail(last+1, "head says %d entries but log ends at %d (log truncated)", head.Seq, last)
	case head.Seq < last:
		return fail(head.Seq+1, "log has entries after %d, where the signed head ends (entries added without the signing key?)", head.Seq)
	case head.Hash != prev:
		return fail(confirmed+1, "entry %d does not match the signed head (entries %d to %d rewritten)", last, confirmed+1, last)
	}
	r.OK, r.LastHash = true, prev
	return r
}

func afterWhat(confirmed int64) string {
	if confirmed == 0 {
		return "the start"
	}
	return fmt.Sprintf("checkpoint %d", confirmed)
}
