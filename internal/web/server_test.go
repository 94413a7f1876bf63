package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/probity/probity/internal/store"
	"github.com/probity/probity/internal/store/storetest"
	"github.com/probity/probity/internal/web"
)

func get(t *testing.T, h http.Handler, path string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET %s: body %q is not JSON: %v", path, rec.Body.String(), err)
	}
	return rec.Code, body
}

func TestHealthAndReadiness(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			loc := e.New(t)
			db, err := store.Open(ctx, loc, store.Options{Keys: storetest.Keys(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			h := web.New(web.Deps{DB: db})

			if code, _ := get(t, h, "/healthz"); code != 200 {
				t.Errorf("healthz before migrating = %d, want 200", code)
			}
			code, body := get(t, h, "/readyz")
			if code != 503 || !strings.Contains(body["reason"].(string), "migrations pending") {
				t.Errorf("readyz before migrating = %d %v, want 503 naming pending migrations", code, body)
			}

			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			code, body = get(t, h, "/readyz")
			if code != 200 || body["engine"] != string(loc.Dialect) {
				t.Errorf("readyz after migrating = %d %v", code, body)
			}

			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			code, body = get(t, h, "/readyz")
			if code != 503 || body["reason"] != "database unreachable" {
				t.Errorf("readyz with database closed = %d %v", code, body)
			}
			if code, _ := get(t, h, "/healthz"); code != 200 {
				t.Errorf("healthz with database closed = %d, want 200", code)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	db := storetest.Open(t, storetest.Engines(t)[0].New(t))
	rec := httptest.NewRecorder()
	web.New(web.Deps{DB: db}).ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	for _, h := range []string{"X-Content-Type-Options", "Content-Security-Policy", "Referrer-Policy", "X-Frame-Options"} {
		if rec.Header().Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
}

func TestUnknownRouteIs404(t *testing.T) {
	db := storetest.Open(t, storetest.Engines(t)[0].New(t))
	rec := httptest.NewRecorder()
	web.New(web.Deps{DB: db}).ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	if rec.Code != 404 {
		t.Errorf("GET /nope = %d", rec.Code)
	}
}
