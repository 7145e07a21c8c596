package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/hatchid/hatch/internal/iam"
)

// JSON writes v with status. A nil v writes no body.
func JSON(w http.ResponseWriter, status int, v any) error {
	if v == nil {
		w.WriteHeader(status)
		return nil
	}
	body, err := Encode(v)
	if err != nil {
		return err
	}
	return RawJSON(w, status, body)
}

// Encode renders v as JSON answers carry it (no HTML escaping, a final newline).
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode response: %w", err)
	}
	return buf.Bytes(), nil
}

// RawJSON writes body, JSON that Encode rendered, with status. The length is
// declared, so the answer goes out whole rather than in chunks.
func RawJSON(w http.ResponseWriter, status int, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}

// OK writes v with 200.
func OK(w http.ResponseWriter, v any) error { return JSON(w, http.StatusOK, v) }

// Created writes v with 201.
func Created(w http.ResponseWriter, v any) error { return JSON(w, http.StatusCreated, v) }

// NoContent answers with an empty 200, which Frontegg's clients read as {}.
func NoContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusOK)
	return nil
}

// Decode reads the JSON body into v. An empty body decodes as {}. Malformed
// JSON and wrong field types are 400s that name the field; a body over the
// router's limit is 413. Unknown fields are ignored, as Frontegg does.
func Decode(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &iam.Error{Kind: iam.KindTooLarge, Message: fmt.Sprintf("Request body is larger than %d bytes", tooBig.Limit)}
		}
		return iam.Invalid("Could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return iam.Invalid("%s must be of type %s", typeErr.Field, jsonType(typeErr.Type.Kind().String()))
		}
		return iam.Invalid("Request body is not valid JSON")
	}
	return nil
}

func jsonType(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct", "ptr":
		return "object"
	}
	return "number"
}

// Paging is the list query of modern Frontegg routes: _limit, _offset,
// _sortBy, _order (ASC|DESC), _filter.
type Paging struct {
	Limit  int
	Offset int
	SortBy string
	Desc   bool
	Filter string
}

// ParsePaging reads the paging parameters, with defLimit when _limit is absent.
func ParsePaging(r *http.Request, defLimit int) (Paging, error) {
	q := r.URL.Query()
	p := Paging{Limit: defLimit, SortBy: q.Get("_sortBy"), Filter: q.Get("_filter")}
	for name, dst := range map[string]*int{"_limit": &p.Limit, "_offset": &p.Offset} {
		if s := q.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return p, iam.Invalid("%s must be a non-negative integer", name)
			}
			*dst = n
		}
	}
	if p.Limit > 1000 {
		return p, iam.Invalid("_limit must not be greater than 1000")
	}
	switch strings.ToUpper(q.Get("_order")) {
	case "", "ASC":
	case "DESC":
		p.Desc = true
	default:
		return p, iam.Invalid("_order must be one of ASC, DESC")
	}
	return p, nil
}

// ListMetadata is the _metadata of a paged list.
type ListMetadata struct {
	TotalItems int `json:"totalItems"`
	TotalPages int `json:"totalPages"`
}

// List is the {items, _metadata} shape of modern list routes.
type List[T any] struct {
	Items    []T          `json:"items"`
	Metadata ListMetadata `json:"_metadata"`
}

// NewList builds a List, counting pages of limit items.
func NewList[T any](items []T, total, limit int) List[T] {
	if items == nil {
		items = []T{}
	}
	pages := 0
	if limit > 0 {
		pages = (total + limit - 1) / limit
	}
	return List[T]{Items: items, Metadata: ListMetadata{TotalItems: total, TotalPages: pages}}
}
