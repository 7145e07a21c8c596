package tenants

import (
	"context"
	"errors"
	"time"

	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
	"github.com/hatchid/hatch/internal/token"
)

// Handler serves the account routes.
type Handler struct {
	DB          *store.DB
	Revocations *token.Revocations
	ClientID    string // the environment's client ID, which Frontegg shows as vendorId
	Now         func() time.Time
}

// errAccountNotFound answers every route that names an unknown account.
var errAccountNotFound = iam.NotFound("Account not found")

// notFound turns the store's iam.ErrNotFound into errAccountNotFound.
func notFound(err error) error {
	if errors.Is(err, iam.ErrNotFound) {
		return errAccountNotFound
	}
	return err
}

// changeTenant applies change to the account tenantID and saves it, holding
// the row from read to write so concurrent changes are not lost. change's
// error is returned unchanged and nothing is saved; an unknown account is
// errAccountNotFound.
func (h *Handler) changeTenant(ctx context.Context, tenantID string, change func(*iam.Tenant) error) (*iam.Tenant, error) {
	var out *iam.Tenant
	err := h.DB.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.FindTenantForUpdate(ctx, tenantID)
		if err != nil {
			return err
		}
		if err := change(t); err != nil {
			return err
		}
		t.UpdatedAt = h.Now()
		out = t
		return tx.UpdateTenant(ctx, t)
	})
	return out, notFound(err)
}

// fields is a body that sets some of an account's fields (see apply).
type fields interface {
	apply(*iam.Tenant) (sent bool, err error)
}

// changeFields applies f to the account tenantID and saves it; a body that
// sets no field is a 400 with the message none.
func (h *Handler) changeFields(ctx context.Context, tenantID string, f fields, none string) (*iam.Tenant, error) {
	return h.changeTenant(ctx, tenantID, func(t *iam.Tenant) error {
		sent, err := f.apply(t)
		if err == nil && !sent {
			err = iam.Invalid("%s", none)
		}
		return err
	})
}

// deleteTenant deletes the account and refuses the tokens of the sessions it
// ended on this node at once; other nodes learn of them at their next poll.
func (h *Handler) deleteTenant(ctx context.Context, tenantID string) error {
	revoked, err := h.DB.DeleteTenantRevoking(ctx, tenantID, h.Now())
	if err != nil {
		return notFound(err)
	}
	for _, id := range revoked {
		h.Revocations.Add(id)
	}
	return nil
}
