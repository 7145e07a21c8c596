package mfa

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/iam"
)

// amr values of the second factors (RFC 8176).
const (
	amrOTP = "otp" // authenticator app code, emailed code, recovery code
	amrSMS = "sms"
	amrHWK = "hwk" // WebAuthn
)

type verifyRequest struct {
	MFAToken       string `json:"mfaToken"`
	Value          string `json:"value"`
	RememberDevice bool   `json:"rememberDevice"`
}

// verify completes a login or step-up with an authenticator app code. A user
// who has no second factor yet enrolls the authenticator whose QR code came
// with the login response, and gets its recovery code.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request) error {
	var req verifyRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := required("mfaToken", req.MFAToken, "value", req.Value); err != nil {
		return err
	}
	ctx := r.Context()
	p, err := h.Factors.Pending(ctx, req.MFAToken)
	if err != nil {
		return err
	}
	if h.Factors.CanEnroll(ctx, p) == nil {
		recovery, err := h.Factors.FinishTOTP(ctx, p.User, p.ParentID(), req.Value)
		if errors.Is(err, factors.ErrNoEnrollment) {
			return h.failed(r, p, factors.ErrInvalidCode)
		}
		if err != nil {
			return h.failed(r, p, err)
		}
		return h.finish(w, r, p, amrOTP, req.RememberDevice, recovery)
	}
	ok, err := h.Factors.VerifyTOTP(ctx, p.User, "", req.Value)
	if err != nil {
		return err
	}
	if !ok {
		return h.Factors.Fail(ctx, p)
	}
	return h.finish(w, r, p, amrOTP, req.RememberDevice, "")
}

// verifyAuthenticator completes a login or step-up with a code of one authenticator app.
func (h *Handler) verifyAuthenticator(w http.ResponseWriter, r *http.Request) error {
	var req verifyRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := required("mfaToken", req.MFAToken, "value", req.Value); err != nil {
		return err
	}
	ctx := r.Context()
	p, err := h.Factors.Pending(ctx, req.MFAToken)
	if err != nil {
		return err
	}
	ok, err := h.Factors.VerifyTOTP(ctx, p.User, r.PathValue("deviceId"), req.Value)
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Device %s not found", r.PathValue("deviceId"))
	}
	if err != nil {
		return err
	}
	if !ok {
		return h.Factors.Fail(ctx, p)
	}
	return h.finish(w, r, p, amrOTP, req.RememberDevice, "")
}

type tokenRequest struct {
	MFAToken string `json:"mfaToken"`
}

type otcResponse struct {
	OTCToken    string `json:"otcToken"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
}

// sendEmailCode emails a code to the pending user's address.
func (h *Handler) sendEmailCode(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	p, err := h.Factors.Pending(r.Context(), req.MFAToken)
	if err != nil {
		return err
	}
	otc, err := h.Factors.SendEmailCode(r.Context(), p.User, p.ParentID())
	if err != nil {
		return err
	}
	return api.Created(w, otcResponse{OTCToken: otc})
}

type codeRequest struct {
	MFAToken       string `json:"mfaToken"`
	OTCToken       string `json:"otcToken"`
	Code           string `json:"code"`
	RememberDevice bool   `json:"rememberDevice"`
}

func decodeCode(r *http.Request, withToken bool) (*codeRequest, error) {
	var req codeRequest
	if err := api.Decode(r, &req); err != nil {
		return nil, err
	}
	if withToken {
		if err := required("mfaToken", req.MFAToken); err != nil {
			return nil, err
		}
	}
	return &req, required("otcToken", req.OTCToken, "code", req.Code)
}

// verifyEmailCode completes a login or step-up with the emailed code.
func (h *Handler) verifyEmailCode(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeCode(r, true)
	if err != nil {
		return err
	}
	p, err := h.Factors.Pending(r.Context(), req.MFAToken)
	if err != nil {
		return err
	}
	if err := h.Factors.CheckEmailCode(r.Context(), p.User, p.ParentID(), req.OTCToken, req.Code); err != nil {
		return h.failed(r, p, err)
	}
	return h.finish(w, r, p, amrOTP, req.RememberDevice, "")
}

// sendSMSCode texts a code to the pending user's SMS device.
func (h *Handler) sendSMSCode(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	p, err := h.Factors.Pending(ctx, req.MFAToken)
	if err != nil {
		return err
	}
	d, err := h.smsDevice(r, p.User)
	if err != nil {
		return err
	}
	otc, err := h.Factors.SendSMSCode(ctx, p.User, p.ParentID(), d.PhoneNumber, d.ID, factors.PurposeVerify)
	if err != nil {
		return err
	}
	return api.Created(w, otcResponse{OTCToken: otc, PhoneNumber: factors.MaskPhone(d.PhoneNumber)})
}

// verifySMSCode completes a login or step-up with the code texted to the device.
func (h *Handler) verifySMSCode(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeCode(r, true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := h.Factors.Pending(ctx, req.MFAToken)
	if err != nil {
		return err
	}
	sent, err := h.Factors.CheckSMSCode(ctx, p.User, p.ParentID(), req.OTCToken, req.Code, factors.PurposeVerify)
	if err != nil {
		return h.failed(r, p, err)
	}
	if sent.DeviceID != r.PathValue("deviceId") {
		return h.failed(r, p, factors.ErrInvalidCode)
	}
	return h.finish(w, r, p, amrSMS, req.RememberDevice, "")
}

type webAuthnOptionsResponse struct {
	WebAuthnToken string `json:"webauthnToken"`
	Options       any    `json:"options"`
}

// beginWebAuthn starts proving the pending user's security key.
func (h *Handler) beginWebAuthn(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	p, err := h.Factors.Pending(r.Context(), req.MFAToken)
	if err != nil {
		return err
	}
	opts, err := h.Factors.BeginAssertion(r.Context(), p.User, r.PathValue("deviceId"), p.ParentID())
	if err != nil {
		return err
	}
	return api.Created(w, webAuthnOptionsResponse{WebAuthnToken: opts.Challenge.String(), Options: opts})
}

type webAuthnVerifyRequest struct {
	MFAToken       string          `json:"mfaToken"`
	WebAuthnToken  string          `json:"webauthnToken"`
	DeviceType     string          `json:"deviceType"`
	Options        json.RawMessage `json:"options"`
	RememberDevice bool            `json:"rememberDevice"`
}

func decodeWebAuthn(r *http.Request, withToken bool) (*webAuthnVerifyRequest, error) {
	var req webAuthnVerifyRequest
	if err := api.Decode(r, &req); err != nil {
		return nil, err
	}
	if withToken {
		if err := required("mfaToken", req.MFAToken); err != nil {
			return nil, err
		}
	}
	if err := required("webauthnToken", req.WebAuthnToken); err != nil {
		return nil, err
	}
	if len(req.Options) == 0 {
		return nil, iam.Invalid("options is required")
	}
	return &req, nil
}

// verifyWebAuthn completes a login or step-up with the security key's assertion.
func (h *Handler) verifyWebAuthn(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeWebAuthn(r, true)
	if err != nil {
		return err
	}
	p, err := h.Factors.Pending(r.Context(), req.MFAToken)
	if err != nil {
		return err
	}
	_, err = h.Factors.FinishAssertion(r.Context(), p.User, p.ParentID(), req.WebAuthnToken, r.PathValue("deviceId"), req.Options)
	if err != nil {
		return h.failed(r, p, err)
	}
	return h.finish(w, r, p, amrHWK, req.RememberDevice, "")
}

type recoverRequest struct {
	Email        string `json:"email"`
	RecoveryCode string `json:"recoveryCode"`
	MFAToken     string `json:"mfaToken"`
}

// recover resets the MFA of a user who lost its devices, with a recovery
// code: every second factor is removed. With the mfaToken of the user's
// pending login (a Hatch extension) the login completes as well, the recovery
// code counting as its one-time second factor; without it the user signs in
// again and, if MFA is forced, enrolls anew.
func (h *Handler) recover(w http.ResponseWriter, r *http.Request) error {
	var req recoverRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := required("email", req.Email, "recoveryCode", req.RecoveryCode); err != nil {
		return err
	}
	ctx := r.Context()
	var p *factors.Pending
	if req.MFAToken != "" {
		var err error
		if p, err = h.Factors.Pending(ctx, req.MFAToken); err != nil {
			return err
		}
	}
	u, err := h.Factors.Recover(ctx, req.Email, req.RecoveryCode)
	if err != nil {
		return err
	}
	if p == nil || p.User.ID != u.ID {
		return api.OK(w, struct{}{})
	}
	f, err := h.Factors.Finish(ctx, p, amrOTP, false)
	if err != nil {
		return err
	}
	return h.Factors.Write(w, r, f, http.StatusOK)
}

type rememberResponse struct {
	IsAllowedToRemember bool `json:"isAllowedToRemember"`
	MFADeviceExpiration int  `json:"mfaDeviceExpiration"`
}

// allowRememberDevice tells the login box whether to offer "remember this
// device" for the pending login, and for how long (seconds).
func (h *Handler) allowRememberDevice(w http.ResponseWriter, r *http.Request) error {
	p, err := h.Factors.Pending(r.Context(), r.URL.Query().Get("mfaToken"))
	if err != nil {
		return err
	}
	pol, err := h.Factors.EffectivePolicy(r.Context(), p.TenantID())
	if err != nil {
		return err
	}
	return api.OK(w, rememberResponse{IsAllowedToRemember: pol.AllowRememberMyDevice, MFADeviceExpiration: pol.MFADeviceExpiration})
}
