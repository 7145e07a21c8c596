package audits

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hatchid/hatch/internal/api"
	"github.com/hatchid/hatch/internal/iam"
)

type property struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

type exportRequest struct {
	Properties []property `json:"properties"`
}

// maxExport bounds one export; page through larger logs with offset.
const maxExport = 10000

// exportCreated is export answering 201, as the v1 export routes declare.
func (h *Handler) exportCreated(w http.ResponseWriter, r *http.Request) error {
	return h.write(w, r, http.StatusCreated)
}

// export answers the entries the query selects (as list reads it, count up
// to 10000) as a CSV file: a header row of the properties' display names,
// then one row per entry with the named fields — those of the list's
// entries, or else keys of an entry's json.
func (h *Handler) export(w http.ResponseWriter, r *http.Request) error {
	return h.write(w, r, http.StatusOK)
}

func (h *Handler) write(w http.ResponseWriter, r *http.Request, status int) error {
	var req exportRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if len(req.Properties) == 0 {
		return iam.Invalid("properties is required")
	}
	for i, p := range req.Properties {
		if p.Name == "" {
			return iam.Invalid("properties[%d].name is required", i)
		}
	}
	f, err := h.filter(r, maxExport, maxExport)
	if err != nil {
		return err
	}
	events, _, err := h.DB.FindAuditEvents(r.Context(), f)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	row := make([]string, len(req.Properties))
	for i, p := range req.Properties {
		row[i] = cell(p.DisplayName)
	}
	cw.Write(row)
	for _, e := range events {
		fields, err := fieldsOf(h.toJSON(e))
		if err != nil {
			return err
		}
		for i, p := range req.Properties {
			row[i] = cell(fields[p.Name])
		}
		cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audits.csv"`)
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// fieldsOf flattens an entry into name → text: its fields, and the keys of
// its json that no field shadows.
func fieldsOf(a auditJSON) (map[string]string, error) {
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	var top, data map[string]any
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, err
	}
	json.Unmarshal(a.JSON, &data)
	out := map[string]string{}
	for _, m := range []map[string]any{data, top} {
		for k, v := range m {
			switch v := v.(type) {
			case string:
				out[k] = v
			case nil:
				out[k] = ""
			default:
				b, _ := json.Marshal(v)
				out[k] = string(b)
			}
		}
	}
	return out, nil
}

// cell defuses text a spreadsheet would run as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
