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
	Handovers   int   // heads left by retired keys whose signature and hash were confirmed
	Witnessed   int   // witnessed heads the log was found to reach and agree with
	// FirstBad is the sequence number of the first entry that is missing,
	// altered, or can no longer be vouched for; 0 when OK, or when the
	// problem lies outside the log (a witness that is not genuine). Where
	// the evidence cannot say which entry of a stretch was touched (a
	// stretch rewritten with fresh hashes), it is the first entry after the
	// last confirmed checkpoint.
	FirstBad int64
	Problem  string // in plain words, naming the entry or checkpoint
	// LastHash is the hash of the last entry when OK. Kept somewhere the
	// database's administrators cannot write, it lets a later check tell
	// whether the log has been rolled back past this point.
	LastHash string
	// Head is the stored head, when OK: FormatHead writes it for a witness.
	Head Head
	// Keys are the ids of the keys whose signatures were confirmed, in the
	// order the log first used them: more than one shows a key rotation.
	Keys []string
}

// Signed is what vouches for a log's entries, as stored beside them.
type Signed struct {
	Checkpoints []Checkpoint
	// Handovers are the last heads signed by keys since retired, each kept
	// by the first append under the next key. They vouch for the log up to
	// the change of key, as checkpoints do, and show when it happened.
	Handovers []Head
	Head      Head
}

// Verify checks a log: entries in sequence order, its checkpoints, the
// heads left by retired keys and its stored head, against the trusted
// public keys; then that the log reaches and agrees with every witnessed
// head (see ParseHeads). It stops at the first problem. Entries are read
// through an iterator so that a log of millions of entries is checked in
// constant memory.
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
//     sequence number, hash and time);
//   - given a witnessed head: a log rolled back to before it (the log ends
//     before the witnessed entry), or rewritten since (the witnessed entry
//     is not the one in the log), even when the head, checkpoints and
//     entries of the earlier state were all restored together.
//
// What it cannot detect:
//   - anything done by someone holding the signing key, who can rewrite
//     and re-sign the whole log;
//   - without a witness, a rollback to an earlier state that the attacker
//     copied at the time, entries, checkpoints and head together (restoring
//     an old backup is exactly this, and so is indistinguishable from it),
//     nor the removal of the entire log. With witnesses, a rollback to any
//     state after the newest witnessed head: they must be taken often
//     enough for what could be lost to matter little;
//   - an event that was never logged: the log vouches only for what the
//     application wrote to it.
//
// Trust comes from keys alone: a retired key is trusted only when the
// caller lists it, never because the log names it.
func Verify(entries iter.Seq2[Entry, error], signed Signed, keys Verifier, witnesses ...Head) Report {
	var r Report
	fail := func(firstBad int64, format string, args ...any) Report {
		r.OK, r.FirstBad, r.Problem = false, firstBad, fmt.Sprintf(format, args...)
		return r
	}
	if keys.Len() == 0 {
		return fail(0, "no public key to check signatures with")
	}
	// A witness is checked first: a copy that is not genuine says nothing
	// about the log, and must not be mistaken for a finding about it.
	ws := slices.Clone(witnesses)
	slices.SortStableFunc(ws, func(a, b Head) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, w := range ws {
		if err := keys.VerifyHead(w); err != nil {
			return fail(0, "witnessed head at entry %d: %v (the witness copy is damaged, or was not signed by a trusted key)", w.Seq, err)
		}
	}
	cps, oerr := sortedCheckpoints(signed.Checkpoints)
	if oerr != nil {
		return fail(oerr.seq, "%s", oerr.msg)
	}
	hos, oerr := sortedHandovers(signed.Handovers)
	if oerr != nil {
		return fail(oerr.seq, "%s", oerr.msg)
	}
	seen := map[string]bool{}
	useKey := func(id string) {
		if !seen[id] {
			seen[id] = true
			r.Keys = append(r.Keys, id)
		}
	}
	// For each witness, what the log held at its entry and how far the
	// log was vouched for before it.
	type witnessed struct {
		hash      string
		confirmed int64
	}
	found := make([]witnessed, len(ws))

	expect, prev := int64(1), Genesis
	var confirmed int64 // the last entry a verified signature vouches for
	nextCP, nextHO, nextW := 0, 0, 0
	for nextW < len(ws) && ws[nextW].Seq == 0 {
		found[nextW] = witnessed{hash: Genesis}
		nextW++
	}
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
		for nextW < len(ws) && ws[nextW].Seq == e.Seq {
			found[nextW] = witnessed{hash: e.Hash, confirmed: confirmed}
			nextW++
		}
		vouched := false
		for nextCP < len(cps) && cps[nextCP].Seq == e.Seq {
			c := cps[nextCP]
			if err := keys.VerifyCheckpoint(c); err != nil {
				return fail(confirmed+1, "checkpoint at %d: %v", c.Seq, err)
			}
			if c.Hash != e.Hash {
				return fail(confirmed+1, "checkpoint at %d: entry %d does not match the signed hash (entries %d to %d rewritten)",
					c.Seq, e.Seq, confirmed+1, e.Seq)
			}
			useKey(c.KeyID)
			r.Checkpoints++
			nextCP++
			vouched = true
		}
		for nextHO < len(hos) && hos[nextHO].Seq == e.Seq {
			h := hos[nextHO]
			if err := keys.VerifyHead(h); err != nil {
				return fail(confirmed+1, "head left at %d by retired key %s: %v", h.Seq, keyIDForMessage(h.KeyID), err)
			}
			if h.Hash != e.Hash {
				return fail(confirmed+1, "head left at %d by retired key %s: entry %d does not match it (entries %d to %d rewritten)",
					h.Seq, h.KeyID, e.Seq, confirmed+1, e.Seq)
			}
			useKey(h.KeyID)
			r.Handovers++
			nextHO++
			vouched = true
		}
		if vouched {
			confirmed = e.Seq
		}
		prev = e.Hash
		expect++
		r.Entries++
	}
	last := expect - 1
	if nextCP < len(cps) {
		return fail(last+1, "checkpoint at %d is beyond the last entry %d (log truncated)", cps[nextCP].Seq, last)
	}
	if nextHO < len(hos) {
		return fail(last+1, "head left at %d by retired key %s is beyond the last entry %d (log truncated)",
			hos[nextHO].Seq, keyIDForMessage(hos[nextHO].KeyID), last)
	}

	head := signed.Head
	if head.Seq == 0 && len(head.Signature) == 0 && (head.Hash == "" || head.Hash == Genesis) {
		// Never written to, or the head was removed.
		if last > 0 {
			return fail(confirmed+1, "chain head is missing but the log has %d entries (head deleted or reset?)", last)
		}
	} else {
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
		useKey(head.KeyID)
	}

	for i, w := range ws {
		if w.Seq > last {
			return fail(last+1, "log ends at entry %d, but a witnessed head %s has %d entries (log rolled back or cut short since)",
				last, describeHead(w), w.Seq)
		}
		if found[i].hash != w.Hash {
			return fail(found[i].confirmed+1, "entry %d does not match the witnessed head %s (log rewritten since it was witnessed)",
				w.Seq, describeHead(w))
		}
		r.Witnessed++
	}
	r.OK, r.LastHash, r.Head = true, prev, head
	return r
}

// describeHead names a verified head in a report: when and by which key it
// was signed.
func describeHead(h Head) string {
	if h.At.IsZero() {
		return "signed by key " + h.KeyID
	}
	return "signed at " + FormatTime(h.At) + " by key " + h.KeyID
}

type orderError struct {
	seq int64
	msg string
}

func sortedCheckpoints(in []Checkpoint) ([]Checkpoint, *orderError) {
	cps := slices.Clone(in)
	slices.SortStableFunc(cps, func(a, b Checkpoint) int { return cmp.Compare(a.Seq, b.Seq) })
	for i, c := range cps {
		if c.Seq < 1 {
			return nil, &orderError{1, fmt.Sprintf("checkpoint at %d: not a valid entry number", c.Seq)}
		}
		if i > 0 && cps[i-1].Seq == c.Seq {
			return nil, &orderError{c.Seq, fmt.Sprintf("checkpoint at %d recorded twice", c.Seq)}
		}
	}
	return cps, nil
}

func sortedHandovers(in []Head) ([]Head, *orderError) {
	hs := slices.Clone(in)
	slices.SortStableFunc(hs, func(a, b Head) int { return cmp.Compare(a.Seq, b.Seq) })
	for i, h := range hs {
		if h.Seq < 1 {
			return nil, &orderError{1, fmt.Sprintf("head left by a retired key at %d: not a valid entry number", h.Seq)}
		}
		if i > 0 && hs[i-1].Seq == h.Seq {
			return nil, &orderError{h.Seq, fmt.Sprintf("head left by a retired key at %d recorded twice", h.Seq)}
		}
	}
	return hs, nil
}

func afterWhat(confirmed int64) string {
	if confirmed == 0 {
		return "the start"
	}
	return fmt.Sprintf("checkpoint %d", confirmed)
}
