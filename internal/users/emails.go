package users

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/store"
)

// A user's additional addresses are verified with a six-digit code sent to
// the address. Five wrong codes in a row void it until a new one is sent, so
// guessing succeeds with odds of at most 5 in a million per code.
const (
	emailCodeTTL         = time.Hour
	maxEmailCodeAttempts = 5
)

// emailCodeKind is the user_codes kind of an address's code: one per address,
// so a new code for one address leaves the others' codes alone.
func emailCodeKind(emailID string) string { return "user-email:" + emailID }

// emailCodeHash binds the code to its address: two addresses may draw the same digits.
func emailCodeHash(emailID, code string) string { return secure.HashToken(emailID + ":" + code) }

var (
	errEmailNotFound = iam.NotFound("Email not found")
	errWrongCode     = iam.Invalid("Invalid code")
)

// emailJSON is Frontegg's user email.
type emailJSON struct {
	ID        string    `json:"id"`
	UserID    string    `json:"userId"`
	Email     string    `json:"email"`
	Verified  bool      `json:"verified"`
	IsPrimary bool      `json:"isPrimary"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func toEmailJSON(e *store.UserEmail) emailJSON {
	return emailJSON{ID: e.ID, UserID: e.UserID, Email: e.Email, Verified: e.Verified, IsPrimary: e.Primary,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

// listEmails answers a page of addresses, primary and additional, of the
// token's tenant's users for anyone but the vendor.
func (h *Handler) listEmails(w http.ResponseWriter, r *http.Request) error {
	page, _, err := pageOf(r, []string{"userId", "email"})
	if err != nil {
		return err
	}
	q := r.URL.Query()
	found, total, err := h.DB.ListUserEmails(r.Context(), store.UserEmailFilter{
		UserIDs: splitList(q["userIds"]), Email: q.Get("_email"), TenantID: scopeTenant(r), Page: page,
	})
	if err != nil {
		return err
	}
	items := make([]emailJSON, len(found))
	for i, e := range found {
		items[i] = toEmailJSON(e)
	}
	return api.OK(w, api.NewList(items, total, page.Limit))
}

// listMyEmails answers the caller's addresses, the primary first.
func (h *Handler) listMyEmails(w http.ResponseWriter, r *http.Request) error {
	id, err := selfID(r)
	if err != nil {
		return err
	}
	return h.writeEmails(w, r, id)
}

func (h *Handler) writeEmails(w http.ResponseWriter, r *http.Request, userID string) error {
	found, err := h.DB.FindUserEmails(r.Context(), userID)
	if err != nil {
		return err
	}
	out := make([]emailJSON, len(found))
	for i, e := range found {
		out[i] = toEmailJSON(e)
	}
	return api.OK(w, out)
}

func decodeEmail(r *http.Request) (string, error) {
	var req struct {
		Email string `json:"email"`
	}
	if err := api.Decode(r, &req); err != nil {
		return "", err
	}
	return checkEmail("email", req.Email)
}

// addMyEmail adds an unverified address to the caller's account and emails it
// a code. Adding an address again that is still unverified sends a new code.
func (h *Handler) addMyEmail(w http.ResponseWriter, r *http.Request) error {
	email, err := decodeEmail(r)
	if err != nil {
		return err
	}
	u, err := h.self(r)
	if err != nil {
		return err
	}
	e, err := h.addEmail(r.Context(), u, email, false)
	if err != nil {
		return err
	}
	return api.Created(w, toEmailJSON(e))
}

// addUserEmail adds an address to a user; unless isVerified is set the
// address gets a code to verify it with.
func (h *Handler) addUserEmail(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email      string `json:"email"`
		IsVerified bool   `json:"isVerified"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	email, err := checkEmail("email", req.Email)
	if err != nil {
		return err
	}
	u, err := h.userInTenant(r.Context(), r.PathValue("userId"), "")
	if err != nil {
		return err
	}
	e, err := h.addEmail(r.Context(), u, email, req.IsVerified)
	if err != nil {
		return err
	}
	return api.Created(w, toEmailJSON(e))
}

// addEmail adds email to u (or, when u already has it unverified and verified
// is false, sends a new code) in one transaction. An address the email-domain
// restrictions of one of u's accounts refuse is refused with a 400, as when it
// would become primary (checkEmailDomain), and nothing is stored or sent.
func (h *Handler) addEmail(ctx context.Context, u *iam.User, email string, verified bool) (*store.UserEmail, error) {
	if err := h.checkEmailDomain(ctx, u.ID, email); err != nil {
		return nil, err
	}
	var out *store.UserEmail
	err := h.DB.InTx(ctx, func(tx *store.Tx) error {
		now := h.Now()
		e, err := tx.FindUserEmail(ctx, u.ID, email)
		switch {
		case errors.Is(err, iam.ErrNotFound):
			e = &store.UserEmail{ID: uuid.NewString(), UserID: u.ID, Email: email, Verified: verified, CreatedAt: now, UpdatedAt: now}
			if err := tx.CreateUserEmail(ctx, e); errors.Is(err, iam.ErrConflict) {
				return iam.Conflict("Email is already in use")
			} else if err != nil {
				return err
			}
		case err != nil:
			return err
		case e.Primary || e.Verified:
			return iam.Conflict("Email is already in use")
		default:
			e.Verified = verified
			if err := tx.SetUserEmailVerified(ctx, e.ID, verified, now); err != nil {
				return err
			}
		}
		out = e
		if verified {
			return nil
		}
		return h.sendEmailCode(ctx, tx, u, e)
	})
	return out, err
}

// sendEmailCode queues a new verification code for the address e, voiding its earlier ones.
func (h *Handler) sendEmailCode(ctx context.Context, tx *store.Tx, u *iam.User, e *store.UserEmail) error {
	now := h.Now()
	code := secure.RandomDigits(6)
	err := tx.CreateCode(ctx, &store.Code{Hash: emailCodeHash(e.ID, code), Kind: emailCodeKind(e.ID), UserID: u.ID,
		CreatedAt: now, ExpiresAt: now.Add(emailCodeTTL)}, true)
	if err != nil {
		return err
	}
	return h.mailEmailCode(ctx, tx, u, e.Email, code, now.Add(emailCodeTTL))
}

// mailEmailCode queues the VerifyNewEmail message carrying code, which expires at expires, to email.
func (h *Handler) mailEmailCode(ctx context.Context, tx *store.Tx, u *iam.User, email, code string, expires time.Time) error {
	return h.Notifier.Email(ctx, tx, notify.VerifyNewEmail, email, notify.Vars{
		Name: u.Name, Email: email, Code: code, Expires: expires.UTC().Format(time.RFC1123),
	})
}

// verifyMyEmail verifies one of the caller's addresses with the code it was sent.
func (h *Handler) verifyMyEmail(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Code  string `json:"code"`
		Email string `json:"email"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(req.Email) == "":
		return iam.Invalid("email is required")
	case strings.TrimSpace(req.Code) == "":
		return iam.Invalid("code is required")
	}
	id, err := selfID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var emailID string
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.FindUserEmail(ctx, id, req.Email)
		switch {
		case errors.Is(err, iam.ErrNotFound):
			return errEmailNotFound
		case err != nil:
			return err
		case e.Verified:
			return nil
		case e.FailedAttempts >= maxEmailCodeAttempts:
			return iam.Invalid("Too many wrong codes: ask for a new one")
		}
		emailID = e.ID
		now := h.Now()
		if _, err := tx.UseCode(ctx, emailCodeKind(e.ID), emailCodeHash(e.ID, strings.TrimSpace(req.Code)), id, now); errors.Is(err, iam.ErrNotFound) {
			return errWrongCode
		} else if err != nil {
			return err
		}
		return tx.SetUserEmailVerified(ctx, e.ID, true, now)
	})
	if errors.Is(err, errWrongCode) {
		if ferr := h.DB.AddUserEmailFailure(ctx, emailID); ferr != nil {
			return ferr
		}
	}
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

// deleteMyEmail removes one of the caller's additional addresses.
func (h *Handler) deleteMyEmail(w http.ResponseWriter, r *http.Request) error {
	id, err := selfID(r)
	if err != nil {
		return err
	}
	return h.deleteEmail(w, r, id, r.PathValue("emailId"))
}

// deleteUserEmail removes one of a user's additional addresses.
func (h *Handler) deleteUserEmail(w http.ResponseWriter, r *http.Request) error {
	return h.deleteEmail(w, r, r.PathValue("userId"), r.PathValue("emailId"))
}

func (h *Handler) deleteEmail(w http.ResponseWriter, r *http.Request, userID, emailID string) error {
	if emailID == userID {
		return iam.Invalid("The primary email cannot be deleted")
	}
	err := h.DB.InTx(r.Context(), func(tx *store.Tx) error { return tx.DeleteUserEmail(r.Context(), userID, emailID) })
	if errors.Is(err, iam.ErrNotFound) {
		return errEmailNotFound
	}
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

// makeMyEmailPrimary makes one of the caller's verified addresses its primary one.
func (h *Handler) makeMyEmailPrimary(w http.ResponseWriter, r *http.Request) error {
	id, err := selfID(r)
	if err != nil {
		return err
	}
	return h.writePrimary(w, r, id, true)
}

// makeUserEmailPrimary makes one of a user's addresses its primary one, verified or not.
// Either way the address must pass the email-domain restrictions of the user's accounts.
func (h *Handler) makeUserEmailPrimary(w http.ResponseWriter, r *http.Request) error {
	return h.writePrimary(w, r, r.PathValue("userId"), false)
}

func (h *Handler) writePrimary(w http.ResponseWriter, r *http.Request, userID string, mustBeVerified bool) error {
	email, err := decodeEmail(r)
	if err != nil {
		return err
	}
	if err := h.checkEmailDomain(r.Context(), userID, email); err != nil {
		return err
	}
	if err := h.makePrimary(r.Context(), userID, email, mustBeVerified); err != nil {
		return err
	}
	return api.NoContent(w)
}

// makePrimary swaps the user's primary address with its additional address
// email, in one transaction: the user's verified flag follows the address.
func (h *Handler) makePrimary(ctx context.Context, userID, email string, mustBeVerified bool) error {
	return h.DB.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.FindUser(ctx, userID)
		if errors.Is(err, iam.ErrNotFound) {
			return errUserNotFound
		}
		if err != nil {
			return err
		}
		e, err := tx.FindUserEmail(ctx, userID, email)
		switch {
		case errors.Is(err, iam.ErrNotFound):
			return errEmailNotFound
		case err != nil:
			return err
		case e.Primary:
			return nil
		case mustBeVerified && !e.Verified:
			return iam.Invalid("The email must be verified first")
		}
		if err := tx.DeleteUserEmail(ctx, userID, e.ID); err != nil {
			return err
		}
		now := h.Now()
		old := &store.UserEmail{ID: uuid.NewString(), UserID: userID, Email: u.Email, Verified: u.Verified, CreatedAt: now, UpdatedAt: now}
		u.Email, u.Verified, u.UpdatedAt = e.Email, e.Verified, now
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if old.Email == "" {
			return nil
		}
		return tx.CreateUserEmail(ctx, old)
	})
}
