package tenants

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

// errBadMetadata names the field whatever was wrong with it.
var errBadMetadata = iam.Invalid("metadata must be a JSON object, or a string holding one")

// parseMetadata reads metadata sent as a JSON object or as a string holding
// one (Frontegg's clients send both). null and "" are the empty object.
// Values are kept exactly as sent.
func parseMetadata(raw json.RawMessage) (map[string]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errBadMetadata
		}
		raw = bytes.TrimSpace([]byte(s))
	}
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return map[string]json.RawMessage{}, nil
	}
	if raw[0] != '{' {
		return nil, errBadMetadata
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errBadMetadata
	}
	return m, nil
}

// encodeMetadata returns m as compact JSON text with sorted keys, the stored form.
func encodeMetadata(m map[string]json.RawMessage) (string, error) {
	raw, err := json.Marshal(m)
	return string(raw), err
}

// storedMetadata reads an account's stored metadata; text that is not an
// object (never written by Hatch) counts as empty rather than blocking updates.
func storedMetadata(t *iam.Tenant) map[string]json.RawMessage {
	m, err := parseMetadata(json.RawMessage(t.Metadata))
	if err != nil {
		return map[string]json.RawMessage{}
	}
	return m
}

type addMetadataRequest struct {
	Metadata json.RawMessage `json:"metadata"`
}

// changeMetadata applies change to the metadata of the path's account, saves
// it and answers the account.
func (h *Handler) changeMetadata(w http.ResponseWriter, r *http.Request, change func(map[string]json.RawMessage)) error {
	t, err := h.changeTenant(r.Context(), r.PathValue("tenantId"), func(t *iam.Tenant) error {
		m := storedMetadata(t)
		change(m)
		var err error
		t.Metadata, err = encodeMetadata(m)
		return err
	})
	if err != nil {
		return err
	}
	return api.OK(w, h.tenantJSON(t))
}

// addMetadata merges the body's metadata into the account's: sent keys are
// set or overwritten, others are kept.
func (h *Handler) addMetadata(w http.ResponseWriter, r *http.Request) error {
	var req addMetadataRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.Metadata == nil {
		return iam.Invalid("metadata is required")
	}
	add, err := parseMetadata(req.Metadata)
	if err != nil {
		return err
	}
	return h.changeMetadata(w, r, func(m map[string]json.RawMessage) { maps.Copy(m, add) })
}

// deleteMetadata removes one key from the account's metadata; removing a key
// that is not there changes nothing.
func (h *Handler) deleteMetadata(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	return h.changeMetadata(w, r, func(m map[string]json.RawMessage) { delete(m, key) })
}
