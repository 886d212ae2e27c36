package sandbox

import (
	"fmt"
	"math/big"
	"net/http"
	"sort"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// tnxAddressRoutes are this area's routes (see routeTelnyx).
var tnxAddressRoutes = []tnxRoute{
	{"GET /v2/addresses", tnxListAddresses, false},
	{"POST /v2/addresses", tnxCreateAddress, true},
	{"POST /v2/addresses/actions/validate", tnxValidateAddress, false},
	{"GET /v2/addresses/{id}", tnxGetAddress, false},
	{"DELETE /v2/addresses/{id}", tnxDeleteAddress, true},
	{"POST /v2/addresses/{id}/actions/accept_suggestions", tnxAcceptSuggestions, true},
}

var (
	tnxCountryCodePattern = lazyre.New(`^[A-Z]{2}$`)
	tnxUsZIPPattern       = lazyre.New(`^\d{5}(-\d{4})?$`)
	tnxE164Pattern        = lazyre.New(`^\+[1-9]\d{6,14}$`)
)

// tnxUsZIPs lets validation fill in city and state for a few real ZIP codes.
var tnxUsZIPs = map[string][2]string{
	"78701": {"Austin", "TX"}, "10001": {"New York", "NY"}, "60601": {"Chicago", "IL"},
	"94103": {"San Francisco", "CA"}, "02110": {"Boston", "MA"},
}

var tnxAddressFields = []string{"first_name", "last_name", "business_name", "street_address", "extended_address", "locality",
	"administrative_area", "neighborhood", "borough", "postal_code", "country_code", "phone_number", "customer_reference",
	"address_book", "validate_address"}

func tnxListAddresses(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	if err := tnxOnlyQuery(r, tnxAddressQuery...); err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	contains := func(have, want string) bool { return strings.Contains(strings.ToLower(have), strings.ToLower(want)) }
	if v := q.Get("filter[street_address][contains]"); v != "" && len(v) < 3 {
		return 0, nil, tnxUnprocessable(tnxErrorItem{Code: tnxCodeBadRequest, Title: "Invalid filter",
			Detail: "filter[street_address][contains] requires at least three characters.",
			Source: tnxErrorSource{Parameter: "filter[street_address][contains]"}})
	}
	var out []*tnxAddress
	for _, a := range st.Addresses {
		if v := q.Get("filter[customer_reference]"); v != "" && !contains(a.CustomerReference, v) {
			continue
		}
		if v := q.Get("filter[customer_reference][eq]"); v != "" && a.CustomerReference != v {
			continue
		}
		if v := q.Get("filter[customer_reference][contains]"); v != "" && !contains(a.CustomerReference, v) {
			continue
		}
		if v := q.Get("filter[street_address][contains]"); v != "" && !contains(a.StreetAddress, v) {
			continue
		}
		if v := q.Get("filter[address_book][eq]"); v != "" && fmt.Sprint(a.AddressBook != nil && *a.AddressBook) != v {
			continue
		}
		// Seeded emergency addresses carry a customer reference starting with "e911".
		if v := q.Get("filter[used_as_emergency]"); v != "" && fmt.Sprint(strings.HasPrefix(a.CustomerReference, "e911")) != v {
			continue
		}
		out = append(out, a)
	}
	sortKey := q.Get("sort")
	desc := strings.HasPrefix(sortKey, "-")
	key := strings.TrimPrefix(sortKey, "-")
	get := map[string]func(*tnxAddress) string{
		"created_at": func(a *tnxAddress) string { return a.CreatedAt }, "first_name": func(a *tnxAddress) string { return a.FirstName },
		"last_name": func(a *tnxAddress) string { return a.LastName }, "business_name": func(a *tnxAddress) string { return a.BusinessName },
		"street_address": func(a *tnxAddress) string { return a.StreetAddress },
	}
	if sortKey == "" {
		key, desc = "created_at", true
	}
	by, ok := get[key]
	if !ok {
		return 0, nil, tnxUnprocessable(tnxErrorItem{Code: tnxCodeBadRequest, Title: "Invalid sort",
			Detail: "sort must be one of created_at, first_name, last_name, business_name, street_address (- prefix for descending).",
			Source: tnxErrorSource{Parameter: "sort"}})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := by(out[i]), by(out[j])
		if a == b {
			return out[i].ID < out[j].ID
		}
		return (a < b) != desc
	})
	return telnyxPage(r, out)
}

func tnxCreateAddress(s *Server, st *TelnyxState, _ *http.Request, body []byte) (int, any, error) {
	f, err := tnxDecodeFields(body, tnxAddressFields...)
	if err != nil {
		return 0, nil, err
	}
	a := &tnxAddress{RecordType: "address",
		FirstName: f.str("first_name", true), LastName: f.str("last_name", true), BusinessName: f.str("business_name", true),
		StreetAddress: f.str("street_address", true), Locality: f.str("locality", true), CountryCode: f.str("country_code", true),
		ExtendedAddress: f.str("extended_address", false), AdministrativeArea: f.str("administrative_area", false),
		Neighborhood: f.str("neighborhood", false), Borough: f.str("borough", false), PostalCode: f.str("postal_code", false),
		PhoneNumber: f.str("phone_number", false), CustomerReference: f.str("customer_reference", false),
		AddressBook: f.boolean("address_book"), ValidateAddress: f.boolean("validate_address")}
	if a.CountryCode != "" && !tnxCountryCodePattern.MatchString(a.CountryCode) {
		f.fail("country_code", "Invalid parameter", "country_code must be a two-letter ISO 3166-1 alpha-2 code, e.g. US.")
	}
	if a.PhoneNumber != "" && !tnxE164Pattern.MatchString(a.PhoneNumber) {
		f.fail("phone_number", "Invalid parameter", "phone_number must be in E.164 format, e.g. +15125550100.")
	}
	if a.ValidateAddress == nil || *a.ValidateAddress {
		if a.CountryCode == "US" && !tnxUsZIPPattern.MatchString(a.PostalCode) {
			f.fail("postal_code", "Invalid address", "The address could not be validated for emergency use: a US address needs a 5-digit ZIP code.")
		}
	}
	if err := f.err(); err != nil {
		return 0, nil, err
	}
	if a.AddressBook == nil {
		a.AddressBook = ptr(true)
	}
	if a.ValidateAddress == nil {
		a.ValidateAddress = ptr(true)
	}
	a.ID = tnxNumericID()
	a.CreatedAt = s.telnyxNow()
	a.UpdatedAt = a.CreatedAt
	st.Addresses = append(st.Addresses, a)
	return http.StatusOK, map[string]any{"data": a}, nil
}

// tnxNumericID is a Telnyx-style numeric record id.
func tnxNumericID() string {
	n, _ := new(big.Int).SetString(randomHex(8), 16)
	return new(big.Int).Add(n.Rsh(n, 2), big.NewInt(1e18)).String()
}

func tnxFindAddress(st *TelnyxState, r *http.Request) (int, *tnxAddress, error) {
	return tnxFind(r, st.Addresses, func(a *tnxAddress) string { return a.ID }, "address", false)
}

func tnxGetAddress(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	_, a, err := tnxFindAddress(st, r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"data": a}, nil
}

func tnxDeleteAddress(_ *Server, st *TelnyxState, r *http.Request, _ []byte) (int, any, error) {
	i, a, err := tnxFindAddress(st, r)
	if err != nil {
		return 0, nil, err
	}
	st.Addresses = append(st.Addresses[:i], st.Addresses[i+1:]...)
	return http.StatusOK, map[string]any{"data": a}, nil
}

// tnxNormalizeStreet title-cases a street line and abbreviates its suffix, as
// USPS-style normalization does ("600 congress avenue" → "600 Congress Ave").
func tnxNormalizeStreet(s string) string {
	abbrev := map[string]string{"avenue": "Ave", "street": "St", "road": "Rd", "boulevard": "Blvd", "drive": "Dr", "lane": "Ln"}
	words := strings.Fields(s)
	for i, w := range words {
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		if a, ok := abbrev[lw]; ok && i == len(words)-1 {
			words[i] = a
			continue
		}
		if lw != "" {
			words[i] = strings.ToUpper(lw[:1]) + lw[1:]
		}
	}
	return strings.Join(words, " ")
}

func tnxValidateAddress(_ *Server, _ *TelnyxState, _ *http.Request, body []byte) (int, any, error) {
	f, err := tnxDecodeFields(body, "street_address", "extended_address", "locality", "administrative_area", "postal_code", "country_code")
	if err != nil {
		return 0, nil, err
	}
	in := tnxSuggested{StreetAddress: f.str("street_address", true), PostalCode: f.str("postal_code", true),
		CountryCode: f.str("country_code", true), ExtendedAddress: f.str("extended_address", false),
		Locality: f.str("locality", false), AdministrativeArea: f.str("administrative_area", false)}
	if in.CountryCode != "" && !tnxCountryCodePattern.MatchString(in.CountryCode) {
		f.fail("country_code", "Invalid parameter", "country_code must be a two-letter ISO 3166-1 alpha-2 code, e.g. US.")
	}
	if err := f.err(); err != nil {
		return 0, nil, err
	}
	sug := in
	sug.StreetAddress = tnxNormalizeStreet(in.StreetAddress)
	var problems []map[string]any
	issue := func(pointer, title, detail string) {
		// The SDK's shared.APIError names the text "description".
		problems = append(problems, map[string]any{"code": tnxCodeBadRequest, "title": title, "description": detail,
			"source": map[string]string{"pointer": pointer}})
	}
	if w := strings.Fields(in.StreetAddress); len(w) < 2 || !strings.ContainsAny(w[0], "0123456789") {
		issue("/street_address", "Invalid street address", "The street address needs a house number and a street name.")
	}
	if in.CountryCode == "US" {
		zip := strings.TrimSpace(in.PostalCode)
		if !tnxUsZIPPattern.MatchString(zip) {
			issue("/postal_code", "Invalid postal code", "A US postal code has 5 digits (optionally -4 more).")
		} else if city, ok := tnxUsZIPs[zip[:5]]; ok {
			sug.Locality, sug.AdministrativeArea = city[0], city[1]
		}
	}
	result := "valid"
	if len(problems) > 0 {
		result = "invalid"
	}
	out := map[string]any{"result": result, "suggested": sug, "record_type": "address_validation"}
	if problems != nil {
		out["errors"] = problems
	}
	return http.StatusOK, map[string]any{"data": out}, nil
}

func tnxAcceptSuggestions(s *Server, st *TelnyxState, r *http.Request, body []byte) (int, any, error) {
	_, a, err := tnxFindAddress(st, r)
	if err != nil {
		return 0, nil, err
	}
	f, err := tnxDecodeFields(body, "id")
	if err != nil {
		return 0, nil, err
	}
	if id := f.str("id", false); id != "" && id != a.ID {
		f.fail("id", "Invalid parameter", "id must be the id of the address in the path.")
	}
	if err := f.err(); err != nil {
		return 0, nil, err
	}
	a.StreetAddress = tnxNormalizeStreet(a.StreetAddress)
	if a.CountryCode == "US" && len(a.PostalCode) >= 5 {
		if city, ok := tnxUsZIPs[a.PostalCode[:5]]; ok {
			a.Locality, a.AdministrativeArea = city[0], city[1]
		}
	}
	a.UpdatedAt = s.telnyxNow()
	return http.StatusOK, map[string]any{"data": tnxSuggestionAcceptance{ID: tnxNameUUID("location/" + a.ID),
		Accepted: true, RecordType: "address_suggestion"}}, nil
}
