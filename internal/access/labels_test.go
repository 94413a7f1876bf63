package access

import "testing"

func TestRoleLabels(t *testing.T) {
	names := map[string]Role{}
	for _, r := range Roles {
		l, ok := roleLabels[r]
		if !ok || l.Name == "" || l.Does == "" {
			t.Errorf("role %q has no full label: %+v", r, l)
		}
		if other, dup := names[l.Name]; dup {
			t.Errorf("roles %q and %q share the label %q", r, other, l.Name)
		}
		names[l.Name] = r
	}
	if len(roleLabels) != len(Roles) {
		t.Errorf("%d labels for %d roles", len(roleLabels), len(Roles))
	}
	if got := Role("stranger").Label().Name; got != "stranger" {
		t.Errorf("unknown role labelled %q", got)
	}
}
