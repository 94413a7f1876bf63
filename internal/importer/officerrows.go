package importer

import (
	"fmt"
	"unicode/utf8"

	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// officerRow imports one row of an officers file.
func (x *run) officerRow(rec record) error {
	ctx := x.ctx
	if rec.bad != "" {
		if err := x.reject(rec, rec.bad); err != nil {
			return err
		}
		return x.tick(ctx)
	}
	r := &row{fields: rec.fields}
	ext := x.officerID(r)
	switch {
	case ext == "":
		if err := x.reject(rec, "no officer id"); err != nil {
			return err
		}
	case x.unidentified(r):
		// Not an officer: the allegations naming this id are kept with
		// no subject.
		x.unidentifiedIDs[ext] = true
	case x.keys[store.ImportOfficer][ext] != "":
		x.sum.Duplicates++
	default:
		o, why := x.buildOfficer(r, ext)
		if len(why) > 0 {
			if err := x.reject(rec, why...); err != nil {
				return err
			}
			break
		}
		x.addOfficer(o)
		x.sum.Imported++
	}
	return x.tick(ctx)
}

// newOfficer is an officer built from a row but not yet added: a row is
// checked whole before any of its records are kept.
type newOfficer struct {
	o         store.ImportedOfficer
	ext       string
	unit      string // the source's unit code
	defaulted bool   // the rank had no mapping
}

// buildOfficer makes an officer record from a row, or says why it cannot.
func (x *run) buildOfficer(r *row, ext string) (*newOfficer, []string) {
	var why []string
	if utf8.RuneCountInString(ext) > 20 || !utf8.ValidString(ext) {
		why = append(why, fmt.Sprintf("officer id %q is longer than a collar number may be (20 characters)", clip(ext, 40)))
	}
	family := clip(clean(x.familyName(r), false), 100)
	if family == "" {
		why = append(why, "no officer name (the mapping's family_name is empty for this row)")
	}
	srcRank, rank, _ := x.rank.apply(r)
	var defaulted bool
	if !officers.Rank(rank).Valid() {
		// Counted only when the source gives ranks: Philadelphia's does
		// not, and every officer there is recorded at the default.
		defaulted = !x.m.Officers.Rank.Value.empty()
		rank = string(DefaultRank)
	}
	_, sex, _ := x.sex.apply(r)
	srcEth, eth, _ := x.ethnicity.apply(r)
	// The force's own group, when it declares groups; a group may say
	// which ONS group its officers count in.
	ethGroup := ""
	if g, ok := x.ethnicityGroups[normal(srcEth)]; ok {
		ethGroup = g.Name
		if g.ONS != "" {
			eth = g.ONS
		}
	}
	// Without a joining date, the earliest allegation is the latest day
	// by which the officer had certainly joined; see docs/importing.md
	// for what that means for career lengths.
	joined, _, bad := x.joined.read(r, x.today)
	known := !joined.IsZero()
	if bad != "" {
		why = append(why, bad)
	}
	if !known {
		var ok bool
		if joined, ok = x.officerFirst[ext]; !ok {
			joined = x.joinedFallback
		}
	}
	n := &newOfficer{ext: ext, unit: x.officerUnit(r), defaulted: defaulted,
		o: store.ImportedOfficer{Officer: officers.Officer{ForceID: x.forceID, CollarNumber: ext, FamilyName: family,
			GivenName: clip(clean(x.givenName(r), false), 100), Rank: officers.Rank(rank), JoinedOn: joined, Sex: sex, Ethnicity: eth},
			SourceRank: clip(clean(srcRank, false), 100), JoinedKnown: known, EthnicityGroup: ethGroup}}
	if len(why) == 0 {
		if err := n.o.Validate(x.now); err != nil {
			why = append(why, err.Error())
		}
	}
	return n, why
}

// addOfficer creates an officer, or adopts the force's existing officer
// with the same collar number.
func (x *run) addOfficer(n *newOfficer) string {
	if existing, ok := x.collars[n.ext]; ok {
		x.key(store.ImportOfficer, n.ext, existing)
		return existing
	}
	o := n.o
	o.ID = x.ids.New()
	if n.unit != "" {
		o.UnitID = x.unitFor(n.unit)
	}
	if n.defaulted {
		x.sum.RanksDefaulted++
	}
	x.collars[n.ext] = o.ID
	x.batch.Officers = append(x.batch.Officers, o)
	x.sum.Officers++
	x.key(store.ImportOfficer, n.ext, o.ID)
	return o.ID
}

// unitFor returns the unit with a source's unit code, creating it.
func (x *run) unitFor(src string) string {
	if uid, ok := x.keys[store.ImportUnit][src]; ok {
		return uid
	}
	code := clip(src, 32)
	uid, ok := x.unitCode[code]
	if !ok {
		uid = x.ids.New()
		x.unitCode[code] = uid
		x.batch.Units = append(x.batch.Units, officers.Unit{ID: uid, ForceID: x.forceID, Code: code, Name: clip(src, 200)})
		x.sum.Units++
	}
	x.key(store.ImportUnit, src, uid)
	return uid
}
