package policy

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// Document is one stored security policy — the environment's (TenantID "")
// or one account's override — with the identity and times the routes show.
type Document[T any] struct {
	ID        string
	TenantID  string
	CreatedAt time.Time
	UpdatedAt time.Time
	Policy    T
	Saved     bool // false for the built-in defaults of an environment that never saved one
}

// stored is a Document's form in the settings table.
type stored[T any] struct {
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Policy    T         `json:"policy"`
}

// Documents keeps one kind of security policy (lockout, password history…)
// for the environment and, as overrides, for accounts. An account without an
// override follows the environment; an environment that never saved one
// follows Default. Policies are read from the database on every call: they
// are read on failed logins and password changes, not on every request.
type Documents[T any] struct {
	DB   *store.DB
	Now  func() time.Time
	Name string // the settings document's name
	// Default is the built-in policy, secure out of the box.
	Default func() T
	// Validate returns a 400 naming the first bad field.
	Validate func(*T) error
	// Strictest combines the policies of two accounts a user belongs to into
	// the one that allows the least.
	Strictest func(a, b T) T
	// Overridable reports whether accounts may override the environment's
	// policy (a core setting for some policies); nil means always. When it
	// reports false, account overrides are ignored and cannot be written.
	Overridable func(ctx context.Context) (bool, error)
}

// ErrOverrideNotAllowed answers writes of an account override the environment forbids.
var ErrOverrideNotAllowed = iam.Forbidden("The environment does not allow accounts to override this policy")

// id is the policy's stable id: one per policy kind and scope.
func (d *Documents[T]) id(tenantID string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("hatch:policy:"+d.Name+":"+tenantID)).String()
}

// Find returns the policy saved for tenantID ("" for the environment). It
// returns iam.ErrNotFound when an account has no override; the environment
// always has a policy, its defaults until one is saved.
func (d *Documents[T]) Find(ctx context.Context, tenantID string) (*Document[T], error) {
	var s stored[T]
	s.Policy = d.Default()
	err := d.DB.FindSetting(ctx, tenantID, d.Name, &s)
	switch {
	case errors.Is(err, iam.ErrNotFound) && tenantID == "":
		now := d.Now()
		return &Document[T]{ID: d.id(""), CreatedAt: now, UpdatedAt: now, Policy: d.Default()}, nil
	case err != nil:
		return nil, err
	}
	return &Document[T]{ID: d.id(tenantID), TenantID: tenantID, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, Policy: s.Policy, Saved: true}, nil
}

// Effective returns the policy that applies in tenantID: its override when it
// has one and overrides are allowed, else the environment's.
func (d *Documents[T]) Effective(ctx context.Context, tenantID string) (T, error) {
	if tenantID != "" {
		ok, err := d.overridable(ctx)
		if err != nil {
			return d.Default(), err
		}
		if ok {
			doc, err := d.Find(ctx, tenantID)
			if err == nil {
				return doc.Policy, nil
			}
			if !errors.Is(err, iam.ErrNotFound) {
				return d.Default(), err
			}
		}
	}
	doc, err := d.Find(ctx, "")
	if err != nil {
		return d.Default(), err
	}
	return doc.Policy, nil
}

// ForTenants returns the strictest of the policies that apply in tenantIDs, or
// the environment's when tenantIDs is empty: a user in several accounts obeys
// the strictest of them.
func (d *Documents[T]) ForTenants(ctx context.Context, tenantIDs []string) (T, error) {
	if len(tenantIDs) == 0 {
		return d.Effective(ctx, "")
	}
	out, err := d.Effective(ctx, tenantIDs[0])
	if err != nil {
		return out, err
	}
	for _, id := range tenantIDs[1:] {
		p, err := d.Effective(ctx, id)
		if err != nil {
			return out, err
		}
		out = d.Strictest(out, p)
	}
	return out, nil
}

// Create validates p and saves it for tenantID. It returns iam.ErrConflict when
// a policy was already saved there (the environment's defaults do not count).
func (d *Documents[T]) Create(ctx context.Context, tenantID string, p T) (*Document[T], error) {
	if err := d.check(ctx, tenantID, &p); err != nil {
		return nil, err
	}
	now := d.Now()
	if err := d.DB.CreateSetting(ctx, tenantID, d.Name, stored[T]{CreatedAt: now, UpdatedAt: now, Policy: p}, now); err != nil {
		return nil, err
	}
	return &Document[T]{ID: d.id(tenantID), TenantID: tenantID, CreatedAt: now, UpdatedAt: now, Policy: p, Saved: true}, nil
}

// Update applies change to the policy saved for tenantID, validates and saves
// the result. It returns iam.ErrNotFound when an account has no override; the
// environment's defaults are updated as if saved.
func (d *Documents[T]) Update(ctx context.Context, tenantID string, change func(*T)) (*Document[T], error) {
	return d.write(ctx, tenantID, false, change)
}

// Save is Update that creates the account's override when it has none,
// starting from the policy that applied there until then.
func (d *Documents[T]) Save(ctx context.Context, tenantID string, change func(*T)) (*Document[T], error) {
	return d.write(ctx, tenantID, true, change)
}

func (d *Documents[T]) write(ctx context.Context, tenantID string, upsert bool, change func(*T)) (*Document[T], error) {
	var doc *Document[T]
	err := d.DB.InTx(ctx, func(tx *store.Tx) error {
		now := d.Now()
		s := stored[T]{CreatedAt: now, Policy: d.Default()}
		err := tx.FindSetting(ctx, tenantID, d.Name, &s)
		if errors.Is(err, iam.ErrNotFound) && tenantID != "" {
			if !upsert {
				return err
			}
			base, ferr := d.Effective(ctx, "")
			if ferr != nil {
				return ferr
			}
			s.Policy = base
		} else if err != nil && !errors.Is(err, iam.ErrNotFound) {
			return err
		}
		change(&s.Policy)
		if err := d.check(ctx, tenantID, &s.Policy); err != nil {
			return err
		}
		s.UpdatedAt = now
		if err := tx.SaveSetting(ctx, tenantID, d.Name, s, now); err != nil {
			return err
		}
		doc = &Document[T]{ID: d.id(tenantID), TenantID: tenantID, CreatedAt: s.CreatedAt, UpdatedAt: now, Policy: s.Policy, Saved: true}
		return nil
	})
	return doc, err
}

// check refuses account overrides the environment forbids, then validates p.
func (d *Documents[T]) check(ctx context.Context, tenantID string, p *T) error {
	if tenantID != "" {
		ok, err := d.overridable(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return ErrOverrideNotAllowed
		}
	}
	return d.Validate(p)
}

func (d *Documents[T]) overridable(ctx context.Context) (bool, error) {
	if d.Overridable == nil {
		return true, nil
	}
	return d.Overridable(ctx)
}
