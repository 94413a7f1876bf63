package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/cases"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/web"
)

// The API description is checked by hand rather than with an OpenAPI
// validator: go.mod is shared and takes no new dependency for a test.

// openAPIDoc fetches the served description the way a client would. The
// route is public and touches no database, so a server without one will do.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	rec := httptest.NewRecorder()
	web.New(web.Deps{}).ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: status %d, body %q", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET /api/v1/openapi.json: Content-Type %q, want application/json", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("the API description is not JSON: %v", err)
	}
	return doc
}

// openAPIOperation is one path and method of the description.
type openAPIOperation struct {
	path, method string
	op           map[string]any
	pathItem     map[string]any
}

var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func openAPIOperations(t *testing.T, doc map[string]any) []openAPIOperation {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("the description has no paths object")
	}
	var out []openAPIOperation
	for p, v := range paths {
		item, ok := v.(map[string]any)
		if !ok {
			t.Errorf("path %s is not an object", p)
			continue
		}
		for _, m := range openAPIMethods {
			if o, ok := item[m]; ok {
				op, ok := o.(map[string]any)
				if !ok {
					t.Errorf("%s %s is not an object", m, p)
					continue
				}
				out = append(out, openAPIOperation{path: p, method: m, op: op, pathItem: item})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].path+" "+out[i].method < out[j].path+" "+out[j].method
	})
	return out
}

// openAPIPath turns a ServeMux pattern into an OpenAPI path: the {name}
// wildcards are the same, {name...} becomes {name}, and a trailing {$}
// goes.
func openAPIPath(pattern string) string {
	p := strings.TrimSuffix(pattern, "{$}")
	return regexp.MustCompile(`\{([A-Za-z0-9_]+)\.\.\.\}`).ReplaceAllString(p, "{$1}")
}

func documented(pattern string) bool {
	return strings.HasPrefix(pattern, "/api/") || pattern == "/healthz" || pattern == "/readyz" || pattern == "/metrics"
}

func TestOpenAPIDocument(t *testing.T) {
	doc := openAPIDoc(t)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] != "Probity API" || info["version"] != "1" {
		t.Errorf("info title %v, version %v; want Probity API, 1", info["title"], info["version"])
	}
	desc, _ := info["description"].(string)
	for _, want := range []string{"POST /api/v1/session", "Bearer prt_", "problem+json", "next_cursor",
		"make_initial_contact", "record_under_schedule3", "investigate_locally", "notify_outcome", "request_review",
		"not_uphold_review", "uphold_review", "close", "assess_severity", "start_investigation", "serve_reg17_notice",
		"interview_officer", "submit_report", "case_to_answer", "refer_to_hearing", "serve_referral_notice",
		"record_officer_response", "agree_witnesses", "hold_pre_hearing", "hold_proceedings", "record_outcome", "finalise"} {
		if !strings.Contains(desc, want) {
			t.Errorf("info.description does not mention %q", want)
		}
	}
	schemes := lookup(doc, "components", "securitySchemes")
	cookie := lookup(schemes, "cookieAuth")
	if cookie["type"] != "apiKey" || cookie["in"] != "cookie" || cookie["name"] != "probity_session" {
		t.Errorf("cookieAuth = %v, want an apiKey in cookie probity_session", cookie)
	}
	bearer := lookup(schemes, "bearerAuth")
	if bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Errorf("bearerAuth = %v, want http bearer", bearer)
	}
	schemas := lookup(doc, "components", "schemas")
	for _, name := range []string{"Problem", "Case", "CaseView", "Allegation", "Subject", "Event", "Deadline",
		"CaseSummary", "ActionInput", "FindingInput", "StepInput", "Note", "Document", "Officer", "Posting",
		"PriorAllegation", "BreakGlass", "AuditEntry", "User", "Session", "RecordCaseRequest"} {
		if _, ok := schemas[name]; !ok {
			t.Errorf("components.schemas has no %s", name)
		}
	}
	// JSON Schema 2020-12 says null with a type; nullable is OpenAPI 3.0.
	walkJSON(doc, "#", func(ptr string, m map[string]any) {
		if _, ok := m["nullable"]; ok {
			t.Errorf("%s uses nullable; write \"type\": [\"...\", \"null\"]", ptr)
		}
	})
}

// TestOpenAPICoversEveryRoute: every API route is described, with the
// permission the routing table gives it, and nothing else is.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	doc := openAPIDoc(t)
	ops := map[string]openAPIOperation{}
	for _, o := range openAPIOperations(t, doc) {
		ops[o.method+" "+o.path] = o
	}
	routes := map[string]bool{}
	for _, rt := range web.New(web.Deps{}).Routes() {
		if !documented(rt.Pattern) {
			continue
		}
		key := strings.ToLower(rt.Method) + " " + openAPIPath(rt.Pattern)
		routes[key] = true
		o, ok := ops[key]
		if !ok {
			t.Errorf("route %s %s is not in the API description", rt.Method, rt.Pattern)
			continue
		}
		if got := o.op["x-permission"]; got != string(rt.Permission) {
			t.Errorf("%s: x-permission = %v, the route needs %s", key, got, rt.Permission)
		}
		// Public routes must say they need no credentials; the others
		// inherit the document's security.
		sec, has := o.op["security"].([]any)
		if public := rt.Permission == access.Public; public != (has && len(sec) == 0) {
			t.Errorf("%s: security = %v, but the route's permission is %s", key, o.op["security"], rt.Permission)
		}
	}
	for key := range ops {
		if !routes[key] {
			t.Errorf("the API description has %s, which is no route", key)
		}
	}
}

// TestOpenAPIRefsResolve: every $ref points into this document at
// something that exists, and every component is used.
func TestOpenAPIRefsResolve(t *testing.T) {
	doc := openAPIDoc(t)
	used := map[string]bool{}
	walkJSON(doc, "#", func(ptr string, m map[string]any) {
		r, ok := m["$ref"]
		if !ok {
			return
		}
		s, ok := r.(string)
		if !ok || !strings.HasPrefix(s, "#/components/") {
			t.Errorf("%s: $ref %v does not point at a component of this document", ptr, r)
			return
		}
		if _, err := resolvePointer(doc, s); err != nil {
			t.Errorf("%s: $ref %s: %v", ptr, s, err)
		}
		used[s] = true
	})
	for kind, v := range lookup(doc, "components") {
		if kind == "securitySchemes" {
			continue
		}
		for name := range v.(map[string]any) {
			if ref := "#/components/" + kind + "/" + name; !used[ref] {
				t.Errorf("%s is defined but never used", ref)
			}
		}
	}
}

// TestOpenAPIOperations checks each operation's shape: a unique
// operationId, a 2xx answer, every response described, and path
// parameters that match the path.
func TestOpenAPIOperations(t *testing.T) {
	doc := openAPIDoc(t)
	ids := map[string]string{}
	wildcard := regexp.MustCompile(`\{([^}]+)\}`)
	for _, o := range openAPIOperations(t, doc) {
		name := o.method + " " + o.path
		id, _ := o.op["operationId"].(string)
		if id == "" {
			t.Errorf("%s has no operationId", name)
		} else if other, dup := ids[id]; dup {
			t.Errorf("%s and %s share operationId %s", other, name, id)
		} else {
			ids[id] = name
		}

		responses, _ := o.op["responses"].(map[string]any)
		ok2xx := false
		for code, r := range responses {
			if regexp.MustCompile(`^2(\d\d|XX)$`).MatchString(code) {
				ok2xx = true
			}
			if !regexp.MustCompile(`^([1-5](\d\d|XX)|default)$`).MatchString(code) {
				t.Errorf("%s: response %q is not a status code", name, code)
			}
			resp := deref(t, doc, r)
			if d, _ := resp["description"].(string); d == "" {
				t.Errorf("%s: response %s has no description", name, code)
			}
		}
		if !ok2xx {
			t.Errorf("%s has no 2xx response", name)
		}

		declared := map[string]bool{}
		var params []any
		if ps, ok := o.pathItem["parameters"].([]any); ok {
			params = append(params, ps...)
		}
		if ps, ok := o.op["parameters"].([]any); ok {
			params = append(params, ps...)
		}
		seen := map[string]bool{}
		for _, p := range params {
			pm := deref(t, doc, p)
			pname, _ := pm["name"].(string)
			in, _ := pm["in"].(string)
			if pname == "" || !slices.Contains([]string{"path", "query", "header", "cookie"}, in) {
				t.Errorf("%s: parameter %v needs a name and in", name, pm)
				continue
			}
			if seen[in+" "+pname] {
				t.Errorf("%s: parameter %s in %s is declared twice", name, pname, in)
			}
			seen[in+" "+pname] = true
			if _, ok := pm["schema"]; !ok {
				t.Errorf("%s: parameter %s has no schema", name, pname)
			}
			if in == "path" {
				declared[pname] = true
				if pm["required"] != true {
					t.Errorf("%s: path parameter %s must be required", name, pname)
				}
			}
		}
		inURL := map[string]bool{}
		for _, m := range wildcard.FindAllStringSubmatch(o.path, -1) {
			inURL[m[1]] = true
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} is not declared", name, m[1])
			}
		}
		for p := range declared {
			if !inURL[p] {
				t.Errorf("%s: declares path parameter %s, which is not in the path", name, p)
			}
		}

		if body, ok := o.op["requestBody"]; ok {
			content, _ := deref(t, doc, body)["content"].(map[string]any)
			if len(content) == 0 {
				t.Errorf("%s: request body has no content", name)
			}
		}
	}
}

// TestOpenAPISchemas checks that every schema's required properties are
// ones it defines, and that the enums agree with the domain's own lists,
// so that a new action, step or state cannot go undescribed.
func TestOpenAPISchemas(t *testing.T) {
	doc := openAPIDoc(t)
	walkJSON(doc, "#", func(ptr string, m map[string]any) {
		req, ok := m["required"].([]any)
		props, hasProps := m["properties"].(map[string]any)
		if !ok || !hasProps {
			return
		}
		for _, r := range req {
			if _, ok := props[r.(string)]; !ok {
				t.Errorf("%s: required %v is not among its properties", ptr, r)
			}
		}
	})

	schemas := lookup(doc, "components", "schemas")
	enum := func(s map[string]any) []string {
		var out []string
		for _, v := range s["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	same := func(where string, got []string, want []string) {
		t.Helper()
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("%s enum lacks %q, which the domain has", where, w)
			}
		}
		for _, g := range got {
			if !slices.Contains(want, g) {
				t.Errorf("%s enum has %q, which the domain does not", where, g)
			}
		}
	}
	strs := func(xs any) []string {
		var out []string
		switch v := xs.(type) {
		case []cases.Kind:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []cases.State:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []access.Role:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []officers.Rank:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []cases.Forum:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []cases.Sanction:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []string:
			out = v
		default:
			panic(fmt.Sprintf("strs: %T", xs))
		}
		return out
	}

	var actions []string
	for _, a := range cases.AllActions() {
		actions = append(actions, string(a.Name))
	}
	same("ActionName", enum(lookup(schemas, "ActionName")), actions)

	var steps []string
	for s := range cases.Steps {
		steps = append(steps, string(s))
	}
	same("StepInput.step", enum(lookup(schemas, "StepInput", "properties", "step")), steps)

	var clocks []string
	for _, l := range cases.ClockLimits() {
		clocks = append(clocks, string(l.Clock))
	}
	same("Clock", enum(lookup(schemas, "Clock")), clocks)

	same("Kind", enum(lookup(schemas, "Kind")), strs(cases.Kinds))
	var states []cases.State
	for _, k := range cases.Kinds {
		for _, st := range cases.KindStates(k) {
			if !slices.Contains(states, st) {
				states = append(states, st)
			}
		}
	}
	same("State", enum(lookup(schemas, "State")), strs(states))
	same("Role", enum(lookup(schemas, "Role")), strs(access.Roles))
	same("Rank", enum(lookup(schemas, "Rank")), strs(officers.Ranks))
	same("ActionInput.forum", enum(lookup(schemas, "ActionInput", "properties", "forum")), strs(cases.Forums))
	same("FindingInput.severity", enum(lookup(schemas, "FindingInput", "properties", "severity")), cases.Severities)
	same("FindingInput.sanction", enum(lookup(schemas, "FindingInput", "properties", "sanction")), strs(cases.Sanctions))
	same("ActionInput.mode", enum(lookup(schemas, "ActionInput", "properties", "mode")), cases.Modes)
	same("ActionInput.appeal_outcome", enum(lookup(schemas, "ActionInput", "properties", "appeal_outcome")), cases.AppealOutcomes)
	var grounds []string
	for _, g := range cases.ReferralGrounds {
		grounds = append(grounds, g.Code)
	}
	same("ActionInput.referral_ground", enum(lookup(schemas, "ActionInput", "properties", "referral_ground")), grounds)
	same("ActionInput.mandatory_ground", enum(lookup(schemas, "ActionInput", "properties", "mandatory_ground")), cases.MandatoryHandlingGrounds)

	// Every field an action requires or takes is one ActionInput (or a
	// finding) has.
	inputProps := lookup(schemas, "ActionInput", "properties")
	findingProps := lookup(schemas, "FindingInput", "properties")
	var fields []string
	for _, f := range enum(lookup(schemas, "Field")) {
		fields = append(fields, f)
		_, inInput := inputProps[f]
		_, inFinding := findingProps[f]
		if !inInput && !inFinding {
			t.Errorf("Field %q is neither an ActionInput nor a FindingInput property", f)
		}
	}
	for _, a := range cases.AllActions() {
		for _, f := range append(slices.Clone(a.Requires), a.Optional...) {
			if !slices.Contains(fields, string(f)) {
				t.Errorf("action %s takes %q, which the Field enum lacks", a.Name, f)
			}
		}
	}
}

// lookup follows keys through nested objects; a missing one panics, which
// fails the test with the path that is missing.
func lookup(m map[string]any, keys ...string) map[string]any {
	cur := m
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			panic(fmt.Sprintf("the API description has no object at %s", strings.Join(keys, ".")))
		}
		cur = next
	}
	return cur
}

// walkJSON calls fn with every object in v and its JSON pointer.
func walkJSON(v any, ptr string, fn func(ptr string, m map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(ptr, x)
		for k, child := range x {
			walkJSON(child, ptr+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k), fn)
		}
	case []any:
		for i, child := range x {
			walkJSON(child, fmt.Sprintf("%s/%d", ptr, i), fn)
		}
	}
}

// resolvePointer follows a local JSON pointer (#/a/b) in doc.
func resolvePointer(doc map[string]any, ref string) (any, error) {
	var cur any = doc
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q is not inside an object", tok)
		}
		if cur, ok = m[tok]; !ok {
			return nil, fmt.Errorf("%q is not defined", tok)
		}
	}
	return cur, nil
}

// deref returns v as an object, following a $ref if it is one.
func deref(t *testing.T, doc map[string]any, v any) map[string]any {
	t.Helper()
	m, _ := v.(map[string]any)
	if r, ok := m["$ref"].(string); ok {
		target, err := resolvePointer(doc, r)
		if err != nil {
			t.Errorf("$ref %s: %v", r, err)
			return nil
		}
		m, _ = target.(map[string]any)
	}
	return m
}
