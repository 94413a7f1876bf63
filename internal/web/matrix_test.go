package web_test

import (
	"strings"
	"testing"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/store/storetest"
	"github.com/probity/probity/internal/web"
)

// anon stands for a caller who is not signed in.
const anon = access.Role("(anonymous)")

var matrixCallers = append([]access.Role{anon}, access.Roles...)

// expect is the expected status of one route for each caller. For routes
// about a case, perRelation gives the status for each relation of the case
// to the caller; for others, all.
type expect struct {
	all         map[access.Role]int
	perRelation map[access.Role]map[string]int
}

// byRole gives every caller the status def, except those listed.
func byRole(def int, except map[access.Role]int) map[access.Role]int {
	m := map[access.Role]int{}
	for _, r := range matrixCallers {
		m[r] = def
	}
	for r, s := range except {
		m[r] = s
	}
	return m
}

// relStatus lists statuses for own, same unit, other unit, conflicted,
// restricted, nonexistent and shared, in that order.
func relStatus(s ...int) map[string]int {
	m := map[string]int{}
	for i, rel := range relations {
		m[rel] = s[i]
	}
	return m
}

// caseRoute builds the expectations of a route about one case: caseRoles
// get perCase; the oversight body gets oversight; everyone else is
// refused by role (403), and anonymous callers get anonStatus. Roles in
// except get their own row.
func caseRoute(perCase, oversight map[string]int, anonStatus int, except ...map[access.Role]map[string]int) expect {
	e := expect{perRelation: map[access.Role]map[string]int{}}
	defer func() {
		for _, m := range except {
			for r, row := range m {
				e.perRelation[r] = row
			}
		}
	}()
	for _, r := range matrixCallers {
		switch r {
		case access.Handler, access.Investigator, access.Authority, access.PSDHead:
			e.perRelation[r] = perCase
		case access.Oversight:
			e.perRelation[r] = oversight
		case anon:
			e.perRelation[r] = relStatus(anonStatus, anonStatus, anonStatus, anonStatus, anonStatus, anonStatus, anonStatus)
		default:
			e.perRelation[r] = relStatus(403, 403, 403, 403, 403, 403, 403)
		}
	}
	return e
}

// theMatrix is written by hand from the policy's intent, not derived from
// the code: who may do what to which case.
var theMatrix = map[string]expect{
	"GET /healthz":      {all: byRole(200, nil)},
	"GET /readyz":       {all: byRole(200, nil)},
	"GET /static/":      {all: byRole(200, nil)},
	"GET /login":        {all: byRole(200, nil)},
	"POST /login":       {all: byRole(401, nil)}, // an empty form is a failed sign-in
	"POST /logout":      {all: byRole(303, nil)},
	"GET /mfa":          {all: byRole(303, nil)}, // signed in and enrolled: on to the start page; anonymous: to sign-in
	"POST /mfa/enrol":   {all: byRole(409, map[access.Role]int{anon: 303})},
	"POST /mfa/confirm": {all: byRole(409, map[access.Role]int{anon: 303})},
	"GET /{$}":          {all: byRole(200, map[access.Role]int{anon: 303})},
	"GET /cases": {all: byRole(403, map[access.Role]int{anon: 303, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Oversight: 200})},
	"GET /cases.csv": {all: byRole(403, map[access.Role]int{anon: 303, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Oversight: 200})},
	"GET /cases/new": {all: byRole(403, map[access.Role]int{anon: 303, access.Handler: 200, access.Authority: 200, access.PSDHead: 200})},
	// A form with no answers is shown again with what to put right.
	"POST /cases/new": {all: byRole(403, map[access.Role]int{anon: 303, access.Handler: 422, access.Authority: 422, access.PSDHead: 422})},
	"GET /cases/{id}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(404, 404, 404, 404, 404, 404, 200), 303),
	// The case page's forms answer as their API twins do, a success
	// going back to the case page (303). The investigator may not make
	// initial contact: the form says the action is not open to them (409).
	"GET /cases/{id}/act/{action}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303,
		map[access.Role]map[string]int{access.Investigator: relStatus(409, 409, 403, 404, 404, 404, 403)}),
	"POST /cases/{id}/act/{action}": caseRoute(
		relStatus(303, 303, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303,
		map[access.Role]map[string]int{access.Investigator: relStatus(409, 409, 403, 404, 404, 404, 403)}),
	// A step's form answers as POST /api/v1/cases/{id}/steps does.
	"GET /cases/{id}/steps/{step}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303),
	"POST /cases/{id}/steps/{step}": caseRoute(
		relStatus(303, 303, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303),
	"POST /cases/{id}/notes": caseRoute(
		relStatus(303, 303, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303),
	"POST /cases/{id}/documents": caseRoute(
		relStatus(303, 303, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303),
	"GET /cases/{id}/documents/{doc}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(404, 404, 404, 404, 404, 404, 200), 303),
	"GET /cases/{id}/assign":       grantRoute(200),
	"POST /cases/{id}/assign":      grantRoute(303),
	"GET /cases/{id}/named-users":  grantRoute(200),
	"POST /cases/{id}/named-users": grantRoute(303),
	"GET /cases/{id}/share":        grantRoute(200),
	"POST /cases/{id}/share":       grantRoute(303),
	"POST /cases/{id}/break-glass": caseRoute(
		relStatus(303, 303, 303, 404, 404, 404, 303),
		relStatus(403, 403, 403, 403, 403, 403, 403), 303),

	"POST /api/v1/session":     {all: byRole(401, nil)}, // no credentials in the body
	"GET /api/v1/session":      {all: byRole(200, map[access.Role]int{anon: 401})},
	"DELETE /api/v1/session":   {all: byRole(204, map[access.Role]int{anon: 401})},
	"POST /api/v1/mfa/enrol":   {all: byRole(409, map[access.Role]int{anon: 401})},
	"POST /api/v1/mfa/confirm": {all: byRole(409, map[access.Role]int{anon: 401})},
	"GET /api/v1/cases/{id}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(404, 404, 404, 404, 404, 404, 200), 401),
	"POST /api/v1/cases/{id}/break-glass": caseRoute(
		relStatus(409, 409, 201, 404, 404, 404, 201),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401),
	"GET /api/v1/break-glass": {all: byRole(403, map[access.Role]int{anon: 401, access.Authority: 200, access.PSDHead: 200, access.Auditor: 200})},

	// The vetting unit's pages; {id} is a case id here, so no review:
	// those allowed learn only that there is no such review.
	"GET /vetting":                                  {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 200, access.PSDHead: 200})},
	"GET /vetting/reviews/{id}":                     {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 404, access.PSDHead: 404})},
	"POST /vetting/reviews/{id}":                    {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 404})},
	"GET /vetting/officers/{id}":                    {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 404, access.PSDHead: 404})},
	"POST /vetting/officers/{id}/clearances":        {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 404})},
	"GET /api/v1/vetting/reviews":                   {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 200, access.PSDHead: 200})},
	"GET /api/v1/vetting/reviews/{id}":              {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 404, access.PSDHead: 404})},
	"POST /api/v1/vetting/reviews/{id}/decision":    {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 404})},
	"GET /api/v1/vetting/officers/{id}":             {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 404, access.PSDHead: 404})},
	"POST /api/v1/vetting/officers/{id}/clearances": {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 404})},

	"GET /metrics": {all: byRole(403, map[access.Role]int{anon: 401, access.Admin: 200})},
	// Accountability boards and leadership posts: the oversight body runs
	// them, the head of standards reads them. {id} is a case id here, so
	// no meeting or post: those allowed learn only that there is none; a
	// form with no answers is shown again with what to put right.
	"GET /oversight/meetings":                                      {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 200, access.PSDHead: 200, access.ChiefOffice: 200})},
	"GET /oversight/meetings/new":                                  {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 200})},
	"POST /oversight/meetings":                                     {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 422})},
	"GET /oversight/meetings/{id}":                                 {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404, access.PSDHead: 404, access.ChiefOffice: 404})},
	"POST /oversight/meetings/{id}/agenda":                         {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"POST /oversight/meetings/{id}/minutes":                        {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"POST /oversight/meetings/{id}/actions":                        {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"POST /oversight/meetings/{id}/actions/{action}/answer":        {all: byRole(403, map[access.Role]int{anon: 303, access.ChiefOffice: 404})},
	"POST /oversight/meetings/{id}/actions/{action}/decide":        {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"GET /oversight/posts":                                         {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 200, access.PSDHead: 200, access.ChiefOffice: 200})},
	"POST /oversight/posts":                                        {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 422})},
	"GET /oversight/posts/{id}":                                    {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404, access.PSDHead: 404, access.ChiefOffice: 404})},
	"GET /oversight/posts/{id}/appoint":                            {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"POST /oversight/posts/{id}/appoint":                           {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"POST /oversight/posts/{id}/withdraw":                          {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"GET /oversight/posts/{id}/change":                             {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"POST /oversight/posts/{id}/change":                            {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"GET /public/leadership":                                       {all: byRole(200, nil)},
	"GET /api/v1/oversight/meetings":                               {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 200, access.PSDHead: 200, access.ChiefOffice: 200})},
	"POST /api/v1/oversight/meetings":                              {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 422})},
	"GET /api/v1/oversight/meetings/{id}":                          {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404, access.PSDHead: 404, access.ChiefOffice: 404})},
	"POST /api/v1/oversight/meetings/{id}/agenda":                  {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404})},
	"POST /api/v1/oversight/meetings/{id}/minutes":                 {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404})},
	"POST /api/v1/oversight/meetings/{id}/actions":                 {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404})},
	"POST /api/v1/oversight/meetings/{id}/actions/{action}/answer": {all: byRole(403, map[access.Role]int{anon: 401, access.ChiefOffice: 404})},
	"POST /api/v1/oversight/meetings/{id}/actions/{action}/decide": {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404})},
	"GET /api/v1/oversight/posts":                                  {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 200, access.PSDHead: 200, access.ChiefOffice: 200})},
	"POST /api/v1/oversight/posts":                                 {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 422})},
	"GET /api/v1/oversight/posts/{id}":                             {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404, access.PSDHead: 404, access.ChiefOffice: 404})},
	"POST /api/v1/oversight/posts/{id}/appointments":               {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404})},
	"POST /api/v1/oversight/posts/{id}/changes":                    {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404})},
	// The barred and advisory lists and transfer checks: the vetting unit
	// reads and decides, the head of standards reads and searches. Empty
	// forms are shown again (422); the API refuses a body that is not
	// JSON (415); {id} is a case id here, so no listing (404).
	"GET /vetting/lists":                         {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 200, access.PSDHead: 200})},
	"POST /vetting/lists/search":                 {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 422, access.PSDHead: 422})},
	"GET /vetting/lists/refer":                   {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 200})},
	"POST /vetting/lists/refer":                  {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 422})},
	"GET /vetting/lists/import":                  {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 200})},
	"POST /vetting/lists/import":                 {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 422})},
	"GET /vetting/lists/{id}":                    {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 404, access.PSDHead: 404})},
	"POST /vetting/lists/{id}":                   {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 404})},
	"GET /vetting/transfers":                     {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 200, access.PSDHead: 200})},
	"POST /vetting/transfers":                    {all: byRole(403, map[access.Role]int{anon: 303, access.Vetting: 422})},
	"GET /api/v1/vetting/listings":               {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 200, access.PSDHead: 200})},
	"POST /api/v1/vetting/listings":              {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 415})},
	"POST /api/v1/vetting/listings/search":       {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 415, access.PSDHead: 415})},
	"POST /api/v1/vetting/listings/import":       {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 415})},
	"POST /api/v1/vetting/listings/{id}/removal": {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 415})},
	"GET /api/v1/vetting/referrals-due":          {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 200, access.PSDHead: 200})},
	"GET /api/v1/vetting/transfer-checks":        {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 200, access.PSDHead: 200})},
	"POST /api/v1/vetting/transfer-checks":       {all: byRole(403, map[access.Role]int{anon: 401, access.Vetting: 415})},

	// Holding the chief officer to account; {id} is a case id here, so no
	// such requirement, notice or plan: those allowed learn only that.
	"GET /api/v1/oversight/requirements":                {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 200, access.ChiefOffice: 200, access.PSDHead: 200})},
	"POST /api/v1/oversight/requirements":               {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 422})},
	"GET /api/v1/oversight/requirements/{id}":           {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404, access.ChiefOffice: 404, access.PSDHead: 404})},
	"POST /api/v1/oversight/notices":                    {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 422})},
	"POST /api/v1/oversight/notices/{id}/end":           {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404})},
	"POST /api/v1/oversight/plans":                      {all: byRole(403, map[access.Role]int{anon: 401, access.ChiefOffice: 422, access.PSDHead: 422})},
	"GET /api/v1/oversight/plans/{id}":                  {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404, access.ChiefOffice: 404, access.PSDHead: 404})},
	"PUT /api/v1/oversight/plans/{id}/commitments":      {all: byRole(403, map[access.Role]int{anon: 401, access.ChiefOffice: 404, access.PSDHead: 404})},
	"POST /api/v1/oversight/plans/{id}/submit":          {all: byRole(403, map[access.Role]int{anon: 401, access.ChiefOffice: 404})},
	"POST /api/v1/oversight/plans/{id}/assessment":      {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404})},
	"POST /api/v1/oversight/plans/{id}/close":           {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404})},
	"POST /api/v1/oversight/plans/{id}/comments":        {all: byRole(403, map[access.Role]int{anon: 401, access.Oversight: 404, access.ChiefOffice: 404, access.PSDHead: 404})},
	"GET /oversight":                                    {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 200, access.ChiefOffice: 200, access.PSDHead: 200})},
	"GET /oversight/requirements/new":                   {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 200})},
	"POST /oversight/requirements":                      {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 422})},
	"GET /oversight/requirements/{id}":                  {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404, access.ChiefOffice: 404, access.PSDHead: 404})},
	"GET /oversight/notices/new":                        {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 200})},
	"POST /oversight/notices":                           {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 422})},
	"POST /oversight/notices/{id}/end":                  {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"POST /oversight/plans":                             {all: byRole(403, map[access.Role]int{anon: 303, access.ChiefOffice: 422, access.PSDHead: 422})},
	"GET /oversight/plans/{id}":                         {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404, access.ChiefOffice: 404, access.PSDHead: 404})},
	"POST /oversight/plans/{id}/commitments":            {all: byRole(403, map[access.Role]int{anon: 303, access.ChiefOffice: 404, access.PSDHead: 404})},
	"POST /oversight/plans/{id}/commitments/{n}/remove": {all: byRole(403, map[access.Role]int{anon: 303, access.ChiefOffice: 404, access.PSDHead: 404})},
	"POST /oversight/plans/{id}/submit":                 {all: byRole(403, map[access.Role]int{anon: 303, access.ChiefOffice: 404})},
	"GET /oversight/plans/{id}/assess":                  {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"POST /oversight/plans/{id}/assess":                 {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"POST /oversight/plans/{id}/close":                  {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404})},
	"POST /oversight/plans/{id}/comments":               {all: byRole(403, map[access.Role]int{anon: 303, access.Oversight: 404, access.ChiefOffice: 404, access.PSDHead: 404})},
	"GET /public/oversight":                             {all: byRole(200, nil)},

	"GET /api/v1/openapi.json": {all: byRole(200, nil)},
	"GET /api/v1/reference":    {all: byRole(200, map[access.Role]int{anon: 401})},
	"GET /api/v1/units":        {all: byRole(200, map[access.Role]int{anon: 401})},
	"GET /api/v1/cases": {all: byRole(403, map[access.Role]int{anon: 401, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Oversight: 200})},
	"POST /api/v1/cases": {all: byRole(403, map[access.Role]int{anon: 401, access.Handler: 201, access.Authority: 201, access.PSDHead: 201})},
	// Each caller acts on a fresh world (see freshWorld): the first
	// action would otherwise move the case on for the next caller. The
	// investigator may not make initial contact: 403, naming the actions
	// open to them.
	"POST /api/v1/cases/{id}/actions": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401,
		map[access.Role]map[string]int{access.Investigator: relStatus(403, 403, 403, 404, 404, 404, 403)}),
	"POST /api/v1/cases/{id}/steps": caseRoute(
		relStatus(201, 201, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401),
	// Only the appropriate authority and the head of standards open a
	// case to others; they must be able to open it themselves.
	"POST /api/v1/cases/{id}/assignments": caseRoute(
		relStatus(204, 204, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401,
		map[access.Role]map[string]int{access.Handler: relStatus(403, 403, 403, 403, 403, 403, 403),
			access.Investigator: relStatus(403, 403, 403, 403, 403, 403, 403)}),
	"POST /api/v1/cases/{id}/named-users": caseRoute(
		relStatus(204, 204, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401,
		map[access.Role]map[string]int{access.Handler: relStatus(403, 403, 403, 403, 403, 403, 403),
			access.Investigator: relStatus(403, 403, 403, 403, 403, 403, 403)}),
	"POST /api/v1/cases/{id}/share": caseRoute(
		relStatus(204, 204, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401,
		map[access.Role]map[string]int{access.Handler: relStatus(403, 403, 403, 403, 403, 403, 403),
			access.Investigator: relStatus(403, 403, 403, 403, 403, 403, 403)}),
	"POST /api/v1/cases/{id}/notes": caseRoute(
		relStatus(201, 201, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401),
	"POST /api/v1/cases/{id}/documents": caseRoute(
		relStatus(201, 201, 403, 404, 404, 404, 403),
		relStatus(403, 403, 403, 403, 403, 403, 403), 401),
	"GET /api/v1/cases/{id}/documents/{doc}": caseRoute(
		relStatus(200, 200, 403, 404, 404, 404, 403),
		relStatus(404, 404, 404, 404, 404, 404, 200), 401),
	"GET /api/v1/officers": {all: byRole(403, map[access.Role]int{anon: 401, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Supervisor: 200})},
	"GET /api/v1/officers/{id}": {all: byRole(403, map[access.Role]int{anon: 401, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Supervisor: 200})},
	"GET /officers/{id}": {all: byRole(403, map[access.Role]int{anon: 303, access.Handler: 200, access.Investigator: 200,
		access.Authority: 200, access.PSDHead: 200, access.Supervisor: 200})},
	"GET /api/v1/audit": {all: byRole(403, map[access.Role]int{anon: 401, access.Auditor: 200})},
	"GET /api/v1/users": {all: byRole(403, map[access.Role]int{anon: 401, access.Admin: 200})},

	// Early intervention: supervisors see their units' flags (the flag is
	// on an officer of unit A, the supervisor's), the head of standards
	// sees all and the fairness report.
	"GET /api/v1/eis/flags":              {all: byRole(403, map[access.Role]int{anon: 401, access.Supervisor: 200, access.PSDHead: 200})},
	"GET /api/v1/eis/flags/{id}":         {all: byRole(403, map[access.Role]int{anon: 401, access.Supervisor: 200, access.PSDHead: 200})},
	"POST /api/v1/eis/flags/{id}/review": {all: byRole(403, map[access.Role]int{anon: 401, access.Supervisor: 200, access.PSDHead: 200})},
	"GET /api/v1/eis/fairness":           {all: byRole(403, map[access.Role]int{anon: 401, access.PSDHead: 200})},
	"GET /eis/fairness":                  {all: byRole(403, map[access.Role]int{anon: 303, access.PSDHead: 200})},
	"GET /eis/flags":                     {all: byRole(403, map[access.Role]int{anon: 303, access.Supervisor: 200, access.PSDHead: 200})},
	"GET /eis/flags/{id}":                {all: byRole(403, map[access.Role]int{anon: 303, access.Supervisor: 200, access.PSDHead: 200})},
	// A review accepted from the form goes back to the flag's page.
	"POST /eis/flags/{id}/review": {all: byRole(403, map[access.Role]int{anon: 303, access.Supervisor: 303, access.PSDHead: 303})},
	// The statutory data return is the head of standards'.
	"GET /national-return":     {all: byRole(403, map[access.Role]int{anon: 303, access.PSDHead: 200})},
	"GET /national-return.csv": {all: byRole(403, map[access.Role]int{anon: 401, access.PSDHead: 200})},

	// Single sign-on is off in the fixture: the routes answer 404 to all.
	"GET /auth/oidc/start":    {all: byRole(404, nil)},
	"GET /auth/oidc/callback": {all: byRole(404, nil)},

	// The public complaint doors answer everyone alike. The bodies below
	// stop short of recording anything: a form with no idempotency key is
	// shown again (422), an API call without the header is refused (400),
	// and a status check for a complaint that does not exist finds none.
	"GET /complain":                  {all: byRole(200, nil)},
	"POST /complain":                 {all: byRole(422, nil)},
	"GET /complaint-status":          {all: byRole(200, nil)},
	"POST /complaint-status":         {all: byRole(404, nil)},
	"POST /api/v1/complaints":        {all: byRole(400, nil)},
	"POST /api/v1/complaints/status": {all: byRole(404, nil)},

	// The public figures and open data answer everyone alike (portal.go).
	"GET /public":                     {all: byRole(200, nil)},
	"GET /public/measures/{measure}":  {all: byRole(200, nil)},
	"GET /open-data":                  {all: byRole(200, nil)},
	"GET /open-data/{measure}/{file}": {all: byRole(200, nil)},
}

// grantRoute is a page that opens a case to others: only the appropriate
// authority and the head of standards, on cases they may open.
func grantRoute(ok int) expect {
	no := relStatus(403, 403, 403, 403, 403, 403, 403)
	return caseRoute(relStatus(ok, ok, 403, 404, 404, 404, 403), no, 303,
		map[access.Role]map[string]int{access.Handler: no, access.Investigator: no})
}

type body struct{ contentType, body string }

func fixed(contentType, b string) func(*fixture) body {
	return func(*fixture) body { return body{contentType, b} }
}

// matrixBodies are request bodies for routes that need one to reach their
// decision.
var matrixBodies = map[string]func(*fixture) body{
	"POST /login":                                fixed("application/x-www-form-urlencoded", ""),
	"POST /cases/new":                            fixed("application/x-www-form-urlencoded", "summary="),
	"POST /mfa/confirm":                          fixed("application/x-www-form-urlencoded", "totp=000000"),
	"POST /api/v1/session":                       fixed("application/json", `{}`),
	"POST /api/v1/mfa/confirm":                   fixed("application/json", `{"totp":"000000"}`),
	"POST /api/v1/cases/{id}/break-glass":        fixed("application/json", `{"reason":"urgent safeguarding call out of hours"}`),
	"POST /api/v1/cases/{id}/actions":            fixed("application/json", `{"action":"make_initial_contact"}`),
	"POST /api/v1/cases/{id}/notes":              fixed("application/json", `{"text":"Called the complainant back."}`),
	"POST /api/v1/cases/{id}/steps":              fixed("application/json", `{"step":"progress_update","note":"Letter sent"}`),
	"POST /api/v1/eis/flags/{id}/review":         fixed("application/json", `{"action":"review","note":"Read the complaints."}`),
	"POST /api/v1/vetting/reviews/{id}/decision": fixed("application/json", `{"decision":"maintain","reasons":"Checks clear","version":1}`),
	"POST /api/v1/vetting/officers/{id}/clearances": fixed("application/json",
		`{"level":"management","status":"granted","granted_on":"2026-06-01","review_due":"2031-06-01","reasons":"Checks clear"}`),
	"POST /eis/flags/{id}/review":   fixed("application/x-www-form-urlencoded", "action=review&note=Read+the+complaints."),
	"POST /api/v1/cases/{id}/share": fixed("application/json", `{}`),
	"POST /cases/{id}/act/{action}": fixed("application/x-www-form-urlencoded", "version=1"),
	"POST /cases/{id}/notes":        fixed("application/x-www-form-urlencoded", "text=Called+the+complainant+back."),
	"POST /cases/{id}/break-glass":  fixed("application/x-www-form-urlencoded", "reason=urgent+safeguarding+call+out+of+hours"),
	"POST /cases/{id}/documents": fixed("multipart/form-data; boundary=XyZ",
		"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"note.txt\"\r\nContent-Type: text/plain\r\n\r\nA short statement.\r\n--XyZ--\r\n"),
	"POST /cases/{id}/assign": func(f *fixture) body {
		return body{"application/x-www-form-urlencoded", "user_id=" + f.users[access.Investigator].ID}
	},
	"POST /cases/{id}/named-users": func(f *fixture) body {
		return body{"application/x-www-form-urlencoded", "user_id=" + f.users[access.Investigator].ID}
	},
	"POST /api/v1/cases/{id}/assignments": func(f *fixture) body {
		return body{"application/json", `{"user_id":"` + f.users[access.Investigator].ID + `"}`}
	},
	"POST /api/v1/cases/{id}/named-users": func(f *fixture) body {
		return body{"application/json", `{"user_id":"` + f.users[access.Investigator].ID + `"}`}
	},
	"POST /cases/{id}/steps/{step}": fixed("application/x-www-form-urlencoded", "version=1&note=Letter+sent"),
	"POST /api/v1/cases/{id}/documents": fixed("multipart/form-data; boundary=XyZ",
		"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"note.txt\"\r\nContent-Type: text/plain\r\n\r\nA short statement.\r\n--XyZ--\r\n"),
	"POST /complain":          fixed("application/x-www-form-urlencoded", "what_happened=Shouted+at+me"),
	"POST /complaint-status":  fixed("application/x-www-form-urlencoded", "reference=CO%2F2026%2F000001&receipt=ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345"),
	"POST /api/v1/complaints": fixed("application/json", `{"what_happened":"Shouted at me"}`),
	"POST /api/v1/complaints/status": fixed("application/json",
		`{"reference":"CO/2026/000001","receipt":"ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345"}`),
	"POST /oversight/meetings/{id}/actions/{action}/decide":        fixed("application/x-www-form-urlencoded", "decision=close"),
	"POST /oversight/posts/{id}/withdraw":                          fixed("application/x-www-form-urlencoded", "proposal_id=abc&reason=Dropped"),
	"POST /api/v1/oversight/meetings":                              fixed("application/json", `{}`),
	"POST /api/v1/oversight/meetings/{id}/agenda":                  fixed("application/json", `{}`),
	"POST /api/v1/oversight/meetings/{id}/minutes":                 fixed("application/json", `{}`),
	"POST /api/v1/oversight/meetings/{id}/actions":                 fixed("application/json", `{}`),
	"POST /api/v1/oversight/meetings/{id}/actions/{action}/answer": fixed("application/json", `{}`),
	"POST /api/v1/oversight/meetings/{id}/actions/{action}/decide": fixed("application/json", `{"decision":"close"}`),
	"POST /api/v1/oversight/posts":                                 fixed("application/json", `{}`),
	"POST /api/v1/oversight/posts/{id}/appointments":               fixed("application/json", `{}`),
	"POST /api/v1/oversight/posts/{id}/changes":                    fixed("application/json", `{}`),
	"POST /api/v1/cases": func(f *fixture) body {
		return body{"application/json", `{"kind":"complaint","unit_id":"` + f.unitA.ID + `","summary":"Rude on the phone","arose_on":"2026-05-20",
			"allegations":[{"category":"individual-behaviours","subcategory":"impolite-language","subjects":["` + f.subject + `"]}],
			"complainants":[{"name":"A Person","email":"a.person@example.org"}]}`}
	},

	// Holding the chief officer to account.
	"POST /api/v1/oversight/requirements":          fixed("application/json", `{}`),
	"POST /api/v1/oversight/notices":               fixed("application/json", `{}`),
	"POST /api/v1/oversight/notices/{id}/end":      fixed("application/json", `{"action":"lift","reasons":"Done","version":1}`),
	"POST /api/v1/oversight/plans":                 fixed("application/json", `{}`),
	"PUT /api/v1/oversight/plans/{id}/commitments": fixed("application/json", `{"version":1,"commitments":[]}`),
	"POST /api/v1/oversight/plans/{id}/submit":     fixed("application/json", `{"version":1}`),
	"POST /api/v1/oversight/plans/{id}/assessment": fixed("application/json", `{"version":1,"outcome":"accepted","reasons":"Fine","commitments":[]}`),
	"POST /api/v1/oversight/plans/{id}/close":      fixed("application/json", `{"version":1}`),
	"POST /api/v1/oversight/plans/{id}/comments":   fixed("application/json", `{"text":"Agreed"}`),
	"POST /oversight/requirements":                 fixed("application/x-www-form-urlencoded", "title="),
	"POST /oversight/notices":                      fixed("application/x-www-form-urlencoded", "reasons="),
	"POST /oversight/notices/{id}/end":             fixed("application/x-www-form-urlencoded", "action=lift&reasons=Done&version=1"),
	"POST /oversight/plans":                        fixed("application/x-www-form-urlencoded", "title="),
}

// freshWorld lists routes whose success changes what the next caller
// would see, so each caller gets a world of its own.
// The complaint-status doors are throttled per address: a world of their
// own keeps every caller under the limit.
var freshWorld = map[string]bool{"POST /api/v1/cases/{id}/actions": true, "POST /api/v1/eis/flags/{id}/review": true,
	"POST /eis/flags/{id}/review": true, "POST /complaint-status": true, "POST /api/v1/complaints/status": true,
	"POST /cases/{id}/act/{action}": true, "POST /cases/{id}/steps/{step}": true}

func matrixPath(f *fixture, pattern, rel string) string {
	if p, ok := speakUpMatrixPath(f, pattern); ok {
		return p
	}
	if p, ok := eisMatrixPath(f, pattern); ok {
		return p
	}
	if p, ok := adminMatrixPath(f, pattern); ok {
		return p
	}
	if p, ok := dashboardMatrixPath(pattern); ok {
		return p
	}
	if p, ok := portalMatrixPath(pattern); ok {
		return p
	}
	if p, ok := hearingsMatrixPath(f, pattern, rel); ok {
		return p
	}
	if strings.HasPrefix(pattern, "/api/v1/officers/") || strings.HasPrefix(pattern, "/officers/") {
		return strings.Replace(pattern, "{id}", f.subject, 1)
	}
	caseID := f.cases[rel]
	p := strings.Replace(pattern, "{id}", caseID, 1)
	p = strings.Replace(p, "{doc}", f.docs[rel], 1)
	p = strings.Replace(p, "{action}", "make_initial_contact", 1)
	p = strings.Replace(p, "{step}", "progress_update", 1)
	p = strings.Replace(p, "{$}", "", 1)
	switch p {
	case "/static/":
		return "/static/probity.css"
	case "/api/v1/audit":
		return "/api/v1/audit?record=" + caseID
	}
	return p
}

// TestAuthorisationMatrix calls every route the router has, as every role
// and anonymously, against a case in every relation, and compares the
// status with the table above. A route with no row fails the test.
//
// A route that changes data gets a fresh world: signing out or breaking
// glass must not change what the next route sees. A GET changes nothing a
// later caller could be answered differently for, so the GET routes share
// one world per engine, with every role signed in to it once. The engines
// run side by side.
func TestAuthorisationMatrix(t *testing.T) {
	routes := web.New(web.Deps{}).Routes()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fresh := func(t *testing.T) *world {
				return &world{f: freshFixture(t, e, true)}
			}
			var shared *world
			for _, rt := range routes {
				key := rt.Method + " " + rt.Pattern
				want, ok := theMatrix[key]
				if !ok {
					t.Errorf("route %s has no row in the authorisation matrix: add one", key)
					continue
				}
				if rt.Method == "GET" && !freshWorld[key] && shared == nil {
					shared = fresh(t)
				}
				t.Run(key, func(t *testing.T) {
					w := func() *world { return fresh(t) }
					if rt.Method == "GET" && !freshWorld[key] {
						w = func() *world { return shared }
					}
					checkRoute(t, w, key, rt.Method, rt.Pattern, want)
				})
			}
		})
	}
}

// world is a fixture with the callers signed in to it, each signed in on
// first use.
type world struct {
	f       *fixture
	callers map[access.Role]*client
}

func (w *world) caller(t *testing.T, role access.Role) *client {
	if role == anon {
		return w.f.anonymous()
	}
	if c, ok := w.callers[role]; ok {
		return c
	}
	if w.callers == nil {
		w.callers = map[access.Role]*client{}
	}
	c := w.f.login(t, role)
	w.callers[role] = c
	return c
}

func checkRoute(t *testing.T, world func() *world, key, method, pattern string, want expect) {
	w := world()
	for _, role := range matrixCallers {
		if freshWorld[key] && role != matrixCallers[0] {
			w = world()
		}
		f := w.f
		var b body
		if mk := matrixBodies[key]; mk != nil {
			b = mk(f)
		}
		c := w.caller(t, role)
		rels := []string{relSameUnit}
		if want.perRelation != nil {
			rels = relations
		}
		for _, rel := range rels {
			resp := c.do(t, method, matrixPath(f, pattern, rel), b.contentType, b.body)
			status := want.all[role]
			if want.perRelation != nil {
				status = want.perRelation[role][rel]
			}
			if resp.Code != status {
				t.Errorf("%s as %s on the %s case: %d, want %d (%s)", key, role, rel, resp.Code, status,
					strings.TrimSpace(firstLine(resp.Body.String())))
			}
		}
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	if len(s) > 200 {
		return s[:200]
	}
	return s
}
