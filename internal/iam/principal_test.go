package iam_test

import (
	"testing"

	"github.com/hatchid/hatch/internal/iam"
)

func TestCan(t *testing.T) {
	p := &iam.Principal{Kind: iam.CallerUser, Permissions: []string{"fe.secure.read.*", "docs.write"}}
	for key, want := range map[string]bool{
		"fe.secure.read.users": true, "fe.secure.read.*": true, "docs.write": true,
		"fe.secure.write.users": false, "fe.secure.*": false, "docs": false, "fe.secure.read": false,
	} {
		if got := p.Can(key); got != want {
			t.Errorf("Can(%q) = %v, want %v", key, got, want)
		}
	}
	if !(&iam.Principal{Kind: iam.CallerVendor}).Can("anything") {
		t.Error("vendors hold every permission")
	}
}

// BenchmarkCan measures the check every self-service request makes: the
// caller's permission keys come from its token, so no database is involved.
// The principal holds the keys of Frontegg's Admin role (wildcards and
// concrete keys) and the check matches the last one.
func BenchmarkCan(b *testing.B) {
	p := &iam.Principal{Kind: iam.CallerUser, Permissions: []string{"fe.connectivity.*", "fe.subscriptions.*",
		"fe.account-settings.read.app", "fe.account-settings.write.custom-login-box", "fe.account-settings.delete.account",
		"fe.account-hierarchy.read.subAccount", "fe.account-hierarchy.write.subAccount", "fe.account-hierarchy.delete.subAccount",
		"fe.account-hierarchy.write.subAccountAccess", "fe.account-hierarchy.write.subAccountManagement", "fe.secure.*"}}
	for b.Loop() {
		if !p.Can("fe.secure.write.usersRoles") {
			b.Fatal("refused")
		}
	}
}
