package mfa

import (
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/store"
)

type recoveryResponse struct {
	RecoveryCode string `json:"recoveryCode"`
}

// enrollAuthenticator starts enrolling an authenticator app for the caller:
// a new seed as a QR code (and in base32).
func (h *Handler) enrollAuthenticator(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	e, err := h.Factors.StartTOTP(r.Context(), u, "", false)
	if err != nil {
		return err
	}
	return api.OK(w, qrCodeResponse{QRCode: e.QRCode, Secret: e.Secret})
}

type tokenOnlyRequest struct {
	Token string `json:"token"`
}

// verifyAuthenticatorEnrollment completes the caller's enrollment with a
// first code and answers the new recovery code (shown once).
func (h *Handler) verifyAuthenticatorEnrollment(w http.ResponseWriter, r *http.Request) error {
	var req tokenOnlyRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := required("token", req.Token); err != nil {
		return err
	}
	u, err := h.me(r)
	if err != nil {
		return err
	}
	recovery, err := h.Factors.FinishTOTP(r.Context(), u, "", req.Token)
	if err != nil {
		return err
	}
	return api.OK(w, recoveryResponse{RecoveryCode: recovery})
}

type phoneRequest struct {
	PhoneNumber string `json:"phoneNumber"`
}

// enrollSMS texts a code to the phone the caller enrolls.
func (h *Handler) enrollSMS(w http.ResponseWriter, r *http.Request) error {
	var req phoneRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if err := factors.CheckPhone(req.PhoneNumber); err != nil {
		return err
	}
	u, err := h.me(r)
	if err != nil {
		return err
	}
	otc, err := h.Factors.SendSMSCode(r.Context(), u, "", req.PhoneNumber, "", factors.PurposeEnroll)
	if err != nil {
		return err
	}
	return api.OK(w, otcResponse{OTCToken: otc, PhoneNumber: req.PhoneNumber})
}

// verifySMSEnrollment enrolls the phone with the code texted to it and
// answers the new recovery code.
func (h *Handler) verifySMSEnrollment(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeCode(r, false)
	if err != nil {
		return err
	}
	u, err := h.me(r)
	if err != nil {
		return err
	}
	sent, err := h.Factors.CheckSMSCode(r.Context(), u, "", req.OTCToken, req.Code, factors.PurposeEnroll)
	if err != nil {
		return err
	}
	recovery, err := h.Factors.AddSMSDevice(r.Context(), u, sent.Phone)
	if err != nil {
		return err
	}
	return api.OK(w, recoveryResponse{RecoveryCode: recovery})
}

// enrollWebAuthn starts registering a security key or platform authenticator
// for the caller.
func (h *Handler) enrollWebAuthn(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	opts, err := h.Factors.BeginRegistration(r.Context(), u, store.MFAWebAuthn, "")
	if err != nil {
		return err
	}
	return api.OK(w, webAuthnOptionsResponse{WebAuthnToken: opts.Challenge.String(), Options: opts})
}

// verifyWebAuthnEnrollment registers the key from its attestation and
// answers the new recovery code.
func (h *Handler) verifyWebAuthnEnrollment(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeWebAuthn(r, false)
	if err != nil {
		return err
	}
	u, err := h.me(r)
	if err != nil {
		return err
	}
	_, recovery, err := h.Factors.FinishRegistration(r.Context(), u, store.MFAWebAuthn, "", req.WebAuthnToken, req.Options, req.DeviceType)
	if err != nil {
		return err
	}
	return api.OK(w, recoveryResponse{RecoveryCode: recovery})
}
