package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/probity/probity/internal/access"
	"github.com/probity/probity/internal/audit"
	"github.com/probity/probity/internal/fault"
	"github.com/probity/probity/internal/id"
	"github.com/probity/probity/internal/officers"
	"github.com/probity/probity/internal/store"
)

// The administrators' pages: accounts (add, disable and enable, roles and
// units, reset two-step sign-in, API tokens) and units. Every change is
// written to the audit log in the transaction that makes it, naming who
// changed what from what to what: an administrator who changes their own
// account leaves the same record as for anyone else's, marked as their
// own. A secret (a new account's password, a token) is shown on the page
// that answers the form, once, and is never stored or logged.

func init() {
	for _, name := range []string{"admin-users", "admin-user", "admin-user-new", "admin-secret", "admin-units"} {
		// admin-grants.html is the roles-and-units part of two forms.
		pages[name] = template.Must(template.New(name).Funcs(labelFuncs).ParseFS(templateFiles, "templates/layout.html",
			"templates/admin-grants.html", "templates/"+name+".html"))
	}
}

// adminForm is a form's input as typed and its faults.
type adminForm struct {
	Values   map[string]string
	Roles    []access.Role
	Units    []string
	Errs     map[string]string
	Problems []problemLink
}

func newAdminForm() adminForm {
	return adminForm{Values: map[string]string{}, Errs: map[string]string{}}
}

// fault records a message beside a field and in the summary; anchor is
// the id of the element the summary links to.
func (f *adminForm) fault(field, anchor, label, message string) {
	if _, seen := f.Errs[field]; seen {
		return
	}
	f.Errs[field] = message
	f.Problems = append(f.Problems, problemLink{Anchor: anchor, Label: label, Message: message})
}

func (f adminForm) HasRole(r access.Role) bool { return slices.Contains(f.Roles, r) }
func (f adminForm) HasUnit(u string) bool      { return slices.Contains(f.Units, u) }

// adminUserView is an account in words: its roles and units by name.
type adminUserView struct {
	access.User
	UnitNames []string
	Self      bool
}

type adminUsersData struct {
	pageData
	Users []adminUserView
}

func (s *Server) unitNames(ctx context.Context) (map[string]string, []store.ForceUnit, error) {
	units, err := s.db.AllUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	return names, units, nil
}

func (s *Server) adminView(r *http.Request, u access.User, names map[string]string) adminUserView {
	v := adminUserView{User: u, Self: u.ID == caller(r).User.ID}
	for _, id := range u.UnitIDs {
		v.UnitNames = append(v.UnitNames, names[id])
	}
	return v
}

// adminUsersPage lists every account.
func (s *Server) adminUsersPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	users, err := s.db.Users(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	names, _, err := s.unitNames(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := s.db.Audit(ctx, s.auditEntry(r, audit.Consult, "users", "", audit.Success)); err != nil {
		s.failPage(w, r, err)
		return
	}
	d := adminUsersData{pageData: s.pageData(r)}
	for _, u := range users {
		d.Users = append(d.Users, s.adminView(r, u, names))
	}
	s.render(w, r, http.StatusOK, "admin-users", d)
}

type adminNewUserData struct {
	pageData
	Form  adminForm
	Roles []access.Role
	Units []store.ForceUnit
}

func (s *Server) adminNewUserPage(w http.ResponseWriter, r *http.Request) {
	s.renderNewUser(w, r, http.StatusOK, newAdminForm())
}

func (s *Server) renderNewUser(w http.ResponseWriter, r *http.Request, status int, f adminForm) {
	_, units, err := s.unitNames(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, status, "admin-user-new", adminNewUserData{pageData: s.pageData(r), Form: f, Roles: access.Roles, Units: units})
}

// readGrants reads the roles and units ticked on a form, refusing any
// that do not exist.
func (s *Server) readGrants(r *http.Request, f *adminForm, units []store.ForceUnit, needRole bool) {
	for _, v := range r.PostForm["roles"] {
		role := access.Role(v)
		if !role.Valid() {
			f.fault("roles", "roles-"+string(access.Roles[0]), "Roles", "Choose roles from the list")
			continue
		}
		if !f.HasRole(role) {
			f.Roles = append(f.Roles, role)
		}
	}
	// In the order of access.Roles, so that a record of the change reads
	// the same whatever order the boxes were sent in.
	slices.SortFunc(f.Roles, func(a, b access.Role) int {
		return slices.Index(access.Roles, a) - slices.Index(access.Roles, b)
	})
	if needRole && len(f.Roles) == 0 {
		f.fault("roles", "roles-"+string(access.Roles[0]), "Roles", "Choose at least one role")
	}
	for _, v := range r.PostForm["units"] {
		known := slices.ContainsFunc(units, func(u store.ForceUnit) bool { return u.ID == v })
		if !known {
			f.fault("units", "units", "Units", "Choose units from the list")
			continue
		}
		if !f.HasUnit(v) {
			f.Units = append(f.Units, v)
		}
	}
}

func parseAdminForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "the form could not be read")
	}
	return nil
}

type adminSecretData struct {
	pageData
	User            access.User
	Title, What     string
	Secret, Advice  string
	Back, BackLabel string
}

// adminCreateUser adds an account with a generated password, shown once
// on the page that answers.
func (s *Server) adminCreateUser(w http.ResponseWriter, r *http.Request) {
	if err := parseAdminForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	ctx := r.Context()
	names, units, err := s.unitNames(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	f := newAdminForm()
	username := strings.TrimSpace(r.PostForm.Get("username"))
	display := strings.TrimSpace(r.PostForm.Get("display_name"))
	f.Values["username"], f.Values["display_name"] = username, display
	u := access.User{Username: username, DisplayName: display}
	if display == "" {
		f.fault("display_name", "display_name", "Full name", "Enter the person's full name")
	}
	s.readGrants(r, &f, units, true)
	u.Roles, u.UnitIDs = f.Roles, f.Units
	for _, fe := range fault.FieldsOf(u.Validate()) {
		switch fe.Field {
		case "username":
			f.fault("username", "username", "Username", "The username "+fe.Reason)
		case "display_name":
			f.fault("display_name", "display_name", "Full name", "The name "+fe.Reason)
		}
	}
	if len(f.Problems) > 0 {
		s.renderNewUser(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	password := access.GeneratePassword()
	hash, err := s.hasher.Hash(password)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &u, hash, s.clock()); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.RoleChange, "user", u.ID, audit.Success)
		e.Reason = "Account " + u.Username + " created with roles " + adminRoleNames(u.Roles) + "; units " + adminUnitList(u.UnitIDs, names)
		return tx.Audit(ctx, e)
	})
	if fault.Is(err, fault.Conflict) {
		f.fault("username", "username", "Username", "That username is taken: choose another")
		s.renderNewUser(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	advice := "Give it to " + u.DisplayName + " in person or by a channel only they read. It is shown only now: Probity keeps only a hash of it."
	if s.requireMFA {
		advice += " At their first sign-in they must set up two-step sign-in with an authenticator app before they can do anything else."
	}
	s.render(w, r, http.StatusCreated, "admin-secret", adminSecretData{pageData: s.pageData(r), User: u, Title: "Account created",
		What: "Password for " + u.Username, Secret: password, Advice: advice, Back: "/admin/users/" + u.ID, BackLabel: "Go to the account"})
}

func adminRoleNames(roles []access.Role) string {
	if len(roles) == 0 {
		return "none"
	}
	var out []string
	for _, r := range roles {
		out = append(out, r.Label().Name)
	}
	return strings.Join(out, ", ")
}

func adminUnitList(ids []string, names map[string]string) string {
	if len(ids) == 0 {
		return "none"
	}
	var out []string
	for _, id := range ids {
		out = append(out, names[id])
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

type adminUserData struct {
	pageData
	User   adminUserView
	Roles  []access.Role
	Units  []store.ForceUnit
	Tokens []adminTokenView
	Form   adminForm // the roles and units form
	Token  adminForm // the new-token form
	Done   string
}

type adminTokenView struct {
	store.TokenInfo
	Live bool
}

// adminDone are the confirmations a change redirects to, in words.
var adminDone = map[string]string{
	"access":   "Roles and units saved.",
	"disabled": "Account disabled. Its sessions have ended.",
	"enabled":  "Account enabled. The person can sign in again.",
	"mfa":      "Two-step sign-in reset. The person sets it up again at their next sign-in; their sessions have ended.",
	"revoked":  "API token revoked. It no longer works.",
}

func (s *Server) adminUser(r *http.Request) (access.User, error) {
	uid := r.PathValue("id")
	if !id.Valid(uid) {
		return access.User{}, fault.Errorf(fault.NotFound, "no such account")
	}
	return s.db.UserByID(r.Context(), uid)
}

// adminUserPage shows one account with its forms.
func (s *Server) adminUserPage(w http.ResponseWriter, r *http.Request) {
	u, err := s.adminUser(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	f := newAdminForm()
	f.Roles, f.Units = u.Roles, u.UnitIDs
	s.renderUser(w, r, http.StatusOK, u, f, newAdminForm(), adminDone[r.URL.Query().Get("done")])
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, u access.User, f, tf adminForm, done string) {
	ctx := r.Context()
	names, units, err := s.unitNames(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	tokens, err := s.db.APITokens(ctx, u.ID)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := s.db.Audit(ctx, s.auditEntry(r, audit.Consult, "user", u.ID, audit.Success)); err != nil {
		s.failPage(w, r, err)
		return
	}
	d := adminUserData{pageData: s.pageData(r), User: s.adminView(r, u, names), Roles: access.Roles, Units: units, Form: f, Token: tf, Done: done}
	now := s.clock()
	for _, t := range tokens {
		d.Tokens = append(d.Tokens, adminTokenView{TokenInfo: t, Live: t.Live(now)})
	}
	if tf.Values["expires"] == "" {
		d.Token.Values["expires"] = "90"
	}
	s.render(w, r, status, "admin-user", d)
}

// adminChange runs change and its audit entry in one transaction, then
// goes back to the account's page with a confirmation.
func (s *Server) adminChange(w http.ResponseWriter, r *http.Request, u access.User, done string,
	change func(ctx context.Context, tx *store.Tx) (*audit.Entry, error)) {
	ctx := r.Context()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := change(ctx, tx)
		if err != nil {
			return err
		}
		if u.ID == caller(r).User.ID {
			e.Reason += " (the administrator's own account)"
		}
		return tx.Audit(ctx, e)
	})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users/"+u.ID+"?done="+done, http.StatusSeeOther)
}

// adminSetAccess replaces an account's roles and units, recording both
// what they were and what they became.
func (s *Server) adminSetAccess(w http.ResponseWriter, r *http.Request) {
	u, err := s.adminUser(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := parseAdminForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	names, units, err := s.unitNames(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	f := newAdminForm()
	s.readGrants(r, &f, units, true)
	if u.Has(access.Admin) && !f.HasRole(access.Admin) && !u.Disabled {
		last, err := s.lastAdmin(r.Context(), u.ID)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		if last {
			f.fault("roles", "roles-"+string(access.Roles[0]), "Roles",
				"This is the only active administrator: give another account the Administrator role first")
		}
	}
	if len(f.Problems) > 0 {
		s.renderUser(w, r, http.StatusUnprocessableEntity, u, f, newAdminForm(), "")
		return
	}
	s.adminChange(w, r, u, "access", func(ctx context.Context, tx *store.Tx) (*audit.Entry, error) {
		if err := tx.SetRoles(ctx, u.ID, f.Roles); err != nil {
			return nil, err
		}
		if err := tx.SetUnits(ctx, u.ID, f.Units); err != nil {
			return nil, err
		}
		e := s.auditEntry(r, audit.RoleChange, "user", u.ID, audit.Success)
		e.Reason = "Roles of " + u.Username + " changed from " + adminRoleNames(u.Roles) + " to " + adminRoleNames(f.Roles) +
			"; units from " + adminUnitList(u.UnitIDs, names) + " to " + adminUnitList(f.Units, names)
		return e, nil
	})
}

// lastAdmin reports whether userID holds the only active account with the
// Administrator role: taking it away would leave nobody to manage
// accounts but the command line.
func (s *Server) lastAdmin(ctx context.Context, userID string) (bool, error) {
	users, err := s.db.Users(ctx)
	if err != nil {
		return false, err
	}
	for _, u := range users {
		if u.ID != userID && !u.Disabled && u.Has(access.Admin) {
			return false, nil
		}
	}
	return true, nil
}

// adminSetStatus disables or enables an account. An administrator may not
// disable their own: they would lock themselves out mid-task, and another
// administrator should be the one to do it.
func (s *Server) adminSetStatus(w http.ResponseWriter, r *http.Request) {
	u, err := s.adminUser(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := parseAdminForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	disable := r.PostForm.Get("disabled") == "true"
	if disable && u.ID == caller(r).User.ID {
		s.failPage(w, r, fault.Errorf(fault.Conflict, "You cannot disable your own account: ask another administrator."))
		return
	}
	done, reason := "enabled", "Account "+u.Username+" enabled"
	if disable {
		done, reason = "disabled", "Account "+u.Username+" disabled; its sessions ended"
	}
	s.adminChange(w, r, u, done, func(ctx context.Context, tx *store.Tx) (*audit.Entry, error) {
		if err := tx.SetDisabled(ctx, u.ID, disable, s.clock()); err != nil {
			return nil, err
		}
		e := s.auditEntry(r, audit.AccountDisabled, "user", u.ID, audit.Success)
		e.Reason = reason
		return e, nil
	})
}

// adminResetMFA clears an account's authenticator and ends its sessions:
// the person sets two-step sign-in up again when next signing in.
func (s *Server) adminResetMFA(w http.ResponseWriter, r *http.Request) {
	u, err := s.adminUser(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.adminChange(w, r, u, "mfa", func(ctx context.Context, tx *store.Tx) (*audit.Entry, error) {
		if err := tx.SetTOTP(ctx, u.ID, "", false, 0); err != nil {
			return nil, err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return nil, err
		}
		e := s.auditEntry(r, audit.MFAReset, "user", u.ID, audit.Success)
		e.Reason = "Two-step sign-in of " + u.Username + " reset; the person enrols again at next sign-in"
		return e, nil
	})
}

// adminIssueToken issues an API token acting with some of the account's
// roles, shown once.
func (s *Server) adminIssueToken(w http.ResponseWriter, r *http.Request) {
	u, err := s.adminUser(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if err := parseAdminForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	tf := newAdminForm()
	label := strings.TrimSpace(r.PostForm.Get("token_name"))
	expires := strings.TrimSpace(r.PostForm.Get("expires"))
	tf.Values["token_name"], tf.Values["expires"] = label, expires
	switch {
	case label == "":
		tf.fault("token_name", "token_name", "What the token is for", "Say what the token is for, for example the nightly case export")
	case len(label) > 100:
		tf.fault("token_name", "token_name", "What the token is for", "Must be at most 100 characters")
	}
	days, err := strconv.Atoi(expires)
	if err != nil || days < 1 || days > 365 {
		tf.fault("expires", "expires", "Expires after", "Enter a number of days from 1 to 365")
	}
	for _, v := range r.PostForm["token_roles"] {
		role := access.Role(v)
		if !u.Has(role) {
			tf.fault("token_roles", "token-roles", "Roles", "A token may act only with roles the account holds")
			continue
		}
		tf.Roles = append(tf.Roles, role)
	}
	if len(tf.Roles) == 0 {
		tf.fault("token_roles", "token-roles", "Roles", "Choose at least one of the account's roles")
	}
	if len(tf.Problems) > 0 {
		f := newAdminForm()
		f.Roles, f.Units = u.Roles, u.UnitIDs
		s.renderUser(w, r, http.StatusUnprocessableEntity, u, f, tf, "")
		return
	}
	ctx := r.Context()
	now := s.clock()
	exp := now.Add(time.Duration(days) * 24 * time.Hour)
	t := store.APIToken{UserID: u.ID, Name: label, Roles: tf.Roles, CreatedAt: now, ExpiresAt: &exp}
	token, hash := access.NewToken(apiTokenPrefix)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateAPIToken(ctx, &t, hash); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.TokenIssued, "user", u.ID, audit.Success)
		e.Reason = "API token “" + label + "” issued to " + u.Username + " with roles " + adminRoleNames(t.Roles) +
			", expiring " + ukTime(exp, "2 January 2006")
		if u.ID == caller(r).User.ID {
			e.Reason += " (the administrator's own account)"
		}
		return tx.Audit(ctx, e)
	})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusCreated, "admin-secret", adminSecretData{pageData: s.pageData(r), User: u, Title: "API token issued",
		What: "API token “" + label + "” for " + u.Username, Secret: token,
		Advice: "Store it as a secret where the program that uses it can read it, and send it as “Authorization: Bearer” followed by the token. It is shown only now: Probity keeps only a hash of it. It stops working on " + ukTime(exp, "2 January 2006") + ", or when revoked.",
		Back:   "/admin/users/" + u.ID, BackLabel: "Back to the account"})
}

// adminRevokeToken ends one of the account's tokens.
func (s *Server) adminRevokeToken(w http.ResponseWriter, r *http.Request) {
	u, err := s.adminUser(r)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	tokenID := r.PathValue("token")
	if !id.Valid(tokenID) {
		s.failPage(w, r, fault.Errorf(fault.NotFound, "no such API token"))
		return
	}
	s.adminChange(w, r, u, "revoked", func(ctx context.Context, tx *store.Tx) (*audit.Entry, error) {
		name, err := tx.RevokeAPIToken(ctx, u.ID, tokenID, s.clock())
		if err != nil {
			return nil, err
		}
		e := s.auditEntry(r, audit.TokenRevoked, "user", u.ID, audit.Success)
		e.Reason = "API token “" + name + "” of " + u.Username + " revoked"
		return e, nil
	})
}

type adminUnitsData struct {
	pageData
	Units  []store.ForceUnit
	Forces []officers.Force
	Form   adminForm
	Added  string
}

func (s *Server) adminUnitsPage(w http.ResponseWriter, r *http.Request) {
	f := newAdminForm()
	s.renderUnits(w, r, http.StatusOK, f, r.URL.Query().Get("added"))
}

func (s *Server) renderUnits(w http.ResponseWriter, r *http.Request, status int, f adminForm, added string) {
	ctx := r.Context()
	units, err := s.db.AllUnits(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	forces, err := s.db.Forces(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	d := adminUnitsData{pageData: s.pageData(r), Units: units, Forces: forces, Form: f}
	for _, u := range units {
		if u.ID == added {
			d.Added = u.Name
		}
	}
	s.render(w, r, status, "admin-units", d)
}

// adminAddUnit adds a unit to a force.
func (s *Server) adminAddUnit(w http.ResponseWriter, r *http.Request) {
	if err := parseAdminForm(w, r); err != nil {
		s.failPage(w, r, err)
		return
	}
	ctx := r.Context()
	forces, err := s.db.Forces(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	f := newAdminForm()
	u := officers.Unit{Code: strings.TrimSpace(r.PostForm.Get("code")), Name: strings.TrimSpace(r.PostForm.Get("name")),
		ForceID: r.PostForm.Get("force")}
	f.Values["code"], f.Values["name"], f.Values["force"] = u.Code, u.Name, u.ForceID
	if len(forces) == 1 {
		u.ForceID = forces[0].ID
	}
	if !slices.ContainsFunc(forces, func(fc officers.Force) bool { return fc.ID == u.ForceID }) {
		f.fault("force", "force", "Force", "Choose the force the unit belongs to")
	}
	switch {
	case u.Code == "":
		f.fault("code", "code", "Code", "Enter the unit's short code, for example NE3")
	case len(u.Code) > 20 || strings.ContainsAny(u.Code, " \t"):
		f.fault("code", "code", "Code", "The code must be up to 20 characters with no spaces")
	}
	switch {
	case u.Name == "":
		f.fault("name", "name", "Name", "Enter the unit's name")
	case len(u.Name) > 200:
		f.fault("name", "name", "Name", "The name must be at most 200 characters")
	}
	if len(f.Problems) == 0 {
		for _, fe := range fault.FieldsOf(u.Validate()) {
			f.fault(fe.Field, fe.Field, "Unit", fe.Reason)
		}
	}
	if len(f.Problems) > 0 {
		s.renderUnits(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUnit(ctx, &u); err != nil {
			return err
		}
		e := s.auditEntry(r, audit.Collect, "unit", u.ID, audit.Success)
		e.Reason = "Unit " + u.Code + " (" + u.Name + ") added"
		return tx.Audit(ctx, e)
	})
	if fault.Is(err, fault.Conflict) {
		f.fault("code", "code", "Code", "The force already has a unit with that code")
		s.renderUnits(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/units?added="+u.ID, http.StatusSeeOther)
}
