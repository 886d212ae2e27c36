package telnyx

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
)

// Addresses: emergency-validated addresses for phone numbers. They are
// immutable: to change one, create a new one.

// Address is one address record.
type Address struct {
	ID                 string `json:"id,omitempty"`
	RecordType         string `json:"record_type,omitempty"`
	FirstName          string `json:"first_name,omitempty"`
	LastName           string `json:"last_name,omitempty"`
	BusinessName       string `json:"business_name,omitempty"`
	PhoneNumber        string `json:"phone_number,omitempty"`
	StreetAddress      string `json:"street_address,omitempty"`
	ExtendedAddress    string `json:"extended_address,omitempty"`
	Locality           string `json:"locality,omitempty"`
	AdministrativeArea string `json:"administrative_area,omitempty"`
	Neighborhood       string `json:"neighborhood,omitempty"`
	Borough            string `json:"borough,omitempty"`
	PostalCode         string `json:"postal_code,omitempty"`
	CountryCode        string `json:"country_code,omitempty"`
	AddressBook        *bool  `json:"address_book,omitempty"`
	ValidateAddress    *bool  `json:"validate_address,omitempty"`
	CustomerReference  string `json:"customer_reference,omitempty"`
	CreatedAt          string `json:"created_at,omitempty"`
	UpdatedAt          string `json:"updated_at,omitempty"`
}

// AddressFilter narrows and orders the list.
type AddressFilter struct {
	CustomerReference     string `json:"customer_reference,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Contains, case-insensitive"`
	CustomerReferenceEq   string `json:"customer_reference_eq,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Equals"`
	CustomerRefContains   string `json:"customer_reference_contains,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Same as customer_reference"`
	StreetAddressContains string `json:"street_address_contains,omitempty" jsonschema:"minLength=3,maxLength=255" jsonschema_description:"Contains, case-insensitive"`
	UsedAsEmergency       *bool  `json:"used_as_emergency,omitempty" jsonschema_description:"Whether it is an active number's emergency address"`
	AddressBook           *bool  `json:"address_book,omitempty"`
	Sort                  string `json:"sort,omitempty" jsonschema:"enum=created_at,enum=-created_at,enum=first_name,enum=-first_name,enum=last_name,enum=-last_name,enum=business_name,enum=-business_name,enum=street_address,enum=-street_address" jsonschema_description:"A - prefix sorts descending"`
}

func (f *AddressFilter) query() url.Values {
	q := url.Values{}
	if f == nil {
		return q
	}
	set(q, "filter[customer_reference]", f.CustomerReference)
	set(q, "filter[customer_reference][eq]", f.CustomerReferenceEq)
	set(q, "filter[customer_reference][contains]", f.CustomerRefContains)
	set(q, "filter[street_address][contains]", f.StreetAddressContains)
	if f.UsedAsEmergency != nil {
		q.Set("filter[used_as_emergency]", strconv.FormatBool(*f.UsedAsEmergency))
	}
	if f.AddressBook != nil {
		q.Set("filter[address_book][eq]", strconv.FormatBool(*f.AddressBook))
	}
	set(q, "sort", f.Sort)
	return q
}

// CreateAddressParams is the create body; the SDK requires both name forms and the business name.
type CreateAddressParams struct {
	FirstName          string `json:"first_name" jsonschema:"minLength=1,maxLength=255"`
	LastName           string `json:"last_name" jsonschema:"minLength=1,maxLength=255"`
	BusinessName       string `json:"business_name" jsonschema:"minLength=1,maxLength=255"`
	StreetAddress      string `json:"street_address" jsonschema:"minLength=1,maxLength=255" jsonschema_description:"Street and number"`
	Locality           string `json:"locality" jsonschema:"minLength=1,maxLength=255" jsonschema_description:"City"`
	CountryCode        string `json:"country_code" jsonschema:"pattern=^[A-Z]{2}$" jsonschema_description:"ISO 3166-1 alpha-2"`
	ExtendedAddress    string `json:"extended_address,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Unit, suite or apartment"`
	AdministrativeArea string `json:"administrative_area,omitempty" jsonschema:"maxLength=255" jsonschema_description:"State or province"`
	PostalCode         string `json:"postal_code,omitempty" jsonschema:"maxLength=32"`
	Neighborhood       string `json:"neighborhood,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Not used in the US"`
	Borough            string `json:"borough,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Not used in the US"`
	PhoneNumber        string `json:"phone_number,omitempty" jsonschema:"maxLength=32" jsonschema_description:"E.164"`
	CustomerReference  string `json:"customer_reference,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Your own reference"`
	AddressBook        *bool  `json:"address_book,omitempty" jsonschema_description:"Show among regular addresses"`
	ValidateAddress    *bool  `json:"validate_address,omitempty" jsonschema_description:"For emergency use (default true)"`
}

// ValidateAddressParams is the validate body.
type ValidateAddressParams struct {
	StreetAddress      string `json:"street_address" jsonschema:"minLength=1,maxLength=255" jsonschema_description:"Street and number"`
	PostalCode         string `json:"postal_code" jsonschema:"minLength=1,maxLength=32"`
	CountryCode        string `json:"country_code" jsonschema:"pattern=^[A-Z]{2}$" jsonschema_description:"ISO 3166-1 alpha-2"`
	ExtendedAddress    string `json:"extended_address,omitempty" jsonschema:"maxLength=255" jsonschema_description:"Unit, suite or apartment"`
	Locality           string `json:"locality,omitempty" jsonschema:"maxLength=255" jsonschema_description:"City"`
	AdministrativeArea string `json:"administrative_area,omitempty" jsonschema:"maxLength=255" jsonschema_description:"State or province"`
}

// SuggestedAddress is the normalized form the API proposes.
type SuggestedAddress struct {
	StreetAddress      string `json:"street_address,omitempty"`
	ExtendedAddress    string `json:"extended_address,omitempty"`
	Locality           string `json:"locality,omitempty"`
	AdministrativeArea string `json:"administrative_area,omitempty"`
	PostalCode         string `json:"postal_code,omitempty"`
	CountryCode        string `json:"country_code,omitempty"`
}

// AddressValidation is the validate answer.
type AddressValidation struct {
	Result     string           `json:"result" jsonschema:"enum=valid,enum=invalid"`
	Suggested  SuggestedAddress `json:"suggested"`
	Errors     []ErrorItem      `json:"errors,omitempty"`
	RecordType string           `json:"record_type,omitempty"`
}

// UnmarshalJSON accepts "description" (the SDK's name) for an error's detail.
func (v *AddressValidation) UnmarshalJSON(b []byte) error {
	var w struct {
		Result     string           `json:"result"`
		Suggested  SuggestedAddress `json:"suggested"`
		Errors     []errorItemWire  `json:"errors"`
		RecordType string           `json:"record_type"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*v = AddressValidation{Result: w.Result, Suggested: w.Suggested, RecordType: w.RecordType}
	for _, e := range w.Errors {
		v.Errors = append(v.Errors, e.item())
	}
	return nil
}

// AcceptSuggestionsParams is the optional accept-suggestions body.
type AcceptSuggestionsParams struct {
	ID string `json:"id,omitempty"`
}

// SuggestionAcceptance is the accept-suggestions answer.
type SuggestionAcceptance struct {
	ID         string `json:"id,omitempty" jsonschema:"format=uuid"`
	Accepted   bool   `json:"accepted"`
	RecordType string `json:"record_type,omitempty" jsonschema:"enum=address_suggestion"`
}

// ListAddresses lists one page. GET /addresses
func (c *Client) ListAddresses(ctx context.Context, f *AddressFilter, page PageParams) (*Page[Address], error) {
	return listPage[Address](ctx, c, "/addresses", f.query(), page)
}

// CreateAddress creates an address. POST /addresses
func (c *Client) CreateAddress(ctx context.Context, in *CreateAddressParams) (*Address, error) {
	var out Address
	return &out, c.record(ctx, &request{method: "POST", path: "/addresses", body: in, mutating: true}, &out)
}

// ValidateAddress checks an address for emergency use; it stores nothing,
// so it runs under dry run and may be retried. POST /addresses/actions/validate
func (c *Client) ValidateAddress(ctx context.Context, in *ValidateAddressParams) (*AddressValidation, error) {
	var out AddressValidation
	return &out, c.record(ctx, &request{method: "POST", path: "/addresses/actions/validate", body: in}, &out)
}

// GetAddress reads one address. GET /addresses/{id}
func (c *Client) GetAddress(ctx context.Context, id string) (*Address, error) {
	var out Address
	return &out, c.record(ctx, &request{method: "GET", path: "/addresses/" + pathID(id)}, &out)
}

// DeleteAddress deletes an address and returns it. DELETE /addresses/{id}
func (c *Client) DeleteAddress(ctx context.Context, id string) (*Address, error) {
	var out Address
	return &out, c.record(ctx, &request{method: "DELETE", path: "/addresses/" + pathID(id), mutating: true}, &out)
}

// AcceptAddressSuggestions replaces the address with its validated suggestion
// and finishes the Operator Connect upload. POST /addresses/{id}/actions/accept_suggestions
func (c *Client) AcceptAddressSuggestions(ctx context.Context, id string, in *AcceptSuggestionsParams) (*SuggestionAcceptance, error) {
	if in == nil {
		in = &AcceptSuggestionsParams{} // the SDK sends {} when there is no body
	}
	var out SuggestionAcceptance
	return &out, c.record(ctx, &request{method: "POST", path: "/addresses/" + pathID(id) + "/actions/accept_suggestions",
		body: in, mutating: true}, &out)
}
