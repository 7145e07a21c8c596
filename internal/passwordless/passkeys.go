package passwordless

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
	"github.com/hatchid/hatch/internal/login"
	"github.com/hatchid/hatch/internal/store"
)

// passkeyPrelogin starts a passkey sign-in. The options are the same whoever
// is named (email or userId are accepted and ignored): the browser offers the
// passkeys it holds for this site, so no account is revealed.
func (h *Handler) passkeyPrelogin(w http.ResponseWriter, r *http.Request) error {
	var req struct{}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	opts, err := h.Factors.BeginPasskeyLogin(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, opts)
}

// passkeyPostlogin signs in with a passkey's assertion ({id, response}). A
// passkey verified with the user's PIN or biometric is two factors in one, so
// the login carries amr hwk and mfa and needs no other second factor.
func (h *Handler) passkeyPostlogin(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	u, err := h.Factors.FinishPasskeyLogin(r.Context(), body)
	if err != nil {
		return err
	}
	return h.complete(w, r, http.StatusOK, &login.Attempt{User: u, Methods: []string{"hwk", login.MFAMethod}})
}

// readBody returns the JSON body as is, for the WebAuthn library to parse.
func readBody(r *http.Request) ([]byte, error) {
	var raw json.RawMessage
	if err := api.Decode(r, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// me returns the signed-in caller.
func (h *Handler) me(r *http.Request) (*iam.User, error) {
	u, err := h.DB.FindUser(r.Context(), api.PrincipalFrom(r.Context()).UserID)
	if errors.Is(err, iam.ErrNotFound) {
		return nil, iam.Unauthorized("Unauthorized")
	}
	return u, err
}

// beginPasskey starts registering a passkey for the caller: the creation
// options for navigator.credentials.create.
func (h *Handler) beginPasskey(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	opts, err := h.Factors.BeginRegistration(r.Context(), u, store.Passkey, "")
	if err != nil {
		return err
	}
	return api.OK(w, opts)
}

type passkeyJSON struct {
	ID         string    `json:"id"`
	DeviceType string    `json:"deviceType"`
	CreatedAt  time.Time `json:"createdAt"`
}

func passkeyOut(d *store.MFADevice) passkeyJSON {
	return passkeyJSON{ID: d.ID, DeviceType: d.DeviceType, CreatedAt: d.CreatedAt}
}

// verifyPasskey registers the caller's passkey from its attestation
// ({id, response: {clientDataJSON, attestationObject}, deviceType?}).
func (h *Handler) verifyPasskey(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var req struct {
		DeviceType string `json:"deviceType"`
	}
	json.Unmarshal(body, &req)
	u, err := h.me(r)
	if err != nil {
		return err
	}
	d, _, err := h.Factors.FinishRegistration(r.Context(), u, store.Passkey, "", "", body, req.DeviceType)
	if err != nil {
		return err
	}
	return api.OK(w, passkeyOut(d))
}

// passkeys lists the caller's passkeys.
func (h *Handler) passkeys(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	devices, err := h.Factors.Passkeys(r.Context(), u)
	if err != nil {
		return err
	}
	out := struct {
		Devices []passkeyJSON `json:"devices"`
	}{Devices: []passkeyJSON{}}
	for _, d := range devices {
		out.Devices = append(out.Devices, passkeyOut(d))
	}
	return api.OK(w, out)
}

// deletePasskey removes one of the caller's passkeys.
func (h *Handler) deletePasskey(w http.ResponseWriter, r *http.Request) error {
	u, err := h.me(r)
	if err != nil {
		return err
	}
	if err := h.Factors.RemoveDevice(r.Context(), u, store.Passkey, r.PathValue("deviceId")); err != nil {
		return err
	}
	return api.OK(w, struct{}{})
}
