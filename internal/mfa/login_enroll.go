package mfa

import (
	"errors"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/store"
)

// enrollingPending returns the pending login or step-up of mfaToken when it
// may enroll a second factor: only while the user has none.
func (h *Handler) enrollingPending(r *http.Request, mfaToken string) (*factors.Pending, error) {
	p, err := h.Factors.Pending(r.Context(), mfaToken)
	if err != nil {
		return nil, err
	}
	return p, h.Factors.CanEnroll(r.Context(), p)
}

type qrCodeResponse struct {
	QRCode string `json:"qrCode"`
	// Secret is the seed in base32, for users who type it in instead of
	// scanning the QR code (Hatch adds it; the QR code encodes the same).
	Secret string `json:"secret"`
}

// loginEnrollAuthenticator starts enrolling an authenticator app during a
// login or step-up; the QR code is the one the login response carried.
func (h *Handler) loginEnrollAuthenticator(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	p, err := h.enrollingPending(r, req.MFAToken)
	if err != nil {
		return err
	}
	e, err := h.Factors.StartTOTP(r.Context(), p.User, p.ParentID(), true)
	if err != nil {
		return err
	}
	return api.Created(w, qrCodeResponse{QRCode: e.QRCode, Secret: e.Secret})
}

type enrollVerifyRequest struct {
	MFAToken       string `json:"mfaToken"`
	Token          string `json:"token"`
	RememberDevice bool   `json:"rememberDevice"`
}

// loginVerifyAuthenticator completes the enrollment with a first code, and
// with it the login or step-up; the response carries the recovery code.
func (h *Handler) loginVerifyAuthenticator(w http.ResponseWriter, r *http.Request) error {
	var req enrollVerifyRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := required("mfaToken", req.MFAToken, "token", req.Token); err != nil {
		return err
	}
	p, err := h.enrollingPending(r, req.MFAToken)
	if err != nil {
		return err
	}
	recovery, err := h.Factors.FinishTOTP(r.Context(), p.User, p.ParentID(), req.Token)
	if err != nil {
		return h.failed(r, p, err)
	}
	return h.finish(w, r, p, amrOTP, req.RememberDevice, recovery)
}

type smsEnrollRequest struct {
	MFAToken    string `json:"mfaToken"`
	PhoneNumber string `json:"phoneNumber"`
}

// loginEnrollSMS texts a code to the phone being enrolled during a login or step-up.
func (h *Handler) loginEnrollSMS(w http.ResponseWriter, r *http.Request) error {
	var req smsEnrollRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := required("mfaToken", req.MFAToken); err != nil {
		return err
	}
	if err := factors.CheckPhone(req.PhoneNumber); err != nil {
		return err
	}
	p, err := h.enrollingPending(r, req.MFAToken)
	if err != nil {
		return err
	}
	otc, err := h.Factors.SendSMSCode(r.Context(), p.User, p.ParentID(), req.PhoneNumber, "", factors.PurposeEnroll)
	if err != nil {
		return err
	}
	return api.Created(w, otcResponse{OTCToken: otc, PhoneNumber: req.PhoneNumber})
}

// loginVerifySMS enrolls the phone with the code texted to it, and completes
// the login or step-up; the response carries the recovery code.
func (h *Handler) loginVerifySMS(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeCode(r, true)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := h.enrollingPending(r, req.MFAToken)
	if err != nil {
		return err
	}
	sent, err := h.Factors.CheckSMSCode(ctx, p.User, p.ParentID(), req.OTCToken, req.Code, factors.PurposeEnroll)
	if err != nil {
		return h.failed(r, p, err)
	}
	recovery, err := h.Factors.AddSMSDevice(ctx, p.User, sent.Phone)
	if err != nil {
		return err
	}
	return h.finish(w, r, p, amrSMS, req.RememberDevice, recovery)
}

// loginEnrollWebAuthn starts registering a security key during a login or step-up.
func (h *Handler) loginEnrollWebAuthn(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	p, err := h.enrollingPending(r, req.MFAToken)
	if err != nil {
		return err
	}
	opts, err := h.Factors.BeginRegistration(r.Context(), p.User, store.MFAWebAuthn, p.ParentID())
	if err != nil {
		return err
	}
	return api.Created(w, webAuthnOptionsResponse{WebAuthnToken: opts.Challenge.String(), Options: opts})
}

// loginVerifyWebAuthn registers the security key from its attestation and
// completes the login or step-up; the response carries the recovery code.
func (h *Handler) loginVerifyWebAuthn(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeWebAuthn(r, true)
	if err != nil {
		return err
	}
	p, err := h.enrollingPending(r, req.MFAToken)
	if err != nil {
		return err
	}
	_, recovery, err := h.Factors.FinishRegistration(r.Context(), p.User, store.MFAWebAuthn, p.ParentID(), req.WebAuthnToken,
		req.Options, req.DeviceType)
	if err != nil {
		return h.failed(r, p, err)
	}
	return h.finish(w, r, p, amrHWK, req.RememberDevice, recovery)
}

// smsDevice returns u's SMS device named by the deviceId path parameter, or a 404.
func (h *Handler) smsDevice(r *http.Request, u *iam.User) (*store.MFADevice, error) {
	id := r.PathValue("deviceId")
	d, err := h.DB.FindMFADevice(r.Context(), u.ID, store.MFASMS, id)
	if err != nil {
		return nil, notFound(err, id)
	}
	return d, nil
}

func notFound(err error, id string) error {
	if errors.Is(err, iam.ErrNotFound) {
		return iam.NotFound("Device %s not found", id)
	}
	return err
}
