package users

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/sms"
	"github.com/hatchid/hatch/internal/store"
)

// A user adds a phone number (E.164) by proving it receives SMS: adding or
// pre-verifying it sends a six-digit code and answers an otcToken; the code
// and the otcToken together verify it. Removing a number is confirmed the
// same way. A code works once, for ten minutes, and five tries in all; only
// hashes are stored, the code's bound to its otcToken. The vendor adds
// verified numbers and removes numbers without codes.

const (
	phoneCodeTTL         = 10 * time.Minute
	maxPhoneCodeAttempts = 5
)

// errPhoneCode answers every verification that cannot succeed: an unknown,
// spent, expired or exhausted otcToken, another user's, or a wrong code.
var errPhoneCode = iam.Invalid("Invalid or expired code")

var errPhoneNotFound = iam.NotFound("Phone number not found")

// phoneJSON is Frontegg's UserPhoneNumberResponseDto.
type phoneJSON struct {
	ID          string    `json:"id"`
	UserID      string    `json:"userId"`
	PhoneNumber string    `json:"phoneNumber"`
	Verified    bool      `json:"verified"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func toPhoneJSON(p *store.PhoneNumber) phoneJSON {
	return phoneJSON{ID: p.ID, UserID: p.UserID, PhoneNumber: p.PhoneNumber, Verified: p.Verified, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// phoneRequest is the body of the routes that add a number.
type phoneRequest struct {
	PhoneNumber string `json:"phoneNumber"`
	Verify      *bool  `json:"verify"` // add only: false adds the number without sending a code
}

// decodePhone reads a phoneRequest whose number is trimmed and in E.164
// form, with a 400 otherwise.
func decodePhone(r *http.Request) (*phoneRequest, error) {
	var req phoneRequest
	if err := api.Decode(r, &req); err != nil {
		return nil, err
	}
	req.PhoneNumber = strings.TrimSpace(req.PhoneNumber)
	switch {
	case req.PhoneNumber == "":
		return nil, iam.Invalid("phoneNumber is required")
	case !sms.ValidNumber(req.PhoneNumber):
		return nil, iam.Invalid("phoneNumber must be a phone number in E.164 form, such as +14155550100")
	}
	return &req, nil
}

// pagedPhones is a page of numbers with Frontegg's pagination links.
type pagedPhones struct {
	api.List[phoneJSON]
	Links map[string]string `json:"_links"`
}

// listPhoneNumbers answers a page of numbers (the scope tenant's users' for
// anyone but the vendor), filtered by ?_phoneNumber= and, on v2, ?userIds=.
func (h *Handler) listPhoneNumbers(w http.ResponseWriter, r *http.Request) error {
	page, _, err := pageOf(r, []string{"userId", "phoneNumber"})
	if err != nil {
		return err
	}
	q := r.URL.Query()
	found, total, err := h.DB.ListPhoneNumbers(r.Context(), store.PhoneNumberFilter{
		UserIDs: splitList(q["userIds"]), PhoneNumber: strings.TrimSpace(q.Get("_phoneNumber")), TenantID: scopeTenant(r), Page: page,
	})
	if err != nil {
		return err
	}
	items := make([]phoneJSON, len(found))
	for i, p := range found {
		items[i] = toPhoneJSON(p)
	}
	return api.OK(w, pagedPhones{List: api.NewList(items, total, page.Limit), Links: pageLinks(r, page, total)})
}

// pageLinks are the _links of a page: next, prev, first and last as paths
// with _offset as a page number.
func pageLinks(r *http.Request, page store.Page, total int) map[string]string {
	pages := max(1, (total+page.Limit-1)/page.Limit)
	current := page.Offset / page.Limit
	link := func(n int) string {
		if n < 0 || n >= pages {
			return ""
		}
		q := r.URL.Query()
		q.Set("_offset", strconv.Itoa(n))
		q.Set("_limit", strconv.Itoa(page.Limit))
		return r.URL.Path + "?" + q.Encode()
	}
	return map[string]string{"next": link(current + 1), "prev": link(current - 1), "first": link(0), "last": link(pages - 1)}
}

// listMyPhoneNumbers answers the caller's numbers.
func (h *Handler) listMyPhoneNumbers(w http.ResponseWriter, r *http.Request) error {
	id, err := selfID(r)
	if err != nil {
		return err
	}
	found, err := h.DB.FindPhoneNumbers(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]phoneJSON, len(found))
	for i, p := range found {
		out[i] = toPhoneJSON(p)
	}
	return api.OK(w, out)
}

type createdPhoneJSON struct {
	phoneJSON
	OTCToken string `json:"otcToken,omitempty"`
}

// decodeOwnPhone reads a phoneRequest for the caller, and loads the caller.
func (h *Handler) decodeOwnPhone(r *http.Request) (*phoneRequest, *iam.User, error) {
	req, err := decodePhone(r)
	if err != nil {
		return nil, nil, err
	}
	u, err := h.self(r)
	return req, u, err
}

// addMyPhoneNumber adds an unverified number to the caller and, unless
// verify is false, sends it a code: 201 with the number and the otcToken.
func (h *Handler) addMyPhoneNumber(w http.ResponseWriter, r *http.Request) error {
	req, u, err := h.decodeOwnPhone(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	now := h.Now()
	p := &store.PhoneNumber{ID: uuid.NewString(), UserID: u.ID, PhoneNumber: req.PhoneNumber, CreatedAt: now, UpdatedAt: now}
	var token string
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SavePhoneNumber(ctx, p); err != nil {
			return err
		}
		if p.Verified || req.Verify != nil && !*req.Verify {
			return nil
		}
		token, err = h.sendPhoneCode(ctx, tx, u, p, store.PhoneVerifyAdd)
		return err
	})
	if err != nil {
		return err
	}
	return api.Created(w, createdPhoneJSON{phoneJSON: toPhoneJSON(p), OTCToken: token})
}

// preVerifyPhoneNumber sends a code to a number the caller means to add,
// storing nothing but the code: 200 {otcToken}. Verifying adds the number.
func (h *Handler) preVerifyPhoneNumber(w http.ResponseWriter, r *http.Request) error {
	req, u, err := h.decodeOwnPhone(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	var token string
	err = h.DB.InTx(ctx, func(tx *store.Tx) (err error) {
		token, err = h.sendPhoneCode(ctx, tx, u, &store.PhoneNumber{UserID: u.ID, PhoneNumber: req.PhoneNumber}, store.PhoneVerifyAdd)
		return err
	})
	if err != nil {
		return err
	}
	return api.OK(w, map[string]string{"otcToken": token})
}

// sendPhoneCode stores a verification of purpose for p and queues its code
// by SMS to p's number, in tx. It returns the otcToken.
func (h *Handler) sendPhoneCode(ctx context.Context, tx *store.Tx, u *iam.User, p *store.PhoneNumber, purpose string) (string, error) {
	now := h.Now()
	token, code := secure.RandomToken(32), secure.RandomDigits(6)
	err := tx.CreatePhoneVerification(ctx, &store.PhoneVerification{
		TokenHash: secure.HashToken(token), UserID: u.ID, PhoneID: p.ID, PhoneNumber: p.PhoneNumber, Purpose: purpose,
		CodeHash: phoneCodeHash(token, code), CreatedAt: now, ExpiresAt: now.Add(phoneCodeTTL),
	})
	if err != nil {
		return "", err
	}
	kind := notify.VerifyPhoneNumber
	if purpose == store.PhoneVerifyDelete {
		kind = notify.RemovePhoneNumber
	}
	vars := notify.Vars{Name: u.Name, Email: u.Email, PhoneNumber: p.PhoneNumber, Code: code,
		ExpiresInMinutes: int(phoneCodeTTL.Minutes()), Expires: now.Add(phoneCodeTTL).UTC().Format(time.RFC1123)}
	return token, h.Notifier.SMS(ctx, tx, kind, p.PhoneNumber, vars)
}

// phoneCodeHash binds a code to its otcToken, which is stored only hashed:
// the six digits cannot be found from a stolen database by trying them all.
func phoneCodeHash(token, code string) string { return secure.HashToken("phone:" + token + ":" + code) }

type phoneCodeRequest struct {
	OTCToken string `json:"otcToken"`
	Code     string `json:"code"`
}

// checkPhoneCode spends one try of the caller's verification of purpose and
// returns it when the code is right. A wrong code still counts.
func (h *Handler) checkPhoneCode(r *http.Request, userID, purpose string) (*store.PhoneVerification, error) {
	var req phoneCodeRequest
	if err := api.Decode(r, &req); err != nil {
		return nil, err
	}
	req.OTCToken, req.Code = strings.TrimSpace(req.OTCToken), strings.TrimSpace(req.Code)
	switch {
	case req.OTCToken == "":
		return nil, iam.Invalid("otcToken is required")
	case req.Code == "":
		return nil, iam.Invalid("code is required")
	}
	v, err := h.DB.AttemptPhoneVerification(r.Context(), secure.HashToken(req.OTCToken), h.Now(), maxPhoneCodeAttempts)
	switch {
	case errors.Is(err, iam.ErrNotFound):
		return nil, errPhoneCode
	case err != nil:
		return nil, err
	case v.UserID != userID || v.Purpose != purpose || !secure.Equal(v.CodeHash, phoneCodeHash(req.OTCToken, req.Code)):
		return nil, errPhoneCode
	}
	return v, nil
}

// usePhoneCode spends v in tx; a code spent meanwhile is refused like a wrong one.
func usePhoneCode(ctx context.Context, tx *store.Tx, v *store.PhoneVerification, now time.Time) error {
	err := tx.UsePhoneVerification(ctx, v.TokenHash, now)
	if errors.Is(err, iam.ErrNotFound) {
		return errPhoneCode
	}
	return err
}

// verifyPhoneNumber adds the number of a verification as verified.
func (h *Handler) verifyPhoneNumber(w http.ResponseWriter, r *http.Request) error {
	id, err := selfID(r)
	if err != nil {
		return err
	}
	v, err := h.checkPhoneCode(r, id, store.PhoneVerifyAdd)
	if err != nil {
		return err
	}
	ctx := r.Context()
	now := h.Now()
	p := &store.PhoneNumber{ID: uuid.NewString(), UserID: id, PhoneNumber: v.PhoneNumber, Verified: true, CreatedAt: now, UpdatedAt: now}
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := usePhoneCode(ctx, tx, v, now); err != nil {
			return err
		}
		return tx.SavePhoneNumber(ctx, p)
	})
	if err != nil {
		return err
	}
	return api.OK(w, toPhoneJSON(p))
}

// deleteMyPhoneNumber sends a code confirming the removal of one of the
// caller's numbers to that number: 200 {phoneId, otcToken}.
func (h *Handler) deleteMyPhoneNumber(w http.ResponseWriter, r *http.Request) error {
	u, err := h.self(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := h.DB.FindPhoneNumber(ctx, u.ID, r.PathValue("id"))
	if errors.Is(err, iam.ErrNotFound) {
		return errPhoneNotFound
	}
	if err != nil {
		return err
	}
	var token string
	err = h.DB.InTx(ctx, func(tx *store.Tx) (err error) {
		token, err = h.sendPhoneCode(ctx, tx, u, p, store.PhoneVerifyDelete)
		return err
	})
	if err != nil {
		return err
	}
	return api.OK(w, map[string]string{"phoneId": p.ID, "otcToken": token})
}

// verifyDeletePhoneNumber removes the number the code was sent to.
func (h *Handler) verifyDeletePhoneNumber(w http.ResponseWriter, r *http.Request) error {
	id, err := selfID(r)
	if err != nil {
		return err
	}
	v, err := h.checkPhoneCode(r, id, store.PhoneVerifyDelete)
	if err != nil {
		return err
	}
	if v.PhoneID != r.PathValue("id") {
		return errPhoneCode
	}
	ctx := r.Context()
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := usePhoneCode(ctx, tx, v, h.Now()); err != nil {
			return err
		}
		err := tx.DeletePhoneNumber(ctx, id, v.PhoneID)
		if errors.Is(err, iam.ErrNotFound) {
			return errPhoneNotFound
		}
		return err
	})
	if err != nil {
		return err
	}
	return api.NoContent(w)
}

// addUserPhoneNumber adds a verified number to a user, without a code (vendor).
func (h *Handler) addUserPhoneNumber(w http.ResponseWriter, r *http.Request) error {
	req, err := decodePhone(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u, err := h.userInTenant(ctx, r.PathValue("userId"), "")
	if err != nil {
		return err
	}
	now := h.Now()
	p := &store.PhoneNumber{ID: uuid.NewString(), UserID: u.ID, PhoneNumber: req.PhoneNumber, Verified: true, CreatedAt: now, UpdatedAt: now}
	if err := h.DB.InTx(ctx, func(tx *store.Tx) error { return tx.SavePhoneNumber(ctx, p) }); err != nil {
		return err
	}
	return api.Created(w, toPhoneJSON(p))
}

// deleteUserPhoneNumber removes a user's number without a code (vendor).
func (h *Handler) deleteUserPhoneNumber(w http.ResponseWriter, r *http.Request) error {
	err := h.DB.DeletePhoneNumber(r.Context(), r.PathValue("userId"), r.PathValue("phoneId"))
	if errors.Is(err, iam.ErrNotFound) {
		return errPhoneNotFound
	}
	if err != nil {
		return err
	}
	return api.NoContent(w)
}
