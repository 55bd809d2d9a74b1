package provider

import (
	"crypto/rand"
	"errors"
	"strings"
)

// userCodeAlphabet has 20 consonants: no vowels (so no words), no look-alikes such as
// 0/O or 1/I (RFC 8628 §6.1).
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

// userCodeLength gives 20^8 ≈ 2^34.6 codes, which with rate limiting of wrong guesses
// and a 10-minute lifetime is the strength RFC 8628 §5.1 asks for.
const userCodeLength = 8

// ErrMalformedUserCode is returned for input that cannot be a user code.
var ErrMalformedUserCode = errors.New("provider: that is not a valid code")

// NewUserCode draws a user code, normalized (no dash). FormatUserCode shows it.
func NewUserCode() string {
	b := make([]byte, userCodeLength)
	for i := range b {
		b[i] = userCodeAlphabet[randIndex(len(userCodeAlphabet))]
	}
	return string(b)
}

// randIndex draws uniformly from [0, n) by rejection, so that no letter is likelier.
func randIndex(n int) int {
	limit := 256 - 256%n
	var buf [1]byte
	for {
		if _, err := rand.Read(buf[:]); err != nil {
			panic("provider: crypto/rand failed: " + err.Error())
		}
		if int(buf[0]) < limit {
			return int(buf[0]) % n
		}
	}
}

// FormatUserCode shows a normalized code the way people read it: XXXX-XXXX.
func FormatUserCode(code string) string {
	if len(code) != userCodeLength {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// NormalizeUserCode turns what a person typed into the stored form: case, dashes and
// white space do not matter (RFC 8628 §6.1). Anything else that is not in the alphabet
// makes it ErrMalformedUserCode.
func NormalizeUserCode(typed string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(typed) {
		switch {
		case r == '-' || r == ' ' || r == '\t' || r == '\n' || r == '\r':
			continue
		case strings.ContainsRune(userCodeAlphabet, r):
			b.WriteRune(r)
		default:
			return "", ErrMalformedUserCode
		}
	}
	if b.Len() != userCodeLength {
		return "", ErrMalformedUserCode
	}
	return b.String(), nil
}
