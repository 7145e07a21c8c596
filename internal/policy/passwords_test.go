package policy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/policy"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/store/storetest"
)

var fastArgon2 = secure.Argon2Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// fixture is a migrated database with the password policies over it.
type fixture struct {
	db        *store.DB
	now       time.Time
	settings  *policy.Settings
	policies  *policy.Policies
	passwords *policy.Passwords
	hasher    *secure.Hasher
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	f := &fixture{db: db, now: time.Now().UTC().Truncate(time.Second), hasher: secure.NewHasher(fastArgon2)}
	clock := func() time.Time { return f.now }
	f.settings = &policy.Settings{DB: db, Now: clock}
	f.policies = policy.NewPolicies(db, f.settings, clock)
	f.passwords = &policy.Passwords{DB: db, Hasher: f.hasher, Policies: f.policies, Breached: policy.CommonPasswords(),
		Now: clock, ResetCodeKind: "password-reset", ResetTTL: time.Hour}
	return f
}

func (f *fixture) tenant(t *testing.T) string {
	t.Helper()
	id := uuid.NewString()
	if err := f.db.CreateTenant(context.Background(), &iam.Tenant{ID: id, TenantID: id, Name: id, Metadata: "{}", CreatedAt: f.now, UpdatedAt: f.now}); err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) user(t *testing.T, password string, tenantIDs ...string) *iam.User {
	t.Helper()
	u := &iam.User{ID: uuid.NewString(), Email: uuid.NewString() + "@example.com", Metadata: "{}", Provider: "local",
		PasswordHash: f.hasher.Hash(password), CreatedAt: f.now, UpdatedAt: f.now}
	err := f.db.InTx(context.Background(), func(tx *store.Tx) error {
		if err := tx.CreateUser(context.Background(), store.NewUser{User: u}); err != nil {
			return err
		}
		for _, id := range tenantIDs {
			if err := tx.AddMembership(context.Background(), iam.Membership{UserID: u.ID, TenantID: id, CreatedAt: f.now}, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) setPassword(t *testing.T, userID, password string) {
	t.Helper()
	f.now = f.now.Add(time.Minute)
	err := f.db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.SetPassword(context.Background(), userID, f.hasher.Hash(password), f.now)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// allowOverrides turns on the core settings that let accounts override the password policies.
func (f *fixture) allowOverrides(t *testing.T) {
	t.Helper()
	c := policy.DefaultCore()
	c.AllowOverridePasswordComplexity, c.AllowOverrideEnforcePasswordHistory, c.AllowOverridePasswordExpiration = true, true, true
	if err := f.settings.SaveCore(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

func wantCheck(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("refused: %v", err)
	case want != "" && err == nil:
		t.Errorf("accepted, want refusal %q", want)
	case want != "" && (iam.KindOf(err) != iam.KindInvalid || !strings.Contains(err.Error(), want)):
		t.Errorf("error %v (kind %v), want a 400 containing %q", err, iam.KindOf(err), want)
	}
}

func TestCheckDefaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, tc := range []struct{ password, want string }{
			{"seven77", "at least 8 characters"},
			{"eight888", ""},
			{strings.Repeat("x", 64) + "-Ok", ""},           // 64+ characters are allowed…
			{strings.Repeat("ab", 64), ""},                  // …up to 128,
			{strings.Repeat("ab", 64) + "c", "at most 128"}, // never truncated
			{"héllo wörld ünïcode", ""},                     // counted in characters, not bytes
			{"password", "breached"},                        // the most common password
			{"Password1", "breached"},                       // compared without case
			{"QWERTYUIOP", "breached"},                      //
			{"iloveyou2", "breached"},                       // further down the list
			{"correct horse battery staple", ""},            // a passphrase
			{"aaaaaaaa", "breached"},                        // repeated, and breached
			{"zqvbnrtw", ""},                                // no composition rules by default
			{"bookkkeeper", ""},                             // three repeats allowed by default
		} {
			t.Run(tc.password, func(t *testing.T) {
				wantCheck(t, f.passwords.Check(context.Background(), "password", nil, "", tc.password), tc.want)
			})
		}
	})
}

func TestCheckComplexity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, err := f.policies.PasswordConfig.Save(ctx, "", func(c *policy.PasswordConfig) {
			c.MinLength, c.MaxLength, c.MinPhraseLength = 10, 40, 24
			c.OptionalTests = policy.OptionalTests{RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSpecialChars: true}
			c.MinOptionalTestsToPass = 3
			c.RequiredTests.CheckThreeRepeatedChars = true
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ password, want string }{
			{"Abcdefgh1", "at least 10"},
			{"abcdefghij", "at least 3 of: a lowercase letter, an uppercase letter, a number, a special character"},
			{"abcdefghi1", "at least 3 of"},
			{"Abcdefghi1", ""},
			{"abcdefgh1!", ""},
			{"Abcdeffff1!", "repeated three"},
			{"just some words put together", ""}, // passphrase: 24+ characters skip the optional tests
			{"just some wwwords put together", "repeated three"},
			{strings.Repeat("Ab1!", 11), "at most 40"},
		} {
			t.Run(tc.password, func(t *testing.T) {
				wantCheck(t, f.passwords.Check(ctx, "password", nil, "", tc.password), tc.want)
			})
		}
		// With fewer tests on than minOptionalTestsToPass, all that are on are needed.
		if _, err := f.policies.PasswordConfig.Save(ctx, "", func(c *policy.PasswordConfig) {
			c.OptionalTests = policy.OptionalTests{RequireNumbers: true}
			c.AllowPassphrases = false
		}); err != nil {
			t.Fatal(err)
		}
		wantCheck(t, f.passwords.Check(ctx, "password", nil, "", "just some words put together"), "password must contain a number")
		wantCheck(t, f.passwords.Check(ctx, "password", nil, "", "just some words put together 2"), "")
	})
}

func TestCheckBreachedListCanBeTurnedOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if _, err := f.policies.PasswordConfig.Save(ctx, "", func(c *policy.PasswordConfig) { c.BlockPwnedPasswords = false }); err != nil {
			t.Fatal(err)
		}
		wantCheck(t, f.passwords.Check(ctx, "password", nil, "", "password1"), "")
	})
}

func TestCheckStrictestAcrossAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a, b := f.tenant(t), f.tenant(t)
		// Without the core setting, account overrides are refused and ignored.
		if _, err := f.policies.PasswordConfig.Save(ctx, a, func(c *policy.PasswordConfig) { c.MinLength = 12 }); iam.KindOf(err) != iam.KindForbidden {
			t.Fatalf("override without allowOverridePasswordComplexity: %v, want 403", err)
		}
		f.allowOverrides(t)
		if _, err := f.policies.PasswordConfig.Save(ctx, a, func(c *policy.PasswordConfig) { c.MinLength = 12 }); err != nil {
			t.Fatal(err)
		}
		if _, err := f.policies.PasswordConfig.Save(ctx, b, func(c *policy.PasswordConfig) {
			c.OptionalTests.RequireNumbers = true
			c.MinOptionalTestsToPass = 1
			c.AllowPassphrases = false
		}); err != nil {
			t.Fatal(err)
		}
		u := f.user(t, "unused-old-password", a, b)
		for _, tc := range []struct {
			tenants []string
			pw      string
			want    string
		}{
			{[]string{a}, "elevenchars", "at least 12"},
			{[]string{a}, "twelve chars", ""},
			{[]string{b}, "elevenchars", "must contain a number"},
			{[]string{a, b}, "twelve chars", "must contain a number"},
			{[]string{a, b}, "twelve chars1", ""},
			{nil, "elevenchar1", "at least 12"}, // nil: the user's accounts
			{[]string{}, "elevenchars", ""},     // none: the environment's
		} {
			var userID string
			if tc.tenants == nil {
				userID = u.ID
			}
			wantCheck(t, f.passwords.Check(ctx, "password", tc.tenants, userID, tc.pw), tc.want)
		}
		cfg, err := f.passwords.Config(ctx, nil, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MinLength != 12 || !cfg.OptionalTests.RequireNumbers || cfg.AllowPassphrases {
			t.Errorf("strictest config %+v", cfg)
		}
	})
}

func TestCheckHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tn := f.tenant(t)
		u := f.user(t, "first-password-1", tn)
		f.setPassword(t, u.ID, "second-password-2")
		f.setPassword(t, u.ID, "third-password-3")
		// Off by default: any earlier password may come back.
		wantCheck(t, f.passwords.Check(ctx, "password", nil, u.ID, "first-password-1"), "")
		if _, err := f.policies.PasswordHistory.Update(ctx, "", func(h *policy.PasswordHistory) { h.Enabled, h.HistorySize = true, 2 }); err != nil {
			t.Fatal(err)
		}
		wantCheck(t, f.passwords.Check(ctx, "password", nil, u.ID, "third-password-3"), "last 2 passwords")  // the current one
		wantCheck(t, f.passwords.Check(ctx, "password", nil, u.ID, "second-password-2"), "last 2 passwords") // the one before
		wantCheck(t, f.passwords.Check(ctx, "password", nil, u.ID, "first-password-1"), "")                  // older than 2
		wantCheck(t, f.passwords.Check(ctx, "password", nil, u.ID, "fourth-password-4"), "")
		wantCheck(t, f.passwords.Check(ctx, "password", nil, "", "third-password-3"), "") // no user: no history
		if _, err := f.policies.PasswordHistory.Update(ctx, "", func(h *policy.PasswordHistory) { h.HistorySize = 3 }); err != nil {
			t.Fatal(err)
		}
		wantCheck(t, f.passwords.Check(ctx, "password", nil, u.ID, "first-password-1"), "last 3 passwords")
		// The history keeps at most store.PasswordHistoryLimit old hashes.
		for i := range store.PasswordHistoryLimit + 3 {
			f.setPassword(t, u.ID, "rotating-password-"+string(rune('a'+i)))
		}
		old, err := db.FindPasswordHistory(ctx, u.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(old) != store.PasswordHistoryLimit {
			t.Errorf("history keeps %d hashes, want %d", len(old), store.PasswordHistoryLimit)
		}
	})
}

func TestPasswordExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tn := f.tenant(t)
		u := f.user(t, "first-password-1", tn)
		if _, _, rotates, err := f.passwords.PasswordExpiry(ctx, u, []string{tn}); err != nil || rotates {
			t.Fatalf("rotation is off by default: rotates=%v err=%v", rotates, err)
		}
		if _, err := f.policies.PasswordRotation.Save(ctx, "", func(r *policy.PasswordRotation) { r.IsActive = true }); err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(10 * 24 * time.Hour)
		left, notice, rotates, err := f.passwords.PasswordExpiry(ctx, u, []string{tn})
		if err != nil || !rotates || left != 80*24*time.Hour || notice != 7*24*time.Hour {
			t.Fatalf("expiry left=%v notice=%v rotates=%v err=%v; want 80 days, 7 days", left, notice, rotates, err)
		}
		f.now = f.now.Add(81 * 24 * time.Hour)
		if left, _, _, _ := f.passwords.PasswordExpiry(ctx, u, []string{tn}); left > 0 {
			t.Fatalf("after 91 days %v left, want expired", left)
		}
	})
}
