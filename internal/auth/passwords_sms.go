package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/notify"
	"github.com/hatchid/hatch/internal/secure"
	"github.com/hatchid/hatch/internal/sms"
	"github.com/hatchid/hatch/internal/store"
)

// A password reset by SMS: the user names itself (email, username or a
// verified phone number) and a six-digit code goes by SMS to its verified
// number; the answer is a sessionId either way. The code and the sessionId
// together are worth a password reset token (users/v1/passwords/reset/verify
// spends it). The code lives ten minutes, only as a hash bound to the
// sessionId, works once and dies after maxResetSMSAttempts wrong tries; a new
// code voids the one before, and no more than maxResetSMSPerHour are sent to
// a user in an hour, so that guessing stays hopeless and no one is flooded.
const (
	resetSMSKind        = "password-reset-sms"
	resetSMSTTL         = 10 * time.Minute
	maxResetSMSAttempts = 5
	maxResetSMSPerHour  = 5
)

// errResetSMSCode answers every verification that cannot succeed: an unknown,
// spent, expired or exhausted sessionId, or a wrong code.
var errResetSMSCode = iam.Invalid("Invalid or expired code")

// resetSMSHash binds a code to its sessionId, which is stored only hashed.
func resetSMSHash(sessionID, code string) string {
	return secure.HashToken(resetSMSKind + ":" + sessionID + ":" + code)
}

type resetSMSResponse struct {
	SessionID string `json:"sessionId"`
}

// forgotPasswordSMS texts a reset code to the verified number of the user
// the body names and answers 200 {sessionId}. The sessionId is random and
// the answer the same when there is no such user, when it has no verified
// number, and when its hourly allowance of codes is spent.
func (h *Handler) forgotPasswordSMS(w http.ResponseWriter, r *http.Request) error {
	var req forgotPasswordRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	u, phone, err := h.smsResetTarget(ctx, &req)
	if err != nil {
		return err
	}
	sessionID := secure.RandomToken(32)
	if u != nil {
		err = h.DB.InTx(ctx, func(tx *store.Tx) error { return h.sendResetSMS(ctx, tx, u, phone, sessionID) })
		if err != nil {
			return err
		}
	}
	return api.OK(w, resetSMSResponse{SessionID: sessionID})
}

// smsResetTarget returns the user req names and its verified number to text,
// or a nil user when there is no such user or it has no verified number.
// With identifierType phoneNumber the user is the one who verified that
// number; otherwise it is its oldest verified number.
func (h *Handler) smsResetTarget(ctx context.Context, req *forgotPasswordRequest) (*iam.User, string, error) {
	if strings.TrimSpace(req.Email) == "" && req.IdentifierType == "phoneNumber" {
		phone := strings.TrimSpace(req.Identifier)
		switch {
		case phone == "":
			return nil, "", iam.Invalid("identifier is required")
		case !sms.ValidNumber(phone):
			return nil, "", iam.Invalid("identifier must be a phone number in E.164 form, such as +14155550100")
		}
		id, err := h.DB.FindVerifiedPhoneOwner(ctx, phone)
		if errors.Is(err, iam.ErrNotFound) {
			return nil, "", nil
		} else if err != nil {
			return nil, "", err
		}
		u, err := h.DB.FindUser(ctx, id)
		if errors.Is(err, iam.ErrNotFound) {
			return nil, "", nil
		}
		return u, phone, err
	}
	u, err := h.findByIdentifier(ctx, req)
	if err != nil || u == nil {
		return nil, "", err
	}
	phones, err := h.DB.FindPhoneNumbers(ctx, u.ID)
	if err != nil {
		return nil, "", err
	}
	for _, p := range phones {
		if p.Verified {
			return u, p.PhoneNumber, nil
		}
	}
	return nil, "", nil
}

// sendResetSMS stores the challenge of sessionID for u and queues its code to
// phone, in tx, unless u was sent maxResetSMSPerHour codes in the last hour.
func (h *Handler) sendResetSMS(ctx context.Context, tx *store.Tx, u *iam.User, phone, sessionID string) error {
	now := h.Now()
	sent, err := tx.CountChallenges(ctx, u.ID, resetSMSKind, now.Add(-time.Hour))
	if err != nil || sent >= maxResetSMSPerHour {
		return err
	}
	code := secure.RandomDigits(6)
	err = tx.CreateChallenge(ctx, &store.Challenge{ID: secure.HashToken(sessionID), Kind: resetSMSKind, UserID: u.ID,
		CodeHash: resetSMSHash(sessionID, code), CreatedAt: now, ExpiresAt: now.Add(resetSMSTTL)}, true)
	if err != nil {
		return err
	}
	return h.Notifier.SMS(ctx, tx, notify.SMSResetPassword, phone, notify.Vars{Name: u.Name, Email: u.Email,
		PhoneNumber: phone, Code: code, ExpiresInMinutes: int(resetSMSTTL.Minutes()),
		Expires: now.Add(resetSMSTTL).UTC().Format(time.RFC1123)})
}

// resetTokenResponse is Frontegg's VerifyPasswordViaSmsResponseDto.
type resetTokenResponse struct {
	UserID string `json:"userId"`
	Token  string `json:"token"`
}

type verifyResetSMSRequest struct {
	OTCToken  string `json:"otcToken"` // the code the SMS carried
	SessionID string `json:"sessionId"`
}

// verifyPasswordSMS spends the code of a reset by SMS and answers 200
// {userId, token}: a password reset token for users/v1/passwords/reset/verify.
// A wrong code counts against the sessionId.
func (h *Handler) verifyPasswordSMS(w http.ResponseWriter, r *http.Request) error {
	var req verifyResetSMSRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	code, sessionID := strings.TrimSpace(req.OTCToken), strings.TrimSpace(req.SessionID)
	if err := requireFields("otcToken", code, "sessionId", sessionID); err != nil {
		return err
	}
	ctx := r.Context()
	now := h.Now()
	c, err := h.DB.FindChallenge(ctx, secure.HashToken(sessionID), resetSMSKind, now)
	if errors.Is(err, iam.ErrNotFound) {
		return errResetSMSCode
	} else if err != nil {
		return err
	}
	if !secure.Equal(c.CodeHash, resetSMSHash(sessionID, code)) {
		if _, err := h.DB.FailChallenge(ctx, c.ID, maxResetSMSAttempts, now); err != nil {
			return err
		}
		return errResetSMSCode
	}
	var out resetTokenResponse
	err = h.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SpendChallenge(ctx, c.ID, now); errors.Is(err, iam.ErrNotFound) {
			return errResetSMSCode // spent meanwhile
		} else if err != nil {
			return err
		}
		u, err := tx.FindUser(ctx, c.UserID)
		if errors.Is(err, iam.ErrNotFound) {
			return errResetSMSCode
		} else if err != nil {
			return err
		}
		out.UserID = u.ID
		out.Token, err = h.Notifier.PasswordReset(ctx, tx, u, false)
		return err
	})
	if err != nil {
		return err
	}
	return api.OK(w, out)
}
