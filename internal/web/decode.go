package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/probity/probity/internal/fault"
)

// maxJSONBody caps a JSON request body; requests that carry files use
// their own, larger caps.
const maxJSONBody = 1 << 20

// decodeJSON reads a JSON body into dst strictly: the right content type,
// one object, no unknown fields, no more than max bytes. Its errors name
// the offending field so the client can fix its request.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any, max int64) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &fault.Error{Kind: fault.Unsupported, Message: "request body must be JSON",
			Fields: []fault.FieldError{{Field: "Content-Type", Reason: "must be application/json"}}}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, max))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err, max)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return jsonError(err, max)
		}
		return fault.Errorf(fault.Invalid, "request body must hold a single JSON object")
	}
	return nil
}

func jsonError(err error, max int64) error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		tooBig    *http.MaxBytesError
		malformed = func(reason string) error {
			return &fault.Error{Kind: fault.Invalid, Message: "malformed JSON", Fields: []fault.FieldError{{Field: "body", Reason: reason}}}
		}
	)
	switch {
	case errors.As(err, &tooBig):
		return &fault.Error{Kind: fault.TooLarge, Message: fmt.Sprintf("request body exceeds %d bytes", max),
			Fields: []fault.FieldError{{Field: "body", Reason: fmt.Sprintf("must be at most %d bytes", max)}}}
	case errors.As(err, &syntax):
		return malformed(fmt.Sprintf("syntax error at byte %d", syntax.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return malformed("is empty or ends too soon")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return &fault.Error{Kind: fault.Invalid, Message: "wrong type in JSON",
			Fields: []fault.FieldError{{Field: field, Reason: "must be " + jsonKind(typeErr.Type.Kind().String())}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &fault.Error{Kind: fault.Invalid, Message: "unknown field in JSON",
			Fields: []fault.FieldError{{Field: name, Reason: "is not a field of this request"}}}
	}
	return malformed("cannot be read")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	case "int", "int64", "int32", "float64", "uint", "uint64":
		return "a number"
	}
	return "of another type"
}
