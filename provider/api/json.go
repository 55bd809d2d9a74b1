package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxBodyBytes caps a request body: 64 KiB is far more than any request needs.
const maxBodyBytes = 64 << 10

// decode reads the request's JSON object into v. The body must be declared
// application/json, fit in maxBodyBytes, hold exactly one object and name only fields
// v has; each refusal is a 400 that says which rule, and which field, failed.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return badRequest("", "The request body must be JSON, sent with Content-Type: application/json.")
	}

	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeProblem(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if isTooLarge(err) {
			return decodeProblem(err)
		}
		return badRequest("", "The request body must hold a single JSON object and nothing after it.")
	}
	return nil
}

// decodeProblem explains a json.Decoder error.
func decodeProblem(err error) *problem {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case isTooLarge(err):
		return badRequest("", "The request body is larger than 64 KiB.")
	case errors.Is(err, io.EOF):
		return badRequest("", "The request body is empty; send a JSON object.")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "The request body is not valid JSON.")
	case errors.As(err, &typ) && typ.Field != "":
		want := jsonType(typ.Type.Kind().String())
		return badRequest(typ.Field, "The field %s must be a JSON %s.", typ.Field, want)
	case errors.As(err, &typ):
		return badRequest("", "The request body must be a JSON object.")
	}
	// encoding/json reports an unknown field only in its message.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badRequest(name, "The field %s is not known here.", name)
	}
	return badRequest("", "The request body could not be read as JSON.")
}

func isTooLarge(err error) bool {
	var tooLarge *http.MaxBytesError
	return errors.As(err, &tooLarge)
}

// jsonType names a Go kind the way a JSON client thinks of it.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	}
	return "number"
}

// writeJSON answers with v as JSON. Nothing the API returns may be cached: some
// answers carry a client secret once, all carry someone's data.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeNoContent answers 204.
func writeNoContent(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
