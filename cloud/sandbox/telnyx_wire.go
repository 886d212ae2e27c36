package sandbox

// The Telnyx v2 wire types the sandbox speaks, written from the official
// telnyx Node SDK's types (npm telnyx 7.24.0) and Telnyx's API reference
// (developers.telnyx.com, account access) — not imported from cloud/telnyx, so the
// client's field names are checked against an independent statement of them.
// Request bodies are read field by field (tnxFields), unknown fields are 422.

// tnxAccessIP is the AccessIPAddress record (single-record answers are bare, no data wrapper).
type tnxAccessIP struct {
	ID          string `json:"id"`
	IPAddress   string `json:"ip_address"`
	Source      string `json:"source"`
	Status      string `json:"status"` // pending | added
	UserID      string `json:"user_id"`
	Description string `json:"description,omitempty"`
	CreatedAt   string `json:"created_at,omitempty"`
	UpdatedAt   string `json:"updated_at,omitempty"`
}

// tnxAddress is the Address record.
type tnxAddress struct {
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

// tnxSuggested is validate's normalized address.
type tnxSuggested struct {
	StreetAddress      string `json:"street_address,omitempty"`
	ExtendedAddress    string `json:"extended_address,omitempty"`
	Locality           string `json:"locality,omitempty"`
	AdministrativeArea string `json:"administrative_area,omitempty"`
	PostalCode         string `json:"postal_code,omitempty"`
	CountryCode        string `json:"country_code,omitempty"`
}

// tnxSuggestionAcceptance is accept_suggestions' data.
type tnxSuggestionAcceptance struct {
	ID         string `json:"id,omitempty"`
	Accepted   bool   `json:"accepted"`
	RecordType string `json:"record_type,omitempty"` // address_suggestion
}

// tnxAuthProvider is the AuthenticationProvider record.
type tnxAuthProvider struct {
	ID             string       `json:"id,omitempty"`
	Name           string       `json:"name,omitempty"`
	ShortName      string       `json:"short_name,omitempty"`
	Active         *bool        `json:"active,omitempty"`
	ActivatedAt    string       `json:"activated_at,omitempty"`
	OrganizationID string       `json:"organization_id,omitempty"`
	RecordType     string       `json:"record_type,omitempty"`
	Settings       *tnxSettings `json:"settings,omitempty"`
	CreatedAt      string       `json:"created_at,omitempty"`
	UpdatedAt      string       `json:"updated_at,omitempty"`
}

// tnxSettings is the record's settings (every field optional).
type tnxSettings struct {
	IdpEntityID                 string         `json:"idp_entity_id,omitempty"`
	IdpSSOTargetURL             string         `json:"idp_sso_target_url,omitempty"`
	IdpSLOTargetURL             string         `json:"idp_slo_target_url,omitempty"`
	IdpCertFingerprint          string         `json:"idp_cert_fingerprint,omitempty"`
	IdpCertFingerprintAlgorithm string         `json:"idp_cert_fingerprint_algorithm,omitempty"`
	IdpCertificate              string         `json:"idp_certificate,omitempty"`
	IdpAttributeNames           map[string]any `json:"idp_attribute_names,omitempty"`
	NameIdentifierFormat        string         `json:"name_identifier_format,omitempty"`
	ProvisionGroups             *bool          `json:"provision_groups,omitempty"`
	AssertionConsumerServiceURL string         `json:"assertion_consumer_service_url,omitempty"`
	ServiceProviderEntityID     string         `json:"service_provider_entity_id,omitempty"`
	ServiceProviderLoginURL     string         `json:"service_provider_login_url,omitempty"`
}

// tnxSettingsInput is the request-side Settings (three idp_* fields required).
type tnxSettingsInput struct {
	IdpEntityID                 string
	IdpSSOTargetURL             string
	IdpCertFingerprint          string
	IdpCertFingerprintAlgorithm string
}

// tnxBillingGroup is the BillingGroup record; deleted_at is string or null.
type tnxBillingGroup struct {
	ID             string  `json:"id,omitempty"`
	Name           string  `json:"name,omitempty"`
	OrganizationID string  `json:"organization_id,omitempty"`
	RecordType     string  `json:"record_type,omitempty"`
	CreatedAt      string  `json:"created_at,omitempty"`
	UpdatedAt      string  `json:"updated_at,omitempty"`
	DeletedAt      *string `json:"deleted_at"`
}

// tnxIntegrationSecret is the IntegrationSecret record: never the value.
type tnxIntegrationSecret struct {
	ID         string `json:"id"`
	Identifier string `json:"identifier"`
	RecordType string `json:"record_type"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at,omitempty"`
}

// tnxErrorItem is one entry of the {"errors":[...]} envelope (Telnyx docs).
type tnxErrorItem struct {
	Code   string         `json:"code"`
	Title  string         `json:"title"`
	Detail string         `json:"detail,omitempty"`
	Source tnxErrorSource `json:"source,omitzero"`
	Meta   tnxErrorMeta   `json:"meta,omitzero"`
}

type tnxErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

type tnxErrorMeta struct {
	URL string `json:"url,omitempty"`
}

// tnxPageMeta is a list's meta block.
type tnxPageMeta struct {
	PageNumber   int `json:"page_number"`
	PageSize     int `json:"page_size"`
	TotalPages   int `json:"total_pages"`
	TotalResults int `json:"total_results"`
}

// tnxMaxPageSize bounds page[size] (the API's documented maximum is 250).
const tnxMaxPageSize = 250
