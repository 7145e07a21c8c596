package mfa

import (
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/factors"
	"github.com/hatchid/hatch/internal/store"
)

// devices lists the caller's second factors.
func (h *Handler) devices(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	cfg, err := h.Factors.Config(r.Context())
	if err != nil {
		return err
	}
	out, err := h.Factors.Devices(r.Context(), u, cfg)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

// disable turns MFA off for the caller (Frontegg's original single-device
// route): with a code of one of its authenticator apps, every second factor
// and the recovery code are removed.
func (h *Handler) disable(w http.ResponseWriter, r *http.Request) error {
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
	ok, err := h.Factors.VerifyTOTP(r.Context(), u, "", req.Token)
	if err != nil {
		return err
	}
	if !ok {
		return factors.ErrInvalidCode
	}
	if err := h.Factors.Unenroll(r.Context(), u.ID, factors.MFARemoved); err != nil {
		return err
	}
	return api.OK(w, struct{}{})
}

// disableAuthenticator removes one of the caller's authenticator apps, with a code of it.
func (h *Handler) disableAuthenticator(w http.ResponseWriter, r *http.Request) error {
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
	id := r.PathValue("deviceId")
	ok, err := h.Factors.VerifyTOTP(r.Context(), u, id, req.Token)
	if err != nil {
		return notFound(err, id)
	}
	if !ok {
		return factors.ErrInvalidCode
	}
	if err := h.Factors.RemoveDevice(r.Context(), u, store.MFAAuthenticator, id); err != nil {
		return err
	}
	return api.OK(w, struct{}{})
}

// beginDisableSMS texts a code to the SMS device the caller removes.
func (h *Handler) beginDisableSMS(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	d, err := h.smsDevice(r, u)
	if err != nil {
		return err
	}
	otc, err := h.Factors.SendSMSCode(r.Context(), u, "", d.PhoneNumber, d.ID, factors.PurposeDisable)
	if err != nil {
		return err
	}
	return api.OK(w, otcResponse{OTCToken: otc, PhoneNumber: factors.MaskPhone(d.PhoneNumber)})
}

// disableSMS removes the SMS device with the code texted to it.
func (h *Handler) disableSMS(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeCode(r, false)
	if err != nil {
		return err
	}
	u, err := h.me(r)
	if err != nil {
		return err
	}
	id := r.PathValue("deviceId")
	sent, err := h.Factors.CheckSMSCode(r.Context(), u, "", req.OTCToken, req.Code, factors.PurposeDisable)
	if err != nil {
		return err
	}
	if sent.DeviceID != id {
		return factors.ErrInvalidCode
	}
	if err := h.Factors.RemoveDevice(r.Context(), u, store.MFASMS, id); err != nil {
		return err
	}
	return api.OK(w, struct{}{})
}

// beginDisableWebAuthn starts proving the security key the caller removes.
func (h *Handler) beginDisableWebAuthn(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	opts, err := h.Factors.BeginAssertion(r.Context(), u, r.PathValue("deviceId"), "")
	if err != nil {
		return err
	}
	return api.OK(w, webAuthnOptionsResponse{WebAuthnToken: opts.Challenge.String(), Options: opts})
}

// disableWebAuthn removes the security key with its assertion.
func (h *Handler) disableWebAuthn(w http.ResponseWriter, r *http.Request) error {
	req, err := decodeWebAuthn(r, false)
	if err != nil {
		return err
	}
	u, err := h.me(r)
	if err != nil {
		return err
	}
	id := r.PathValue("deviceId")
	if _, err := h.Factors.FinishAssertion(r.Context(), u, "", req.WebAuthnToken, id, req.Options); err != nil {
		return err
	}
	if err := h.Factors.RemoveDevice(r.Context(), u, store.MFAWebAuthn, id); err != nil {
		return err
	}
	return api.OK(w, struct{}{})
}

// unenroll resets a user's MFA for the vendor: every second factor and the
// recovery code are removed, remembered browsers forgotten.
func (h *Handler) unenroll(w http.ResponseWriter, r *http.Request) error {
	if err := h.Factors.Unenroll(r.Context(), r.PathValue("userId"), factors.MFAReset); err != nil {
		return err
	}
	return api.OK(w, struct{}{})
}
