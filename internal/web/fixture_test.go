package web_test

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/keyring"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
	"github.com/probity/probity/internal/web"
)

var ctx = context.Background()

// testPassword is every fixture user's password.
const testPassword = "fixture passphrase for tests"

// fixture is a small force with one user per role, and cases standing in
// every relation the access policy distinguishes.
type fixture struct {
	db      *store.DB
	srv     *web.Server
	log     *store.AuditLog
	now     time.Time
	users   map[access.Role]access.User
	secrets map[access.Role]string
	cases   map[string]string // relation -> case id
	docs    map[string]string // relation -> a document on that case
	subject string            // an officer who is a subject in every case
	unitA   officers.Unit
	unitB   officers.Unit
	logs    *strings.Builder
}

// relations a case can stand in to a user.
const (
	relOwn         = "own"         // assigned to the user, in another unit
	relSameUnit    = "same-unit"   // in the user's unit
	relOtherUnit   = "other-unit"  // neither
	relConflicted  = "conflicted"  // the user's officer record is a subject
	relRestricted  = "restricted"  // restricted, user not named
	relNonexistent = "nonexistent" // no such case
	relShared      = "shared"      // other unit, shared with the oversight body
)

var relations = []string{relOwn, relSameUnit, relOtherUnit, relConflicted, relRestricted, relNonexistent, relShared}

// testSigningKey signs every fixture's audit entries.
const testSigningKey = "cHJvYml0eS10ZXN0LWF1ZGl0LXNpZ25pbmcta2V5ISE="

// fixtureHasher hashes the fixture users' passwords, cheaply.
var fixtureHasher = access.Hasher{Params: access.TestParams}

func testSigner(t testing.TB) *audit.Signer {
	t.Helper()
	s, err := audit.ParseSigningKey(testSigningKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newFixture(t testing.TB, db *store.DB, requireMFA bool) *fixture {
	t.Helper()
	f, err := fillFixture(db)
	if err != nil {
		t.Fatal(err)
	}
	return f.serve(requireMFA)
}

// fillFixture puts the fixture's force, users and cases into db, signing
// the audit entries it writes with the test key.
func fillFixture(db *store.DB) (*fixture, error) {
	f := &fixture{db: db, now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC), users: map[access.Role]access.User{},
		secrets: map[access.Role]string{}, cases: map[string]string{}, docs: map[string]string{}, logs: &strings.Builder{}}
	signer, err := audit.ParseSigningKey(testSigningKey)
	if err != nil {
		return nil, err
	}
	f.log = store.NewAuditLog(db, signer, 10)
	db.UseAuditLog(f.log)
	force := officers.Force{Code: "FX", Name: "Fixture Police"}
	f.unitA = officers.Unit{Code: "A", Name: "Unit A"}
	f.unitB = officers.Unit{Code: "B", Name: "Unit B"}
	hash, err := fixtureHasher.Hash(testPassword)
	if err != nil {
		return nil, err
	}
	ref, err := cases.LoadReference()
	if err != nil {
		return nil, err
	}
	var userOfficers []string
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateForce(ctx, &force); err != nil {
			return err
		}
		for _, u := range []*officers.Unit{&f.unitA, &f.unitB} {
			u.ForceID = force.ID
			if err := tx.CreateUnit(ctx, u); err != nil {
				return err
			}
		}
		for i, role := range access.Roles {
			o := officers.Officer{ForceID: force.ID, CollarNumber: "U" + string(rune('0'+i)), FamilyName: "Staff " + string(role),
				Rank: "sergeant", UnitID: f.unitA.ID, JoinedOn: f.now.AddDate(-10, 0, 0)}
			if err := tx.CreateOfficer(ctx, &o, f.now); err != nil {
				return err
			}
			userOfficers = append(userOfficers, o.ID)
			u := access.User{Username: string(role), DisplayName: "Test " + string(role), Roles: []access.Role{role}, OfficerID: o.ID}
			switch role {
			case access.Handler, access.Investigator, access.Authority, access.PSDHead, access.Supervisor:
				u.UnitIDs = []string{f.unitA.ID}
			}
			if err := tx.CreateUser(ctx, &u, hash, f.now); err != nil {
				return err
			}
			secret, _, err := access.NewTOTPSecret(u.Username)
			if err != nil {
				return err
			}
			if err := tx.SetTOTP(ctx, u.ID, secret, true, 0); err != nil {
				return err
			}
			f.users[role], f.secrets[role] = u, secret
		}
		subject := officers.Officer{ForceID: force.ID, CollarNumber: "S1", FamilyName: "Subject", Rank: "constable",
			UnitID: f.unitA.ID, JoinedOn: f.now.AddDate(-3, 0, 0)}
		if err := tx.CreateOfficer(ctx, &subject, f.now); err != nil {
			return err
		}
		f.subject = subject.ID
		mk := func(rel, unit string, subjects []string, restricted bool) (string, error) {
			c := cases.Case{Kind: cases.Complaint, ForceID: force.ID, UnitID: unit, Summary: "Case standing " + rel,
				AroseOn: f.now.AddDate(0, 0, -20), ReceivedAt: f.now.AddDate(0, 0, -10), Restricted: restricted}
			var subs []cases.Subject
			for _, s := range subjects {
				subs = append(subs, cases.Subject{OfficerID: s})
			}
			c.Allegations = []cases.Allegation{{Category: "individual-behaviours", Subcategory: "impolite-language", Subjects: subs}}
			if err := c.Validate(ref, f.now); err != nil {
				return "", err
			}
			c.Prepare(ref, f.now)
			if err := tx.CreateCase(ctx, &c, "fixture", f.now); err != nil {
				return "", err
			}
			f.cases[rel] = c.ID
			doc := store.Document{CaseID: c.ID, SHA256: strings.Repeat("ab", 32), Filename: "statement.txt", MediaType: "text/plain",
				Size: 9, UploadedBy: "fixture", UploadedAt: f.now}
			if err := tx.AddDocument(ctx, &doc, []byte("statement")); err != nil {
				return "", err
			}
			f.docs[rel] = doc.ID
			return c.ID, nil
		}
		own, err := mk(relOwn, f.unitB.ID, []string{subject.ID}, false)
		if err != nil {
			return err
		}
		for _, u := range f.users {
			if err := tx.AssignCase(ctx, own, u.ID, f.now); err != nil {
				return err
			}
		}
		if _, err := mk(relSameUnit, f.unitA.ID, []string{subject.ID}, false); err != nil {
			return err
		}
		if _, err := mk(relOtherUnit, f.unitB.ID, []string{subject.ID}, false); err != nil {
			return err
		}
		if _, err := mk(relConflicted, f.unitA.ID, append([]string{subject.ID}, userOfficers...), false); err != nil {
			return err
		}
		if _, err := mk(relRestricted, f.unitA.ID, []string{subject.ID}, true); err != nil {
			return err
		}
		shared, err := mk(relShared, f.unitB.ID, []string{subject.ID}, false)
		if err != nil {
			return err
		}
		return tx.ShareWithOversight(ctx, shared, "fixture", f.now)
	})
	if err != nil {
		return nil, err
	}
	f.cases[relNonexistent] = "aaaaaaaaaaaaaaaaaaaaaaaaaa"
	f.docs[relNonexistent] = "aaaaaaaaaaaaaaaaaaaaaaaaaa"
	return f, nil
}

// serve gives the fixture its server.
func (f *fixture) serve(requireMFA bool) *fixture {
	f.srv = web.New(web.Deps{DB: f.db, Clock: func() time.Time { return f.now }, RequireMFA: requireMFA,
		Hasher: fixtureHasher, Logger: newTestLogger(f.logs)})
	return f
}

// fixtureTemplate is a fixture filled once per engine and test process
// into a kept database, closed; freshFixture copies it for each test.
// Filling a fixture costs far more than copying one, and the suite makes
// hundreds.
type fixtureTemplate struct {
	once sync.Once
	loc  store.Location
	f    *fixture
	err  error
}

var fixtureTemplates sync.Map // engine name -> *fixtureTemplate

func (ft *fixtureTemplate) fill(e storetest.Engine, keys *keyring.Keyring) {
	loc, err := storetest.Kept(e)
	if err != nil {
		ft.err = err
		return
	}
	db, err := store.Open(ctx, loc, store.Options{Keys: keys})
	if err != nil {
		ft.err = err
		return
	}
	if _, err = db.Migrate(ctx); err == nil {
		ft.f, err = fillFixture(db)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	ft.loc, ft.err = loc, err
}

// freshFixture is newFixture on a fresh database of engine e: a copy of
// the engine's filled template, holding just what newFixture would have
// put there.
func freshFixture(t testing.TB, e storetest.Engine, requireMFA bool) *fixture {
	t.Helper()
	return freshFixtureWith(t, e, requireMFA, store.Options{})
}

// freshFixtureWith is freshFixture on a store opened with opt, such as a
// pool of a given size.
func freshFixtureWith(t testing.TB, e storetest.Engine, requireMFA bool, opt store.Options) *fixture {
	t.Helper()
	v, _ := fixtureTemplates.LoadOrStore(e.Name, &fixtureTemplate{})
	ft := v.(*fixtureTemplate)
	ft.once.Do(func() { ft.fill(e, storetest.Keys(t)) })
	if ft.err != nil {
		t.Fatalf("filling the %s fixture: %v", e.Name, ft.err)
	}
	db := storetest.OpenWith(t, storetest.CopyOf(t, ft.loc), opt)
	f := *ft.f
	f.db, f.logs = db, &strings.Builder{}
	f.users, f.secrets = maps.Clone(f.users), maps.Clone(f.secrets)
	f.cases, f.docs = maps.Clone(f.cases), maps.Clone(f.docs)
	f.log = store.NewAuditLog(db, testSigner(t), 10)
	db.UseAuditLog(f.log)
	return f.serve(requireMFA)
}

// client is a cookie-carrying caller of the fixture's server.
type client struct {
	f      *fixture
	cookie string
}

func (f *fixture) anonymous() *client { return &client{f: f} }

// login signs a role in through the API with its password and TOTP code.
func (f *fixture) login(t testing.TB, role access.Role) *client {
	t.Helper()
	code, err := totp.GenerateCode(f.secrets[role], f.now)
	if err != nil {
		t.Fatal(err)
	}
	c := &client{f: f}
	resp := c.do(t, "POST", "/api/v1/session", "application/json",
		`{"username":"`+string(role)+`","password":"`+testPassword+`","totp":"`+code+`"}`)
	if resp.Code != 200 {
		t.Fatalf("login as %s: %d %s", role, resp.Code, resp.Body.String())
	}
	for _, ck := range resp.Result().Cookies() {
		if ck.Name == "probity_session" {
			c.cookie = ck.Value
		}
	}
	if c.cookie == "" {
		t.Fatalf("login as %s set no session cookie", role)
	}
	return c
}

func (c *client) do(t testing.TB, method, path, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: "probity_session", Value: c.cookie})
	}
	rec := httptest.NewRecorder()
	c.f.srv.ServeHTTP(rec, req)
	return rec
}

func (c *client) doWith(t *testing.T, method, path string, headers map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	c.f.srv.ServeHTTP(rec, req)
	return rec
}

// eachFixture runs fn once per engine, as a subtest, on a fresh fixture.
func eachFixture(t *testing.T, requireMFA bool, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { fn(t, freshFixture(t, e, requireMFA)) })
	}
}
