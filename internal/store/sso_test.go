package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

// ssoFixture is two accounts, a with configurations a1 and a2 and b with b1,
// created in that order.
type ssoFixture struct {
	db         *store.DB
	now        time.Time
	a1, a2, b1 *store.SSOConfiguration
}

func newSSOFixture(t *testing.T, db *store.DB) *ssoFixture {
	t.Helper()
	ctx := context.Background()
	f := &ssoFixture{db: db, now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	config := func(tenantID string) *store.SSOConfiguration {
		f.now = f.now.Add(time.Minute)
		c := &store.SSOConfiguration{ID: uuid.NewString(), TenantID: tenantID, Type: "saml", Enabled: true,
			ConfigMetadata: "{}", CreatedAt: f.now, UpdatedAt: f.now}
		if err := db.CreateSSOConfiguration(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, id := range []string{"a", "b"} {
		if err := db.CreateTenant(ctx, &iam.Tenant{ID: id, TenantID: id, Name: id, Metadata: "{}", CreatedAt: f.now, UpdatedAt: f.now}); err != nil {
			t.Fatal(err)
		}
	}
	f.a1, f.a2, f.b1 = config("a"), config("a"), config("b")
	return f
}

// claim makes c claim domain, unvalidated, and returns the claim's id.
func (f *ssoFixture) claim(t *testing.T, c *store.SSOConfiguration, domain string) string {
	t.Helper()
	f.now = f.now.Add(time.Second)
	d := &store.SSODomain{ID: uuid.NewString(), ConfigurationID: c.ID, Domain: domain, TXTRecord: "txt", CreatedAt: f.now}
	if err := f.db.CreateSSODomain(context.Background(), d, false); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// holders returns the ids of the configurations FindSSOConfigurationsByDomain answers.
func (f *ssoFixture) holders(t *testing.T, domain string, unvalidated bool) []string {
	t.Helper()
	cs, err := f.db.FindSSOConfigurationsByDomain(context.Background(), domain, unvalidated)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

// validateAll validates the claims at once, each in its own transaction, and
// returns how many were validated and how many refused with ErrSSODomainHeld.
func (f *ssoFixture) validateAll(t *testing.T, shared bool, claims map[string]*store.SSOConfiguration) (won, held int) {
	t.Helper()
	var wg sync.WaitGroup
	results := make(chan error, len(claims))
	for id, c := range claims {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results <- f.db.ValidateSSODomain(context.Background(), c.ID, id, shared)
		}()
	}
	wg.Wait()
	close(results)
	for err := range results {
		switch {
		case err == nil:
			won++
		case errors.Is(err, store.ErrSSODomainHeld):
			held++
		default:
			t.Fatalf("validate: %v", err)
		}
	}
	return won, held
}

// A domain is held validated by one configuration, or, when shared, by one
// configuration per account; concurrent validations cannot both slip past
// the check.
func TestSSODomainHolders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSSOFixture(t, db)
		a1, a2, b1 := f.claim(t, f.a1, "acme.test"), f.claim(t, f.a2, "acme.test"), f.claim(t, f.b1, "acme.test")

		// Nobody proved it: only an unvalidated lookup finds the claimants, oldest first.
		if got := f.holders(t, "acme.test", false); len(got) != 0 {
			t.Fatalf("validated holders: %v", got)
		}
		if got := f.holders(t, "ACME.test", true); len(got) != 3 || got[0] != f.a1.ID || got[2] != f.b1.ID {
			t.Fatalf("claimants: %v", got)
		}

		// Not shared: of two accounts validating at once, one wins.
		if won, held := f.validateAll(t, false, map[string]*store.SSOConfiguration{a1: f.a1, b1: f.b1}); won != 1 || held != 1 {
			t.Fatalf("not shared: won %d, held %d", won, held)
		}
		winners := f.holders(t, "acme.test", true)
		if len(winners) != 1 {
			t.Fatalf("holders once validated: %v", winners)
		}
		// Shared: the remaining claims validate at once; whichever account
		// the winner was, exactly one of them may join it.
		rest := map[string]*store.SSOConfiguration{a2: f.a2}
		if winners[0] == f.a1.ID {
			rest[b1] = f.b1
		} else {
			rest[a1] = f.a1
		}
		if won, held := f.validateAll(t, true, rest); won != 1 || held != 1 {
			t.Fatalf("shared: won %d, held %d", won, held)
		}
		got := f.holders(t, "acme.test", false)
		if len(got) != 2 || got[0] == got[1] {
			t.Fatalf("shared holders: %v", got)
		}
		cs, _ := db.FindSSOConfigurationsByDomain(ctx, "acme.test", false)
		if cs[0].TenantID == cs[1].TenantID {
			t.Fatalf("one account holds the domain twice: %v, %v", cs[0].ID, cs[1].ID)
		}

		// A validated claim stays validated; an unknown one is not found.
		if err := db.ValidateSSODomain(ctx, cs[0].ID, domainOf(t, cs[0], "acme.test"), false); err != nil {
			t.Fatalf("revalidate: %v", err)
		}
		if err := db.ValidateSSODomain(ctx, f.a1.ID, "nope", true); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("unknown claim: %v", err)
		}
		// A claim created validated is checked alike.
		f.now = f.now.Add(time.Second)
		d := &store.SSODomain{ID: uuid.NewString(), ConfigurationID: f.a1.ID, Domain: "taken.test", Validated: true, TXTRecord: "t", CreatedAt: f.now}
		if err := db.CreateSSODomain(ctx, d, false); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*store.SSOConfiguration{f.a2, f.b1} {
			d := &store.SSODomain{ID: uuid.NewString(), ConfigurationID: c.ID, Domain: "taken.test", Validated: true, TXTRecord: "t", CreatedAt: f.now}
			if err := db.CreateSSODomain(ctx, d, c == f.b1); c == f.a2 && !errors.Is(err, store.ErrSSODomainHeld) || c == f.b1 && err != nil {
				t.Fatalf("create validated for %s: %v", c.TenantID, err)
			}
		}
		if err := db.CreateSSODomain(ctx, &store.SSODomain{ID: uuid.NewString(), ConfigurationID: f.a1.ID, Domain: "taken.test",
			TXTRecord: "t", CreatedAt: f.now}, true); !errors.Is(err, iam.ErrConflict) || errors.Is(err, store.ErrSSODomainHeld) {
			t.Fatalf("second claim by one configuration: %v", err)
		}
	})
}

// Force-validation validates the claims a validation would accept, oldest
// first: one claim when the domain is not shared, one per account when it is.
func TestForceValidateSSODomains(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newSSOFixture(t, db)
		for _, domain := range []string{"solo.test", "shared.test"} {
			f.claim(t, f.a1, domain)
			f.claim(t, f.a2, domain)
			f.claim(t, f.b1, domain)
		}
		for _, tc := range []struct {
			domain string
			shared bool
			want   []string
		}{
			{"solo.test", false, []string{f.a1.ID}},
			{"solo.test", true, []string{f.a1.ID, f.b1.ID}}, // turned on later: b joins
			{"shared.test", true, []string{f.a1.ID, f.b1.ID}},
		} {
			if err := db.ForceValidateSSODomains(ctx, tc.domain, tc.shared); err != nil {
				t.Fatal(err)
			}
			if got := f.holders(t, tc.domain, false); len(got) != len(tc.want) || got[0] != tc.want[0] || got[len(got)-1] != tc.want[len(tc.want)-1] {
				t.Fatalf("%s (shared %v): holders %v, want %v", tc.domain, tc.shared, got, tc.want)
			}
		}
		if err := db.ForceValidateSSODomains(ctx, "unclaimed.test", true); !errors.Is(err, iam.ErrNotFound) {
			t.Fatalf("unclaimed: %v", err)
		}
	})
}

// domainOf returns the id of c's claim of domain.
func domainOf(t *testing.T, c *store.SSOConfiguration, domain string) string {
	t.Helper()
	for _, d := range c.Domains {
		if d.Domain == domain {
			return d.ID
		}
	}
	t.Fatalf("%s does not claim %s", c.ID, domain)
	return ""
}
