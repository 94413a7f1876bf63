package web_test

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
)

// Benchmarks in pairs with a baseline from the same run (see scripts/bench).

func benchFixture(b *testing.B) *fixture {
	db := storetest.Open(b, store.Location{Dialect: store.SQLite, Path: filepath.Join(b.TempDir(), "p.db")})
	return newFixture(b, db, true)
}

// BenchmarkBaselineHealthz is a request through the whole middleware chain
// that touches nothing: the floor for any page.
func BenchmarkBaselineHealthz(b *testing.B) {
	f := benchFixture(b)
	b.ResetTimer()
	for range b.N {
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkGetCase reads a case as a handler: session check, need-to-know,
// the case with its deadlines, timeline and pattern panel, and the audit
// entry written before anything is returned.
func BenchmarkGetCase(b *testing.B) {
	f := benchFixture(b)
	c := f.login(b, access.Handler)
	path := "/api/v1/cases/" + f.cases[relSameUnit]
	b.ResetTimer()
	for range b.N {
		if rec := c.do(b, "GET", path, "", ""); rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkListCases lists a handler's cases, each checked by the policy.
func BenchmarkListCases(b *testing.B) {
	f := benchFixture(b)
	c := f.login(b, access.Handler)
	b.ResetTimer()
	for range b.N {
		if rec := c.do(b, "GET", "/api/v1/cases", "", ""); rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkRefusal asks for a restricted case and for an id that names no
// case: the two must cost the same (the same reads and one audited
// refusal each), or the time of the answer would tell them apart.
func BenchmarkRefusal(b *testing.B) {
	for _, rel := range []string{relRestricted, relNonexistent} {
		b.Run(rel, func(b *testing.B) {
			f := benchFixture(b)
			c := f.login(b, access.Handler)
			path := "/api/v1/cases/" + f.cases[rel]
			b.ResetTimer()
			for range b.N {
				if rec := c.do(b, "GET", path, "", ""); rec.Code != 404 {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}
